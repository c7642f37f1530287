package msg

// The reconciliation's problems (DESIGN §8.1): one sentence per flagged
// row, under its worst flag. Arguments: the unit (code and name), the
// category's name, then amounts in yuan: actual to date, the amount
// compared with (annual budget or plan to date), the amount at stake; a
// MISUSE row has no amount to compare with and its stake is what it spent.
var (
	RcProblemOverspend = Def("rc.problem.OVERSPEND", "%[1]s %[2]s：已支出 %[3]s 元，超过全年预算 %[4]s 元 %[5]s 元",
		"%[1]s %[2]s: spent %[3]s yuan, %[5]s yuan over the whole year's budget of %[4]s yuan")
	RcProblemMisuse = Def("rc.problem.MISUSE", "%[1]s %[2]s：该类别无预算，已支出 %[3]s 元",
		"%[1]s %[2]s: no budget in the category, spent %[3]s yuan")
	RcProblemAhead = Def("rc.problem.AHEAD", "%[1]s %[2]s：已支出 %[3]s 元，超过截至本月计划 %[4]s 元 %[5]s 元",
		"%[1]s %[2]s: spent %[3]s yuan, %[5]s yuan ahead of the plan to date of %[4]s yuan")
	RcProblemBehind = Def("rc.problem.BEHIND", "%[1]s %[2]s：已支出 %[3]s 元，低于截至本月计划 %[4]s 元 %[5]s 元",
		"%[1]s %[2]s: spent %[3]s yuan, %[5]s yuan behind the plan to date of %[4]s yuan")
	RcProblemReserved = Def("rc.problem.reserved", "（预算待重新采购）", " (budget reserved for re-procurement)")

	RcProblemsTitle  = Def("cmd.reconcile.problems", "问题（按严重程度，前 %s 个，共 %s 个）：", "problems (worst first, %s of %s):")
	RcOlderWorkbook  = Def("cmd.reconcile.older_workbook", "注意：%s 是之前的对账写的工作簿，本次未更新（--no-workbook），与本次结果可能不同", "note: %s is a workbook from an earlier reconciliation, not updated by this run (--no-workbook); it may differ from this result")
	RcBudgetVersion  = Def("cmd.reconcile.budget_version", "预算版本 %s（%s，%s 批准）", "version of record %s (%s, approved %s)")
	RcBudgetEarly    = Def("cmd.reconcile.budget_early", "%s 月底前尚无批准的预算版本；按 %s（%s 批准）对账", "no version of record was approved by the end of %s; reconciling against %s (approved %s)")
	RcBudgetDraftYet = Def("cmd.reconcile.budget_draft", "尚无批准的预算版本：按重新计算的预算草案对账", "no version of record approved yet: reconciling against the recomputed draft")
)
