# 技术移民独立申请制度（建议） — the independent-application reform proposed in seed 000
# (四（四）、四（五）, risk controls in 一（四）), with 002 四（二）1–2 and 001 三（三） where they add.
#
# Every `text` below is a contiguous passage of a seed, quoted verbatim (whitespace aside; the seeds
# are OCR'd with full-width characters): tests/test_diff.py checks each one. The articles are the
# proposal's own passages, numbered here; they are not articles of any enacted instrument.
# Apply with: lexgraph decide APP --with regulations/amendments/independent_application.lex

amendment independent_application {
  title_zh "技术移民独立申请制度（建议）"
  title_en "Independent application for skilled immigration (proposal)"
  status proposed
  amends exit_entry_law, entry_exit_regulations, talent_visa_measures, pr_measures
  source "seed 000 四（四）、四（五）"
  note "A scholarly proposal (seed 000), not an enacted text: rank `proposal`, so only the explicit `overrides` below give it priority over the law in force. Where the proposal leaves a number open it is a parameter (see docs/amendments.md)."
}

# ---------------------------------------------------------------------------------------------
# Parameters — numbers the proposal leaves open. Defaults and reasoning: docs/amendments.md.
# ---------------------------------------------------------------------------------------------
parameter pass_mark: integer = 30 "Drafter's choice (the seed gives no pass mark). Pass mark of independent_pr_points once the basic requirements are met: 30 lets a master's graduate of prime age pass on education and age alone (15+15); a bachelor's of prime age (10+15) needs one integration or optional factor besides."
parameter independent_pr_quota: integer = 2400 "Drafter's choice (the seed proposes 移民配额 without a number). Seed 002 四（一）1: 2,409 foreigners were granted permanent residence in the first half of 2018 (about 4,800 a year); 2,400 lets the new route add at most about half the 2018 rate."
parameter age_limit: integer = 60 "Drafter's choice. The paper's wording is １８岁以下 (under 18) among the basic requirements beside a bachelor's degree, which no graduate can meet as written; the drafter reads it as an age limit and takes 60, the normal age limit of the work-permit standard's class B."
parameter job_seeking_window_years: integer = 1 "Drafter's choice. Whole years since graduation within which a graduate may apply alone for the job-seeking visa; the class B graduate rule of the work-permit standard (seed 003 二（四）) counts one year."
parameter points_doctorate: integer = 20 "Drafter's choice (the seed gives no points): a doctorate."
parameter points_master: integer = 15 "Drafter's choice: a master's degree."
parameter points_bachelor: integer = 10 "Drafter's choice: a bachelor's degree (the basic requirement itself)."
parameter age_band_young_max: integer = 45 "Drafter's choice: the oldest age of the top age band."
parameter age_band_middle_max: integer = 55 "Drafter's choice: the oldest age of the middle age band (the bottom band runs to age_limit)."
parameter points_age_young: integer = 15 "Drafter's choice: points of the top age band (18 to age_band_young_max)."
parameter points_age_middle: integer = 10 "Drafter's choice: points of the middle age band."
parameter points_age_older: integer = 5 "Drafter's choice: points of the bottom age band (to age_limit)."
parameter points_ties_with_china: integer = 10 "Drafter's choice: close ties with China (the seed encourages them, e.g. ethnic Chinese talent)."
parameter points_china_experience: integer = 10 "Drafter's choice: Chinese work experience, an optional condition after the reform (四（四）第二段)."
parameter points_ftz_experience: integer = 5 "Drafter's choice: experience in a free trade zone or other designated area, optional after the reform."
parameter points_recommendation: integer = 5 "Drafter's choice: an employer's recommendation, optional after the reform."

