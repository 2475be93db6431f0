# Vocabulary of decisions on a holder: the grounds on which permanent residence, once held, is cancelled
# (出境入境管理法 第四十九条). Kept apart from vocabulary.lex so that it merges cleanly; bound to the
# application contract (its `cancellation_of` names the status held).

fact applicant.harmed_national_security: bool "对中国国家安全和利益造成危害（已造成的危害，非 applicant.security_risk 的风险）"
fact applicant.expelled: bool "被处驱逐出境"
fact applicant.pr_obtained_by_fraud: bool "弄虚作假骗取在中国境内永久居留资格"
fact applicant.pr_otherwise_unsuitable: bool "公安部认定不适宜在中国境内永久居留的其他情形"
fact residence.below_prescribed_pr_residence_time: bool "在中国境内居留未达到规定时限"
