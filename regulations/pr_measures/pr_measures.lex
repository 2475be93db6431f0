# 外国人在中国永久居留审批管理办法 (2004) — permanent residence.
# Articles 1–6 quoted from /work/shared/reference/pr_measures_2004.md (verbatim). The later
# articles are known only from a paraphrase (pr_measures_2004_later_articles_summary.md): rules
# grounded on it carry no quoted text, name it as their source and say so in a note.

instrument pr_measures {
  title_zh "外国人在中国永久居留审批管理办法"
  title_en "Measures on Examination and Approval of Foreigners' Permanent Residence in China"
  rank departmental_rule
  issuer "公安部、外交部"
  number "公安部、外交部令第74号"
  adopted 2004-08-15
  in_force 2004-08-15
  repealed none
  jurisdiction "national"
  source "pr_measures_2004.md"
  note "Approved by the State Council on 2003-12-13; issued and in force 2004-08-15. Enacted under the 1985 Law on the Entry and Exit of Foreigners (repealed 2013-07-01 by exit_entry_law 第九十三条); continues as the measures contemplated by exit_entry_law 第四十七条第二款."
  enacted_under exit_entry_law_1985
  implements exit_entry_law/art_47__para_2
}

article 1 {
  paragraph 1 {
    text "为规范外国人在中国永久居留审批管理工作，根据《中华人民共和国外国人入境出境管理法》及其实施细则的有关规定，制定本办法。"
    gloss "These Measures are made under the Law on the Entry and Exit of Foreigners and its implementing rules to regulate the examination and approval of foreigners' permanent residence in China."
  }
}

article 2 {
  paragraph 1 {
    text "外国人在中国永久居留是指外国人在中国居留期限不受限制。"
    gloss "Permanent residence means residence in China without time limit."
  }
}

article 3 {
  paragraph 1 {
    text "《外国人永久居留证》是获得在中国永久居留资格的外国人在中国境内居留的合法身份证件，可以单独使用。"
    gloss "The Foreigner's Permanent Residence Card is the lawful identity document of a permanent resident in China and may be used on its own."
  }
}

article 4 {
  paragraph 1 {
    text "获得在中国永久居留资格的外国人，凭有效护照和《外国人永久居留证》出入中国国境。"
    gloss "A permanent resident enters and leaves China on a valid passport and the Permanent Residence Card."
  }
}

article 5 {
  paragraph 1 {
    text "受理外国人在中国永久居留申请的机关是设区的市级人民政府公安机关，直辖市公安分、县局；审核外国人在中国永久居留申请的机关是各省、自治区、直辖市公安厅、局；审批外国人在中国永久居留申请的机关是公安部。"
    gloss "Applications are received by the public security organs of districted cities (and the district and county bureaus of municipalities), reviewed by the provincial public security departments and approved by the Ministry of Public Security."
  }
}

# ---------------------------------------------------------------------------------------------
# 第六条 — conditions for permanent residence
# ---------------------------------------------------------------------------------------------
article 6 {
  paragraph 1 {
    text "申请在中国永久居留的外国人应当遵守中国法律，身体健康，无犯罪记录，并符合下列条件之一："
    gloss "An applicant for permanent residence must abide by Chinese law, be in good health, have no criminal record, and meet one of the following conditions:"
    item 1 { text "（一）在中国直接投资、连续三年投资情况稳定且纳税记录良好的；" gloss "has invested directly in China, with the investment stable for three consecutive years and a good tax record;" }
    item 2 { text "（二）在中国担任副总经理、副厂长等职务以上或者具有副教授、副研究员等副高级职称以上以及享受同等待遇，已连续任职满四年、四年内在中国居留累计不少于三年且纳税记录良好的；" gloss "holds a post of deputy general manager or deputy factory director or above, or an associate-senior title (associate professor, associate research fellow or above) or equivalent treatment, for four consecutive years, has resided in China at least three years in total within those four years, and has a good tax record;" }
    item 3 { text "（三）对中国有重大、突出贡献以及国家特别需要的；" gloss "has made a major, outstanding contribution to China, or is specially needed by the state;" }
    item 4 { text "（四）本款第一项、第二项、第三项所指人员的配偶及其未满18周岁的未婚子女；" gloss "is the spouse, or an unmarried child under 18, of a person under item 1, 2 or 3;" }
    item 5 { text "（五）中国公民或者在中国获得永久居留资格的外国人的配偶，婚姻关系存续满五年、已在中国连续居留满五年、每年在中国居留不少于九个月且有稳定生活保障和住所的；" gloss "is the spouse of a Chinese citizen or of a foreign permanent resident, married for five years, resident in China for five consecutive years, at least nine months each year, with stable means of living and a home;" }
    item 6 { text "（六）未满18周岁未婚子女投靠父母的；" gloss "is an unmarried child under 18 joining a parent;" }
    item 7 { text "（七）在境外无直系亲属，投靠境内直系亲属，且年满60周岁、已在中国连续居留满五年、每年在中国居留不少于九个月并有稳定生活保障和住所的。" gloss "has no direct relatives abroad, joins direct relatives in China, is aged 60 or over, has resided in China for five consecutive years, at least nine months each year, with stable means of living and a home." }
  }
  paragraph 2 {
    text "本条所指年限均指申请之日前连续的年限。"
    gloss "The years referred to in this article are the consecutive years immediately before the date of application."
    note "The residence and post facts of the contract (residence.consecutive_years_resident, residence.years_resident_in_last_4, employment.consecutive_years_in_post, investment.consecutive_years_stable) are counted back from the application date, as this paragraph requires."
  }
}

