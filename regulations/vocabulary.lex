# The fact vocabulary: every fact a rule may read, bound to ../shared/contract/application.schema.json.
# `lexgraph check` verifies that each path exists in the contract with a compatible type.
# Three-valued: an absent fact is unknown; an explicit null object or `false` means none / no.

fact decision_date: date "决定日期 — fixes ages and durations"
fact application_date: date default decision_date "申请之日 — 办法 第六条 counts years and ages at the application; absent = decision_date"
# Who files. No article in force makes it a condition: the foreigner applies in person and the
# employer's part is carried by the documents issued to it. Absent = employer, the only route of the
# law in force; the independent route is a claim the applicant makes.
fact route: enum {employer, independent, government_recommendation} default employer "申请途径"
fact holds: set of document "documents already held; absent = unknown, [] = none"

fact applicant.nationality: text
fact applicant.birth_date: date "出生日期"
fact applicant.education: ordered enum {none, secondary, bachelor, master, doctorate} "受教育程度"
fact applicant.degree_from_chinese_university: bool
fact applicant.degree_from_top_foreign_university: bool "毕业于国（境）外高水平大学"
fact applicant.graduation_date: date
fact applicant.stem_degree: bool
fact applicant.related_work_experience_years: number "工作年限"
fact applicant.chinese_hsk_level: integer "汉语水平考试（HSK）级别"
fact applicant.english_proficient: bool
fact applicant.occupation_on_shortage_list: bool "紧缺人才清单 / 移民职业清单"
fact applicant.internationally_recognised_award: bool default false "符合国际公认的专业成就认定标准"
fact applicant.selected_by_talent_programme: bool default false "入选国内人才引进计划"
fact applicant.major_contribution_to_china: bool "对中国有重大、突出贡献以及国家特别需要"
fact applicant.ethnic_chinese: bool "外籍华人"
fact applicant.criminal_record: bool "犯罪记录"
fact applicant.health_ok: bool "身体健康 (办法 第六条)"
fact applicant.disease_barring_entry: bool "患有严重精神障碍、传染性肺结核病或者有可能对公共卫生造成重大危害的其他传染病 (法 第二十一条第一款第二项)"
fact applicant.violation_unfit_to_reside: bool "违反中国有关法律、行政法规，不适合在中国境内居留 (法 第三十一条第一款第四项)"
fact applicant.good_conduct_declared: bool "良好品行宣告"
fact applicant.health_declared: bool "身体健康宣告"
fact applicant.deported_within_ban: bool "被处驱逐出境或者被决定遣送出境，未满不准入境规定年限"
fact applicant.security_risk: bool "可能危害中国国家安全和利益、破坏社会公共秩序"
fact applicant.fraud_in_application: bool "弄虚作假"
fact applicant.can_cover_expenses: bool "能够保障在中国境内期间所需费用"
fact applicant.formerly_chinese_national: bool "曾经具有中国国籍"
fact applicant.degree_taught_in_chinese: bool "以汉语为教学语言的学士及以上学位"
fact applicant.fortune_global_500_experience: bool "世界500强企业任职经验"
fact applicant.holds_patent: bool "专利等知识产权"
fact applicant.encouraged_post: bool default false "符合市场导向的鼓励类岗位标准"
fact applicant.innovative_entrepreneur: bool default false "创新创业人才"
fact applicant.excellent_young_talent: bool default false "优秀青年人才"
fact applicant.vocational_qualification: ordered enum {none, senior_worker, technician, senior_technician_or_international_top} "职业技能资格"

