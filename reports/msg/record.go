package msg

// Messages of the budget of record (DESIGN §10): a budget JSON read back
// (§13), the record of versions, and the commands approve, versions and
// diff. A budget JSON's problems start with the JSON path of the value
// (lines[17].amount), which stays as it is in both languages, like a
// configuration key.
var (
	// Reading a budget JSON back.
	BudgetCannotRead   = Def("record.budget_cannot_read", "无法读取：%v", "cannot read: %v")
	BudgetTooBig       = Def("record.budget_too_big", "文件超过 %d 字节（limits.unzip_size）", "the file is larger than %d bytes (limits.unzip_size)")
	BudgetNotObject    = Def("record.budget_not_object", "不是预算 JSON：文件不是以 { 开头", "not a budget JSON: it does not start with {")
	BudgetNotJSON      = Def("record.budget_not_json", "不是预算 JSON：第 %d 字节处不是有效的 JSON", "not a budget JSON: it is not valid JSON at byte %d")
	BudgetCut          = Def("record.budget_cut", "不是完整的预算 JSON：文件在第 %d 字节处中断（是否未写完或被截断？）", "not a whole budget JSON: it ends at byte %d in the middle of a value (cut short?)")
	BudgetTrailing     = Def("record.budget_trailing", "不是预算 JSON：结尾的 } 之后还有内容", "not a budget JSON: there is more after its closing }")
	BudgetTooDeep      = Def("record.budget_too_deep", "%s：嵌套超过 %d 层", "%s: nested more than %d levels deep")
	BudgetMissing      = Def("record.budget_missing", "%s：缺少此项", "%s: missing")
	BudgetType         = Def("record.budget_type", "%s：应为%s", "%s: should be %s")
	BudgetEmpty        = Def("record.budget_empty", "%s：为空", "%s: is empty")
	BudgetYear         = Def("record.budget_year", "%s：%s 不是合理的预算年度", "%s: %s is not a plausible budget year")
	BudgetTwice        = Def("record.budget_twice", "%s：%q 重复出现（首次见于 %s）", "%s: %q appears twice (first at %s)")
	BudgetAmount       = Def("record.budget_amount", "%s：%q 不是金额（应为两位小数的元，如 \"1234.50\"）", "%s: %q is not an amount (yuan with two decimals, e.g. \"1234.50\")")
	BudgetNotPositive  = Def("record.budget_not_positive", "%s：金额 %s 应大于 0", "%s: the amount %s should be more than 0")
	BudgetNegative     = Def("record.budget_negative", "%s：金额 %s 为负数", "%s: the amount %s is negative")
	BudgetOverTotal    = Def("record.budget_over_total", "%s：加上此行后合计超过 9,999,999,999,999.99 元，超出 fundalloc 可接受的范围（15 位有效数字，即电子表格能精确显示的位数）", "%s: with it the lines add up to more than 9,999,999,999,999.99 yuan, more than fundalloc accepts (15 digits, what a spreadsheet shows exactly)")
	BudgetCategory     = Def("record.budget_category", "%s：类别 %q 不在其 categories 中", "%s: category %q is not in its categories")
	BudgetUnit         = Def("record.budget_unit", "%s：单位 %q 不在其 units 中", "%s: unit %q is not in its units")
	BudgetOneOf        = Def("record.budget_one_of", "%s：%q 不是 %s 之一", "%s: %q is not one of %s")
	BudgetLineTier     = Def("record.budget_line_tier", "%s：单位 %s 的层级是 %s，不是 %s", "%s: unit %s is a %s, not a %s")
	BudgetStageTier    = Def("record.budget_stage_tier", "%s：%s 阶段不向 %s 层级的单位分配资金", "%s: the %s stage gives nothing to a %s")
	BudgetStatus       = Def("record.budget_status", "%s：单位 %s 的评估等级为 %s，其资金状态应为 %s，而不是 %s", "%s: unit %s is graded %s, so its lines are %s, not %s")
	BudgetLineTwice    = Def("record.budget_line_twice", "%s：阶段 %s、单位 %s、类别 %s 的第二行（第一行是 %s）", "%s: a second line for stage %s, unit %s, category %s (the first is %s)")
	BudgetPoolSum      = Def("record.budget_pool_sum", "%s：总额 %s 不等于指定用途 %s 加统筹资金 %s", "%s: the total %s is not the designated %s plus the pooled %s")
	BudgetNoCategory   = Def("record.budget_no_category", "%s：缺少类别 %q", "%s: category %q is missing")
	BudgetUnbalanced   = Def("record.budget_unbalanced", "%s：各行合计 %s 加未分配 %s 为 %s，不等于资金池 %s", "%s: the lines (%s) and the unallocated money (%s) add up to %s, not the pool's %s")
	BudgetDirected     = Def("record.budget_directed", "%s：定向分配行合计 %s，不等于指定用途资金 %s", "%s: the directed lines add up to %s, not the designated money %s")
	BudgetFundsTotal   = Def("record.budget_funds_total", "%s：类别 %s 的资金来源合计 %s，不等于资金池 %s", "%s: the fund lines of %s add up to %s, not the pool's %s")
	BudgetFundsUnit    = Def("record.budget_funds_unit", "%s：指定给 %s 的 %s 资金来源合计 %s，但其定向分配为 %s", "%s: the fund lines designated to %s in %s add up to %s, but its directed lines to %s")
	BudgetHubs         = Def("record.budget_hubs", "%s：有 %d 个总站，预算应恰有一个", "%s: %d hubs; a budget has exactly one")
	BudgetParent       = Def("record.budget_parent", "%s：上级 %q 不是 %s 层级的单位", "%s: the parent %q is not a %s")
	BudgetHubParent    = Def("record.budget_hub_parent", "%s：总站不应有上级（%q）", "%s: the hub has no parent (it says %q)")
	BudgetCount        = Def("record.budget_count", "%s：%s 不是不小于 0 的整数", "%s: %s is not a whole number ≥ 0")
	BudgetContractYear = Def("record.budget_contract_year", "%s：%s 不是 1、2 或 3", "%s: %s is not 1, 2 or 3")
	BudgetDriver       = Def("record.budget_driver", "%s：%q 不是不小于 0 的数（最多 15 位有效数字）", "%s: %q is not a number ≥ 0 (at most 15 significant digits)")
	BudgetSHA          = Def("record.budget_sha", "%s：%q 不是 SHA-256（64 位十六进制数字）", "%s: %q is not a SHA-256 (64 hexadecimal digits)")
	BudgetPartial      = Def("record.budget_partial", "%s：params、units 和 fund_lines 须一同给出", "%s: missing; params, units and fund_lines come together")
	BudgetParamDiffers = Def("record.budget_param_differs", "%s：%q 与 %s 的 %q 不符", "%s: %q does not match %s %q")
	BudgetParamDecimal = Def("record.budget_param_decimal", "%s：%q 不是 %s 到 %s 之间的小数", "%s: %q is not a decimal from %s to %s")
	BudgetParamDriver  = Def("record.budget_param_driver", "%s：%q 不是其单位的需求因素（现有：%s）", "%s: %q is not a driver of its units (they have: %s)")

	// The kinds of JSON value, for BudgetType.
	JSONText   = Def("record.json_text", "文本", "text")
	JSONNumber = Def("record.json_number", "整数", "a whole number")
	JSONList   = Def("record.json_list", "列表", "a list")
	JSONObject = Def("record.json_object", "对象", "an object")
	JSONBool   = Def("record.json_bool", "true 或 false（是或否）", "true or false")
)