strict rule general at art 6 para 1 {
  conclude condition pr_general_conditions
  when all of {
    applicant.criminal_record == false,
    applicant.health_ok,
    applicant.security_risk == false,
  }
  gloss "General conditions for every applicant: abides by Chinese law, good health, no criminal record."
  note "遵守中国法律 has no direct fact; it is read as no criminal record and no risk to national security or public order (applicant.security_risk)."
}

rule at art 6 para 1 item 1 {
  conclude eligible permanent_residence
  when all of {
    met(pr_general_conditions),
    investment != none,
    met(pr_investment_qualifies),
    investment.consecutive_years_stable >= 3,
    investment.tax_record_good,
  }
  gloss "Direct investor: qualifying investment, stable for three consecutive years, good tax record."
}

rule at art 6 para 1 item 2 {
  conclude eligible permanent_residence
  when all of {
    met(pr_general_conditions),
    employment != none,
    employment.position_level in {"deputy_general_manager_or_above", "associate_senior_title_or_above"},
    met(pr_qualifying_employer),
    met(pr_post_holder_through_employer),
    employment.consecutive_years_in_post >= 4,
    residence.years_resident_in_last_4 >= 3,
    employment.tax_record_good,
  }
  gloss "Post holder: deputy general manager or associate-senior title or above, four consecutive years in post, three of the last four years resident in China, good tax record, at a qualifying employer."
  note "以及享受同等待遇 (equivalent treatment) has no separate fact; the contract folds it into employment.position_level. The qualifying employers come from the later articles (see pr_qualifying_employer)."
}

rule at art 6 para 1 item 3 {
  conclude eligible permanent_residence
  when met(pr_general_conditions) and applicant.major_contribution_to_china and met(pr_contribution_recommended)
  gloss "Major, outstanding contribution to China or special national need."
}

rule at art 6 para 1 item 4 {
  conclude eligible permanent_residence
  when all of {
    met(pr_general_conditions),
    family.relation == "spouse_or_minor_child_of_pr_principal",
    any of {
      family.unmarried == false,
      all of { age_at_application < 18, family.unmarried },
    },
  }
  gloss "Spouse, or unmarried child under 18, of an investor, post holder or contributor under items 1–3."
  note "The contract's relation spouse_or_minor_child_of_pr_principal asserts that the principal qualifies under items 1–3; a married applicant with that relation is the spouse, an unmarried one must be the child and under 18."
}

rule at art 6 para 1 item 5 {
  conclude eligible permanent_residence
  when all of {
    met(pr_general_conditions),
    family.relation == "spouse_of_chinese_citizen_or_pr",
    family.marriage_years >= 5,
    residence.consecutive_years_resident >= 5,
    residence.min_months_resident_per_year >= 9,
    residence.stable_income_and_housing,
  }
  gloss "Spouse of a Chinese citizen or permanent resident: married five years, five consecutive years in China, nine months a year, stable means and home."
}

rule at art 6 para 1 item 6 {
  conclude eligible permanent_residence
  when all of {
    met(pr_general_conditions),
    family.relation == "minor_unmarried_child_joining_parent",
    age_at_application < 18,
    family.unmarried,
  }
  gloss "Unmarried child under 18 joining a parent."
}

