# Vocabulary of the residence decisions after entry: extension of residence (出境入境管理法 第三十二条) and
# of stay (第二十九条), and the health certificate of residence permits valid a year or more (条例 第十六条
# 第二款). Kept apart from vocabulary.lex so that it merges cleanly; bound to the application contract.

fact extension: object "an extension applied for; null = none"
fact extension.of: enum {residence, stay} "延长居留期限 (residence) / 延长签证停留期限 (stay)"
fact extension.applied_on: date "提出延期申请之日"
fact extension.current_expiry: date "居留证件有效期限 / 签证注明的停留期限届满之日"
fact extension.reason_accepted: bool "经审查，延期理由合理、充分"
fact extension.requested_days: integer "申请延长的天数"
fact extension.days_already_extended: integer "已经延长的停留天数"
fact extension.original_stay_days: integer "签证原注明的停留期限（天）"
fact requested_validity_years: number "申请的居留证件有效期（年）"

permit residence_extension "延长居留期限" by "公安机关出入境管理机构" issues residence_extension
permit stay_extension "延长签证停留期限" by "公安机关出入境管理机构" issues stay_extension
document residence_extension "居留证件延期"
document stay_extension "签证停留期限延期"
document health_certificate "健康证明"
