# 国务院关于修改《中华人民共和国外国人入境出境管理条例》的决定 (国务院令第814号) — the K visa.
# Text quoted from references/entry_exit_regulations_amendment_2025_k_visa.md (the complete decision).
#
# An adopted amending instrument of the State Council, applied by the amendment machinery by date:
# from 2025-10-01 each `insert item` below puts the K visa at (六) of 条例 第六条 and 第七条第一款 and
# moves every later item down by one (根据本决定…对条文序号作相应调整). The 2013 text in
# entry_exit_regulations.lex is not edited; rules keep their ids (`…art_6__para_1__item_12` is the Z
# visa in any numbering) and are cited by the numbering in force on the decision date
# (engine/numbering.py): 条例 第六条第十二项 before 2025-10-01, 第六条第十三项 from that day.

amendment decision_2025_k_visa {
  title_zh "国务院关于修改《中华人民共和国外国人入境出境管理条例》的决定"
  title_en "Decision of the State Council on Amending the Regulations on the Administration of the Entry and Exit of Foreigners"
  status adopted
  rank administrative_regulation
  issuer "国务院"
  number "国务院令第814号"
  adopted 2025-07-16
  in_force 2025-10-01
  amends entry_exit_regulations
  source "entry_exit_regulations_amendment_2025_k_visa.md"
  note "Adopted at the 63rd executive meeting of the State Council on 2025-07-16, promulgated 2025-08-07 (国务院令第814号), in force 2025-10-01 (本决定自2025年10月1日起施行)."
}

article 1 {
  paragraph 1 {
    text "一、第六条增加一项,作为第六项:“(六)K字签证,发给入境的外国青年科技人才”。"
    gloss "Article 6 gains an item, as item 6: the K visa, for young foreign science and technology talent entering China."
  }
}

article 2 {
  paragraph 1 {
    text "二、第七条第一款增加一项,作为第六项:“(六)申请K字签证,应当符合中国政府有关主管部门规定的外国青年科技人才的条件和要求,并提交相应的证明材料”。"
    gloss "Article 7(1) gains an item, as item 6: a K-visa applicant meets the conditions and requirements for young foreign science and technology talent set by the competent Chinese departments and submits the corresponding proof."
  }
}

article 3 {
  paragraph 1 {
    text "本决定自2025年10月1日起施行。"
    gloss "This decision takes effect on 1 October 2025."
  }
}

article 4 {
  paragraph 1 {
    text "《中华人民共和国外国人入境出境管理条例》根据本决定作相应修改并对条文序号作相应调整,重新公布。"
    gloss "The Regulations are amended accordingly, their items renumbered, and republished."
  }
}

# The articles above number the decision's own points (一、二 and the two closing clauses) in order.

insert item entry_exit_regulations art 6 para 1 item 6 {
  text "(六)K字签证,发给入境的外国青年科技人才"
  gloss "K: young foreign science and technology talent entering China."
  note "Verbatim from 决定 一 (no closing punctuation in the quoted item). Items (六)–(十二) of 2013 become (七)–(十三)."
}

insert item entry_exit_regulations art 7 para 1 item 6 {
  text "(六)申请K字签证,应当符合中国政府有关主管部门规定的外国青年科技人才的条件和要求,并提交相应的证明材料"
  gloss "K: meet the conditions and requirements for young foreign science and technology talent set by the competent departments, and submit the corresponding proof."
  note "Verbatim from 决定 二. Items (六)–(十二) of 2013 become (七)–(十三)."
}

rule k_visa at entry_exit_regulations art 6 para 1 item 6 {
  conclude eligible k_visa
  when applicant.young_sci_tech_talent_claimed
  gloss "The K visa is for young foreign science and technology talent: an applicant who claims to meet the conditions the competent departments set for it."
  note "Who is 外国青年科技人才 is fixed by the competent departments (第七条第一款第六项 as amended); their conditions and requirements are not at hand, so the grant rests on the applicant's claim (applicant.young_sci_tech_talent_claimed) and the requirement below on the proof of it. Nothing here decides whether the claim is true."
}

rule k_visa_proof at entry_exit_regulations art 7 para 1 item 6 {
  conclude requires young_sci_tech_talent_proof for k_visa
  gloss "A K-visa applicant submits the proof of meeting the young science and technology talent conditions (相应的证明材料)."
  note "The conditions and requirements themselves (中国政府有关主管部门规定) are not at hand: holding the corresponding proof stands for meeting them."
}
