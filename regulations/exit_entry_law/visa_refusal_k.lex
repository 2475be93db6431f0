# 出境入境管理法 第二十一条 — the refusal grounds of every visa, for the K visa (国务院令第814号, from
# 2025-10-01). The article and the grounds of the other visas are in exit_entry_law.lex; these rules
# say the same of the new category, kept in a file of their own so that the encoded law merges cleanly.
# The K visa is granted only from 2025-10-01 (decision_2025_k_visa), so these grounds bite only then.

part of exit_entry_law

strict rule k_visa at art 21 para 1 item 1 {
  conclude refusal_ground for k_visa
  when applicant.deported_within_ban
  gloss "No K visa while an expulsion or deportation entry ban is running."
}

strict rule k_visa at art 21 para 1 item 2 {
  conclude refusal_ground for k_visa
  when applicant.health_ok == false
  gloss "No K visa for a serious mental disorder, infectious TB or another disease of major public-health danger."
  note "applicant.health_ok is false exactly when one of the diseases named in item 2 is present (contract definition)."
}

strict rule k_visa at art 21 para 1 item 3 {
  conclude refusal_ground for k_visa
  when applicant.security_risk
  gloss "No K visa for a risk to national security, public order, or of other illegal or criminal activity."
}

strict rule k_visa at art 21 para 1 item 4 {
  conclude refusal_ground for k_visa
  when applicant.fraud_in_application or applicant.can_cover_expenses == false
  gloss "No K visa after fraud in the application, or when the stay's expenses cannot be covered."
}

strict rule k_visa at art 21 para 1 item 5 {
  conclude refusal_ground for k_visa
  on missing documents
  gloss "No K visa when the materials the visa authority requires (the proof of 条例 第七条第一款第六项 as amended) are not submitted."
}
