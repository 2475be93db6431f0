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
parameter pass_mark: integer = 60 "Pass mark of independent_pr_points. 60 lets a master's graduate of prime age with good Chinese or English in a listed occupation pass on the four basic requirements alone (15+15+15+15); a bachelor's needs one integration or optional factor besides. 60 is also the work-permit table's class B threshold."
parameter independent_pr_quota: integer = 2400 "Annual quota of permanent residence grants on independent applications. Seed 002 四（一）1: 2,409 foreigners were granted permanent residence in the first half of 2018 (about 4,800 a year); 2,400 lets the new route add at most about half the 2018 rate."
parameter age_limit: integer = 60 "Oldest age at which a foreigner may apply alone for permanent residence (age is a basic requirement, 第四条第二款). The OCR'd seed reads １８岁以下 beside a bachelor's degree, which no graduate can meet; the work-permit standard's normal age limit for class B (60) is used instead."
parameter job_seeking_window_years: integer = 1 "Whole years since graduation within which a graduate may apply alone for the job-seeking visa; the class B graduate rule of the work-permit standard (seed 003 二（四）) counts one year."

# The points per factor and the age bands are literals of the table below, not parameters: the
# engine cannot yet read `params.*` inside a points table (docs/amendments.md, "Engine gaps").

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

rule independent_r_visa at art 1 para 2 {
  conclude eligible r_visa
  when all of {
    route == "independent",
    met(work_permit_class_a),
    met(independent_risk_controls),
  }
  source "seed 000 四（四）第一段"
  gloss "High-end foreign talent (class A) may apply alone for the R visa."
  note "The law in force has no route condition on the R visa (the employer's part is the confirmation letter issued to it); the refusal grounds of the Exit and Entry Administration Law (第二十一条), the talent conditions and the confirmation-letter requirement still apply — under the reform the applicant obtains the letter alone (independent_confirmation_letter)."
}

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
    note "The OCR'd seed reads １８岁以下 (under 18), which cannot stand beside a bachelor's degree as a requirement; age is encoded as a limit (parameter age_limit) and as points bands."
  }
  paragraph 3 {
    text "允许外国高端人才直接申请永久居留积分评估，删去工作单位推荐环节，提高申请永久居留的效率。"
    gloss "High-end foreign talent may apply directly for the points assessment for permanent residence, without the employer's recommendation."
  }
}

points independent_pr_points at art 4 para 2 {
  source "seed 000 四（五）"
  note "Factors from 第四条第二款 (basic requirements and ties with China) and 第二条第二款 (optional experience and recommendation). The seed gives no points: education, age and language bands take the values of the 2017 work-permit table (积分要素计分赋值表); the four basic requirements weigh 15 each at their top band, the encouraged tie 10, the optional factors 10 and 5."

  factor education "学士及以上学位" max 20 {
    when applicant.education == "doctorate" -> 20
    when applicant.education == "master" -> 15
    when applicant.education == "bachelor" -> 10
  }

  factor age "年龄" max 15 {
    when age >= 18 and age <= 45 -> 15
    when age >= 46 and age <= 55 -> 10
    when age >= 56 and age <= 60 -> 5
  }

  factor language "良好汉语能力或良好英语能力" max 15 {
    when applicant.chinese_hsk_level >= 5 -> 15
    when applicant.formerly_chinese_national -> 15
    when applicant.degree_taught_in_chinese -> 15
    when applicant.english_proficient -> 15
  }

  factor occupation_list "符合一般移民职业清单" max 15 {
    when applicant.occupation_on_shortage_list -> 15
  }

  factor ties_with_china "与中国紧密联系等融合能力（例如外籍华人）" max 10 {
    when applicant.ethnic_chinese -> 10
    when applicant.formerly_chinese_national -> 10
  }

  factor china_experience "中国工作经验（选择条件）" max 10 {
    when employment.consecutive_years_working_in_china >= 1 -> 10
  }

  factor ftz_experience "自贸试验区等特定地方工作经验（选择条件）" max 5 {
    when applicant.ftz_work_experience -> 5
  }

  factor employer_recommendation "单位推荐（选择条件）" max 5 {
    when holds(employer_recommendation) -> 5
  }
}

rule independent_pr at art 4 para 3 {
  conclude eligible permanent_residence
  when all of {
    route == "independent",
    met(work_permit_class_a),
    applicant.education >= "bachelor",
    age <= params.age_limit,
    met(independent_risk_controls),
    points(independent_pr_points) >= params.pass_mark,
    met(independent_quota_available),
  }
  source "seed 000 四（五）"
  gloss "High-end foreign talent (class A) with a bachelor's degree or above may apply alone for permanent residence and is granted it on reaching the pass mark of the points standard, within the annual quota."
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
