# 条例 — the family and study permits a caseworker decides daily: Q1/Q2 and S1/S2 visas (第六条第一款
# 第八项、第十项; materials 第七条第一款第八项、第十项), X1/X2 visas (第六条第一款第十一项; 第七条第一款第十一项),
# the study-type, reunion-type and private-affairs-type residence permits (第十五条第二项、第四项、第五项;
# materials 第十六条第一款第二项、第四项、第五项) and the work-study endorsement (第二十二条 with
# 出境入境管理法 第四十二条第二款). The articles are encoded in entry_exit_regulations.lex; these rules are
# kept in a file of their own so that they merge cleanly. They are written in the 2013 numbering; from
# 2025-10-01 they are cited by the numbering of 国务院令第814号 (Q: 第九项, S: 第十一项, X: 第十二项).
#
# Foster care (因寄养等原因, Q1 and the reunion permit; 委托书) and other private affairs (因其他私人事务,
# S1/S2 and the private-affairs permit) are grants whose conditions no text at hand sets: they are
# encoded in family_other_grounds.lex with `not_at_hand`, for an applicant who claims them; the family
# materials below do not bind such a claimant (`unless`). Not encoded: the range of 家庭成员 / 亲属,
# which no text at hand defines: the application states it (sponsor.applicant_is).

part of entry_exit_regulations

# ---------------------------------------------------------------------------------------------
# Q1 / Q2 — family of Chinese citizens and permanent residents living in China
# ---------------------------------------------------------------------------------------------
rule q1 at art 6 para 1 item 8 {
  conclude eligible q1_visa
  when all of {
    sponsor.status in {"chinese_citizen", "permanent_resident"},
    sponsor.residing_in_china,
    sponsor.applicant_is in {"spouse", "parent", "child", "parent_of_spouse", "other_family_member"},
    visit.long_term,
  }
  gloss "Q1: a family member of a Chinese citizen or of a permanent resident, entering to reside for family reunion."
  note "家庭成员 is not defined in the texts at hand: the application states the relation (sponsor.applicant_is); any relation but `other_relative` and `none` is taken as a family member. Foster care (因寄养等原因): family_other_grounds.lex."
}

rule q2 at art 6 para 1 item 8 {
  conclude eligible q2_visa
  when all of {
    sponsor.status in {"chinese_citizen", "permanent_resident"},
    sponsor.residing_in_china,
    sponsor.applicant_is != "none",
    visit.long_term == false,
  }
  gloss "Q2: a relative of a Chinese citizen or of a permanent resident living in China, on a short family visit."
  note "亲属 (relatives) is wider than 家庭成员: any stated relation (`other_relative` included) counts."
}

rule q_invitation at art 7 para 1 item 8 {
  conclude requires invitation_letter for q1_visa, q2_visa
  unless applicant.foster_care_claimed
  gloss "Q1 and Q2 applicants submit the invitation of the Chinese citizen or permanent resident living in China."
}

rule q1_relationship at art 7 para 1 item 8 {
  conclude requires family_relationship_proof for q1_visa
  unless applicant.foster_care_claimed
  gloss "A Q1 applicant coming for family reunion submits the proof of the family relationship."
}

# ---------------------------------------------------------------------------------------------
# S1 / S2 — family of foreigners residing in China for work or study
# ---------------------------------------------------------------------------------------------
rule s1 at art 6 para 1 item 10 {
  conclude eligible s1_visa
  when all of {
    sponsor.status == "foreigner_resident",
    sponsor.purpose_of_stay in {"work", "study"},
    visit.long_term,
    any of {
      sponsor.applicant_is in {"spouse", "parent", "parent_of_spouse"},
      sponsor.applicant_is == "child" and age < 18,
    },
  }
  gloss "S1: the spouse, a parent, a child under 18 or a parent-in-law of a foreigner residing in China for work or study, on a long family visit."
  note "未满18周岁: a child is under 18 until the day before the 18th birthday (age counts whole years to the decision date). Other private affairs (因其他私人事务): family_other_grounds.lex."
}

rule s2 at art 6 para 1 item 10 {
  conclude eligible s2_visa
  when all of {
    sponsor.status == "foreigner_resident",
    sponsor.purpose_of_stay in {"work", "study"},
    visit.long_term == false,
    sponsor.applicant_is in {"spouse", "parent", "child", "parent_of_spouse", "other_family_member"},
  }
  gloss "S2: a family member of a foreigner staying or residing in China for work or study, on a short family visit."
  note "家庭成员 as for Q1: the stated relation, `other_relative` and `none` excepted."
}

