import "../../../regulations/vocabulary.lex"
instrument demo {
  title_zh "示例办法"
  in_force 2020-02-30
}
