# 中华人民共和国外国人入境出境管理条例 (2013) — visa categories and documents, residence permits.
# Text quoted from /work/shared/reference/foreigners_entry_exit_regulations_2013.md (full text).
# Items of this instrument are enumerated with ASCII parentheses "(一)", as in the reference.

instrument entry_exit_regulations {
  title_zh "中华人民共和国外国人入境出境管理条例"
  title_en "Regulations of the People's Republic of China on the Administration of the Entry and Exit of Foreigners"
  rank administrative_regulation
  issuer "国务院"
  number "国务院令第637号"
  adopted 2013-07-03
  in_force 2013-09-01
  repealed none
  jurisdiction "national"
  source "foreigners_entry_exit_regulations_2013.md"
  note "Adopted at the 15th executive meeting of the State Council on 2013-07-03, promulgated 2013-07-12 (令第637号), in force 2013-09-01 (第三十九条)."
  implements exit_entry_law
}

article 1 {
  paragraph 1 {
    text "为了规范签证的签发和外国人在中国境内停留居留的服务和管理，根据《中华人民共和国出境入境管理法》(以下简称出境入境管理法)制定本条例。"
    gloss "Made under the Exit and Entry Administration Law to regulate the issue of visas and the services for and administration of foreigners' stay and residence in China."
  }
}

# ---------------------------------------------------------------------------------------------
# 第六条 — ordinary visa categories
# ---------------------------------------------------------------------------------------------
article 6 {
  paragraph 1 {
    text "普通签证分为以下类别，并在签证上标明相应的汉语拼音字母："
    gloss "Ordinary visas fall into the following categories, each marked on the visa with its pinyin letter:"
    item 1 { text "(一)C字签证，发给执行乘务、航空、航运任务的国际列车乘务员、国际航空器机组人员、国际航行船舶的船员及船员随行家属和从事国际道路运输的汽车驾驶员。" gloss "C: crew of international trains, aircraft and ships, their accompanying family, and international road transport drivers." }
    item 2 { text "(二)D字签证，发给入境永久居留的人员。" gloss "D: persons entering for permanent residence." }
    item 3 { text "(三)F字签证，发给入境从事交流、访问、考察等活动的人员。" gloss "F: exchanges, visits, study tours." }
    item 4 { text "(四)G字签证，发给经中国过境的人员。" gloss "G: transit." }
    item 5 { text "(五)J1字签证，发给外国常驻中国新闻机构的外国常驻记者；J2字签证，发给入境进行短期采访报道的外国记者。" gloss "J1: resident foreign journalists; J2: journalists on short reporting trips." }
    item 6 { text "(六)L字签证，发给入境旅游的人员；以团体形式入境旅游的，可以签发团体L字签证。" gloss "L: tourism (group L visas for tour groups)." }
    item 7 { text "(七)M字签证，发给入境进行商业贸易活动的人员。" gloss "M: commercial and trade activities." }
    item 8 { text "(八)Q1字签证，发给因家庭团聚申请入境居留的中国公民的家庭成员和具有中国永久居留资格的外国人的家庭成员，以及因寄养等原因申请入境居留的人员；Q2字签证，发给申请入境短期探亲的居住在中国境内的中国公民的亲属和具有中国永久居留资格的外国人的亲属。" gloss "Q1: family reunion with Chinese citizens or permanent residents, foster care; Q2: short family visits to them." }
    item 9 { text "(九)R字签证，发给国家需要的外国高层次人才和急需紧缺专门人才。" gloss "R: high-level foreign talent and urgently needed specialists the state needs." }
    item 10 { text "(十)S1字签证，发给申请入境长期探亲的因工作、学习等事由在中国境内居留的外国人的配偶、父母、未满18周岁的子女、配偶的父母，以及因其他私人事务需要在中国境内居留的人员；S2字签证，发给申请入境短期探亲的因工作、学习等事由在中国境内停留居留的外国人的家庭成员，以及因其他私人事务需要在中国境内停留的人员。" gloss "S1/S2: long / short visits to family members of foreigners residing in China for work or study, and other private affairs." }
    item 11 { text "(十一)X1字签证，发给申请在中国境内长期学习的人员；X2字签证，发给申请在中国境内短期学习的人员。" gloss "X1/X2: long-term / short-term study." }
    item 12 { text "(十二)Z字签证，发给申请在中国境内工作的人员。" gloss "Z: persons applying to work in China." }
  }
}

