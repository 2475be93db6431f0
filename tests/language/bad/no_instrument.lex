import "../../../regulations/vocabulary.lex"
rule at art 1 {
  conclude eligible work_permit
}