# ---------------------------------------------------------------------------------------------
# 第一条 — independent application (seed 000 四（四）第一段)
# ---------------------------------------------------------------------------------------------
article 1 {
  paragraph 1 {
    text "建立技术移民独立申请制度，要允许外国人才独立申请永久居留、工作、求职、工作许可等出入境和移民证件，拓宽引进外国人才的渠道，扩大引进外国人才的范围，增强涉外劳动力市场活力，解决外国人才来得了问题。"
    gloss "An independent-application system lets foreign talent apply alone for permanent residence, work, job-seeking and work permits, widening the channels and range of talent recruited."
  }
  paragraph 2 {
    text "重塑外国人才依用人单位申请，转向依技能申请，将全部依用人单位申请改造为依技能申请为主，依用人单位申请为辅，允许外国高端人才独立申请外国人工作许可证、Ｒ字签证、工作类外国人居留证件、永久居留身份证等出入境证件，允许优秀的中国高校毕业的外国留学生、优秀的外国高校毕业生独立申请求职签证，吸引外国高端人才。"
    gloss "Applications move from employer-based to skill-based: high-end foreign talent may apply alone for the work permit, the R visa, the work-type residence permit and the permanent residence card; outstanding graduates of Chinese universities and of foreign universities may apply alone for the job-seeking visa."
  }
}

# The risk controls every independent grant rests on (seed 000 四（四）第三段 and 一（四）).
rule independent_risk_controls at art 3 para 2 {
  conclude condition independent_risk_controls
  when all of {
    applicant.good_conduct_declared,
    applicant.health_declared,
    applicant.health_ok,
    not applicant.criminal_record,
  }
  source "seed 000 四（四）第三段; 一（四）"
  gloss "An independent applicant declares good conduct and health, and the check bears them out: in good health, no criminal record."
  note "良好品行和身体健康的宣告、证明、审查: the declarations are applicant.good_conduct_declared and applicant.health_declared; the check is applicant.health_ok and applicant.criminal_record."
}

rule independent_work_permit at art 1 para 2 {
  conclude eligible work_permit
  when all of {
    route == "independent",
    met(work_permit_class_a),
    met(independent_risk_controls),
  }
  overrides work_permit_classification/employer_route
  source "seed 000 四（四）第一段"
  gloss "High-end foreign talent (class A) may apply alone for the work permit, without an employer in China."
  note "Priority clause: the reform's independent route applies alongside the employer route, so it prevails over the rule of the law in force that bars an independent application (seed 000 三（二）2). The employer route itself is untouched (第二条第一款)."
}

rule independent_confirmation_letter at art 1 para 2 {
  conclude eligible talent_confirmation_letter
  when all of {
    route == "independent",
    met(work_permit_class_a),
    met(independent_risk_controls),
  }
  overrides talent_visa_measures/art_5__para_2__employer_route
  source "seed 000 四（四）第一段"
  gloss "High-end foreign talent (class A) may apply alone for the high-end talent confirmation letter, which supports the R visa."
  note "The passage names the R visa; the letter is what the R visa rests on (talent_visa_measures, r_visa_confirmation_letter), so an independent R visa needs an independent letter. Priority clause: prevails over the employer-only issue of the letter (seed 000 三（二）1)."
}

# No rule of its own for the R visa: the law in force sets no route condition on it (the employer's
# part is the confirmation letter, which the independent applicant now obtains alone through
# independent_confirmation_letter), so an independent grant would restate 条例 第六条第九项.

rule independent_work_residence at art 1 para 2 {
  conclude eligible work_residence_permit
  when all of {
    route == "independent",
    met(work_permit_class_a),
    met(independent_risk_controls),
  }
  source "seed 000 四（四）第一段"
  gloss "High-end foreign talent (class A) may apply alone for the work-type residence permit."
  note "The law in force has no route condition on the residence permit (the employer's part is the work permit, which must be held: 条例 第十六条第一款第一项); under the reform the applicant obtains the work permit alone (independent_work_permit)."
}

rule job_seeking_visa at art 1 para 2 {
  conclude eligible job_seeking_visa
  when all of {
    route == "independent",
    applicant.education >= "bachelor",
    any of {
      applicant.degree_from_chinese_university,
      applicant.degree_from_top_foreign_university,
    },
    years_since_graduation < params.job_seeking_window_years,
    met(independent_risk_controls),
  }
  source "seed 000 四（四）第一段"
  gloss "A recent graduate (bachelor's or above) of a Chinese university or of a top foreign university may apply alone for the job-seeking visa."
  note "优秀 (outstanding) has no fact in the application contract: a degree from a Chinese university or a top foreign university, a bachelor's degree or above (四（五）第二段) and graduation within job_seeking_window_years stand for it. The law in force has no job-seeking visa category, so no rule of it is set aside."
}

