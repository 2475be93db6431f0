# A small vocabulary for the diff fixture: a few contract fields and two permits.
fact decision_date: date
fact route: enum {employer, independent, government_recommendation}
fact holds: set of document
fact applicant.birth_date: date
fact applicant.education: ordered enum {none, secondary, bachelor, master, doctorate}
fact applicant.criminal_record: bool
fact applicant.security_risk: bool
fact applicant.fraud_in_application: bool
fact employment: object
fact employment.contract_signed: bool

derive age: integer = years_between(applicant.birth_date, decision_date)

permit work_permit "外国人工作许可" issues work_permit
permit permanent_residence "在中国永久居留资格" issues permanent_residence
document work_permit "外国人工作许可证"
document permanent_residence "外国人永久居留身份证"