rule at art 6 para 1 item 2 {
  conclude eligible d_visa
  gloss "The D visa is for a foreigner entering for permanent residence; the application for it is that purpose, and 第七条第一款第二项 fixes what proves it."
  note "The category has no condition of its own: the person entering for permanent residence shows it with the confirmation form the Ministry of Public Security issued (第七条第一款第二项, a requirement held, never a permanent-residence application decided here)."
}

rule at art 6 para 1 item 9 {
  conclude eligible r_visa
  gloss "The R visa is for high-level foreign talent and urgently needed specialists: the category has no condition of its own; 第七条第一款第九项 fixes what the applicant must meet and prove."
}

rule at art 6 para 1 item 12 {
  conclude eligible z_visa
  when employment != none and employment.contract_signed
  gloss "The Z visa is for a foreigner who will work in China: one with an employer in China and a signed employment contract."
}

# ---------------------------------------------------------------------------------------------
# 第七条 — visa application materials
# ---------------------------------------------------------------------------------------------
article 7 {
  paragraph 1 {
    text "外国人申请办理签证，应当填写申请表，提交本人的护照或者其他国际旅行证件以及符合规定的照片和申请事由的相关材料。"
    gloss "A visa applicant fills in the application form and submits the passport, a photo and the materials for the purpose of the visit."
    item 1 { text "(一)申请C字签证，应当提交外国运输公司出具的担保函件或者中国境内有关单位出具的邀请函件。" gloss "C: a guarantee letter from the foreign transport company or an invitation from a unit in China." }
    item 2 { text "(二)申请D字签证，应当提交公安部签发的外国人永久居留身份确认表。" gloss "D: the permanent residence confirmation form issued by the Ministry of Public Security." }
    item 3 { text "(三)申请F字签证，应当提交中国境内的邀请方出具的邀请函件。" gloss "F: an invitation from the host in China." }
    item 4 { text "(四)申请G字签证，应当提交前往国家(地区)的已确定日期、座位的联程机(车、船)票。" gloss "G: an onward ticket with a confirmed date and seat." }
    item 5 { text "(五)申请J1字及J2字签证，应当按照中国有关外国常驻新闻机构和外国记者采访的规定履行审批手续并提交相应的申请材料。" gloss "J1/J2: approval under the rules on foreign news agencies and journalists." }
    item 6 { text "(六)申请L字签证，应当按照要求提交旅行计划行程安排等材料；以团体形式入境旅游的，还应当提交旅行社出具的邀请函件。" gloss "L: the travel itinerary; for groups, the travel agency's invitation." }
    item 7 { text "(七)申请M字签证，应当按照要求提交中国境内商业贸易合作方出具的邀请函件。" gloss "M: an invitation from the trading partner in China." }
    item 8 { text "(八)申请Q1字签证，因家庭团聚申请入境居留的，应当提交居住在中国境内的中国公民、具有永久居留资格的外国人出具的邀请函件和家庭成员关系证明，因寄养等原因申请入境的，应当提交委托书等证明材料；申请Q2字签证，应当提交居住在中国境内的中国公民、具有永久居留资格的外国人出具的邀请函件等证明材料。" gloss "Q1/Q2: an invitation from the citizen or permanent resident in China and proof of the family relationship (or the foster-care mandate)." }
    item 9 { text "(九)申请R字签证，应当符合中国政府有关主管部门确定的外国高层次人才和急需紧缺专门人才的引进条件和要求，并按照规定提交相应的证明材料。" gloss "R: meet the conditions for high-level talent and urgently needed specialists fixed by the competent Chinese authorities, and submit the corresponding proof." }
    item 10 { text "(十)申请S1字及S2字签证，应当按照要求提交因工作、学习等事由在中国境内停留居留的外国人出具的邀请函件、家庭成员关系证明，或者入境处理私人事务所需的证明材料。" gloss "S1/S2: an invitation from the foreigner residing in China and proof of the family relationship, or proof of the private affair." }
    item 11 { text "(十一)申请X1字签证应当按照规定提交招收单位出具的录取通知书和主管部门出具的证明材料；申请X2字签证，应当按照规定提交招收单位出具的录取通知书等证明材料。" gloss "X1/X2: the admission letter (and, for X1, the competent department's certificate)." }
    item 12 { text "(十二)申请Z字签证，应当按照规定提交工作许可等证明材料。" gloss "Z: the work permit and other supporting documents." }
  }
  paragraph 2 {
    text "签证机关可以根据具体情况要求外国人提交其他申请材料。"
    gloss "The visa authority may ask for other materials as the case requires."
  }
}

