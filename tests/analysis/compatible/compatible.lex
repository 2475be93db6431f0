# Fixture for `lexgraph analyze`: rules that partition their permits cleanly — no finding at all.
import "../../../regulations/vocabulary.lex"

instrument fixture_compatible {
  title_zh "分析测试用规章（无冲突夹具）"
  rank departmental_rule
  issuer "fixture"
  in_force 2020-01-01
  repealed none
  jurisdiction "national"
}

rule grant_z {
  conclude eligible z_visa
  when applicant.education >= "bachelor" and applicant.criminal_record == false
  source "tests/analysis fixture"
}
rule refuse_z_education {
  conclude ineligible z_visa
  when applicant.education < "bachelor"
  source "tests/analysis fixture"
}
rule refuse_z_record {
  conclude ineligible z_visa
  when applicant.criminal_record and applicant.education >= "bachelor"
  source "tests/analysis fixture"
}

rule grant_wp {
  conclude eligible work_permit
  when applicant.chinese_hsk_level >= 4
  source "tests/analysis fixture"
}
rule refuse_wp {
  conclude ineligible work_permit
  when applicant.chinese_hsk_level < 4
  source "tests/analysis fixture"
}

rule young {
  conclude condition fixture_young
  when age < 30
  source "tests/analysis fixture"
}
rule not_young {
  conclude condition fixture_not_young
  when age >= 30
  source "tests/analysis fixture"
}
