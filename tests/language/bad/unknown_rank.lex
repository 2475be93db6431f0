import "../../../regulations/vocabulary.lex"
instrument demo {
  title_zh "示例办法"
  rank decree
}