# ---------------------------------------------------------------------------------------------
# 第二条 — the employer route stays; Chinese experience and recommendation become optional
# (seed 000 四（四）第二段). No rule repeals an employer-route rule: the employer route stays, and
# an employer's recommendation and experience in China only add points (independent_pr_points).
# ---------------------------------------------------------------------------------------------
article 2 {
  paragraph 1 {
    text "保留外国人依用人单位、有关政府及其部门、党委部门等申请出入境和移民证件。"
    gloss "Applications through an employer, a government body or a Party body remain."
  }
  paragraph 2 {
    text "改革后，外国人申请工作许可、Ｚ字签证、Ｒ字签证、工作类居留许可、任职人员永久居留身份证、特殊人员永久居留身份证，可以没有中国工作经验、自贸试验区等特定地方工作经验、不需要单位推荐，具有中国工作经验、自贸试验区等特定地方工作经验、单位推荐从前置条件转变为选择条件。"
    gloss "After the reform, Chinese work experience, experience in a free trade zone or other designated area, and an employer's recommendation turn from prerequisites into optional conditions."
  }
}

# 四（四）第二段 on every route: the post holder's permanent residence no longer needs Chinese work
# experience — the four consecutive years in post and three years' residence in the last four of
# 办法 第六条第一款第二项 become optional. The other permits it names have no such prerequisite in the
# law in force as encoded (the work permit's class B asks for related experience anywhere, not in
# China), so nothing else changes for them.
rule post_holder_without_china_experience at art 2 para 2 {
  conclude eligible permanent_residence
  when all of {
    met(pr_general_conditions),
    employment != none,
    employment.position_level in {"deputy_general_manager_or_above", "associate_senior_title_or_above"},
    met(pr_qualifying_employer),
    met(pr_post_holder_through_employer),
    employment.tax_record_good,
  }
  source "seed 000 四（四）第二段"
  gloss "After the reform, a post holder at a qualifying employer applies for permanent residence through the employer without Chinese work experience: the years in post and the years resident in China become optional."
  note "改革后，外国人申请…任职人员永久居留身份证…可以没有中国工作经验: the conditions of 办法 第六条第一款第二项 without its Chinese work experience (连续任职满四年、四年内在中国居留累计不少于三年). The employer route of item 2 stays (第二条第一款)."
}

# ---------------------------------------------------------------------------------------------
# 第三条 — risk controls (seed 000 四（四）第三段)
# ---------------------------------------------------------------------------------------------
article 3 {
  paragraph 1 {
    text "为避免外国人取得工作许可、Ｚ字签证、Ｒ字签证、工作类居留许可、任职人员永久居留身份证、特殊人员永久居留身份证后不就业、失业，要建立和完善外国人才认定、积分评估、移民职业清单等制度，提高外国人才与劳动力市场的匹配性。"
    gloss "Talent recognition, points assessment and a migration occupation list match independent entrants to the labour market."
  }
  paragraph 2 {
    text "为避免实行独立申请制度后外国人才移入过快，危害国家安全，要采取良好品行和身体健康的宣告、证明、审查等措施，御品行不端、健康不佳的外国人于国门之外。"
    gloss "Declarations, proof and checks of good conduct and health keep out foreigners of bad conduct or poor health."
  }
  paragraph 3 {
    text "为避免实行独立申请制度后，外国人才移入过多对我国基础设施、社会保障资源的压力，采取移民配额、移民融合等措施，控制技术移民总量，减少对当地社会的负面影响。"
    gloss "An immigration quota and integration measures cap the total of skilled immigration."
  }
}

rule independent_quota at art 3 para 3 {
  conclude condition independent_quota_available
  when quota.independent_grants_this_year < params.independent_pr_quota
  source "seed 000 四（四）第三段; 一（四）四是"
  gloss "An independent permanent residence grant is possible only while this year's independent grants are below the annual quota."
  note "The quota bites on permanent residence: 一（四）一是 keeps the risk of independent work and residence grants within work and residence, where it is more controllable, and 移民配额 controls the total of immigrants. An unknown count leaves the grant undetermined; for a population, applicants are granted in points order until the quota is reached (docs/amendments.md)."
}

