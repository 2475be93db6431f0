instrument fixture_measures_old {
  title_zh "示例旧办法"
  rank departmental_rule
  issuer "示例部门"
  in_force 2004-08-15
}
article 1 {
  paragraph 1 { text "旧办法条文。" }
  paragraph 2 { text "独立申请的，不予办理工作许可。" }
}
rule older at art 1 para 1 {
  conclude eligible d_visa
  when route == "independent"
}
rule general at art 1 para 1 {
  conclude eligible job_seeking_visa
  when applicant.degree_from_chinese_university
}
rule special at art 1 para 1 {
  conclude ineligible job_seeking_visa
  when applicant.degree_from_chinese_university and years_since_graduation > 1
}
rule no_independent at art 1 para 2 {
  conclude ineligible work_permit
  when route == "independent"
}
