package msg

// Messages of documents ready to sign (DESIGN §5, §7.1): the configuration
// keys city, display_unit, display_decimals and signatures, and what every
// printed page carries: the unit, page numbers, signature lines, the notes
// sheet.

// Errors of the document keys, each after its key.
var (
	CityTooLong       = Def("config.city_too_long", "%q 超过 %d 个字符", "%q is longer than %d characters")
	CityControl       = Def("config.city_control", "%q 含有控制字符", "%q holds a control character")
	BadDisplayUnit    = Def("config.bad_display_unit", "%q：请填写 yuan（元）或 wan（万元）", "%q: use yuan or wan (万元)")
	BadDisplayDecimal = Def("config.bad_display_decimals", "%d：万元金额只能显示 2、4 或 6 位小数", "%d: amounts in 万元 show 2, 4 or 6 decimals")
	DecimalsNeedWan   = Def("config.decimals_need_wan", "%d：仅在 display_unit: wan 时可设置；以元为单位的金额总是显示两位小数（到分）", "%d applies only with display_unit: wan; amounts in yuan always show 2 decimals (the fen)")
	SignatureEmpty    = Def("config.signature_empty", "签字栏名称为空", "a signature line needs a name")
	SignatureTooLong  = Def("config.signature_too_long", "%q 超过 %d 个字符", "%q is longer than %d characters")
	SignatureControl  = Def("config.signature_control", "%q 含有控制字符", "%q holds a control character")
	TooManySignatures = Def("config.too_many_signatures", "有 %d 个签字栏；一行最多容纳 %d 个", "has %d signature lines; one row holds at most %d")
)

// Labels of printed documents, looked up by key.
var _ = table([][3]string{
	{"unit.yuan", "元", "yuan"},
	{"unit.wan", "万元", "10,000 yuan"},
	{"unit.header", "%s（%s）", "%s (%s)"},
	{"unit.page", "单位：%s", "Amounts in %s"},
	{"unit.rounding", "因四舍五入，合计数可能存在尾差", "Amounts are rounded for display, so totals may differ from the sum of the rows shown"},
	{"unit.wandecimals", "万元（显示 %d 位小数；单元格数值精确到分，仅显示时四舍五入）", "10,000 yuan (%d decimals shown; each cell's value is exact to the fen, only its display is rounded)"},

	// Page footer: &P is the page number and &N the number of pages.
	{"print.footer", "第 &P 页 共 &N 页", "Page &P of &N"},

	// The signature block under a summary table.
	{"sign.line", "%s：__________", "%s: __________"},
	{"sign.prepared", "编制人", "Prepared by"},
	{"sign.reviewed", "审核人", "Reviewed by"},
	{"sign.approved", "负责人", "Approved by"},
	{"sign.date", "日期", "Date"},

	// The notes sheet (说明): provenance, and room for the approval stamp.
	{"notes.document", "文件", "Document"},
	{"notes.program", "程序版本", "Program"},
	{"notes.config.embedded", "内置示例城市配置", "the embedded sample city's configuration"},
	{"notes.approval", "批准信息（预算经批准记录后填写）", "Approval (filled in when the budget is recorded as approved)"},
	{"notes.approval.version", "批准版本", "Version"},
	{"notes.approval.docno", "批准文号", "Document number"},
	{"notes.approval.date", "批准日期", "Date approved"},
	{"notes.budget", "预算依据文件", "Budget of record"},
	{"program.devel", "开发版本", "development build"},
	{"program.version", "社会工作服务资金分配程序 %s", "fundalloc %s"},
	{"program.revision", "，修订 %s", ", revision %s"},
	{"program.modified", "（含未提交的修改）", " (with uncommitted changes)"},
})