rule at art 7 para 1 item 2 {
  conclude requires pr_confirmation_form for d_visa
  gloss "A D-visa applicant submits the permanent residence confirmation form."
}

rule talent_conditions at art 7 para 1 item 9 {
  conclude requires that met(r_visa_talent_standard) for r_visa
  gloss "An R-visa applicant meets the conditions for high-level talent fixed by the competent departments."
  note "What the competent departments fixed is the condition r_visa_talent_standard: from 2018-01-01 the class A standard (外国人才签证制度实施办法 第四条第二款); before, a standard not at hand. The proof (按照规定提交相应的证明材料) is the confirmation letter (talent_visa_measures/r_visa_confirmation_letter)."
}

rule talent_standard_before_2018 at art 7 para 1 item 9 {
  conclude condition r_visa_talent_standard
  when decision_date < 2018-01-01 and not_at_hand("R字签证：2018年1月1日前主管部门确定的外国高层次人才引进条件（文本未收录）")
  gloss "Before 2018-01-01 the competent departments' talent conditions for the R visa are not at hand: the visa is undetermined on them, never refused."
}

rule at art 7 para 1 item 12 {
  conclude requires work_permit_notice for z_visa
  gloss "A Z-visa applicant submits the work permit (in practice the work permit notice, 外国人工作许可通知)."
  note "工作许可等证明材料: since 2017 the document presented for the Z visa is the 外国人工作许可通知 (seed 000 三（二）2-3); the work permit card itself is collected after entry."
}

# Who files is not a condition here: the employer's part in the Z and R visas and the work-type
# residence permit is carried by documents issued to the employer (the work permit notice and the
# work permit, 外国高端人才确认函 — seed 000 三（二）1-3), which the applicant must hold.



# ---------------------------------------------------------------------------------------------
# 第十五条 — categories of residence permit
# ---------------------------------------------------------------------------------------------
article 15 {
  paragraph 1 {
    text "居留证件分为以下种类："
    gloss "Residence permits are of the following kinds:"
    item 1 { text "(一)工作类居留证件，发给在中国境内工作的人员；" gloss "work-type, for persons working in China;" }
    item 2 { text "(二)学习类居留证件，发给在中国境内长期学习的人员；" gloss "study-type, for long-term students;" }
    item 3 { text "(三)记者类居留证件，发给外国常驻中国新闻机构的外国常驻记者；" gloss "journalist-type, for resident foreign journalists;" }
    item 4 { text "(四)团聚类居留证件，发给因家庭团聚需要在中国境内居留的中国公民的家庭成员和具有中国永久居留资格的外国人的家庭成员，以及因寄养等原因需要在中国境内居留的人员；" gloss "reunion-type, for family members of Chinese citizens and permanent residents, and foster care;" }
    item 5 { text "(五)私人事务类居留证件，发给入境长期探亲的因工作、学习等事由在中国境内居留的外国人的配偶、父母、未满18周岁的子女、配偶的父母，以及因其他私人事务需要在中国境内居留的人员。" gloss "private-affairs-type, for relatives on long visits to foreigners residing in China for work or study, and other private affairs." }
  }
}

rule at art 15 para 1 item 1 {
  conclude eligible work_residence_permit
  when employment != none and employment.contract_signed
  gloss "The work-type residence permit is for a foreigner working in China: one with an employer in China and a signed employment contract."
}

