# 外国人才签证制度实施办法 (2017) — the R visa and the high-end talent confirmation letter.
# Articles 1–4 and 第五条第二款 quoted from /work/shared/reference/talent_visa_measures_2017.md;
# 第五条第一款 is at hand only in part (the reference marks the cut). Later articles are known only
# from a paraphrase (talent_visa_measures_2017_summary.md) and are never quoted.

instrument talent_visa_measures {
  title_zh "外国人才签证制度实施办法"
  title_en "Implementing Measures for the Foreign Talent Visa System"
  rank normative_document
  issuer "国家外国专家局、外交部、公安部"
  number "外专发〔2017〕218号"
  adopted 2017-11-28
  in_force 2018-01-01
  repealed none
  jurisdiction "national"
  source "talent_visa_measures_2017.md"
  note "Issued 2017-11-28; implemented from 2018-01-01 in the first batch of pilot provinces and municipalities (在第一批试点省市实施). The list of pilot regions and the date of nationwide roll-out are not at hand, so the instrument is recorded as national from 2018-01-01."
  implements exit_entry_law
}

article 1 {
  paragraph 1 {
    text "为明确外国人申请外国人才签证（即R字签证）标准条件，规范办理程序，加强外国人才签证和工作许可、工作居留的有机衔接，为外国人才来华创新创业提供便利，根据《中华人民共和国出境入境管理法》等制定本办法。"
    gloss "Made under the Exit and Entry Administration Law and other laws to set the conditions for the foreign talent visa (R visa), standardise its procedure, link it with the work permit and work residence, and ease foreign talent's innovation and entrepreneurship in China."
  }
}

article 2 {
  paragraph 1 {
    text "国家外国专家局、外交部、公安部按照职责分工，制定R字签证申请条件，指导做好R字签证签发、延期、换发、补发工作。"
    gloss "SAFEA, the Ministry of Foreign Affairs and the Ministry of Public Security, each within its remit, set the R-visa conditions and guide its issue, extension, renewal and replacement."
  }
}

article 3 {
  paragraph 1 {
    text "国家外国专家局、外交部、公安部应当加强统筹协调，在确认外国人才资质、签发R字签证、工作许可、工作类居留证件等服务管理工作中完善协作机制，实现信息资源共享。"
    gloss "The three departments coordinate and share information in confirming talent status and issuing R visas, work permits and work-type residence permits."
  }
}

article 4 {
  paragraph 1 {
    text "R字签证发放对象为国家经济社会发展需要的外国高层次人才和急需紧缺人才，符合“高精尖缺”和市场需求导向的科学家、科技领军人才、国际企业家、专门人才和高技能人才等。"
    gloss "The R visa is for high-level foreign talent and urgently needed talent that China's economic and social development needs — scientists, leading technologists, international entrepreneurs, specialists and highly skilled talent meeting the 'high, precision, advanced, scarce' and market-demand orientation."
  }
  paragraph 2 {
    text "申请R字签证的外国人，应当符合《外国人来华工作分类标准（试行）》中外国高端人才（A类）标准条件。国家外国专家局会同外交部、公安部，根据经济社会发展需要和人才资源供求状况适时调整外国高端人才认定标准。"
    gloss "An R-visa applicant must meet the standard for foreign high-end talent (class A) of the Classification Standard for Foreigners Working in China (trial). SAFEA, with the Ministry of Foreign Affairs and the Ministry of Public Security, adjusts that standard as development and the supply of talent require."
  }
}

rule at art 4 para 2 {
  conclude condition r_visa_talent_standard
  when met(work_permit_class_a) or holds(talent_confirmation_letter)
  gloss "From 2018-01-01 the R-visa talent conditions (条例 第七条第一款第九项) are the class A (foreign high-end talent) standard; the confirmation letter certifies it."
}

article 5 {
  paragraph 1 {
    text "外国人在境外申请R字签证，由邀请单位向省、自治区、直辖市人民政府外国人工作管理部门（以下称省级人民政府外国人工作管理部门）提出申请，在线提交申请表、国内单位邀请函件以及符合R字签证"
    gloss "A foreigner abroad applying for an R visa: the inviting unit applies to the provincial foreigners' work administration, submitting online the application form, the invitation of the unit in China and ... (the rest of this paragraph is not at hand)."
    note "Only the opening of this paragraph is at hand: the quoted text stops where the reference's copy stops (its editorial marker is not law text and is not quoted). Nothing is encoded from the missing part."
  }
  paragraph 2 {
    text "对符合外国高端人才标准条件的，由省级人民政府外国人工作管理部门在5个工作日内在线向国内邀请单位出具《外国高端人才确认函》，并将《外国高端人才确认函》等信息交换至我国驻申请人所在国（地区）使馆、领馆或者外交部委托的其他驻外机构，国家外国专家局将前述信息交换至外交部、公安部。"
    gloss "For a foreigner meeting the high-end talent standard, the provincial foreigners' work administration issues the Confirmation Letter of Foreign High-end Talent online to the inviting unit in China within 5 working days and passes it to the Chinese embassy or consulate; SAFEA passes the information to the Ministry of Foreign Affairs and the Ministry of Public Security."
    note "Also quoted verbatim in seed 000 三（二）1."
  }
}

rule at art 5 para 2 {
  conclude eligible talent_confirmation_letter
  when met(work_permit_class_a)
  gloss "A foreigner meeting the class A (high-end talent) standard is issued the high-end talent confirmation letter."
}

# The employer requirement (seed 000 三（二）1): the confirmation letter is applied for by and issued
# to the inviting unit (向国内邀请单位出具); the authority does not take applications from
# individuals. Defeasible on purpose: this is the rule an independent-application reform sets aside.
rule employer_route at art 5 para 2 {
  conclude requires that route != "independent" for talent_confirmation_letter
  source "seed 000 三（二）"
  gloss "The high-end talent confirmation letter is issued to the inviting unit in China; a foreigner cannot apply for it alone."
  note "Seed 000 三（二）1 quotes 第五条第二款 verbatim (the letter is issued 向国内邀请单位) and states that the accepting authority does not take applications from individuals (申请受理部门不面向个人); 第五条第一款 (at hand in part) has the inviting unit file the application."
}

# ---------------------------------------------------------------------------------------------
# Later articles — known only from a paraphrase; no quoted text
# ---------------------------------------------------------------------------------------------
rule r_visa_confirmation_letter {
  conclude requires talent_confirmation_letter for r_visa
  source "talent_visa_measures_2017_summary.md"
  note "Verbatim text not at hand; grounded on the paraphrase named in source: the R visa is issued to holders of the high-end talent confirmation letter (外国高端人才确认函). 第五条第二款 (verbatim) has the letter passed to the visa post."
  gloss "The R visa is issued on the high-end talent confirmation letter."
}
