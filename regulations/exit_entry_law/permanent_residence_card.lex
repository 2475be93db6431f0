# 出境入境管理法 第四十八条 — what permanent residence allows: the holder resides and works in China on
# the permanent residence card. A holder asking for a work permit or a work-type residence permit is
# told it is not needed (a value beside the outcome, `needed = false`, grounded on this article); the
# outcome itself stays that of the permit's own conditions, since the article refuses nothing. The
# article's text is in exit_entry_law.lex; on a timeline the same article lifts the prohibitions of
# working without the permits (obligations.lex: `unless holding permanent_residence at … art 48`).

part of exit_entry_law

rule permanent_resident_works_on_card at art 48 para 1 {
  conclude value work_permit.needed = false
  conclude value work_residence_permit.needed = false
  when holds(permanent_residence)
  gloss "A permanent resident works in China on the permanent residence card: no work permit and no work-type residence permit are needed."
  note "The article authorises work on the card; it does not bar a holder from the permits, so it decides no outcome — only that they are not needed."
}
