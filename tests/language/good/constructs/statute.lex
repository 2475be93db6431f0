# A fixture statute exercising every construct of the language (not real law: test text only).
import "../../../../regulations/vocabulary.lex"

instrument fixture_law {
  title_zh "示例法"
  title_en "Fixture Law"
  rank law
  issuer "示例立法机关"
  number "示例第1号"
  adopted 2012-06-30
  in_force 2013-07-01
  jurisdiction "national"
  source "test fixture"
}

article 1 {
  paragraph 1 {
    text "外国人申请工作许可，应当符合下列条件之一："
    item 1 { text "（一）持有聘用合同的；" gloss "holds an employment contract" }
    item 2 { text "（二）年薪达到当地平均工资六倍的；" }
  }
  paragraph 2 { text "有犯罪记录的，不予许可。" }
}
article 2 {
  paragraph 1 { text "申请签证，应当提交工作许可。" }
  paragraph 2 { text "入境后三十日内申请居留证件。" }
}
article 3 {
  paragraph 1 { text "永久居留的一般条件与积分。" }
}

rule contract at art 1 para 1 item 1 {
  conclude eligible work_permit
  when employment != none and employment.contract_signed
  gloss "An employment contract grants the work permit."
}
rule salary at art 1 para 1 item 2 {
  conclude eligible work_permit
  when salary_multiple >= 6 and employment.annual_salary_cny >= 100000 CNY
}
strict rule at art 1 para 2 {
  conclude ineligible work_permit, z_visa
  when applicant.criminal_record
}
rule at art 2 para 1 {
  conclude requires work_permit_notice for z_visa
}
rule z_grant at art 2 para 1 {
  conclude eligible z_visa
  when employment != none
}
rule deadline at art 2 para 2 {
  conclude obligation apply_for_residence_permit for work_residence_permit by residence.entry_date + 30 days
  when residence.entry_visa in {"Z", "R"}
}
rule residence at art 2 para 2 {
  conclude eligible work_residence_permit
  when any of { eligible(work_permit), holds(work_permit) }
  unless applicant.fraud_in_application
}
rule general at art 3 para 1 {
  conclude condition pr_general
  when all of { not applicant.criminal_record, applicant.health_ok }
}
rule pr_points at art 3 para 1 {
  conclude eligible permanent_residence
  when met(pr_general) and points(pr_table) >= 60 and applicant.education >= "bachelor"
}
rule pr_value at art 3 para 1 {
  conclude value permanent_residence.points = points(pr_table)
}
rule class_high at art 1 para 1 {
  conclude value work_permit.class = "A"
  when salary_multiple >= 6
  overrides class_low
}
rule class_low at art 1 para 1 {
  conclude value work_permit.class = "B"
  when applicant.education >= "bachelor"
}

points pr_table at art 3 para 1 {
  factor age "年龄" max 30 {
    when age <= 45 -> 30
    when age <= 60 -> 10
  }
  factor language "语言" max 20 {
    when applicant.chinese_hsk_level >= 5 -> 20
    when applicant.english_proficient -> 10
  }
  factor experience "工作年限" max 20 {
    when applicant.related_work_experience_years >= 2 -> min(20, 5 + floor(applicant.related_work_experience_years - 2))
  }
}
