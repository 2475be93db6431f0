# 出境入境管理法 第二十一条 (visas) and 第三十一条 (residence permits) — the refusal grounds the law gives
# every visa and residence permit, for the permits encoded after the first eight: the K visa (国务院令第
# 814号, from 2025-10-01), the family and study visas and residence permits (条例 第六条、第十五条). The
# articles and the grounds of the first permits are in exit_entry_law.lex; these rules say the same of
# the newer permits, in a file of their own so that the encoded law merges cleanly.

part of exit_entry_law

strict rule more_visas at art 21 para 1 item 1 {
  conclude refusal_ground for k_visa, q1_visa, q2_visa, s1_visa, s2_visa, x1_visa, x2_visa
  when applicant.deported_within_ban
  gloss "No visa while an expulsion or deportation entry ban is running."
}

strict rule more_visas at art 21 para 1 item 2 {
  conclude refusal_ground for k_visa, q1_visa, q2_visa, s1_visa, s2_visa, x1_visa, x2_visa
  when applicant.health_ok == false
  gloss "No visa for a serious mental disorder, infectious TB or another disease of major public-health danger."
  note "applicant.health_ok is false exactly when one of the diseases named in item 2 is present (contract definition)."
}

strict rule more_visas at art 21 para 1 item 3 {
  conclude refusal_ground for k_visa, q1_visa, q2_visa, s1_visa, s2_visa, x1_visa, x2_visa
  when applicant.security_risk
  gloss "No visa for a risk to national security, public order, or of other illegal or criminal activity."
}

strict rule more_visas at art 21 para 1 item 4 {
  conclude refusal_ground for k_visa, q1_visa, q2_visa, s1_visa, s2_visa, x1_visa, x2_visa
  when applicant.fraud_in_application or applicant.can_cover_expenses == false
  gloss "No visa after fraud in the application, or when the stay's expenses cannot be covered."
}

strict rule more_visas at art 21 para 1 item 5 {
  conclude refusal_ground for k_visa, q1_visa, q2_visa, s1_visa, s2_visa, x1_visa, x2_visa
  on missing documents
  gloss "No visa when the materials the visa authority requires (the documents of 条例 第七条) are not submitted."
}

strict rule more_residence_permits at art 31 para 1 item 2 {
  conclude refusal_ground for study_residence_permit, reunion_residence_permit, private_affairs_residence_permit, work_study_endorsement
  when applicant.fraud_in_application
  gloss "No residence permit (nor an endorsement on one) after fraud in the application."
}

strict rule more_residence_permits at art 31 para 1 item 3 {
  conclude refusal_ground for study_residence_permit, reunion_residence_permit, private_affairs_residence_permit, work_study_endorsement
  on missing documents
  gloss "No residence permit when the required supporting materials (the documents of 条例 第十六条, 第二十二条) are not provided."
}

strict rule more_residence_permits at art 31 para 1 item 4 {
  conclude refusal_ground for study_residence_permit, reunion_residence_permit, private_affairs_residence_permit, work_study_endorsement
  when applicant.security_risk
  gloss "No residence permit for a foreigner whose conduct makes residence unfit (risk to security or public order)."
  note "As for the work-type permit (exit_entry_law.lex): applicant.security_risk is the nearest fact to item 4 and is used only as that."
}

# Item 1: the visa held is of a category that does not lead to a residence permit. Which visas lead to
# one the visa itself says (第三十条第一款: 所持签证注明入境后需要办理居留证件的). Paragraph 2 is the
# exception: a specialist, an investor or a foreigner with humanitarian reasons whose change from stay
# to residence the exit-entry administration of a districted city or above approves. It holds for the
# work-type permit as for the others (the visa a worker enters on, Z or R, says so).
strict rule more_residence_permits at art 31 para 1 item 1 {
  conclude refusal_ground for work_residence_permit, study_residence_permit, reunion_residence_permit, private_affairs_residence_permit
  when residence.visa_notes_residence_permit == false
  unless residence.stay_to_residence_approved
  gloss "No residence permit on a visa for a stay only, unless the change from stay to residence is approved (第三十一条第二款)."
  note "第三十一条第二款 (经设区的市级以上地方人民政府公安机关出入境管理机构批准可以办理外国人居留证件) is read as the exception to item 1: the approval (residence.stay_to_residence_approved) is the authority's decision on the categories it names (专门人才、投资者、人道等原因)."
}
