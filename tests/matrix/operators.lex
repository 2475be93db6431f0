# A fixture for tests/test_matrix.py: the operators no corpus rule uses yet, each in a rule of its
# own, so that every backend is compared on them — date ± months / years (end-of-month clamping),
# date ± days, division (by zero: unknown), an ordered enum's ranks, a points range compared with
# `==` / `!=`, min / max / floor, an object compared with none, membership, text compared in a
# derived fact, an enum parameter compared, min of a points range. Not law: made-up rules.
import "../../regulations/vocabulary.lex"

instrument fixture_operators {
  title_zh "矩阵测试用规章（运算夹具）"
  rank departmental_rule
  issuer "fixture"
  in_force 2000-01-01
  repealed none
  jurisdiction "national"
}

derive months_after_entry: date = residence.entry_date + 6 months

points operator_points {
  source "tests/matrix fixture §points"
  factor hsk "HSK" max 10 {
    when applicant.chinese_hsk_level >= 5 -> 10
    when applicant.chinese_hsk_level >= 3 -> 5
  }
  factor experience "experience" max 8 {
    when applicant.related_work_experience_years >= 1 -> min(8, floor(applicant.related_work_experience_years))
  }
}

rule graduated_within_two_years {
  conclude eligible z_visa
  when applicant.graduation_date + 2 years >= decision_date
  source "tests/matrix fixture §years"
}
rule entered_six_months_ago {
  conclude eligible z_visa
  when months_after_entry <= decision_date and residence.entry_date - 1 months > 2000-01-31
  source "tests/matrix fixture §months"
}
rule entered_90_days_ago {
  conclude eligible work_permit
  when residence.entry_date + 90 days < decision_date
  source "tests/matrix fixture §days"
}
rule salary_ratio {
  conclude eligible work_permit
  when employment.annual_salary_cny / employment.local_average_annual_salary_cny >= 3
  source "tests/matrix fixture §division"
}
rule senior_post {
  conclude eligible r_visa
  when employment.position_level >= "manager" and applicant.education < "doctorate"
  source "tests/matrix fixture §ordered enum"
}
rule points_exact {
  conclude eligible r_visa
  when points(operator_points) == 15
  source "tests/matrix fixture §points equal"
}
rule points_not {
  conclude refusal_ground for r_visa
  when points(operator_points) != 18 and max(applicant.chinese_hsk_level, 2) > 3
  source "tests/matrix fixture §points unequal"
}
rule no_employment {
  conclude refusal_ground for work_permit
  when employment == none
  source "tests/matrix fixture §none"
}
rule region {
  conclude eligible permanent_residence
  when employment.work_region in {"poverty_county", "western"} or points(operator_points) >= 12
  source "tests/matrix fixture §membership"
}
derive from_myanmar: bool = applicant.nationality == "MMR"
parameter fixture_route: enum {employer, independent, government_recommendation} = "independent" "An enum parameter (fixture)."

rule text_in_a_derived_fact {
  conclude eligible r_visa
  when from_myanmar
  source "tests/matrix fixture §text compared in a derived fact"
}
rule enum_parameter {
  conclude eligible z_visa
  when params.fixture_route == "independent" and route == "independent"
  source "tests/matrix fixture §an enum parameter compared"
}
rule min_of_points {
  conclude eligible r_visa
  when min(points(operator_points), 12) >= 10
  source "tests/matrix fixture §min of a points range (its point value)"
}
