# 出境入境管理法 — obligations over a case's timeline, watched by `lexgraph monitor` (docs/monitor.md).
# Each duty, prohibition and consequence cites an article encoded (verbatim) in exit_entry_law.lex.
# Counting: the day of the triggering event is day 0; `within N days` is met on day N and breached on
# day N + 1; `within 24 hours` is one day (events carry dates, not times).

# ---------------------------------------------------------------------------------------------
# Holdings: what a case holds at a moment, granted and ended by its events
# ---------------------------------------------------------------------------------------------
holding work_permit "外国人工作许可" {
  from work_permit_issued
  until permit_expires when permit == "work_permit"
}

holding permanent_residence "外国人永久居留资格" {
  from permanent_residence_granted
  until permanent_residence_cancelled
  note "Held from the grant (第四十七条) until the Ministry of Public Security cancels it (第四十九条: the decision `cancellation_of` asks about; the monitor reads the event that records it). The card's own validity is not a holding: an expired card is renewed, the status stays."
}

holding work_residence_permit "工作类居留证件" {
  from residence_permit_issued when purpose == "work"
  until permit_expires when permit == "residence_permit"
  until residence_permit_issued when purpose != "work"
  note "A residence permit of another purpose replaces the work-type one."
}

# ---------------------------------------------------------------------------------------------
# Duties with a deadline
# ---------------------------------------------------------------------------------------------
duty residence_permit_after_entry at exit_entry_law art 30 para 1 {
  bearer foreigner
  on entry when residence_permit_required
  within 30 days
  met by residence_permit_applied
  ends on exit
  gloss "Apply for the residence permit within 30 days of entry, when the visa says one is needed."
  note "第三十条 attaches no penalty of its own; staying on past the visa without a residence permit is illegal residence (条例 第二十五条第一项), watched by `leave_before_stay_ends` (第七十八条)."
}

duty stay_extension at exit_entry_law art 29 para 2 {
  bearer foreigner
  on entry
  due stay_until - 7 days
  met by stay_extension_applied
  ends on exit
  optional
  gloss "An extension of the visa's stay is applied for at least 7 days before the stay ends."
  note "Owed only if an extension is sought (需要延长…的): with no application the window closes without a breach; an application after it is late. Read as: the stay ends on stay_until, and the last day to apply is stay_until - 7."
}

duty residence_extension at exit_entry_law art 32 para 1 {
  bearer foreigner
  on residence_permit_issued
  due expires - 30 days
  met by residence_extension_applied
  ends on residence_permit_issued
  optional
  gloss "An extension of residence is applied for at least 30 days before the residence permit expires."
  note "Owed only if an extension is sought; a newly issued residence permit replaces the old one's window."
}

duty particulars_change at exit_entry_law art 33 para 2 {
  bearer foreigner
  on particulars_changed
  within 10 days
  met by particulars_change_applied
  consequence at exit_entry_law art 76 para 1 item 4 fine 0 CNY to 2000 CNY
  gloss "A change of the residence permit's registered particulars is applied for within 10 days of the change."
}

duty accommodation_registration at exit_entry_law art 39 para 2 {
  bearer foreigner, host
  on accommodation_started when place == "other"
  within 24 hours
  met by accommodation_registered
  ends on exit
  consequence at exit_entry_law art 76 para 1 item 6 fine 0 CNY to 2000 CNY
  gloss "Outside a hotel, the foreigner or the host registers the accommodation within 24 hours of moving in."
}

duty hotel_registration at exit_entry_law art 39 para 1 {
  bearer hotel
  on accommodation_started when place == "hotel"
  met by accommodation_registered
  consequence at exit_entry_law art 76 para 2
  gloss "A hotel registers a foreign guest's accommodation."
  note "The period is set by the rules for hotels (旅馆业治安管理的有关规定), not at hand: the duty is watched until met, never dated or breached."
}

duty birth_registration at exit_entry_law art 40 para 1 {
  bearer parents
  on birth
  within 60 days
  met by birth_registered
  consequence at exit_entry_law art 76 para 1 item 3 fine 0 CNY to 2000 CNY
  gloss "A foreign baby born in China is registered within 60 days of the birth."
}

duty employer_reports_employment at exit_entry_law art 45 para 1 {
  bearer employer
  on employment_started
  met by employer_report_filed when about == "employment_started"
  gloss "The employer reports the foreigner it employs."
  note "按照规定: the period is set by rules not at hand; the duty is watched until met, never dated or breached."
}

duty employer_reports_departure at exit_entry_law art 45 para 1 {
  bearer employer
  on employment_ended
  met by employer_report_filed when about == "employment_ended"
  gloss "The employer reports a foreigner who leaves its employment."
  note "按照规定: the period is set by rules not at hand; the duty is watched until met, never dated or breached."
}

duty leave_before_stay_ends at exit_entry_law art 37 para 1 {
  bearer foreigner
  on permit_expires when permit in {"visa", "stay_permit", "residence_permit"}
  within 0 days
  met by exit, stay_extended, residence_permit_issued
  consequence at exit_entry_law art 78 para 1 fine 500 CNY per day max 10000 CNY
  gloss "Leave before the stay or residence ends (or hold a new stay or permit); each day beyond is illegal residence."
  note "permit_expires is dated the last day of validity and posted only for a permit that lapses. Breached the next day: illegal residence (条例 第二十五条第一项). Days of illegal residence are counted from the day after the due date through the day of the discharge (the exit), or through the as-of day while it lasts."
}

# ---------------------------------------------------------------------------------------------
# Prohibitions
# ---------------------------------------------------------------------------------------------
prohibition work_without_permits at exit_entry_law art 43 para 1 item 1 {
  bearer foreigner
  on employment_started when kind == "employment"
  unless holding work_permit, work_residence_permit
  unless holding permanent_residence at exit_entry_law art 48 para 1
  consequence at exit_entry_law art 80 para 1 fine 5000 CNY to 20000 CNY
  gloss "Working without the work permit and the work-type residence permit is illegal employment; a permanent resident works on the permanent residence card (第四十八条)."
}

prohibition employ_without_permits at exit_entry_law art 41 para 1 {
  bearer employer
  on employment_started when kind == "employment"
  unless holding work_permit, work_residence_permit
  unless holding permanent_residence at exit_entry_law art 48 para 1
  consequence at exit_entry_law art 80 para 3 fine 10000 CNY per person max 100000 CNY
  gloss "No one may employ a foreigner without the work permit and the work-type residence permit; a permanent resident works on the permanent residence card (第四十八条)."
}

prohibition work_beyond_permit_scope at exit_entry_law art 43 para 1 item 2 {
  bearer foreigner
  on employment_started when outside_permit_scope
  consequence at exit_entry_law art 80 para 1 fine 5000 CNY to 20000 CNY
  gloss "Working beyond the scope of the work permit is illegal employment."
}

# ---------------------------------------------------------------------------------------------
# Seed-sourced (not the words of an article)
# ---------------------------------------------------------------------------------------------
duty work_permit_card_after_entry {
  source "seed 000 三（二）2"
  bearer foreigner, employer
  on entry when visa in {"Z", "R"}
  within 15 days
  met by work_permit_applied, work_permit_issued
  ends on exit
  gloss "The work permit card is applied for within 15 days of entry on a Z or R visa."
  note "Seed 000 三（二）2 states that a foreigner holding the work permit notice applies for the work permit card within 15 days of entering on a Z or R visa (citing the 2017 work-permit service guide), through the employer; no article at hand says so, so this duty cites none and carries no consequence."
}
