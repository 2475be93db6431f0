# 中华人民共和国出境入境管理法 (2012) — the articles on visas, residence, work and permanent residence.
# Text quoted from /work/shared/reference/exit_entry_administration_law_2012.md (full text).

instrument exit_entry_law {
  title_zh "中华人民共和国出境入境管理法"
  title_en "Exit and Entry Administration Law of the People's Republic of China"
  rank law
  issuer "全国人民代表大会常务委员会"
  adopted 2012-06-30
  in_force 2013-07-01
  repealed none
  jurisdiction "national"
  source "exit_entry_administration_law_2012.md"
}

# ---------------------------------------------------------------------------------------------
# 第二十一条 — grounds for refusing a visa
# ---------------------------------------------------------------------------------------------
article 21 {
  paragraph 1 {
    text "外国人有下列情形之一的，不予签发签证:"
    gloss "A visa is not issued to a foreigner in any of the following situations:"
    item 1 { text "（一）被处驱逐出境或者被决定遣送出境，未满不准入境规定年限的；" gloss "expelled or deported, and the entry-ban period has not ended;" }
    item 2 { text "（二）患有严重精神障碍、传染性肺结核病或者有可能对公共卫生造成重大危害的其他传染病的；" gloss "suffering from a serious mental disorder, infectious pulmonary tuberculosis or another infectious disease that may seriously endanger public health;" }
    item 3 { text "（三）可能危害中国国家安全和利益、破坏社会公共秩序或者从事其他违法犯罪活动的；" gloss "may endanger China's national security and interests, disrupt public order or engage in other illegal or criminal activities;" }
    item 4 { text "（四）在申请签证过程中弄虚作假或者不能保障在中国境内期间所需费用的；" gloss "practised fraud in the visa application, or cannot cover the expenses of the stay in China;" }
    item 5 { text "（五）不能提交签证机关要求提交的相关材料的；" gloss "cannot submit the materials the visa authority requires;" }
    item 6 { text "（六）签证机关认为不宜签发签证的其他情形。" gloss "other situations in which the visa authority considers a visa inappropriate." }
  }
  paragraph 2 {
    text "对不予签发签证的，签证机关可以不说明理由。"
    gloss "The visa authority may refuse without giving reasons."
  }
}

strict rule at art 21 para 1 item 1 {
  conclude refusal_ground for z_visa, r_visa, d_visa, job_seeking_visa
  when applicant.deported_within_ban
  gloss "No visa while an expulsion or deportation entry ban is running."
}

strict rule at art 21 para 1 item 2 {
  conclude refusal_ground for z_visa, r_visa, d_visa, job_seeking_visa
  when applicant.disease_barring_entry
  gloss "No visa for a serious mental disorder, infectious TB or another disease of major public-health danger."
  note "Read from applicant.disease_barring_entry, the item's own list of diseases — not from applicant.health_ok, which is the 身体健康 of the permanent-residence measures."
}

strict rule at art 21 para 1 item 3 {
  conclude refusal_ground for z_visa, r_visa, d_visa, job_seeking_visa
  when applicant.security_risk
  gloss "No visa for a risk to national security, public order, or of other illegal or criminal activity."
}

strict rule at art 21 para 1 item 4 {
  conclude refusal_ground for z_visa, r_visa, d_visa, job_seeking_visa
  when applicant.fraud_in_application or applicant.can_cover_expenses == false
  gloss "No visa after fraud in the application, or when the stay's expenses cannot be covered."
}

# Item 5 is the refusal ground the law gives for a visa's materials: it stands exactly when a document
# the regulations require for the visa (条例 第七条) is not held. Item 6 is the visa authority's
# discretion — no fact in the contract can decide it; it remains as text.
strict rule at art 21 para 1 item 5 {
  conclude refusal_ground for z_visa, r_visa, d_visa, job_seeking_visa
  on missing documents
  gloss "No visa when the materials the visa authority requires (the documents of 条例 第七条) are not submitted."
}

