# A synthetic instrument for the diff fixture. Its text is made up for the test (测试用条文): it
# quotes no law.
instrument fixture_measures {
  title_zh "测试办法"
  title_en "Fixture measures"
  rank departmental_rule
  issuer "测试机关"
  in_force 2020-01-01
  repealed none
  source "tests/amendments"
}

article 1 {
  paragraph 1 { text "测试用条文：甲经用人单位申请工作许可。" }
  paragraph 2 { text "测试用条文：弄虚作假的，不予许可。" }
}

rule at art 1 para 1 {
  conclude eligible work_permit
  when employment != none and employment.contract_signed
}

rule employer_only at art 1 para 1 {
  conclude ineligible work_permit
  when route == "independent"
  source "tests/amendments"
}

rule at art 1 para 2 {
  conclude ineligible work_permit
  when applicant.fraud_in_application
}

article 2 {
  paragraph 1 { text "测试用条文：具有硕士学位的，可以申请永久居留。" }
  paragraph 2 { text "测试用条文：有犯罪记录的，不予批准。" }
}

rule at art 2 para 1 {
  conclude eligible permanent_residence
  when applicant.education >= "master"
}

rule at art 2 para 2 {
  conclude ineligible permanent_residence
  when applicant.criminal_record
}

article 3 {
  paragraph 1 { text "测试用条文：危害安全的，不予工作许可。" }
}

rule at art 3 para 1 {
  conclude ineligible work_permit
  when applicant.security_risk
}

article 4 {
  paragraph 1 { text "测试用条文：本办法自公布之日起施行。" }
}
