# 外国人来华工作分类标准（试行） (2017) — the points table and the A / B / C classes.
# The points table is restated cell by cell from /work/shared/reference/work_permit_classification_2017.md
# (积分要素计分赋值表（暂行版）). The class definitions there are a paraphrase: the class rules below
# use their thresholds, carry no quoted text and say so.

instrument work_permit_classification {
  title_zh "外国人来华工作分类标准（试行）"
  title_en "Classification Standard for Foreigners Working in China (Trial)"
  rank normative_document
  issuer "国家外国专家局、人力资源社会保障部、外交部、公安部"
  in_force 2017-04-01
  repealed none
  jurisdiction "national"
  source "work_permit_classification_2017.md"
  note "Issued in 2017 with the nationwide work-permit system, in force 2017-04-01. The document number and the exact date of issue are not at hand. No article text is at hand: only the points table (restated) and a paraphrase of the classes."
}

# ---------------------------------------------------------------------------------------------
# 积分要素计分赋值表（暂行版）
# ---------------------------------------------------------------------------------------------
points work_permit_points {
  source "work_permit_classification_2017.md"
  note "Restated from the official table 积分要素计分赋值表（暂行版）. Salary bands are in 万元 (10,000 CNY). The directly qualifying items (直接赋予资格项: talent programmes and internationally recognised achievements; encouraged posts; innovative entrepreneurs and excellent young talent) carry no points: they make a foreigner class A directly (see class_a_direct)."

  factor salary "国内聘用单位支付年薪（万元）" max 20 {
    when employment.annual_salary_cny >= 450000 CNY -> 20
    when employment.annual_salary_cny >= 350000 CNY and employment.annual_salary_cny < 450000 CNY -> 17
    when employment.annual_salary_cny >= 250000 CNY and employment.annual_salary_cny < 350000 CNY -> 14
    when employment.annual_salary_cny >= 150000 CNY and employment.annual_salary_cny < 250000 CNY -> 11
    when employment.annual_salary_cny >= 70000 CNY and employment.annual_salary_cny < 150000 CNY -> 8
    when employment.annual_salary_cny >= 50000 CNY and employment.annual_salary_cny < 70000 CNY -> 5
    when employment.annual_salary_cny < 50000 CNY -> 0
  }

  factor education "受教育程度或取得职业技能资格证书等" max 20 {
    when applicant.education == "doctorate" -> 20
    when applicant.vocational_qualification == "senior_technician_or_international_top" -> 20
    when applicant.education == "master" -> 15
    when applicant.vocational_qualification == "technician" -> 15
    when applicant.education == "bachelor" -> 10
    when applicant.vocational_qualification == "senior_worker" -> 10
  }

  factor work_experience "工作年限" max 20 {
    when applicant.related_work_experience_years >= 2 -> min(20, 5 + floor(applicant.related_work_experience_years - 2))
    when applicant.related_work_experience_years < 2 -> 0
  }

  factor months_in_china "每年工作时间（月）" max 15 {
    when employment.annual_months_working_in_china >= 9 -> 15
    when employment.annual_months_working_in_china >= 6 and employment.annual_months_working_in_china < 9 -> 10
    when employment.annual_months_working_in_china >= 3 and employment.annual_months_working_in_china < 6 -> 5
    when employment.annual_months_working_in_china < 3 -> 0
  }

  factor chinese_language "汉语水平" max 5 {
    when applicant.formerly_chinese_national -> 5
    when applicant.degree_taught_in_chinese -> 5
    when applicant.chinese_hsk_level >= 5 -> 5
    when applicant.chinese_hsk_level == 4 -> 4
    when applicant.chinese_hsk_level == 3 -> 3
    when applicant.chinese_hsk_level == 2 -> 2
    when applicant.chinese_hsk_level == 1 -> 1
  }

  factor work_region "工作定向" max 10 {
    when employment.work_region == "western" -> 10
    when employment.work_region == "northeast_old_industrial" -> 10
    when employment.work_region == "poverty_county" -> 10
  }

  factor age "年龄（岁）" max 15 {
    when age >= 18 and age <= 25 -> 10
    when age >= 26 and age <= 45 -> 15
    when age >= 46 and age <= 55 -> 10
    when age >= 56 and age <= 60 -> 5
    when age > 60 -> 0
  }

  factor distinction "毕业于国（境）外高水平大学或有全球500强企业任职经验及其他规定条件的" max 5 {
    when applicant.degree_from_top_foreign_university -> 5
    when applicant.fortune_global_500_experience -> 5
    when applicant.holds_patent -> 5
    when employment.consecutive_years_working_in_china >= 5 -> 5
  }

  factor local_bonus "地方鼓励性加分" max 10 {
    when employment.local_bonus_points > 0 -> employment.local_bonus_points
  }
}