rule at art 6 para 1 item 7 {
  conclude eligible permanent_residence
  when all of {
    met(pr_general_conditions),
    family.relation == "dependent_aged_60_without_relatives_abroad",
    age_at_application >= 60,
    residence.consecutive_years_resident >= 5,
    residence.min_months_resident_per_year >= 9,
    residence.stable_income_and_housing,
  }
  gloss "Dependant aged 60 or over without direct relatives abroad, joining direct relatives in China: five consecutive years in China, nine months a year, stable means and home."
}

# The employer route of the post holder (seed 000 三（二）4): a condition of item 2 only — an investor,
# a contributor or a family member who also holds a senior post is not caught by it.
rule post_holder_employer_route {
  conclude condition pr_post_holder_through_employer
  when route != "independent"
  source "seed 000 三（二）4"
  gloss "Permanent residence as a post holder (item 2) is applied for through the employer."
  note "Seed 000 三（二）4: the post-holder permanent residence card (外国人永久居留身份证（任职人员）) is applied for through the employer (依用人单位申请), after four consecutive years in a senior post and three years' residence in the last four. The practice the seed describes, not words of item 2, so it is its own rule, read by the item 2 grant. `route` absent is employer (the law in force knows no other route)."
}

# ---------------------------------------------------------------------------------------------
# Later articles — known only from a paraphrase; no quoted text
# ---------------------------------------------------------------------------------------------
rule investment_regional {
  conclude condition pr_investment_qualifies
  when investment.amount_usd >= 500000 USD and investment.region in {"encouraged_industry", "western", "poverty_county"}
  source "pr_measures_2004_later_articles_summary.md"
  note "Verbatim text not at hand; grounded on the paraphrase named in source: paid-in registered capital of at least USD 500,000 in an encouraged industry of the foreign-investment catalogue, or in the western region or a key county for national poverty alleviation."
  gloss "Qualifying investment for item 1: at least USD 500,000 in an encouraged industry, the western region or a national poverty county."
}

rule investment_total {
  conclude condition pr_investment_qualifies
  when investment.amount_usd >= 2000000 USD
  source "pr_measures_2004_later_articles_summary.md"
  note "Verbatim text not at hand; grounded on the paraphrase named in source: at least USD 2,000,000 of direct investment in China in total."
  gloss "Qualifying investment for item 1: at least USD 2,000,000 in total."
}

rule qualifying_employer {
  conclude condition pr_qualifying_employer
  when employment.employer_type in {"key_national_project", "high_tech_enterprise", "foreign_invested_enterprise", "university", "research_institute"}
  source "pr_measures_2004_later_articles_summary.md"
  note "Verbatim text not at hand; grounded on the paraphrase named in source: State Council departments and provincial government organs; enterprises and institutions carrying out key national engineering or major research projects; high-tech enterprises, encouraged foreign-invested enterprises and foreign-invested R&D centres; key universities; national laboratories and engineering and technology centres. The contract's employer types approximate that list: government organs have no employer type, foreign_invested_enterprise does not record whether the enterprise is encouraged, university and research_institute do not record whether they are key / national."
  gloss "Qualifying employers for item 2: key national projects, high-tech and foreign-invested enterprises, universities and research institutions."
}

rule contribution_recommendation {
  conclude condition pr_contribution_recommended
  when holds(government_recommendation_letter)
  source "pr_measures_2004_later_articles_summary.md"
  note "Verbatim text not at hand; grounded on the paraphrase named in source (special contributors under 第六条第一款第三项 are recommended by the relevant State Council department or the provincial government) and on seed 000 三（二）4 (the special-contribution applicant submits the recommendation letter of a provincial government or State Council department). A condition of item 3 only: an investor or post holder who also made a contribution needs no letter."
  gloss "A special contributor (item 3) holds a recommendation letter from a provincial government or a State Council department."
}

rule refusal {
  conclude refusal_ground for permanent_residence
  when applicant.security_risk
  source "pr_measures_2004_later_articles_summary.md"
  note "Verbatim text not at hand; grounded on the paraphrase named in source: permanent residence is refused where the applicant harms national security or public order (applicant.security_risk: 可能危害中国国家安全和利益、破坏社会公共秩序). The cancellation grounds of exit_entry_law 第四十九条 concern holders and are not read at the grant."
  gloss "Permanent residence is refused to an applicant who endangers national security or public order."
}
