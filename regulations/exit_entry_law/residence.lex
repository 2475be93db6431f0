# 出境入境管理法 第二十九条第二款、第三款 (extension of a visa's stay) and 第三十二条 (extension of residence):
# decisions of their own, taken after entry. The articles are encoded in exit_entry_law.lex; the rules
# are kept in a file of their own so that the encoded law merges cleanly. The refusal grounds of these
# extensions are 条例 第二十一条 (regulations/entry_exit_regulations/residence.lex).

part of exit_entry_law

rule residence_extension at art 32 para 1 {
  conclude eligible residence_extension
  when all of {
    extension.of == "residence",
    any of {
      holds(work_residence_permit), holds(study_residence_permit),
      holds(reunion_residence_permit), holds(private_affairs_residence_permit),
    },
    extension.reason_accepted,
  }
  gloss "A foreigner residing in China on a residence permit whose reasons for extension are found reasonable and sufficient is granted the extension of residence."
  note "延期理由合理、充分 is the authority's finding on examination (extension.reason_accepted); nothing here decides it."
}

rule residence_extension_in_time at art 32 para 1 {
  conclude requires that extension.applied_on <= extension.current_expiry - 30 days for residence_extension
  gloss "The extension of residence is applied for at least thirty days before the residence permit expires (届满三十日前)."
  note "届满三十日前 read as: on or before the day thirty days before the expiry date."
}

rule stay_extension at art 29 para 2 {
  conclude eligible stay_extension
  when extension.of == "stay" and extension.reason_accepted
  gloss "A visa holder whose reasons for extending the stay are found reasonable and sufficient is granted the extension of stay."
}

rule stay_extension_in_time at art 29 para 2 {
  conclude requires that extension.applied_on <= extension.current_expiry - 7 days for stay_extension
  gloss "The extension of stay is applied for at least seven days before the stay the visa states ends (届满七日前)."
}

rule stay_extension_cap at art 29 para 3 {
  conclude requires that extension.days_already_extended + extension.requested_days <= extension.original_stay_days for stay_extension
  gloss "Extensions of stay together may not exceed the stay the visa first stated."
}
