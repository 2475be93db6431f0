# A synthetic amendment for the service and audit tests: it is not law and quotes no law.
amendment fast_track {
  title_zh "测试用修改（虚构）"
  status proposed
  proposed 2024-03-01
  amends pr_measures
}
parameter min_years_in_post: integer = 3 "years in post that the synthetic fast track asks for"
rule fast_track_pr {
  source "tests/service — synthetic fixture"
  note "synthetic rule: grants permanent residence after params.min_years_in_post years in post"
  conclude eligible permanent_residence
  when all of {
    employment.consecutive_years_in_post >= params.min_years_in_post,
    not applicant.criminal_record,
  }
}
