package reports

import "fmt"

// labels is every label the workbooks show, in Chinese and English: one
// table, so a translation is one edit.
var labels = map[string][2]string{
	// sheet names
	"sheet.summary":     {"汇总", "Summary"},
	"sheet.sources":     {"资金来源", "Sources"},
	"sheet.pool":        {"资金池", "Pool"},
	"sheet.allocation":  {"分配表", "Allocation"},
	"sheet.lines":       {"分配明细", "Lines"},
	"sheet.contracts":   {"合同", "Contracts"},
	"sheet.warnings":    {"警告", "Warnings"},
	"sheet.detail":      {"执行明细", "Detail"},
	"sheet.exceptions":  {"异常", "Exceptions"},
	"sheet.ledger":      {"支出台账", "Ledger"},
	"sheet.continued":   {"%s（%d）", "%s (%d)"},
	"title.budget":      {"%d年度社会工作服务资金分配预算", "Social-work fund budget %d"},
	"title.reconcile":   {"%s 预算执行对账", "Budget execution reconciliation %s"},
	"summary.year":      {"预算年度", "Fiscal year"},
	"summary.rundate":   {"编制日期", "Run date"},
	"summary.config":    {"配置", "Configuration"},
	"summary.params":    {"分配参数", "Parameters"},
	"summary.inputs":    {"输入文件", "Input files"},
	"summary.totals":    {"分类别汇总", "Totals by category"},
	"summary.stations":  {"各社工站合计（含所辖社工室）", "Total per station (with its rooms)"},
	"summary.check":     {"校验（应为0）", "Check (must be 0)"},
	"summary.checknote": {"校验 = 已分配 + 预留 + 未分配 − 资金池；资金池按“资金来源”表、已分配和预留按“分配明细”表以公式重新汇总。", "Check = allocated + reserved + unallocated − pool; the pool is summed by formula from Sources, allocated and reserved from Lines."},
	"chart.pool":        {"各类别资金池", "Pool by category"},
	"chart.stations":    {"各社工站资金合计", "Total per station"},

	"param.hub":         {"总站运营项目", "Hub project"},
	"param.perworker":   {"社工人力成本（每人）", "Human cost per social worker"},
	"param.perstation":  {"社工站基础经费（每站）", "Base per station"},
	"param.pilot":       {"五社联动试点补助（每站）", "Pilot supplement per station"},
	"param.demandshare": {"需求分配比例", "Demand share"},
	"param.roomsshare":  {"下沉社工室比例", "Share passed to rooms"},
	"param.factor":      {"等级系数：%s", "Grade factor: %s"},
	"param.driver":      {"需求分配因素：%s", "Demand driver: %s"},
	"param.categories":  {"（取自：%s）", " (drawn from: %s)"},
	"param.all":         {"全部类别", "all categories"},

	"col.code":        {"编码", "Code"},
	"col.name":        {"名称", "Name"},
	"col.tier":        {"层级", "Tier"},
	"col.status":      {"状态", "Status"},
	"col.category":    {"类别", "Category"},
	"col.catname":     {"类别名称", "Category name"},
	"col.total":       {"合计", "Total"},
	"col.pool":        {"资金池", "Pool"},
	"col.designated":  {"指定用途", "Designated"},
	"col.pooled":      {"统筹资金", "Pooled"},
	"col.allocated":   {"已分配", "Allocated"},
	"col.reserved":    {"预留", "Reserved"},
	"col.unallocated": {"未分配", "Unallocated"},
	"col.check":       {"校验", "Check"},
	"col.id":          {"编号", "ID"},
	"col.provider":    {"来源单位", "Provider"},
	"col.description": {"摘要", "Description"},
	"col.amount":      {"金额", "Amount"},
	"col.unit":        {"单位编码", "Unit"},
	"col.unitname":    {"单位名称", "Unit name"},
	"col.file":        {"文件", "File"},
	"col.sheet":       {"工作表", "Sheet"},
	"col.row":         {"行号", "Row"},
	"col.stage":       {"阶段", "Stage"},
	"col.driver":      {"分配因素", "Driver"},
	"col.value":       {"因素值", "Driver value"},
	"col.factor":      {"等级系数", "Factor"},
	"col.weight":      {"权重", "Weight"},
	"col.basis":       {"计算依据", "Basis"},
	"col.grade":       {"评估等级", "Grade"},
	"col.year":        {"合同年度", "Contract year"},
	"col.decision":    {"决定", "Decision"},
	"col.reason":      {"理由", "Reason"},
	"col.funding":     {"本年度资金（含所辖社工室）", "Funding this year (with rooms)"},
	"col.no":          {"序号", "No."},
	"col.message":     {"内容", "Message"},
	"col.station":     {"社工站", "Station"},
	"col.own":         {"本站", "Own lines"},
	"col.rooms":       {"所辖社工室", "Its rooms"},
	"col.sha256":      {"SHA-256", "SHA-256"},
	"col.path":        {"路径", "Path"},
	"col.item":        {"项目", "Item"},
	"col.setting":     {"取值", "Value"},

	"row.total":       {"合计", "Total"},
	"row.unallocated": {"未分配（财政留存）", "Unallocated (kept by the bureau)"},
	"row.pool":        {"资金池", "Pool"},
	"row.check":       {"校验（应为0）", "Check (must be 0)"},

	"tier.hub":     {"总站", "Hub"},
	"tier.station": {"社工站", "Station"},
	"tier.room":    {"社工室", "Room"},

	"status.allocated": {"已分配", "allocated"},
	"status.reserved":  {"预留", "reserved"},

	"stage.directed": {"指定用途", "directed"},
	"stage.hub":      {"总站项目", "hub"},
	"stage.baseline": {"人力成本基数", "baseline"},
	"stage.pilot":    {"五社联动试点", "pilot"},
	"stage.demand":   {"需求分配", "demand"},
	"stage.rooms":    {"下沉社工室", "rooms"},

	"grade.new":         {"新建", "new"},
	"grade.excellent":   {"优秀", "excellent"},
	"grade.good":        {"良好", "good"},
	"grade.qualified":   {"合格", "qualified"},
	"grade.unqualified": {"不合格", "unqualified"},

	"decision.renew":     {"续签", "renew"},
	"decision.reprocure": {"重新采购", "re-procure"},
	"reason.unqualified": {"年度评估不合格，不予续签，按政府采购程序重新确定承接机构", "graded unqualified: not renewed; the service is re-procured"},
	"reason.cycle":       {"三年服务周期届满，重新采购", "third year of the three-year cycle: a new cycle is procured"},
	"reason.renew":       {"年度评估%s，续签合同", "graded %s: the contract is renewed"},

	"basis.directed": {"指定用途资金：%s", "designated fund lines: %s"},
	"basis.draw":     {"应拨 %s，实拨 %s；按该类别统筹余额 %s 分摊", "need %s, granted %s; apportioned by the category's pooled balance %s"},
	"basis.demand":   {"需求资金 %s × 权重 %s ÷ 全部社工站权重", "demand pot %s × weight %s ÷ all stations' weights"},
	"basis.rooms":    {"%s 下沉 %s，按%s分摊", "%s passes down %s, split by %s"},

	"warnings.none": {"无", "none"},
	"sep":           {"、", ", "},
}

// lang picks one language of the label table.
type lang int

const (
	zh lang = 0
	en lang = 1
)

func langOf(s string) lang {
	if s == "en" {
		return en
	}
	return zh
}

// t returns a label, formatted with args when given. A missing label is a
// programming error.
func (l lang) t(key string, args ...any) string {
	v, ok := labels[key]
	if !ok {
		panic("reports: no label " + key)
	}
	if len(args) == 0 {
		return v[l]
	}
	return fmt.Sprintf(v[l], args...)
}