fact employment: object "在华用人单位; null = none"
fact employment.employer_name: text
fact employment.employer_type: enum {key_national_project, high_tech_enterprise, foreign_invested_enterprise, university, research_institute, state_owned_enterprise, private_enterprise, other}
fact employment.position_level: ordered enum {staff, manager, deputy_general_manager_or_above, associate_senior_title_or_above}
fact employment.annual_salary_cny: money CNY "国内聘用单位支付年薪"
fact employment.local_average_annual_salary_cny: money CNY "当地上年度社会平均工资"
fact employment.annual_income_tax_cny: money CNY
fact employment.consecutive_years_in_post: number "连续任职年限"
fact employment.annual_months_working_in_china: number "每年工作时间（月）"
fact employment.contract_signed: bool "聘用合同"
fact employment.tax_record_good: bool "纳税记录良好"
fact employment.work_region: enum {western, northeast_old_industrial, poverty_county, other} "工作定向"
fact employment.consecutive_years_working_in_china: number "连续在华工作年限"
fact employment.local_bonus_points: integer "地方鼓励性加分"
fact employment.class_c_category: enum {temporary_or_seasonal, non_technical_or_service, intern, international_agreement, none} "外国普通人员（C类）的工作类别"

fact residence.years_resident_in_last_4: number "四年内在中国居留累计年限"
fact residence.consecutive_years_resident: number "在中国连续居留年限"
fact residence.min_months_resident_per_year: number "每年在中国居留月数"
fact residence.stable_income_and_housing: bool "稳定生活保障和住所"
fact residence.entry_date: date "入境日期"
fact residence.entry_visa: text "入境签证种类"

fact investment: object "在中国直接投资; null = none"
fact investment.amount_usd: money USD
fact investment.region: enum {encouraged_industry, western, poverty_county, central, other}
fact investment.consecutive_years_stable: number "连续投资情况稳定年限"
fact investment.tax_record_good: bool "纳税记录良好"

fact family: object "the family tie the application rests on; null = none"
fact family.relation: enum {spouse_of_chinese_citizen_or_pr, spouse_or_minor_child_of_pr_principal, minor_unmarried_child_joining_parent, dependent_aged_60_without_relatives_abroad}
fact family.marriage_years: number "婚姻关系存续年限"
fact family.unmarried: bool "未婚"

derive age: integer = years_between(applicant.birth_date, decision_date)
derive age_at_application: integer = years_between(applicant.birth_date, application_date)
derive salary_multiple: number = employment.annual_salary_cny / employment.local_average_annual_salary_cny
derive years_since_graduation: integer = years_between(applicant.graduation_date, decision_date)

# Permits decided, the authority that decides each, and the documents its grant issues. A document
# counts for a requirement only when the applicant holds it; which permit issues it is advice (the
# pathway beside a decision), never a ground.
permit work_permit "外国人工作许可" by "外国人来华工作管理部门" issues work_permit_notice, work_permit
permit talent_confirmation_letter "外国高端人才确认函" by "外国人来华工作管理部门" issues talent_confirmation_letter
permit z_visa "Z字签证" by "中国驻外签证机关" issues z_visa
permit r_visa "R字签证" by "中国驻外签证机关" issues r_visa
permit work_residence_permit "工作类居留证件" by "公安机关出入境管理机构" issues work_residence_permit
permit permanent_residence "在中国永久居留资格" by "公安部" issues pr_confirmation_form, permanent_residence
permit d_visa "D字签证" by "中国驻外签证机关" issues d_visa
permit job_seeking_visa "求职签证" by "中国驻外签证机关" issues job_seeking_visa

document work_permit_notice "外国人工作许可通知"
document work_permit "外国人工作许可证"
document talent_confirmation_letter "外国高端人才确认函"
document z_visa "Z字签证"
document r_visa "R字签证"
document work_residence_permit "工作类外国人居留证件"
document pr_confirmation_form "外国人永久居留身份确认表"
document permanent_residence "外国人永久居留身份证"
document d_visa "D字签证"
document job_seeking_visa "求职签证"
document government_recommendation_letter "省级人民政府、国务院主管部门出具的推荐函"
document employer_recommendation "用人单位推荐"

# Added for the independent-application reform (regulations/amendments/independent_application.lex):
# an optional scored factor, and the state of the annual quota on independent grants.
fact applicant.ftz_work_experience: bool "自贸试验区等特定地方工作经验"
fact quota: object "annual quotas at the time of the decision; absent = unknown"
fact quota.class_c_quota_available: bool "外国普通人员（C类）数量限制是否允许; absent = unknown"
fact quota.independent_grants_this_year: integer "本年度已批准的独立申请永久居留人数（配额）; absent = unknown"