# The quota as a population sees it (lexgraph impact): who needs it, in what order it is granted.
quota independent_pr for permanent_residence {
  counts quota.independent_grants_this_year
  limit params.independent_pr_quota
  ranked by points independent_pr_points
  through independent_quota
  source "seed 000 四（四）第三段; 一（四）四是"
  note "Candidates are the applicants granted permanent residence with the count at 0 and not with the count at the limit; they are granted in descending order of independent_pr_points (lower bound), ties by applicant id, until the quota is reached (docs/amendments.md)."
}

# ---------------------------------------------------------------------------------------------
# 第四条 — the points standard for independent permanent residence (seed 000 四（五）)
# ---------------------------------------------------------------------------------------------
article 4 {
  paragraph 1 {
    text "在地方经验基础上，制定《外国高端人才独立申请永久居留积分评估标准》，与现行的创新创业团队外籍成员和企业选聘外籍技术人才申请永久居留积分评估标准平行，综合评估外国人的技能，不唯工作经验和收入。"
    gloss "A points standard for independent permanent residence of high-end foreign talent, parallel to the existing local standards, assesses skills as a whole, not only work experience and income."
  }
  paragraph 2 {
    text "其中，增设学士及以上学位、１８岁以下、具有良好汉语能力或良好英语能力、符合一般移民职业清单等基本要求，鼓励具有与中国紧密联系等融合能力的外国高端人才申请，例如外籍华人人才。"
    gloss "Basic requirements: a bachelor's degree or above, age, good Chinese or good English, an occupation on the general migration occupation list; applicants with close ties to China, such as ethnic Chinese talent, are encouraged."
    note "The paper's own wording is １８岁以下 (under 18); beside a bachelor's degree it cannot be met as written, so the drafter reads it as an age limit (parameter age_limit, a drafter's choice) and scores age in bands (parameters)."
  }
  paragraph 3 {
    text "允许外国高端人才直接申请永久居留积分评估，删去工作单位推荐环节，提高申请永久居留的效率。"
    gloss "High-end foreign talent may apply directly for the points assessment for permanent residence, without the employer's recommendation."
  }
}

points independent_pr_points at art 4 para 2 {
  source "seed 000 四（五）"
  note "The seed names the factors, not their weights: every value and age band below is a parameter, the drafter's choice (docs/amendments.md). The basic requirements (学士及以上学位、良好汉语能力或良好英语能力、符合一般移民职业清单) are requirements of independent_pr, not points: no other factor can buy them. Education scores above the bachelor's degree the requirement asks for."

  factor education "学士及以上学位" max 20 {
    when applicant.education == "doctorate" -> params.points_doctorate
    when applicant.education == "master" -> params.points_master
    when applicant.education == "bachelor" -> params.points_bachelor
  }

  factor age "年龄" max 15 {
    when age >= 18 and age <= params.age_band_young_max -> params.points_age_young
    when age > params.age_band_young_max and age <= params.age_band_middle_max -> params.points_age_middle
    when age > params.age_band_middle_max and age <= params.age_limit -> params.points_age_older
  }

  factor ties_with_china "与中国紧密联系等融合能力（例如外籍华人）" max 10 {
    when applicant.ethnic_chinese -> params.points_ties_with_china
    when applicant.formerly_chinese_national -> params.points_ties_with_china
  }

  factor china_experience "中国工作经验（选择条件）" max 10 {
    when employment.consecutive_years_working_in_china >= 1 -> params.points_china_experience
  }

  factor ftz_experience "自贸试验区等特定地方工作经验（选择条件）" max 5 {
    when applicant.ftz_work_experience -> params.points_ftz_experience
  }

  factor employer_recommendation "单位推荐（选择条件）" max 5 {
    when holds(employer_recommendation) -> params.points_recommendation
  }
}

