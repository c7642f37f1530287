package msg

// The columns: key of the configuration (DESIGN §3.0): the headers a file
// uses for a table's columns.
var (
	ColumnsTable     = Def("columns.table", "未知的表：请使用 units、fund_lines 或 ledgers", "unknown table: use units, fund_lines or ledgers")
	ColumnsMapping   = Def("columns.mapping", "应为列名到表头的映射，例如 columns: {ledgers: {voucher: 凭证字号}}", "must be a mapping of column names to headers, e.g. columns: {ledgers: {voucher: 凭证字号}}")
	ColumnsUnknown   = Def("columns.unknown", "%[1]q 不是 %[2]s 的列（其列为：%[3]s）", "%q is not a column of %s (its columns: %s)")
	ColumnsNotText   = Def("columns.not_text", "%v：表头须写成文本", "%v: write each header as text")
	ColumnsNotHeader = Def("columns.not_header", "%v：请写一个表头，或表头的列表", "%v: give a header, or a list of headers")
	ColumnsEmpty     = Def("columns.empty", "表头为空", "an empty header")
	ColumnsEnvList   = Def("columns.env_list", "不是 YAML 格式的表头列表（例如 [部门, 辅助核算]）：%s", "not a YAML list of headers (e.g. [部门, 辅助核算]): %s")
)