# ---------------------------------------------------------------------------------------------
# The classes — thresholds from the paraphrase; no article text at hand
# ---------------------------------------------------------------------------------------------
rule class_a_direct {
  conclude condition work_permit_class_a
  when any of {
    applicant.selected_by_talent_programme,
    applicant.internationally_recognised_award,
    applicant.encouraged_post and employment != none,
    applicant.innovative_entrepreneur,
    applicant.excellent_young_talent,
  }
  source "work_permit_classification_2017.md"
  note "Verbatim text not at hand; grounded on the class paraphrase in the source file and the table's 直接赋予资格项: a foreigner meeting a directly qualifying item (talent programme, internationally recognised professional achievement, market-oriented encouraged post, innovative entrepreneur, excellent young talent) is class A. Each item is a recognition the applicant claims on proof (实施办法 第五条第二款): absent means not claimed. An encouraged post presupposes a post (employment not null)."
  gloss "Class A (foreign high-end talent) directly: talent programme, recognised achievement, encouraged post, innovative entrepreneur or excellent young talent."
}

rule class_a_salary {
  conclude condition work_permit_class_a
  when salary_multiple >= 6
  source "work_permit_classification_2017.md"
  note "Verbatim text not at hand; grounded on the class paraphrase in the source file: an annual salary of at least six times the local average annual salary of the previous year."
  gloss "Class A by salary: at least six times the local average annual salary."
}

rule class_a_points {
  conclude condition work_permit_class_a
  when points(work_permit_points) >= 85
  source "work_permit_classification_2017.md"
  note "Verbatim text not at hand; grounded on the class paraphrase in the source file: 85 points or more. Class A is not subject to the age, education or work-experience limits."
  gloss "Class A by points: 85 or more."
}

rule class_b_degree {
  conclude condition work_permit_class_b
  when all of {
    applicant.education >= "bachelor",
    applicant.related_work_experience_years >= 2,
    age <= 60,
  }
  source "work_permit_classification_2017.md"
  note "Verbatim text not at hand; grounded on the class paraphrase in the source file: a bachelor's degree or above and at least two years of related work experience, normally not over 60. The conditions of their own for language teachers and some skilled workers, and the relaxation of the age limit, are not in the paraphrase in usable form and are not encoded."
  gloss "Class B (foreign professional): bachelor's degree or above and two years of related experience, aged 60 or under."
}

rule class_b_salary {
  conclude condition work_permit_class_b
  when salary_multiple >= 4 and age <= 60
  source "work_permit_classification_2017.md"
  note "Verbatim text not at hand; grounded on the class paraphrase in the source file: an annual salary of at least four times the local average, normally not over 60."
  gloss "Class B by salary: at least four times the local average annual salary, aged 60 or under."
}

rule class_b_points {
  conclude condition work_permit_class_b
  when points(work_permit_points) >= 60 and age <= 60
  source "work_permit_classification_2017.md"
  note "Verbatim text not at hand; grounded on the class paraphrase in the source file: 60 points or more, normally not over 60."
  gloss "Class B by points: 60 or more, aged 60 or under."
}

