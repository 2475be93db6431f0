# 条例 — the grounds besides family of the Q1 visa and the reunion-type residence permit (因寄养等原因,
# 第六条第一款第八项, 第十五条第四项; materials 第七条第一款第八项, 第十六条第一款第四项: 委托书等证明材料)
# and of the S1/S2 visas and the private-affairs-type residence permit (因其他私人事务, 第六条第一款第十项,
# 第十五条第五项; materials 第七条第一款第十项, 第十六条第一款第五项).
#
# The law grants on these grounds but no text at hand says who qualifies (who may foster, what a
# private affair is). Refusing a claimant because no rule applies would be wrong, and granting on the
# claim alone would invent the standard; so an applicant who claims one of them (applicant.foster_care_claimed,
# applicant.other_private_affairs_claimed: claims, absent = not claimed) is decided `undetermined`, the decision
# naming what is not at hand (`not_at_hand`), and the family materials do not bind the claimant
# (family_study.lex: `unless`). An applicant who claims neither is decided exactly as before.

part of entry_exit_regulations

rule q1_foster_care at art 6 para 1 item 8 {
  conclude eligible q1_visa
  when applicant.foster_care_claimed and visit.long_term and not_at_hand("因寄养等原因申请入境居留的条件（现有文本未规定）")
  gloss "Q1 is also for persons entering to reside for foster care or a like reason; the conditions are not at hand."
}

rule reunion_foster_care at art 15 para 1 item 4 {
  conclude eligible reunion_residence_permit
  when applicant.foster_care_claimed and not_at_hand("因寄养等原因需要在中国境内居留的条件（现有文本未规定）")
  gloss "The reunion-type residence permit is also for persons residing for foster care or a like reason; the conditions are not at hand."
}

rule foster_care_mandate at art 7 para 1 item 8 {
  conclude requires foster_care_mandate for q1_visa
  when applicant.foster_care_claimed
  gloss "A Q1 applicant entering for foster care submits the power of attorney (委托书) and other proof."
  note "等证明材料 (the other proof) names no document and is not encoded."
}

rule reunion_foster_care_mandate at art 16 para 1 item 4 {
  conclude requires foster_care_mandate for reunion_residence_permit
  when applicant.foster_care_claimed
  gloss "A reunion-type residence permit applicant residing for foster care submits the power of attorney (委托书) and other proof."
  note "等证明材料 names no document and is not encoded."
}

rule s1_other_private_affairs at art 6 para 1 item 10 {
  conclude eligible s1_visa
  when applicant.other_private_affairs_claimed and visit.long_term and not_at_hand("因其他私人事务需要在中国境内居留的条件（现有文本未规定）")
  gloss "S1 is also for persons who need to reside in China for other private affairs; the conditions are not at hand."
  note "The materials (入境处理私人事务所需的证明材料, 第七条第一款第十项) name no document and are not encoded."
}

rule s2_other_private_affairs at art 6 para 1 item 10 {
  conclude eligible s2_visa
  when applicant.other_private_affairs_claimed and visit.long_term == false and not_at_hand("因其他私人事务需要在中国境内停留的条件（现有文本未规定）")
  gloss "S2 is also for persons who need to stay in China for other private affairs; the conditions are not at hand."
}

rule private_affairs_other at art 15 para 1 item 5 {
  conclude eligible private_affairs_residence_permit
  when applicant.other_private_affairs_claimed and not_at_hand("因其他私人事务需要在中国境内居留的条件（现有文本未规定）")
  gloss "The private-affairs-type residence permit is also for persons who need to reside in China for other private affairs; the conditions are not at hand."
  note "The materials (入境处理私人事务的…相关证明材料, 第十六条第一款第五项) name no document and are not encoded."
}
