# Minimal fixture amendment for `lexgraph analyze` (not the reform itself: that one is
# regulations/amendments/independent_application.lex): an independent route for class A talent to
# the work permit and the confirmation letter, each with an explicit priority clause over
# the baseline's employer requirement. tests/test_analysis.py also analyses a copy with the
# `overrides` lines removed, which must leave the conflicts unresolved.
amendment fixture_independent_route {
  title_zh "测试用：外国高端人才独立申请（夹具）"
  status proposed
  proposed 2024-03-01
  amends work_permit_classification, talent_visa_measures
}

rule independent_work_permit {
  source "tests/analysis fixture"
  conclude eligible work_permit
  when route == "independent" and met(work_permit_class_a)
  overrides work_permit_classification/employer_route
}

rule independent_letter {
  source "tests/analysis fixture"
  conclude eligible talent_confirmation_letter
  when route == "independent" and met(work_permit_class_a)
  overrides talent_visa_measures/art_5__para_2__employer_route
}