rule independent_pr at art 4 para 3 {
  conclude eligible permanent_residence
  when all of {
    route == "independent",
    met(work_permit_class_a),
    applicant.education >= "bachelor",
    any of {
      applicant.chinese_hsk_level >= 5,
      applicant.formerly_chinese_national,
      applicant.degree_taught_in_chinese,
      applicant.english_proficient,
    },
    applicant.occupation_on_shortage_list,
    age <= params.age_limit,
    met(independent_risk_controls),
    points(independent_pr_points) >= params.pass_mark,
    met(independent_quota_available),
  }
  source "seed 000 四（五）"
  gloss "High-end foreign talent (class A) meeting the basic requirements (a bachelor's degree or above, good Chinese or English, an occupation on the migration list, the age limit) may apply alone for permanent residence and is granted it on reaching the pass mark of the points standard, within the annual quota."
  note "A ground of its own beside 办法 第六条第一款: the post-holder route's employer condition (pr_measures/post_holder_employer_route) belongs to item 2 only, so nothing needs setting aside. The refusal grounds of the law in force still apply."
}

# ---------------------------------------------------------------------------------------------
# 第五条 — the risks the controls answer (seed 000 一（四）)
# ---------------------------------------------------------------------------------------------
article 5 {
  paragraph 1 {
    text "对独立申请人品行、健康审查不严格，可能使品行不端、不健康的外国人移入，不利于保障国家安全。"
    gloss "Lax checks of conduct and health would let in foreigners of bad conduct or poor health."
  }
  paragraph 2 {
    text "对行业、职业、专业的严格要求往往经过认真评估，采用清单形式，确保技术移民独立申请人的行业、职业、专业为本国需要、短缺的，减少移入后失业或者从事低技能的风险。"
    gloss "Industries, occupations and specialities are set out in a list, so that independent applicants are in fields the country needs."
  }
  paragraph 3 {
    text "三是建立技术移民积分评估制度，使技术移民独立申请审理公开和透明，稳定申请人对未来的预期，减少移入后失业或者从事低技能工作的风险。"
    gloss "Third, a points assessment makes the examination of independent applications open and transparent."
  }
  paragraph 4 {
    text "四是建立技术移民配额制度，使移入数量适当和可控，减少移入过多的风险。"
    gloss "Fourth, a quota keeps the number of entrants appropriate and controllable."
  }
}

# ---------------------------------------------------------------------------------------------
# 第六条 — keeping international graduates (seed 002 四（二）1–2; 001 三（三）)
# ---------------------------------------------------------------------------------------------
article 6 {
  paragraph 1 {
    text "外国人才依用人单位申请出入境和移民证件转向依技能申请，外国人才申请从政府导向转向市场导向；"
    gloss "Foreign talent applies on its skills rather than through an employer; applications become market-led rather than government-led."
  }
  paragraph 2 {
    text "吸引国际学生留学并留下优秀毕业生，这一做法被称为吸引国际人才的“一本万利”的做法。"
    gloss "Attracting international students and keeping the best graduates is the most rewarding way to attract international talent."
  }
  paragraph 3 {
    text "四是推出更灵活明确的国际学生实习、就业、创业政策，探索给STEM专业优秀学生实习签证，给STEM专业优秀毕业生颁发人才签证，构建发挥国际学生作用的政策协调机制，打通从全球优秀留学生中层层选拔、筛选适合中国发展的全球选才闭环。"
    gloss "Fourth, more flexible internship, employment and start-up policies for international students, closing the loop from study to selection for work in China."
  }
  paragraph 4 {
    text "中国高技术人才移民制度体系构建汲取美国、英国等诸多传统移民国家的成功经验，譬如，职业清单制、积分评估制、雇主担保制等。"
    gloss "China's system for high-tech talent immigration draws on occupation lists, points assessment and employer sponsorship."
  }
}

# No rule rests on 第六条第三款: seed 002 四（二） proposes to *explore* internship visas for outstanding
# STEM students and talent (R) visas for outstanding STEM graduates, and seed 003 二（四） requires a
# master's degree — no seed proposes a work permit for any bachelor's graduate holding a job-seeking
# visa, so none is encoded.
