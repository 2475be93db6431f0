# Vocabulary of the family and study permits (条例 第六条、第七条、第十五条、第十六条、第二十二条):
# the person in China an application rests on, the visit, the study. Kept apart from vocabulary.lex
# so that it merges cleanly; bound to the application contract like it.

fact sponsor: object "the person in China a family application rests on (邀请人、被探望人); null = none"
fact sponsor.status: enum {chinese_citizen, permanent_resident, foreigner_resident} "被探望人的身份：中国公民、具有中国永久居留资格的外国人、在中国境内停留居留的外国人"
fact sponsor.residing_in_china: bool "居住在中国境内"
fact sponsor.purpose_of_stay: enum {work, study, other} "外国人被探望人在中国境内停留居留的事由"
fact sponsor.applicant_is: enum {spouse, parent, child, parent_of_spouse, other_family_member, other_relative, none} "申请人是被探望人的谁"
fact visit: object "the visit applied for; null = none"
fact visit.long_term: bool "入境居留或长期探亲 (true)；短期探亲 (false)"
fact applicant.foster_care_claimed: bool default false "因寄养等原因申请入境居留（申请人所称；未称即否）"
fact applicant.other_private_affairs_claimed: bool default false "因其他私人事务需要在中国境内停留居留（申请人所称；未称即否）"
fact study: object "the study the application rests on; null = none"
fact study.long_term: bool "长期学习 (true)；短期学习 (false)"
fact study.school_consent_off_campus: bool "所在学校同意校外勤工助学或者实习"

permit q1_visa "Q1字签证" by "中国驻外签证机关" issues q1_visa
permit q2_visa "Q2字签证" by "中国驻外签证机关" issues q2_visa
permit s1_visa "S1字签证" by "中国驻外签证机关" issues s1_visa
permit s2_visa "S2字签证" by "中国驻外签证机关" issues s2_visa
permit x1_visa "X1字签证" by "中国驻外签证机关" issues x1_visa
permit x2_visa "X2字签证" by "中国驻外签证机关" issues x2_visa
permit reunion_residence_permit "团聚类居留证件" by "公安机关出入境管理机构" issues reunion_residence_permit
permit private_affairs_residence_permit "私人事务类居留证件" by "公安机关出入境管理机构" issues private_affairs_residence_permit
permit study_residence_permit "学习类居留证件" by "公安机关出入境管理机构" issues study_residence_permit
permit work_study_endorsement "居留证件加注勤工助学或者实习信息" by "公安机关出入境管理机构" issues work_study_endorsement

document q1_visa "Q1字签证"
document q2_visa "Q2字签证"
document s1_visa "S1字签证"
document s2_visa "S2字签证"
document x1_visa "X1字签证"
document x2_visa "X2字签证"
document reunion_residence_permit "团聚类外国人居留证件"
document private_affairs_residence_permit "私人事务类外国人居留证件"
document study_residence_permit "学习类外国人居留证件"
document work_study_endorsement "居留证件上加注的勤工助学或者实习地点、期限等信息"
document foster_care_mandate "委托书（寄养）" by "委托人"
document invitation_letter "邀请函件（被探望人出具）" by "被探望人（在中国境内居留的外国人）"
document family_relationship_proof "家庭成员关系证明 / 亲属关系证明" by "出具亲属关系证明的机关"
document sponsor_residence_permit "被探望人的居留证件" by "公安机关出入境管理机构（签发给被探望人）"
document admission_letter "招收单位出具的录取通知书" by "招收单位"
document study_department_certificate "主管部门出具的证明材料（X1字签证）" by "主管部门"
document study_period_letter "招收单位出具的注明学习期限的函件" by "招收单位"