# ---------------------------------------------------------------------------------------------
# 第三十条 — residence permit within 30 days of entry; validity of residence permits
# ---------------------------------------------------------------------------------------------
article 30 {
  paragraph 1 {
    text "外国人所持签证注明入境后需要办理居留证件的，应当自入境之日起三十日内，向拟居留地县级以上地方人民政府公安机关出入境管理机构申请办理外国人居留证件。"
    gloss "A foreigner whose visa says a residence permit is needed after entry applies for it within 30 days of entry to the exit-entry administration of the public security organ (county level or above) of the intended place of residence."
  }
  paragraph 2 {
    text "申请办理外国人居留证件，应当提交本人的护照或者其他国际旅行证件，以及申请事由的相关材料，并留存指纹等人体生物识别信息。公安机关出入境管理机构应当自收到申请材料之日起十五日内进行审查并作出审查决定，根据居留事由签发相应类别和期限的外国人居留证件。"
    gloss "The application carries the passport, the materials for its purpose and fingerprints; the authority decides within 15 days of receiving the materials and issues a residence permit of the category and term matching the purpose."
  }
  paragraph 3 {
    text "外国人工作类居留证件的有效期最短为九十日，最长为五年；非工作类居留证件的有效期最短为一百八十日，最长为五年。"
    gloss "A work-type residence permit is valid for 90 days to 5 years; a non-work residence permit for 180 days to 5 years."
  }
}

rule residence_deadline at art 30 para 1 {
  conclude obligation apply_for_residence_permit for work_residence_permit by residence.entry_date + 30 days
  when residence.entry_visa in {"Z", "R"}
  gloss "A Z- or R-visa holder applies for the work-type residence permit within 30 days of entry."
  note "residence.entry_visa carries the visa letter printed on the visa (条例 第六条: Z, R, ...). Only the work visas are named here because this corpus decides the work-type residence permit; other residence visas (X1, J1, Q1, S1, D) carry the same duty for their own permits."
}

rule validity_min at art 30 para 3 {
  conclude value work_residence_permit.validity_min_days = 90
  gloss "Minimum validity of a work-type residence permit: 90 days."
}

rule validity_max at art 30 para 3 {
  conclude value work_residence_permit.validity_max_years = 5
  gloss "Maximum validity of a work-type residence permit: 5 years."
}

# ---------------------------------------------------------------------------------------------
# 第三十一条 — grounds for refusing a residence permit
# ---------------------------------------------------------------------------------------------
article 31 {
  paragraph 1 {
    text "外国人有下列情形之一的，不予签发外国人居留证件:"
    gloss "A residence permit is not issued to a foreigner in any of the following situations:"
    item 1 { text "（一）所持签证类别属于不应办理外国人居留证件的；" gloss "the visa held is of a category that does not lead to a residence permit;" }
    item 2 { text "（二）在申请过程中弄虚作假的；" gloss "fraud in the application;" }
    item 3 { text "（三）不能按照规定提供相关证明材料的；" gloss "cannot provide the required supporting materials;" }
    item 4 { text "（四）违反中国有关法律、行政法规，不适合在中国境内居留的；" gloss "has violated Chinese laws or administrative regulations and is unfit to reside in China;" }
    item 5 { text "（五）签发机关认为不宜签发外国人居留证件的其他情形。" gloss "other situations in which the issuing authority considers a residence permit inappropriate." }
  }
  paragraph 2 {
    text "符合国家规定的专门人才、投资者或者出于人道等原因确需由停留变更为居留的外国人，经设区的市级以上地方人民政府公安机关出入境管理机构批准可以办理外国人居留证件。"
    gloss "Specialists and investors meeting state rules, or foreigners with humanitarian or similar reasons who truly need to change from stay to residence, may obtain a residence permit with the approval of the exit-entry administration of a districted city's public security organ or above."
  }
}

strict rule at art 31 para 1 item 2 {
  conclude refusal_ground for work_residence_permit
  when applicant.fraud_in_application
  gloss "No residence permit after fraud in the application."
}

