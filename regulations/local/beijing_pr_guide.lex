# 北京市公安局出入境管理局 办事指南：外国人申请永久居留（在京工资性年收入和年缴纳个人所得税达到规定标准）
# — an official local service guide (办事指南), not a law or regulation, published 2020-01-16
# (references/beijing_pr_salary_tax_guide_2020.md). The measure of the Ministry of Public Security that
# created the route is not at hand, so the rule below cites the guide by `source` and quotes nothing.
# Jurisdiction 北京市: the rule decides only applications of foreigners working in Beijing (the checker
# requires the guard `employment.work_jurisdiction == "北京市"` of every rule of a local instrument).

instrument beijing_pr_salary_tax_guide {
  title_zh "北京市公安局出入境管理局办事指南：外国人申请永久居留（在京工资性年收入和年缴纳个人所得税达到规定标准）"
  title_en "Beijing exit-entry service guide: permanent residence on salary and individual income tax in Beijing"
  rank normative_document
  issuer "北京市公安局出入境管理局"
  in_force 2020-01-16
  repealed none
  jurisdiction "北京市"
  source "beijing_pr_salary_tax_guide_2020.md"
  note "An official service guide, not law: it states the conditions and materials the Beijing exit-entry administration applies; rank normative_document is the nearest rank. In force from its publication (2020-01-16); the date the route itself opened is not at hand."
}

# The 20 % clause (年缴纳个人所得税不低于工资性年收入标准的20%) does not settle 20 % of what: of the salary
# threshold (six times the local average wage) or of the applicant's actual salary. The reading is a
# named choice (docs/local_routes.md).
parameter beijing_tax_on_actual_salary: bool = false "What 工资性年收入标准的20% is 20 % of. false (default): 标准 names the threshold the same sentence sets (six times the average wage), so the tax must reach 20 % of that threshold. true: 20 % of the applicant's own salary each year — stricter for higher earners."

rule salary_tax_route {
  conclude eligible permanent_residence
  when all of {
    employment.work_jurisdiction == "北京市",
    met(pr_general_conditions),
    employment.consecutive_years_working_in_jurisdiction >= 4,
    residence.min_months_resident_per_year >= 6,
    employment.min_salary_multiple_4_years >= 6,
    any of {
      not params.beijing_tax_on_actual_salary and employment.min_tax_to_salary_threshold_4_years >= 0.2,
      params.beijing_tax_on_actual_salary and employment.min_tax_to_salary_4_years >= 0.2,
    },
    holds(employer_recommendation),
    holds(work_permit),
  }
  source "beijing_pr_salary_tax_guide_2020.md (一)申请条件; (二)申请材料 7, 9"
  gloss "A foreigner who has worked in Beijing four consecutive years, lived in China at least six months each of them, earned each year at least six times the previous year's average urban wage of the area and paid income tax of at least 20 % (see beijing_tax_on_actual_salary), recommended by the current employer, may apply for permanent residence."
  note "Not law: the official service guide of the Beijing exit-entry administration (北京市). The general conditions of 外国人在中国永久居留审批管理办法 第六条 (no criminal record, health) are read in, as materials 3 and 4 of the guide (无犯罪记录凭证, 体格检查凭证) show. 经现工作单位推荐 is the employer's recommendation held (material 7); material 9 is the work permit held. Each 'each year' condition is the minimum over the four years (the contract's *_4_years facts)."
}
