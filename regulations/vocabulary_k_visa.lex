# Vocabulary of the K visa (国务院令第814号, in force 2025-10-01): the permit, its proof and the claim.
# Kept apart from vocabulary.lex so that it merges cleanly; bound to the application contract like it.

fact applicant.young_sci_tech_talent_claimed: bool "申请人主张符合中国政府有关主管部门规定的外国青年科技人才的条件和要求"
permit k_visa "K字签证" by "中国驻外签证机关" issues k_visa
document k_visa "K字签证"
document young_sci_tech_talent_proof "外国青年科技人才相应的证明材料" by "有关主管部门"
