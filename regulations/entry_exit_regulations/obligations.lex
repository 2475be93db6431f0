# 外国人入境出境管理条例 — obligations over a case's timeline (docs/monitor.md).

holding study_work_endorsement "居留证件加注勤工助学、实习信息" {
  from study_work_endorsed
  until permit_expires when permit == "residence_permit"
}

prohibition student_work_without_endorsement at entry_exit_regulations art 22 para 2 {
  bearer foreigner
  on employment_started when kind == "student_work"
  unless holding study_work_endorsement
  consequence at exit_entry_law art 80 para 1 fine 5000 CNY to 20000 CNY
  gloss "A student may work off campus only with the work-study endorsement on the study residence permit."
  note "Work outside the work-study rules is illegal employment (出境入境管理法 第四十三条第一款第三项), fined under 第八十条第一款."
}