strict rule at art 31 para 1 item 4 {
  conclude refusal_ground for work_residence_permit
  when applicant.violation_unfit_to_reside
  gloss "No residence permit for a foreigner found to have violated Chinese laws or administrative regulations and unfit to reside in China."
  note "Read only from applicant.violation_unfit_to_reside (the item's own finding); never from a risk flag or a removal."
}

# Item 3 is the refusal ground the law gives for a residence permit's supporting materials: it stands
# exactly when a document the regulations require (条例 第十六条) is not held.
strict rule at art 31 para 1 item 3 {
  conclude refusal_ground for work_residence_permit
  on missing documents
  gloss "No residence permit when the required supporting materials (the documents of 条例 第十六条) are not provided."
}

# Item 1 (a visa for a stay only) with paragraph 2 (an approved change from stay to residence) as its
# exception is encoded in refusal_grounds_more_permits.lex for the study, reunion, private-affairs
# residence permits and the work-type permit. Item 5 (discretion) has no deciding fact.

# ---------------------------------------------------------------------------------------------
# 第四十一条 — work needs a work permit and a work-type residence permit
# ---------------------------------------------------------------------------------------------
article 41 {
  paragraph 1 {
    text "外国人在中国境内工作，应当按照规定取得工作许可和工作类居留证件。任何单位和个人不得聘用未取得工作许可和工作类居留证件的外国人。"
    gloss "A foreigner working in China must obtain a work permit and a work-type residence permit as prescribed. No unit or individual may employ a foreigner who has not obtained them."
  }
  paragraph 2 {
    text "外国人在中国境内工作管理办法由国务院规定。"
    gloss "The State Council prescribes the measures for the administration of foreigners working in China."
  }
}

# Paragraph 1's first sentence (work needs both the work permit and the work-type residence permit)
# is carried by the documents rules of the regulations (第七条第一款第十二项, 第十六条第一款第一项):
# the Z visa rests on the work permit notice and the work-type residence permit on the work permit.
# A separate "authorised to work" condition was drafted and dropped: no permit decision reads it, so
# no application could exercise it.


# ---------------------------------------------------------------------------------------------
# 第四十三条 — illegal employment
# ---------------------------------------------------------------------------------------------
article 43 {
  paragraph 1 {
    text "外国人有下列行为之一的，属于非法就业:"
    gloss "A foreigner is employed illegally when:"
    item 1 { text "（一）未按照规定取得工作许可和工作类居留证件在中国境内工作的；" gloss "working in China without the work permit and work-type residence permit;" }
    item 2 { text "（二）超出工作许可限定范围在中国境内工作的；" gloss "working in China beyond the scope of the work permit;" }
    item 3 { text "（三）外国留学生违反勤工助学管理规定，超出规定的岗位范围或者时限在中国境内工作的。" gloss "a foreign student working beyond the posts or hours allowed by the work-study rules." }
  }
}

# Not encoded as a rule: item 1 turns on whether the foreigner is working in China now, and the
# application contract has no such fact (employment records the employer, not whether work has
# begun); items 2 and 3 (scope of the work permit; student work-study) have no facts either. No
# permit decision depends on this article.

# ---------------------------------------------------------------------------------------------
# 第四十七条 — permanent residence; 第四十八条 — its effect; 第四十九条 — cancellation
# ---------------------------------------------------------------------------------------------
article 47 {
  paragraph 1 {
    text "对中国经济社会发展作出突出贡献或者符合其他在中国境内永久居留条件的外国人，经本人申请和公安部批准，取得永久居留资格。"
    gloss "A foreigner who has made an outstanding contribution to China's economic and social development or meets the other conditions for permanent residence obtains permanent residence on his or her own application and the approval of the Ministry of Public Security."
    note "The conditions are those of the measures made under paragraph 2 (pr_measures, 第六条). The words 经本人申请 (on the foreigner's own application) are what an independent-application reform relies on."
  }
  paragraph 2 {
    text "外国人在中国境内永久居留的审批管理办法由公安部、外交部会同国务院有关部门规定。"
    gloss "The Ministry of Public Security and the Ministry of Foreign Affairs, with the relevant State Council departments, prescribe the measures for examining and approving permanent residence."
    note "Delegation implemented by pr_measures (recorded there as `implements`)."
  }
}

