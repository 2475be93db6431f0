# 出境入境管理法 第四十九条 — the cancellation of a holder's permanent residence: a decision of its own
# kind on a foreigner who holds the status (application `cancellation_of`), never a ground of refusing
# the grant. Any one item cancels; every item failing leaves the status held; an item whose facts are
# missing leaves the decision undetermined. The article's text is in exit_entry_law.lex.

part of exit_entry_law

strict rule cancellation at art 49 para 1 item 1 {
  conclude cancelled permanent_residence
  when applicant.harmed_national_security
  gloss "Cancelled when the holder has harmed China's national security and interests."
  note "Harm done (对……造成危害), as found — not the risk of harm that applicant.security_risk records for the grant."
}

strict rule cancellation at art 49 para 1 item 2 {
  conclude cancelled permanent_residence
  when applicant.expelled
  gloss "Cancelled when the holder has been expelled (被处驱逐出境, the penalty of 第八十一条)."
}

strict rule cancellation at art 49 para 1 item 3 {
  conclude cancelled permanent_residence
  when applicant.pr_obtained_by_fraud
  gloss "Cancelled when permanent residence was obtained by fraud."
}

strict rule cancellation at art 49 para 1 item 4 {
  conclude cancelled permanent_residence
  when residence.below_prescribed_pr_residence_time
  gloss "Cancelled when the holder's residence in China has not reached the prescribed period."
  note "规定时限 is set by the later articles of 外国人在中国永久居留审批管理办法, known only in paraphrase (pr_measures_2004_later_articles_summary.md: service guides say three cumulative months a year): the period is not encoded, the caseworker's finding (residence.below_prescribed_pr_residence_time) is the fact."
}

strict rule cancellation at art 49 para 1 item 5 {
  conclude cancelled permanent_residence
  when applicant.pr_otherwise_unsuitable
  gloss "Cancelled in other situations that make permanent residence in China inappropriate."
  note "A residual ground left to the Ministry of Public Security (由公安部决定): its finding is the fact (applicant.pr_otherwise_unsuitable), stated by the caseworker; absent, the decision waits for it."
}
