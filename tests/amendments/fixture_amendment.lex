# A synthetic amendment of tests/amendments/baseline for the golden diff (expected_diff.json / .txt).
# It exercises every kind of change: its own article, insert / replace / repeal article, repeal
# rule, `replaces`, an explicit priority clause, and a parameter. Text is made up (测试用条文).
amendment fixture_amendment {
  title_zh "测试修改建议"
  status proposed
  proposed 2024-01-01
  amends fixture_measures
  source "tests/amendments"
}

parameter min_age: integer = 18 "the youngest independent applicant"

article 1 {
  paragraph 1 { text "测试用条文：成年人可以独立申请工作许可。" }
  paragraph 2 { text "测试用条文：具有博士学位的，可以申请永久居留。" }
}

rule independent at art 1 para 1 {
  conclude eligible work_permit
  when route == "independent" and age >= params.min_age
  overrides fixture_measures/art_1__para_1__employer_only
}

rule doctorate at art 1 para 2 {
  conclude eligible permanent_residence
  when applicant.education >= "doctorate"
  replaces fixture_measures/art_2__para_1
}

replace article fixture_measures 2 {
  paragraph 1 { text "测试用条文：具有博士学位的，可以申请永久居留。" }
  paragraph 2 { text "测试用条文：有犯罪记录的，不予批准。" }
}

insert article fixture_measures 5 {
  paragraph 1 { text "测试用条文：成年人可以独立申请工作许可。" }
}

repeal article fixture_measures 3

repeal rule fixture_measures/art_1__para_2
