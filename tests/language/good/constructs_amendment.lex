# A fixture amendment: a parameter, inserted / replaced / repealed articles, a replacing rule.
amendment fixture_reform {
  title_zh "示例修改建议"
  status proposed
  proposed 2024-03-01
  amends fixture_law, fixture_measures_old
  source "test fixture"
}
parameter pass_mark: integer = 50 "a fixture pass mark"
article 1 {
  paragraph 1 { text "外国高端人才可以独立申请工作许可。" }
}
rule independent at art 1 para 1 {
  conclude eligible work_permit
  when route == "independent" and points(pr_table) >= params.pass_mark
  overrides fixture_measures_old/art_1__para_2__no_independent
}
insert article fixture_law 4 { paragraph 1 { text "新增条文。" } }
replace article fixture_law 3 { paragraph 1 { text "永久居留的一般条件与积分（修改）。" } }
repeal rule fixture_law/art_1__para_1__item_2__salary
