import "../../../regulations/vocabulary.lex"
import "../../../regulations/vocabulary_holders.lex"
instrument demo {
  title_zh "示例办法"
  rank departmental_rule
  in_force 2020-01-01
}
article 1 {
  paragraph 1 {
    text "示例条文。"
    item 1 { text "（一）第一项；" }
  }
}
rule at art 1 para 1 item 1 {
  conclude cancelled permanent_residence
  conclude refusal_ground for permanent_residence
  when applicant.expelled
}