rule s_invitation at art 7 para 1 item 10 {
  conclude requires invitation_letter for s1_visa, s2_visa
  unless applicant.other_private_affairs_claimed
  gloss "S1 and S2 applicants submit the invitation of the foreigner staying or residing in China."
}

rule s_relationship at art 7 para 1 item 10 {
  conclude requires family_relationship_proof for s1_visa, s2_visa
  unless applicant.other_private_affairs_claimed
  gloss "S1 and S2 applicants visiting family submit the proof of the family relationship."
}

# ---------------------------------------------------------------------------------------------
# X1 / X2 — study
# ---------------------------------------------------------------------------------------------
rule x1 at art 6 para 1 item 11 {
  conclude eligible x1_visa
  when study != none and study.long_term
  gloss "X1: a foreigner applying for long-term study in China."
}

rule x2 at art 6 para 1 item 11 {
  conclude eligible x2_visa
  when study != none and study.long_term == false
  gloss "X2: a foreigner applying for short-term study in China."
}

rule x_admission at art 7 para 1 item 11 {
  conclude requires admission_letter for x1_visa, x2_visa
  gloss "X1 and X2 applicants submit the admitting institution's admission letter."
}

rule x1_certificate at art 7 para 1 item 11 {
  conclude requires study_department_certificate for x1_visa
  gloss "An X1 applicant also submits the certificate of the competent department."
}

# ---------------------------------------------------------------------------------------------
# Residence permits: study, reunion, private affairs (第十五条; materials 第十六条)
# ---------------------------------------------------------------------------------------------
rule study at art 15 para 1 item 2 {
  conclude eligible study_residence_permit
  when study != none and study.long_term
  gloss "The study-type residence permit is for a foreigner studying long-term in China."
}

rule study_letter at art 16 para 1 item 2 {
  conclude requires study_period_letter for study_residence_permit
  gloss "A study-type residence permit applicant submits the admitting institution's letter stating the period of study."
}

rule reunion at art 15 para 1 item 4 {
  conclude eligible reunion_residence_permit
  when all of {
    sponsor.status in {"chinese_citizen", "permanent_resident"},
    sponsor.residing_in_china,
    sponsor.applicant_is in {"spouse", "parent", "child", "parent_of_spouse", "other_family_member"},
  }
  gloss "The reunion-type residence permit is for a family member of a Chinese citizen or of a permanent resident who needs to reside in China for family reunion."
  note "家庭成员 as for Q1. Foster care (因寄养等原因): family_other_grounds.lex."
}

rule reunion_relationship at art 16 para 1 item 4 {
  conclude requires family_relationship_proof for reunion_residence_permit
  unless applicant.foster_care_claimed
  gloss "A reunion-type residence permit applicant submits the proof of the family relationship."
  note "与申请事由相关的证明材料 names no document and is not encoded."
}

rule private_affairs at art 15 para 1 item 5 {
  conclude eligible private_affairs_residence_permit
  when all of {
    sponsor.status == "foreigner_resident",
    sponsor.purpose_of_stay in {"work", "study"},
    any of {
      sponsor.applicant_is in {"spouse", "parent", "parent_of_spouse"},
      sponsor.applicant_is == "child" and age < 18,
    },
  }
  gloss "The private-affairs-type residence permit is for the spouse, a parent, a child under 18 or a parent-in-law on a long visit to a foreigner residing in China for work or study."
  note "Other private affairs (因其他私人事务): family_other_grounds.lex."
}

rule private_affairs_kinship at art 16 para 1 item 5 {
  conclude requires family_relationship_proof for private_affairs_residence_permit
  unless applicant.other_private_affairs_claimed
  gloss "A private-affairs-type residence permit applicant on a long family visit submits the proof of kinship."
}

rule private_affairs_sponsor_permit at art 16 para 1 item 5 {
  conclude requires sponsor_residence_permit for private_affairs_residence_permit
  unless applicant.other_private_affairs_claimed
  gloss "A private-affairs-type residence permit applicant on a long family visit submits the visited person's residence permit."
}

# ---------------------------------------------------------------------------------------------
# 第二十二条 — the work-study endorsement (with 出境入境管理法 第四十二条第二款)
# ---------------------------------------------------------------------------------------------
rule work_study at art 22 para 1 {
  conclude eligible work_study_endorsement
  when study.school_consent_off_campus
  gloss "A holder of a study-type residence permit who needs off-campus work-study or an internship has its place and period endorsed on the permit, with the school's consent."
  note "The scope of posts and the hours of work-study are set by the education department (出境入境管理法 第四十二条第二款); those rules are not at hand and are not encoded."
}

rule work_study_permit at art 22 para 1 {
  conclude requires study_residence_permit for work_study_endorsement
  gloss "Only a holder of a study-type residence permit has work-study endorsed on it."
}
