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
document health_certificate "健康证明" by "医疗机构"

# Where the applicant works, and the four-year figures of the Beijing salary-and-tax route
# (regulations/local/beijing_pr_guide.lex).
fact employment.work_jurisdiction: text "工作所在地（省级行政区，如 北京市）"
fact employment.consecutive_years_working_in_jurisdiction: number "在工作所在地连续工作年限"
fact employment.min_salary_multiple_4_years: number "申请时及申请之日前连续4年中，工资性年收入与上一年度所在地区城镇在岗职工平均工资之比的最小值"
fact employment.min_tax_to_salary_threshold_4_years: number "连续4年中，年缴纳个人所得税与当年工资性年收入标准（平均工资的6倍）之比的最小值"
fact employment.min_tax_to_salary_4_years: number "连续4年中，年缴纳个人所得税与当年工资性年收入之比的最小值"

# The visa a residence permit is applied on (出境入境管理法 第三十条第一款、第三十一条).
fact residence.visa_notes_residence_permit: bool "所持签证注明入境后需要办理居留证件"
fact residence.stay_to_residence_approved: bool "经设区的市级以上公安机关出入境管理机构批准由停留变更为居留"
