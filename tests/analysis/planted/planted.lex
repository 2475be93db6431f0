# Fixture for `lexgraph analyze`: one planted finding of each kind (see tests/test_analysis.py).
# Rules carry no citation (no law text is quoted); each names a section of this fixture as its source,
# and rules naming one section are alternatives of one provision.
import "../../../regulations/vocabulary.lex"

instrument fixture_planted {
  title_zh "分析测试用规章（夹具）"
  rank departmental_rule
  issuer "fixture"
  in_force 2020-01-01
  repealed none
  jurisdiction "national"
}

# conflict, unresolved: a grant and a refusal of one instrument that both fire for a graduate
# with a criminal record; neither overrides the other and neither is more specific.
rule grant_z {
  conclude eligible z_visa
  when applicant.education >= "bachelor"
  source "tests/analysis fixture §grant_z"
}
rule refuse_z {
  conclude ineligible z_visa
  when applicant.education < "bachelor" or applicant.criminal_record
  source "tests/analysis fixture §refuse_z"
}

# masked: grant_r_special can never win — whenever it applies, refuse_r applies and overrides it (one
# provision: the override is an exception written into it, so the pair is no conflict).
rule grant_r_special {
  conclude eligible r_visa
  when applicant.stem_degree and applicant.english_proficient
  source "tests/analysis fixture §r"
}
rule refuse_r {
  conclude ineligible r_visa
  when applicant.stem_degree
  overrides grant_r_special
  source "tests/analysis fixture §r"
}
rule refuse_r_other {
  conclude ineligible r_visa
  when applicant.stem_degree == false
  source "tests/analysis fixture §refuse_r_other"
}

# redundant (subsumption, two provisions): grant_wp_b applies only where grant_wp_a already does.
rule grant_wp_a {
  conclude eligible work_permit
  when applicant.chinese_hsk_level >= 4
  source "tests/analysis fixture §grant_wp_a"
}
rule grant_wp_b {
  conclude eligible work_permit
  when applicant.chinese_hsk_level >= 5 and applicant.english_proficient
  source "tests/analysis fixture §grant_wp_b"
}
rule refuse_wp {
  conclude ineligible work_permit
  when applicant.chinese_hsk_level < 4
  source "tests/analysis fixture §refuse_wp"
}

# dead: the contract caps the HSK level at 6.
rule grant_d_dead {
  conclude eligible d_visa
  when applicant.chinese_hsk_level > 6 and applicant.health_ok
  source "tests/analysis fixture §grant_d_dead"
}
rule grant_d {
  conclude eligible d_visa
  when applicant.health_ok
  source "tests/analysis fixture §grant_d"
}
rule refuse_d {
  conclude ineligible d_visa
  when applicant.health_ok == false
  source "tests/analysis fixture §refuse_d"
}

# closure (structural, only with --all): an applicant who made no major contribution and is no
# security risk is neither granted nor refused permanent residence by any rule.
rule grant_pr {
  conclude eligible permanent_residence
  when applicant.major_contribution_to_china
  source "tests/analysis fixture §grant_pr"
}
rule refuse_pr {
  conclude ineligible permanent_residence
  when applicant.security_risk and applicant.major_contribution_to_china == false
  source "tests/analysis fixture §refuse_pr"
}

# dangling: no permit issues this document, and no authority is named that does.
document fixture_unissued_letter "无人签发的函件（夹具）"

rule recommended {
  conclude requires fixture_unissued_letter for work_permit
  source "tests/analysis fixture §recommended"
}

# undecidable: the fixture classes applicants without a degree as "other", and no grant can reach
# anyone so classed while no provision refuses them — the outcome rests on what the rules do not read.
rule track_other {
  conclude value job_seeking_visa.track = "other"
  when applicant.education < "bachelor"
  source "tests/analysis fixture §track"
}
rule grant_job_seeking {
  conclude eligible job_seeking_visa
  when applicant.education >= "bachelor"
  source "tests/analysis fixture §job_seeking"
}