article 48 {
  paragraph 1 {
    text "取得永久居留资格的外国人，凭永久居留证件在中国境内居留和工作，凭本人的护照和永久居留证件出境入境。"
    gloss "A foreigner with permanent residence resides and works in China on the permanent residence card, and exits and enters on the passport and that card."
  }
}

# The article states what the permanent residence card allows (residing, working, travelling): encoded
# in permanent_residence_card.lex as a value beside the work permit's and the work-type residence
# permit's outcome (not needed by a holder), and in obligations.lex as the holding that lifts the
# prohibitions of working without them. It refuses nothing, so it decides no outcome.

article 49 {
  paragraph 1 {
    text "外国人有下列情形之一的，由公安部决定取消其在中国境内永久居留资格:"
    gloss "The Ministry of Public Security cancels a foreigner's permanent residence when:"
    item 1 { text "（一）对中国国家安全和利益造成危害的；" gloss "the foreigner has harmed China's national security and interests;" }
    item 2 { text "（二）被处驱逐出境的；" gloss "the foreigner has been expelled;" }
    item 3 { text "（三）弄虚作假骗取在中国境内永久居留资格的；" gloss "permanent residence was obtained by fraud;" }
    item 4 { text "（四）在中国境内居留未达到规定时限的；" gloss "the foreigner has not resided in China for the prescribed time;" }
    item 5 { text "（五）不适宜在中国境内永久居留的其他情形。" gloss "other situations making permanent residence inappropriate." }
  }
}

# 第四十九条 cancels a holder's permanent residence; it is not a ground for refusing the grant. Its
# items are encoded in cancellation.lex as grounds of a decision of its own kind (`conclude cancelled`,
# asked by the application's `cancellation_of`). Item 4's minimum residence time is set by the
# measures' later articles, only paraphrased (pr_measures_2004_later_articles_summary.md), and item 5 is
# the Ministry's finding: for both the caseworker's finding is the fact.

# ---------------------------------------------------------------------------------------------
# 第九十三条 — entry into force and repeal
# ---------------------------------------------------------------------------------------------
article 93 {
  paragraph 1 {
    text "本法自2013年7月1日起施行。《中华人民共和国外国人入境出境管理法》和《中华人民共和国公民出境入境管理法》同时废止。"
    gloss "This Law takes effect on 1 July 2013; the Law on the Entry and Exit of Foreigners and the Law on the Exit and Entry of Citizens are repealed at the same time."
    note "Recorded in the instrument's metadata as in_force 2013-07-01; the repealed 1985 law is the instrument id exit_entry_law_1985 (not encoded), under which pr_measures was enacted."
  }
}

# ---------------------------------------------------------------------------------------------
# Articles added for the obligations monitor (issue 15): their duties, prohibitions and consequences
# are in obligations.lex beside this file; article text quoted from exit_entry_administration_law_2012.md.
# ---------------------------------------------------------------------------------------------
# 第二十九条 — stay on a visa; extension seven days before the stay ends
article 29 {
  paragraph 1 {
    text "外国人所持签证注明的停留期限不超过一百八十日的，持证人凭签证并按照签证注明的停留期限在中国境内停留。"
    gloss "A holder of a visa whose stay is at most 180 days stays in China on the visa for the stay it states."
  }
  paragraph 2 {
    text "需要延长签证停留期限的，应当在签证注明的停留期限届满七日前向停留地县级以上地方人民政府公安机关出入境管理机构申请，按照要求提交申请事由的相关材料。经审查，延期理由合理、充分的，准予延长停留期限；不予延长停留期限的，应当按期离境。"
    gloss "An extension of the stay is applied for at least seven days before the stay ends, to the exit-entry administration of the public security organ (county level or above) where the foreigner stays; if refused, the foreigner leaves on time."
  }
  paragraph 3 {
    text "延长签证停留期限，累计不得超过签证原注明的停留期限。"
    gloss "Extensions together may not exceed the stay the visa first stated."
  }
}