# ---------------------------------------------------------------------------------------------
# 第十六条 — residence permit application materials
# ---------------------------------------------------------------------------------------------
article 16 {
  paragraph 1 {
    text "外国人申请办理外国人居留证件，应当提交本人护照或者其他国际旅行证件以及符合规定的照片和申请事由的相关材料，本人到居留地县级以上地方人民政府公安机关出入境管理机构办理相关手续，并留存指纹等人体生物识别信息。"
    gloss "A residence-permit applicant submits the passport, a photo and the materials for the purpose, completes the formalities in person at the exit-entry administration of the public security organ (county level or above) of the place of residence, and leaves fingerprints."
    item 1 { text "(一)工作类居留证件，应当提交工作许可等证明材料；属于国家需要的外国高层次人才和急需紧缺专门人才的，应当按照规定提交有关证明材料。" gloss "work-type: the work permit and other supporting documents; high-level talent and urgently needed specialists submit the relevant proof as prescribed." }
    item 2 { text "(二)学习类居留证件，应当按照规定提交招收单位出具的注明学习期限的函件等证明材料。" gloss "study-type: the admitting institution's letter stating the period of study." }
    item 3 { text "(三)记者类居留证件，应当提交有关主管部门出具的函件和核发的记者证。" gloss "journalist-type: the competent department's letter and the press card." }
    item 4 { text "(四)团聚类居留证件，因家庭团聚需要在中国境内居留的，应当提交家庭成员关系证明和与申请事由相关的证明材料；因寄养等原因需要在中国境内居留的，应当提交委托书等证明材料。" gloss "reunion-type: proof of the family relationship (or the foster-care mandate)." }
    item 5 { text "(五)私人事务类居留证件，长期探亲的，应当按照要求提交亲属关系证明、被探望人的居留证件等证明材料；入境处理私人事务的，应当提交因处理私人事务需要在中国境内居留的相关证明材料。" gloss "private-affairs-type: proof of kinship and the visited person's residence permit, or proof of the private affair." }
  }
  paragraph 2 {
    text "外国人申请有效期1年以上的居留证件的，应当按照规定提交健康证明。健康证明自开具之日起6个月内有效。"
    gloss "An applicant for a residence permit valid for one year or more submits a health certificate, valid for 6 months from issue."
    note "Encoded in residence.lex (health_certificate) for the work-type, study, reunion and private-affairs residence permits, on the validity applied for (requested_validity_years). applicant.health_ok is a health condition, not the certificate."
  }
}

rule at art 16 para 1 item 1 {
  conclude requires work_permit for work_residence_permit
  gloss "A work-type residence permit applicant submits the work permit."
}

# The second clause of item 1 (proof for high-level talent, 有关证明材料) names no document and is
# not encoded as a rule.


# ---------------------------------------------------------------------------------------------
# 第三十九条 — entry into force and repeal
# ---------------------------------------------------------------------------------------------
article 39 {
  paragraph 1 {
    text "本条例自2013年9月1日起施行。1986年12月3日国务院批准，1986年12月27日公安部、外交部公布，1994年7月13日、2010年4月24日国务院修订的《中华人民共和国外国人入境出境管理法实施细则》同时废止。"
    gloss "These Regulations take effect on 1 September 2013; the 1986 implementing rules of the Law on the Entry and Exit of Foreigners (revised 1994 and 2010) are repealed at the same time."
  }
}

# ---------------------------------------------------------------------------------------------
# Articles added for the obligations monitor (issue 15): their duties, prohibitions and consequences
# are in obligations.lex beside this file; article text quoted from foreigners_entry_exit_regulations_2013.md.
# ---------------------------------------------------------------------------------------------
# 第二十二条 — students' off-campus work-study and internships need an endorsement
article 22 {
  paragraph 1 {
    text "持学习类居留证件的外国人需要在校外勤工助学或者实习的，应当经所在学校同意后，向公安机关出入境管理机构申请居留证件加注勤工助学或者实习地点、期限等信息。"
    gloss "A holder of a study-type residence permit who needs off-campus work-study or an internship applies, with the school's consent, to have the place and period endorsed on the residence permit."
  }
  paragraph 2 {
    text "持学习类居留证件的外国人所持居留证件未加注前款规定信息的，不得在校外勤工助学或者实习。"
    gloss "Without that endorsement the holder may not do off-campus work-study or internships."
  }
}

# 第二十五条 — what illegal residence is
article 25 {
  paragraph 1 {
    text "外国人在中国境内有下列情形之一的，属于非法居留：(一)超过签证、停留居留证件规定的停留居留期限停留居留的；(二)免办签证入境的外国人超过免签期限停留且未办理停留居留证件的；(三)外国人超出限定的停留居留区域活动的；(四)其他非法居留的情形。"
    gloss "A foreigner in China resides illegally when:"
  }
}

