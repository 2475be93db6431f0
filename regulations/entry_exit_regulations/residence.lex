# 条例 第二十一条 — the refusal grounds of extensions (of visas' stay and of residence permits), and
# 第十六条第二款 — the health certificate of a residence permit valid a year or more. Text quoted from
# references/foreigners_entry_exit_regulations_2013.md; kept in a file of their own so that they merge cleanly.

part of entry_exit_regulations

article 21 {
  paragraph 1 {
    text "公安机关出入境管理机构对有下列情形之一的外国人，不予批准签证和居留证件的延期、换发、补发，不予签发停留证件："
    gloss "The exit-entry administration does not approve the extension, renewal or replacement of a visa or residence permit, nor issue a stay permit, to a foreigner:"
    item 1 { text "(一)不能按照规定提供申请材料的；" gloss "who cannot provide the required application materials;" }
    item 2 { text "(二)在申请过程中弄虚作假的；" gloss "who commits fraud in the application;" }
    item 3 { text "(三)违反中国有关法律、行政法规规定，不适合在中国境内停留居留的；" gloss "who has violated Chinese laws or administrative regulations and is unfit to stay or reside in China;" }
    item 4 { text "(四)不宜批准签证和居留证件的延期、换发、补发或者签发停留证件的其他情形。" gloss "in other situations in which approval is inappropriate." }
  }
}

# Item 1 names the materials of the application, which no requirement of an extension names as a
# document (the time limits are conditions, not materials): not encoded. Item 4 is discretion.

strict rule at art 21 para 1 item 2 {
  conclude refusal_ground for residence_extension, stay_extension
  when applicant.fraud_in_application
  gloss "No extension after fraud in the application."
}

strict rule at art 21 para 1 item 3 {
  conclude refusal_ground for residence_extension, stay_extension
  when applicant.security_risk
  gloss "No extension for a foreigner unfit to stay or reside in China (risk to security or public order)."
  note "As for 出境入境管理法 第三十一条第一款第四项: applicant.security_risk is the nearest fact and is used only as that."
}

rule health_certificate at art 16 para 2 {
  conclude requires health_certificate for work_residence_permit, study_residence_permit, reunion_residence_permit, private_affairs_residence_permit
  when requested_validity_years >= 1
  gloss "An applicant for a residence permit valid one year or more submits a health certificate."
  note "The certificate's own validity (自开具之日起6个月内有效) is not encoded: the application does not carry its date."
}