rule class_b_graduate {
  conclude condition work_permit_class_b
  when all of {
    applicant.education >= "master",
    any of {
      applicant.degree_from_chinese_university and years_since_graduation < 1,
      applicant.degree_from_top_foreign_university,
    },
    age <= 60,
  }
  source "work_permit_classification_2017.md"
  note "Verbatim text not at hand; grounded on the paraphrase in the source file (outstanding foreign graduates, 国发〔2017〕 measures, seed 003 二（四）): a master's degree or above from a Chinese university within one year of graduation, or from a renowned foreign university, without the two years of work experience. 'Renowned foreign university' is read as applicant.degree_from_top_foreign_university; the one-year window applies to Chinese graduates, as the paraphrase words it."
  gloss "Class B for outstanding graduates: master's or above from a Chinese university within a year of graduating, or from a top foreign university."
}

rule class_value_a {
  conclude value work_permit.class = "A"
  when met(work_permit_class_a)
  overrides class_value_b, class_value_c
  source "work_permit_classification_2017.md"
  note "Verbatim text not at hand; the class paraphrase in the source file. A foreigner meeting class A is classed A even when the class B conditions are also met."
  gloss "Work permit class A."
}

rule class_value_b {
  conclude value work_permit.class = "B"
  when met(work_permit_class_b)
  overrides class_value_c
  source "work_permit_classification_2017.md"
  note "Verbatim text not at hand; the class paraphrase in the source file."
  gloss "Work permit class B."
}

rule class_value_c {
  conclude value work_permit.class = "C"
  when employment != none and employment.contract_signed
  source "work_permit_classification_2017.md"
  note "Verbatim text not at hand; the class paraphrase in the source file: C covers other foreigners (temporary, seasonal and non-technical work, interns, international agreements), subject to quotas. Every employed foreigner not in A or B falls here."
  gloss "Work permit class C (other foreigners)."
}

rule points_value {
  conclude value work_permit.points = points(work_permit_points)
  source "work_permit_classification_2017.md"
  gloss "The points scored on the table."
}

rule eligibility {
  conclude eligible work_permit
  when all of {
    met(work_permit_class_a) or met(work_permit_class_b),
    employment != none,
    employment.contract_signed,
  }
  source "work_permit_classification_2017.md"
  note "Verbatim text not at hand; grounded on the class paraphrase in the source file and seed 000 三（二）2 (the work permit rests on an employment contract or appointment letter). Class C: see class_c_eligibility."
  gloss "A work permit for a foreigner of class A or B with an employer in China and a signed contract."
}

rule class_c_eligibility {
  conclude eligible work_permit
  when all of {
    employment != none,
    employment.contract_signed,
    employment.class_c_category in {"temporary_or_seasonal", "non_technical_or_service", "intern", "international_agreement"},
    quota.class_c_quota_available,
  }
  source "work_permit_classification_2017.md"
  note "Verbatim text not at hand; grounded on the class paraphrase in the source file: class C (外国普通人员) covers temporary, seasonal, non-technical or service work, interns and cases under international agreements, subject to quotas (数量限制). A foreigner of neither class A nor class B whose category or quota is not recorded is undetermined on them — never refused."
  gloss "A work permit for a class C foreigner: a category of class C work, within the quota."
}

# Who files (seed 000 三（二）2): the work permit notice and the work permit are applied for by the
# employer. No article text at hand says so; the seed describes the 2017 service guide. Defeasible on
# purpose: the reform's independent route sets it aside by an explicit clause.
rule employer_route {
  conclude requires that route != "independent" for work_permit
  source "seed 000 三（二）2"
  gloss "The work permit is applied for through the employer; a foreigner cannot apply for it alone."
  note "Seed 000 三（二）2 quotes 出境入境管理法 第四十一条第一款 and states, citing the 2017 work-permit service guide, that the employer (用人单位), not the foreigner, applies for the work permit notice and the work permit with the employment contract or appointment letter. The practice the seed describes, not words of an article at hand. `route` absent is employer."
}