# 第三十二条 — extension of residence thirty days before the residence permit expires
article 32 {
  paragraph 1 {
    text "在中国境内居留的外国人申请延长居留期限的，应当在居留证件有效期限届满三十日前向居留地县级以上地方人民政府公安机关出入境管理机构提出申请，按照要求提交申请事由的相关材料。经审查，延期理由合理、充分的，准予延长居留期限；不予延长居留期限的，应当按期离境。"
    gloss "A foreigner residing in China who seeks to extend residence applies at least thirty days before the residence permit expires; if refused, the foreigner leaves on time."
  }
}

# 第三十三条 — particulars of the residence permit; changes within ten days
article 33 {
  paragraph 1 {
    text "外国人居留证件的登记项目包括:持有人姓名、性别、出生日期、居留事由、居留期限，签发日期、地点，护照或者其他国际旅行证件号码等。"
    gloss "The residence permit records the holder's name, sex, date of birth, purpose and term of residence, date and place of issue, passport number and the like."
  }
  paragraph 2 {
    text "外国人居留证件登记事项发生变更的，持证件人应当自登记事项发生变更之日起十日内向居留地县级以上地方人民政府公安机关出入境管理机构申请办理变更。"
    gloss "When a registered particular changes, the holder applies for the change within ten days of the change to the exit-entry administration where he or she resides."
  }
}

# 第三十七条 — activities matching the purpose; leaving before the stay or residence ends
article 37 {
  paragraph 1 {
    text "外国人在中国境内停留居留，不得从事与停留居留事由不相符的活动，并应当在规定的停留居留期限届满前离境。"
    gloss "A foreigner staying or residing in China may not engage in activities that do not match the purpose of stay or residence, and leaves before the stay or residence period ends."
  }
}

# 第三十九条 — registration of accommodation
article 39 {
  paragraph 1 {
    text "外国人在中国境内旅馆住宿的，旅馆应当按照旅馆业治安管理的有关规定为其办理住宿登记，并向所在地公安机关报送外国人住宿登记信息。"
    gloss "When a foreigner stays in a hotel, the hotel registers the accommodation under the rules for hotels and reports it to the local public security organ."
  }
  paragraph 2 {
    text "外国人在旅馆以外的其他住所居住或者住宿的，应当在入住后二十四小时内由本人或者留宿人，向居住地的公安机关办理登记。"
    gloss "A foreigner living or staying elsewhere than a hotel registers with the local public security organ within 24 hours of moving in, in person or through the host."
  }
}

# 第四十条 — births within sixty days; deaths
article 40 {
  paragraph 1 {
    text "在中国境内出生的外国婴儿，其父母或者代理人应当在婴儿出生六十日内，持该婴儿的出生证明到父母停留居留地县级以上地方人民政府公安机关出入境管理机构为其办理停留或者居留登记。"
    gloss "For a foreign baby born in China, the parents or an agent register the baby's stay or residence within sixty days of the birth, with the birth certificate."
  }
  paragraph 2 {
    text "外国人在中国境内死亡的，其家属、监护人或者代理人，应当按照规定，持该外国人的死亡证明向县级以上地方人民政府公安机关出入境管理机构申报，注销外国人停留居留证件。"
    gloss "When a foreigner dies in China, the family, guardian or agent reports it with the death certificate and the stay or residence permit is cancelled."
  }
}

# 第四十五条 — reports by employers and schools
article 45 {
  paragraph 1 {
    text "聘用外国人工作或者招收外国留学生的单位，应当按照规定向所在地公安机关报告有关信息。"
    gloss "A unit that employs foreigners or admits foreign students reports the relevant information to the local public security organ as prescribed."
  }
  paragraph 2 {
    text "公民、法人或者其他组织发现外国人有非法入境、非法居留、非法就业情形的，应当及时向所在地公安机关报告。"
    gloss "Citizens and organisations that find a foreigner in illegal entry, residence or employment report it promptly to the local public security organ."
  }
}

