# Minimal fixture amendment for `lexgraph analyze` (not the reform itself: that one is
# regulations/amendments/independent_application.lex): an independent route for class A talent to
# the work permit, the R visa and permanent residence, each with an explicit priority clause over
# the baseline's employer requirement. tests/test_analysis.py also analyses a copy with the
# `overrides` lines removed, which must leave the conflicts unresolved.
amendment fixture_independent_route {
  title_zh "测试用：外国高端人才独立申请（夹具）"
  status proposed
  proposed 2024-03-01
  amends exit_entry_law, entry_exit_regulations, pr_measures
}

rule independent_work_permit {
  source "tests/analysis fixture"
  conclude eligible work_permit
  when route == "independent" and met(work_permit_class_a)
  overrides exit_entry_law/art_41__para_1__employer_route
}

rule independent_r_visa {
  source "tests/analysis fixture"
  conclude eligible r_visa
  when route == "independent" and met(work_permit_class_a)
  overrides entry_exit_regulations/art_7__para_1__item_9__employer_route
}

rule independent_pr {
  source "tests/analysis fixture"
  conclude eligible permanent_residence
  when all of { route == "independent", met(work_permit_class_a), met(pr_general_conditions) }
  overrides pr_measures/art_6__para_1__item_2__employer_route
}
