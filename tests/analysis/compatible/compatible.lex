# Fixture for `lexgraph analyze`: a law written in the structural patterns an enumerated law uses —
# alternative grounds of one provision (符合下列条件之一), requirements, refusal grounds, ranked values
# of one classification, and closure. None of it is a defect: the default report is empty, and
# `--all` lists each relation under its own kind.
import "../../../regulations/vocabulary.lex"

instrument fixture_compatible {
  title_zh "分析测试用规章（结构夹具）"
  rank departmental_rule
  issuer "fixture"
  in_force 2020-01-01
  repealed none
  jurisdiction "national"
}

# alternative grounds of one enumerated provision: they overlap, as the list means them to
rule degree_route {
  conclude eligible z_visa
  when applicant.education >= "bachelor"
  source "tests/analysis fixture §z grounds"
}
rule points_route {
  conclude eligible z_visa
  when applicant.chinese_hsk_level >= 4
  source "tests/analysis fixture §z grounds"
}
rule master_route {
  conclude eligible z_visa
  when applicant.education >= "master" and applicant.english_proficient
  source "tests/analysis fixture §z grounds"
}

# a requirement of the outcome (materials), cumulative with every ground
rule z_needs_work_permit {
  conclude requires work_permit_notice for z_visa
  source "tests/analysis fixture §z materials"
}
# a requirement written as a condition
rule z_health {
  conclude requires that applicant.health_ok for z_visa
  source "tests/analysis fixture §z conditions"
}
# a refusal ground
rule z_refused_for_record {
  conclude refusal_ground for z_visa
  when applicant.criminal_record
  source "tests/analysis fixture §z refusal"
}

# the work permit that issues the notice; closure refuses everyone below HSK 4
rule grant_wp {
  conclude eligible work_permit
  when applicant.chinese_hsk_level >= 4
  source "tests/analysis fixture §work permit"
}

# ranked values of one classification: the provision itself says class A wins over B
rule class_a {
  conclude value work_permit.class = "A"
  when applicant.chinese_hsk_level >= 6
  overrides class_b
  source "tests/analysis fixture §classes"
}
rule class_b {
  conclude value work_permit.class = "B"
  when applicant.chinese_hsk_level >= 4
  source "tests/analysis fixture §classes"
}

rule young {
  conclude condition fixture_young
  when age < 30
  source "tests/analysis fixture §age"
}
rule not_young {
  conclude condition fixture_not_young
  when age >= 30
  source "tests/analysis fixture §age"
}
