# A small fixture amendment for the impact tests (not the reform itself: that one is
# regulations/amendments/independent_application.lex, written by another engineer).
# It opens an independent route to permanent residence scored on a points table with a pass
# mark, and a quota on independent grants — enough to exercise every path of `lexgraph impact`.
amendment fixture_independent {
  title_zh "测试用：独立申请永久居留（夹具）"
  status proposed
  proposed 2024-03-01
  amends pr_measures
}

parameter pass_mark: integer = 60 "pass mark on fixture_points; 60 lets roughly a third of the independent applicants through"
parameter quota: integer = 100000 "annual quota on independent PR grants; large by default so that only tests that lower it bind"

points fixture_points {
  source "tests/impact fixture"
  factor education "学历" max 30 {
    when applicant.education == "doctorate" -> 30
    when applicant.education == "master" -> 20
    when applicant.education == "bachelor" -> 10
  }
  factor age "年龄" max 20 {
    when age >= 18 and age <= 35 -> 20
    when age >= 36 and age <= 45 -> 15
    when age >= 46 and age <= 55 -> 5
  }
  factor language "汉语或英语" max 15 {
    when applicant.chinese_hsk_level >= 5 -> 15
    when applicant.english_proficient -> 10
    when applicant.chinese_hsk_level >= 3 -> 8
  }
  factor occupation "移民职业清单" max 15 {
    when applicant.occupation_on_shortage_list -> 15
  }
  factor ties "与中国的联系" max 10 {
    when applicant.ethnic_chinese -> 10
    when applicant.degree_from_chinese_university -> 5
  }
  factor experience "在华工作经验" max 10 {
    when employment.consecutive_years_working_in_china >= 3 -> 10
    when employment.consecutive_years_working_in_china >= 1 -> 5
  }
}

rule fixture_quota {
  source "tests/impact fixture"
  conclude condition fixture_quota_available
  when quota.independent_grants_this_year < params.quota
}

quota independent_grants for permanent_residence {
  counts quota.independent_grants_this_year
  limit params.quota
  ranked by points fixture_points
  through fixture_quota
}

rule independent_pr {
  source "tests/impact fixture"
  conclude eligible permanent_residence
  when all of {
    route == "independent",
    met(pr_general_conditions),
    applicant.education >= "bachelor",
    points(fixture_points) >= params.pass_mark,
    met(fixture_quota_available),
  }
  unless applicant.good_conduct_declared == false
}

rule independent_work_permit {
  source "tests/impact fixture"
  conclude eligible work_permit
  when route == "independent" and met(work_permit_class_a)
  overrides work_permit_classification/employer_route
}
