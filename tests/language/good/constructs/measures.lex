# A lower-ranked fixture instrument: its refusal is set aside by the statute (上位法优于下位法),
# and two of its rules compete by specificity and by date.
instrument fixture_measures {
  title_zh "示例办法"
  rank departmental_rule
  issuer "示例部门"
  in_force 2004-08-15
  implements fixture_law/art_1__para_1
  enacted_under repealed_old_law
}
instrument fixture_measures_new {
  title_zh "示例新办法"
  rank departmental_rule
  issuer "示例部门"
  in_force 2018-01-01
}
article 1 {
  paragraph 1 { text "新办法条文。" }
}
rule newer at art 1 para 1 {
  conclude ineligible d_visa
  when route == "independent"
}