# 第七十六条 — warnings and fines up to ¥2,000 (registration, changes, births)
article 76 {
  paragraph 1 {
    text "有下列情形之一的，给予警告，可以并处二千元以下罚款:"
    gloss "In the following situations a warning is given, and a fine of up to ¥2,000 may be added:"
    item 1 { text "（一）外国人拒不接受公安机关查验其出境入境证件的；" gloss "a foreigner refuses inspection of his or her exit-entry documents;" }
    item 2 { text "（二）外国人拒不交验居留证件的；" gloss "a foreigner refuses to present the residence permit for inspection;" }
    item 3 { text "（三）未按照规定办理外国人出生登记、死亡申报的；" gloss "the registration of a birth or the report of a death is not made as prescribed;" }
    item 4 { text "（四）外国人居留证件登记事项发生变更，未按照规定办理变更的；" gloss "a change of the residence permit's registered particulars is not applied for as prescribed;" }
    item 5 { text "（五）在中国境内的外国人冒用他人出境入境证件的；" gloss "a foreigner in China uses another person's exit-entry document;" }
    item 6 { text "（六）未按照本法第三十九条第二款规定办理登记的。" gloss "the registration under 第三十九条第二款 is not made." }
  }
  paragraph 2 {
    text "旅馆未按照规定办理外国人住宿登记的，依照《中华人民共和国治安管理处罚法》的有关规定予以处罚；未按照规定向公安机关报送外国人住宿登记信息的，给予警告；情节严重的，处一千元以上五千元以下罚款。"
    gloss "A hotel that does not register a foreigner's accommodation is punished under the Public Security Administration Punishments Law; one that does not report the registration information receives a warning, and in serious cases a fine of ¥1,000 to ¥5,000."
  }
}

# 第七十八条 — illegal residence: warning, or ¥500 a day up to ¥10,000, or detention
article 78 {
  paragraph 1 {
    text "外国人非法居留的，给予警告；情节严重的，处每非法居留一日五百元，总额不超过一万元的罚款或者五日以上十五日以下拘留。"
    gloss "A foreigner residing illegally receives a warning; in serious cases a fine of ¥500 for each day of illegal residence, at most ¥10,000 in total, or detention of five to fifteen days."
  }
  paragraph 2 {
    text "因监护人或者其他负有监护责任的人未尽到监护义务，致使未满十六周岁的外国人非法居留的，对监护人或者其他负有监护责任的人给予警告，可以并处一千元以下罚款。"
    gloss "When a foreigner under sixteen resides illegally because the guardian failed in the duty of guardianship, the guardian receives a warning and may be fined up to ¥1,000."
  }
}

# 第八十条 — illegal employment: fines on the foreigner, the intermediary and the employer
article 80 {
  paragraph 1 {
    text "外国人非法就业的，处五千元以上二万元以下罚款；情节严重的，处五日以上十五日以下拘留，并处五千元以上二万元以下罚款。"
    gloss "A foreigner employed illegally is fined ¥5,000 to ¥20,000; in serious cases detained for five to fifteen days and fined ¥5,000 to ¥20,000."
  }
  paragraph 2 {
    text "介绍外国人非法就业的，对个人处每非法介绍一人五千元，总额不超过五万元的罚款；对单位处每非法介绍一人五千元，总额不超过十万元的罚款；有违法所得的，没收违法所得。"
    gloss "Whoever introduces foreigners into illegal employment is fined ¥5,000 per person introduced, at most ¥50,000 for an individual and ¥100,000 for a unit; illegal gains are confiscated."
  }
  paragraph 3 {
    text "非法聘用外国人的，处每非法聘用一人一万元，总额不超过十万元的罚款；有违法所得的，没收违法所得。"
    gloss "Whoever employs a foreigner illegally is fined ¥10,000 per person illegally employed, at most ¥100,000 in total; illegal gains are confiscated."
  }
}

