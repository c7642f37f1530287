package msg

// The command line's messages (cmd/fundalloc): errors as printed, the
// commands' summaries, progress labels and --help. Flags, file names and
// configuration keys inside them stay as they are.

// Errors as printed, and usage errors.
var (
	CmdProblemsOne  = Def("cmd.problems_one", "输入文件中有 1 个问题，未写入任何文件", "1 problem in the inputs; nothing was written")
	CmdProblems     = Def("cmd.problems", "输入文件中有 %s 个问题，未写入任何文件", "%s problems in the inputs; nothing was written")
	CmdOverflow     = Def("cmd.overflow", "金额超出可精确计算的范围（%v）", "%v")
	CmdInternal     = Def("cmd.internal", "内部错误，未写入任何文件：%v", "internal error, nothing was written: %v")
	CmdSeeHelp      = Def("cmd.see_help", "运行 'fundalloc --help' 查看用法。", "Run 'fundalloc --help' for usage.")
	CmdUnknownCmd   = Def("cmd.unknown_command", "没有 %q 这个命令", "unknown command %q")
	CmdDidYouMean   = Def("cmd.did_you_mean", "没有 %q 这个命令；是否想用 %s？", "unknown command %q; did you mean %s?")
	CmdArgs         = Def("cmd.args", "%s 的参数个数不对（给了 %d 个）；用法：%s", "%s: wrong number of arguments (%d given); usage: %s")
	CmdUnknownFlag  = Def("cmd.unknown_flag", "没有 %s 这个参数", "unknown flag %s")
	CmdFlagNeeds    = Def("cmd.flag_needs", "%s 需要一个值", "flag %s needs a value")
	CmdFlagValue    = Def("cmd.flag_value", "%s 的值 %q 不是%s", "flag %s: %q is not %s")
	CmdFlagSyntax   = Def("cmd.flag_syntax", "参数写法有误：%s", "bad flag syntax: %s")
	CmdTypeInt      = Def("cmd.type_int", "整数", "a whole number")
	CmdTypeDuration = Def("cmd.type_duration", "时长（如 10s、2m、1h）", "a duration (e.g. 10s, 2m, 1h)")
	CmdTypeBool     = Def("cmd.type_bool", "布尔值（true 或 false）", "true or false")
	CmdCanceled     = Def("cmd.canceled", "收到停止信号", "context canceled")
	CmdInterrupted  = Def("cmd.interrupted", "已中断（%v），未写入任何文件", "interrupted (%v); nothing was written")
	CmdOutputDir    = Def("cmd.output_dir", "无法创建输出文件夹 %s：%v", "output directory %s: %v")
	CmdNoSuchFile   = Def("cmd.no_such_file", "%s：文件不存在", "%s: no such file")
	CmdMatchNone    = Def("cmd.match_none", "%v 没有匹配到任何文件", "%v match no file")
	CmdWaitLock     = Def("cmd.wait_lock", "输出文件夹正由 %s写入；最多等待 %s", "the output folder is being written by %s; waiting up to %s")
	CmdWarning      = Def("cmd.warning", "警告：%s", "warning: %s")
	CmdWrote        = Def("cmd.wrote", "已写入 %s", "wrote %s")
	CmdBudgetBook   = Def("cmd.budget_workbook", "预算工作簿：%v", "budget workbook: %v")
)

// Progress labels.
var (
	CmdReading    = Def("cmd.progress.reading", "读取", "reading")
	CmdAllocating = Def("cmd.progress.allocating", "分配", "allocating")
	CmdWriting    = Def("cmd.progress.writing", "写入", "writing")
)

// budget and validate.
var (
	CmdBudgetTitle   = Def("cmd.budget.title", "fundalloc budget：%d 年度预算 · %s", "fundalloc budget %d · %s")
	CmdUnits         = Def("cmd.units", "%s 个单位（总站 %s 个、社工站 %s 个、社工室 %s 个）", "%s units (%s hub, %s stations, %s rooms)")
	CmdFundLines     = Def("cmd.fund_lines", "资金来源 %s 条，来自 %s 个文件", "%s fund lines in %s files")
	CmdColCategory   = Def("cmd.col.category", "类别", "category")
	CmdColCode       = Def("cmd.col.code", "编码", "code")
	CmdColPool       = Def("cmd.col.pool", "资金池", "pool")
	CmdColAllocated  = Def("cmd.col.allocated", "已分配", "allocated")
	CmdColReserved   = Def("cmd.col.reserved", "预留", "reserved")
	CmdColUnalloc    = Def("cmd.col.unallocated", "未分配", "unallocated")
	CmdTotal         = Def("cmd.total", "合计", "total")
	CmdWarningsOne   = Def("cmd.warnings_one", "1 条警告（见标准错误输出和 JSON）", "1 warning (listed on stderr and in the JSON)")
	CmdWarningsMany  = Def("cmd.warnings", "%s 条警告（见标准错误输出和 JSON）", "%s warnings (listed on stderr and in the JSON)")
	CmdValidateOK    = Def("cmd.validate.ok", "检查通过：%s，%s · %s", "ok: %s, %s · %s")
	CmdBudgetShort   = Def("cmd.budget.short", "汇总并分配资金来源；写入 budget-<year>.json 和工作簿", "Consolidate and allocate the fund lines; write budget-<year>.json and the workbook")
	CmdValidateShort = Def("cmd.validate.short", "检查配置和全部输入文件；列出每个问题；不写入任何文件", "Check the configuration and every input; print every problem; write nothing")
	CmdFlagNoBook    = Def("cmd.flag.no_workbook", "只写入 JSON", "write the JSON only")
	CmdFlagLockWait  = Def("cmd.flag.lock_wait", "另一个 fundalloc 正在写入输出文件夹时，最多等待多久", "how long to wait when another fundalloc is writing to the output folder")
)

// reconcile.
var (
	CmdRcShort       = Def("cmd.reconcile.short", "把截至某月的支出与分月预算比较；写入 reconcile-<YYYY-MM>.json 和 .xlsx", "Compare spending with the phased budget up to a month; write reconcile-<YYYY-MM>.json and .xlsx")
	CmdRcNeedsMonth  = Def("cmd.reconcile.needs_month", "reconcile 需要 --month YYYY-MM", "reconcile needs --month YYYY-MM")
	CmdRcBadMonth    = Def("cmd.reconcile.bad_month", "--month %q：请写成 YYYY-MM，例如 2026-10", "--month %q: use YYYY-MM, e.g. 2026-10")
	CmdRcOtherYear   = Def("cmd.reconcile.other_year", "--month %s 不在预算的年度 %d 内", "--month %s is not in the budget's fiscal year %d")
	CmdRcBudgetFile  = Def("cmd.reconcile.budget_file", "%v（--budget）", "%v (--budget)")
	CmdRcNoLedgers   = Def("cmd.reconcile.no_ledgers", "未设置：请在配置中指定支出台账文件，例如 ledgers: [data/ledgers/*.xlsx]", "not set: name the expenditure ledger files in the configuration, e.g. ledgers: [data/ledgers/*.xlsx]")
	CmdRcLedgersNone = Def("cmd.reconcile.ledgers_none", "%v 没有匹配到任何文件；请在配置中设置 ledgers:", "%v match no file; set ledgers: in the configuration")
	CmdRcTitle       = Def("cmd.reconcile.title", "fundalloc reconcile %s · 预算依据：%s", "fundalloc reconcile %s · budget: %s")
	CmdRcVouchers    = Def("cmd.reconcile.vouchers", "凭证 %[1]s 张，来自 %[2]s 个文件：计入 %[3]s 张，有异常 %[4]s 张，日期晚于 %[6]s 的 %[5]s 张", "%s vouchers in %s files: %s counted, %s with exceptions, %s dated after %s")
	CmdRcAnnual      = Def("cmd.reconcile.annual", "全年预算", "annual")
	CmdRcPlan        = Def("cmd.reconcile.plan", "截至本月计划", "plan to date")
	CmdRcActual      = Def("cmd.reconcile.actual", "截至本月支出", "actual to date")
	CmdRcRate        = Def("cmd.reconcile.rate", "执行率", "rate")
	CmdRcRows        = Def("cmd.reconcile.rows", "单位 × 类别共 %s 行 · 预警：%s", "%s unit × category rows · flags: %s")
	CmdRcExceptions  = Def("cmd.reconcile.exceptions", "异常：%s", "exceptions: %s")
	CmdRcNone        = Def("cmd.reconcile.none", "无", "none")
	CmdRcCount       = Neutral("cmd.reconcile.count", "%s %s")
	CmdRcFlagMonth   = Def("cmd.reconcile.flag.month", "截至哪个月对账，YYYY-MM（必填）", "the month to reconcile up to, YYYY-MM (required)")
	CmdRcFlagBudget  = Def("cmd.reconcile.flag.budget", "之前写入的预算 JSON（已批准的预算）；默认按配置重新计算", "a budget JSON written earlier (the approved budget); default: recompute it from the config")
	CmdRcFlagStrict  = Def("cmd.reconcile.flag.strict", "发现任何预警或异常时以退出码 3 退出", "exit 3 when any flag or exception is found")

	// The warnings of a reconciliation against a recomputed budget.
	CmdRcDiffers       = Def("cmd.reconcile.differs", "重新计算的预算与 %s 不同；如要按该预算对账，请指定 --budget %s", "the recomputed budget differs from %s; pass --budget %s to reconcile against that budget")
	CmdRcUnreadable    = Def("cmd.reconcile.unreadable", "%s 无法作为预算读取（%v）；按重新计算的预算对账", "%s cannot be read as a budget (%v); reconciling against the recomputed budget")
	CmdRcSameAmounts   = Def("cmd.reconcile.same_amounts", "重新计算的预算与 %s 的输入或参数不同，金额相同", "the recomputed budget differs from %s in its inputs or parameters, not in its amounts")
	CmdRcDiffAmounts   = Def("cmd.reconcile.diff_amounts", "重新计算的预算与 %[1]s 有 %[2]s 个单位 × 类别的金额不同；如要按该预算对账，请指定 --budget %[3]s", "the recomputed budget differs from %s in %s unit × category amounts; pass --budget %s to reconcile against that budget")
	CmdRcRecomputed    = Def("cmd.reconcile.recomputed", "按当前配置重新计算（%s）", "recomputed from %s")
	CmdRcBudgetWithSum = Neutral("cmd.reconcile.budget_sum", "%s (sha256 %s)")
)

// init, template, generate.
var (
	CmdInitShort      = Def("cmd.init.short", "把示例城市的配置和数据文件写入 DIR，供修改使用", "Write the sample city's config and data files to DIR, ready to edit")
	CmdInitExists     = Def("cmd.init.exists", "init：%s 已存在；未写入任何文件（用 --force 覆盖）", "init: %s already exists; nothing was written (use --force to overwrite)")
	CmdInitFailed     = Def("cmd.init.failed", "init：%s：%v", "init: %s: %v")
	CmdInitDone       = Def("cmd.init.done", "已把示例城市写入 %s（%s 个文件）", "wrote the sample city to %s (%s files)")
	CmdInitNext       = Def("cmd.init.next", "下一步：cd %s && fundalloc budget", "next: cd %s && fundalloc budget")
	CmdFlagForce      = Def("cmd.flag.force", "覆盖已有的文件", "overwrite existing files")
	CmdTplShort       = Def("cmd.template.short", "写入空白的填报模板（单位、资金来源、台账），带表头、说明和下拉列表", "Write blank input workbooks (units, funds, ledger) with headers, notes and drop-down lists")
	CmdTplLong        = Def("cmd.template.long", tplLongZH, tplLongEN)
	CmdTplExists      = Def("cmd.template.exists", "template：%s 已存在；未写入任何文件（用 --force 覆盖）", "template: %s already exist; nothing was written (use --force to overwrite)")
	CmdTplExistsOne   = Def("cmd.template.exists_one", "template：%s 已存在；未写入任何文件（用 --force 覆盖）", "template: %s already exists; nothing was written (use --force to overwrite)")
	CmdTplUnits       = Def("cmd.template.units", "units：%v", "units: %v")
	CmdTplCodes       = Def("cmd.template.codes", "单位编码下拉列表：取自 %[2]s 的 %[1]s 个单位；台账日期限于 %[3]d 年", "unit-code drop-downs: %s units from %s; ledger dates in %d")
	CmdTplNoConfig    = Def("cmd.template.no_config", "未提供配置：单位编码没有下拉列表，台账日期不限年度", "no configuration given: unit codes have no drop-down and ledger dates are not limited to a year")
	CmdGenShort       = Def("cmd.generate.short", "写入指定规模的模拟数据集（用于试用和性能测试）", "Write a synthetic data set of a chosen size (for trials and benchmarks)")
	CmdGenLong        = Def("cmd.generate.long", genLongZH, genLongEN)
	CmdGenNeedsOut    = Def("cmd.generate.needs_out", "generate 需要 --out DIR", "generate needs --out DIR")
	CmdGenPreset      = Def("cmd.generate.preset", "--preset %q：请使用 %s", "--preset %q: use %s")
	CmdGenExists      = Def("cmd.generate.exists", "generate：%[1]s%[2]s 已存在于 %[3]s；未写入任何文件（用 --force 覆盖）", "generate: %s%s already exist in %s; nothing was written (use --force to overwrite)")
	CmdGenMore        = Def("cmd.generate.more", "等另外 %d 个文件", " and %d more")
	CmdGenCustom      = Def("cmd.generate.custom", "自定义", "custom")
	CmdGenTitle       = Def("cmd.generate.title", "fundalloc generate · %[1]s 数据集（种子 %[2]d，%[3]s），位于 %[4]s", "fundalloc generate · %s data set (seed %d, %s) in %s")
	CmdGenUnits       = Def("cmd.generate.units", "  单位      %[1]s 个：总站 1 个，社工站 %[2]s 个（其中试点 %[3]s 个），社工室 %[4]s 个", "  units       %s: 1 hub, %s stations (%s pilot), %s rooms")
	CmdGenFunds       = Def("cmd.generate.funds", "  资金来源  %[1]s 条，%[2]d 个文件，其中指定用途 %[3]s 条；资金池 %[4]s 元，其中总站、人力成本基数和试点需要 %[5]s 元（%[6]d.%[7]d %% 留给需求分配）", "  fund lines  %s in %d files, %s designated; pool %s yuan, of which hub, baseline and pilot need %s (%d.%d %% left for demand)")
	CmdGenVouchers    = Def("cmd.generate.vouchers", "  凭证      %[1]s 张，分属 10 个月度台账（1 月至 10 月），其中退款 %[2]s 张，故意设置问题的 %[3]s 张", "  vouchers    %s in 10 monthly ledgers (January–October), %s refunds, %s with a deliberate problem")
	CmdGenWrote       = Def("cmd.generate.wrote", "已写入 %d 个文件，用时 %s", "wrote %d files in %s")
	CmdGenNext        = Def("cmd.generate.next", "下一步：fundalloc budget --config %s", "next: fundalloc budget --config %s")
	CmdGenFlagPreset  = Def("cmd.generate.flag.preset", "shenmu、province 或 national（默认：shenmu 的数量）", "shenmu, province or national (default: shenmu's numbers)")
	CmdGenFlagFormat  = Def("cmd.generate.flag.format", "csv（英文表头）或 xlsx（中文表头）", "csv (English headers) or xlsx (Chinese headers)")
	CmdGenFlagSeed    = Def("cmd.generate.flag.seed", "随机数种子", "seed of the random source")
	CmdGenFlagSt      = Def("cmd.generate.flag.stations", "社工站数量（覆盖预设）", "number of stations (overrides the preset)")
	CmdGenFlagRooms   = Def("cmd.generate.flag.rooms", "每个社工站下的社工室数量（覆盖预设）", "rooms under each station (overrides the preset)")
	CmdGenFlagFunds   = Def("cmd.generate.flag.fund_lines", "资金来源条数（覆盖预设）", "number of fund lines (overrides the preset)")
	CmdGenFlagVouch   = Def("cmd.generate.flag.vouchers", "1 月至 10 月的凭证张数（覆盖预设）", "number of vouchers over January–October (overrides the preset)")
	CmdGenFlagForce   = Def("cmd.generate.flag.force", "覆盖已有的数据集", "overwrite an existing data set")
	CmdGenStations    = Def("cmd.generate.bad_stations", "社工站数量 %d：至少为 1", "stations %d: need at least 1")
	CmdGenRooms       = Def("cmd.generate.bad_rooms", "每站社工室数量 %d：不能小于 0", "rooms per station %d: must be ≥ 0")
	CmdGenTooMany     = Def("cmd.generate.too_many", "%d 个社工站 × %d 个社工室：单位最多 %d 个", "%d stations × %d rooms: at most %d units")
	CmdGenFundLines   = Def("cmd.generate.bad_fund_lines", "资金来源条数 %d：须在 1 到 %d 之间", "fund lines %d: need 1 to %d")
	CmdGenVouchersBad = Def("cmd.generate.bad_vouchers", "凭证张数 %d：须在 0 到 %d 之间", "vouchers %d: need 0 to %d")
	CmdGenFormat      = Def("cmd.generate.bad_format", "格式 %q：请使用 csv 或 xlsx", "format %q: use csv or xlsx")
	CmdGenWorkers     = Def("cmd.generate.bad_workers", "并行数 %d：不能小于 0", "workers %d: must be ≥ 0")
)

// schedule and runs.
var (
	CmdSchedShort      = Def("cmd.schedule.short", "按 cron 表达式运行配置的任务，直到被停止；每次运行记入 <out>/runs.jsonl", "Run the configured jobs on their cron specs until stopped; journal every run in <out>/runs.jsonl")
	CmdSchedLong       = Def("cmd.schedule.long", schedLongZH, schedLongEN)
	CmdSchedNoJobs     = Def("cmd.schedule.no_jobs", "schedule.jobs 为空：没有要调度的任务（请在 %s 中添加任务，或设置 %s_SCHEDULE_JOBS）", "schedule.jobs is empty: nothing to schedule (add jobs to %s, or set %s_SCHEDULE_JOBS)")
	CmdSchedNoSuchJob  = Def("cmd.schedule.no_such_job", "--once %q：没有这个任务；配置的任务有 %s", "--once %q: no such job; the configured jobs are %s")
	CmdSchedLogFormat  = Def("cmd.schedule.log_format", "--log-format %q：请使用 text 或 json", "--log-format %q: use text or json")
	CmdSchedOutChanged = Def("cmd.schedule.out_changed", "配置中的 out 已更改；调度器在重启前仍写入启动时的文件夹", "out changed in the configuration; the scheduler keeps writing to the folder it started with until it is restarted")
	CmdSchedWaiting    = Def("cmd.schedule.waiting", "等待输出文件夹", "waiting for the output folder")
	CmdSchedListening  = Def("cmd.schedule.listening", "健康检查接口已开始监听", "health endpoints listening")
	CmdSchedHealthErr  = Def("cmd.schedule.health_error", "健康检查服务出错", "health server")
	CmdSchedFlagOnce   = Def("cmd.schedule.flag.once", "立即运行名为 JOB 的任务，记入日志后以其退出码退出", "run the job named JOB now, journal it and exit with its exit code")
	CmdSchedFlagListen = Def("cmd.schedule.flag.listen", "在此地址提供 /healthz 和 /runs，例如 127.0.0.1:8089（默认不开启）", "serve /healthz and /runs on this address, e.g. 127.0.0.1:8089 (default: off)")
	CmdSchedFlagLog    = Def("cmd.schedule.flag.log_format", "标准错误输出上的日志格式：text 或 json", "log format on stderr: text or json")
	CmdSchedFlagShut   = Def("cmd.schedule.flag.shutdown", "收到 SIGINT/SIGTERM 后，最多等待正在运行的任务多久", "on SIGINT/SIGTERM, how long to wait for a running job")
	CmdRunsShort       = Def("cmd.runs.short", "以表格显示调度器的运行记录（<out>/runs.jsonl）", "Print the scheduler's journal (<out>/runs.jsonl) as a table")
	CmdRunsLast        = Def("cmd.runs.bad_last", "--last %d：请给出 ≥ 0 的运行次数", "--last %d: give a number of runs ≥ 0")
	CmdRunsNone        = Def("cmd.runs.none", "%s 中还没有运行记录", "no runs journaled in %s yet")
	CmdRunsFlagLast    = Def("cmd.runs.flag.last", "只显示最近 N 次运行（默认：全部）", "print only the last N runs (default: all)")
	CmdRunsJob         = Def("cmd.runs.col.job", "任务", "job")
	CmdRunsPeriod      = Def("cmd.runs.col.period", "期间", "period")
	CmdRunsStart       = Def("cmd.runs.col.start", "开始时间", "start")
	CmdRunsDuration    = Def("cmd.runs.col.duration", "用时", "duration")
	CmdRunsStatus      = Def("cmd.runs.col.status", "状态", "status")
	CmdRunsError       = Def("cmd.runs.col.error", "错误", "error")
	CmdRunsMoreLines   = Def("cmd.runs.more_lines", "（另有 %s 行）", " (+%s more lines)")
	CmdRunsMoreLine    = Def("cmd.runs.more_line", "（另有 1 行）", " (+1 more line)")
	CmdRunsOK          = Def("cmd.runs.status.ok", "成功", "ok")
	CmdRunsFailed      = Def("cmd.runs.status.failed", "失败", "failed")
	CmdRunsSkipped     = Def("cmd.runs.status.skipped", "跳过", "skipped")
)

// The root command, --help and the common flags.
var (
	CmdRootShort    = Def("cmd.root.short", "把城市的社会工作服务资金分配给总站、社工站和社工室，精确到分", "Allocate a city's social-work funds across hub, stations and rooms, exact to the fen")
	CmdRootLong     = Def("cmd.root.long", rootLongZH, rootLongEN)
	CmdFlagConfig   = Def("cmd.flag.config", "配置文件（默认：$FUNDALLOC_CONFIG、./fundalloc.yaml，都没有时用内置示例城市）", "configuration file (default: $FUNDALLOC_CONFIG, ./fundalloc.yaml, else the embedded sample city)")
	CmdFlagOut      = Def("cmd.flag.out", "输出文件夹（默认：配置中的 out）", "output directory (default: the config's out)")
	CmdFlagLang     = Def("cmd.flag.lang", "工作簿和提示信息的语言：zh 或 en", "language of workbooks and messages: zh or en")
	CmdFlagQuiet    = Def("cmd.flag.quiet", "只输出错误", "print nothing but errors")
	CmdFlagHelp     = Def("cmd.flag.help", "显示帮助", "help for this command")
	CmdFlagCPU      = Def("cmd.flag.cpuprofile", "把 CPU 性能剖析写入此文件", "write a CPU profile to this file")
	CmdFlagMem      = Def("cmd.flag.memprofile", "结束时把内存剖析写入此文件", "write a heap profile to this file at the end")
	CmdFlagTimings  = Def("cmd.flag.timings", "在标准错误输出上显示各阶段用时和内存", "print how long each phase took, and the heap, to stderr")
	CmdHelpShort    = Def("cmd.help.short", "显示任一命令的帮助", "Help about any command")
	CmdHelpUnknown  = Def("cmd.help.unknown", "没有关于 %q 的帮助", "Unknown help topic %q")
	CmdUsage        = Def("cmd.usage.usage", "用法：", "Usage:")
	CmdUsageCommand = Def("cmd.usage.command", "[命令]", "[command]")
	CmdUsageFlagArg = Def("cmd.usage.flag_arg", "[参数]", "[flags]")
	CmdUsageCmds    = Def("cmd.usage.commands", "可用命令：", "Available Commands:")
	CmdUsageFlags   = Def("cmd.usage.flags", "参数：", "Flags:")
	CmdUsageGlobal  = Def("cmd.usage.global", "通用参数：", "Global Flags:")
	CmdUsageMore    = Def("cmd.usage.more", "运行 \"%s [命令] --help\" 查看某个命令的详细说明。", "Use \"%s [command] --help\" for more information about a command.")
	CmdUsageDefault = Def("cmd.usage.default", "（默认 %s）", " (default %s)")
	CmdValString    = Def("cmd.usage.string", "文本", "string")
	CmdValDuration  = Def("cmd.usage.duration", "时长", "duration")
	CmdValInt       = Def("cmd.usage.int", "整数", "int")
)

const rootLongZH = `fundalloc 把各单位报送的资金来源（社会救助、养老服务、儿童福利、社区治理、
社会事务、部门及群团组织资金、慈善资源）按类别汇入资金池，精确到分地分配给市社工
总站、镇街社工站和村（社区）社工室，并写出预算 JSON 和工作簿。没有配置文件时，
使用内置示例城市运行。

退出码：0 成功；1 内部错误；2 输入、配置或命令行有误；3 对账发现预警或异常且指定了
--strict。`

const rootLongEN = `fundalloc consolidates the fund lines that providers send (social assistance,
elderly care, child welfare, community governance, social affairs, other
departments and mass organisations, charity) into one pool per category,
allocates it across the city hub, the town/street stations and the
village/community rooms exactly to the fen, and writes the budget JSON and
workbook. With no configuration it runs on the embedded sample city.

Exit codes: 0 success, 1 internal failure, 2 bad input, config or usage,
3 reconciliation found exceptions and --strict was given.`

const tplLongZH = `template 在 --out 指定的文件夹（默认为当前文件夹）写入 units.xlsx、funds.xlsx
和 ledger.xlsx：空白的填报模板，带 fundalloc 能识别的中英文表头、逐列解释的说明
工作表、下拉列表和数据校验。

有配置时（--config、FUNDALLOC_CONFIG 或 ./fundalloc.yaml），类别列表取自配置，单位
编码列提供其单位文件中的编码，台账日期须在其预算年度内。没有配置时，提供默认类别，
单位编码没有下拉列表。已有的文件不会被覆盖，除非指定 --force。`

const tplLongEN = `template writes units.xlsx, funds.xlsx and ledger.xlsx to --out (default: the
current directory): blank input workbooks with the bilingual headers fundalloc
reads, a notes sheet explaining every column, drop-down lists and checks.

With a configuration (--config, FUNDALLOC_CONFIG or ./fundalloc.yaml) the
category list is the configuration's, the unit-code columns offer the codes
of its units file and ledger dates must fall inside its fiscal year. Without
one, the default categories are offered and unit codes have no drop-down.
Existing files are not overwritten unless --force is given.`

const genLongZH = `generate 在 DIR 中写入一套确定的模拟数据：fundalloc.yaml、data/units.EXT、
data/funds/funds-NN.EXT（每个文件最多 250,000 条）和 1 至 10 月的
data/ledgers/ledger-2026-MM.EXT。相同的参数和种子生成相同的数据。资金来源的规模
保证预算没有缺口；大约每一万张凭证中有一张带有故意设置的问题（单位不存在或日期
不存在），供 reconcile 报告。

预设：shenmu 20 个社工站 × 15 个社工室，60 条资金来源，10,000 张凭证；province
1,300 × 15，100,000，300,000；national 38,600 × 15，1,000,000，3,000,000。
--stations、--rooms-per-station、--fund-lines 和 --vouchers 覆盖预设的数量（不指定
预设时覆盖 shenmu 的数量）。

DIR 中已有的 fundalloc.yaml 或数据文件不会被覆盖，除非指定 --force；指定 --force
时，旧数据集中有而新数据集没有的资金来源和台账文件会被删除，使配置中的通配符只读到
新文件。`

const genLongEN = `generate writes a deterministic synthetic data set to DIR: fundalloc.yaml,
data/units.EXT, data/funds/funds-NN.EXT (at most 250,000 lines a file) and
data/ledgers/ledger-2026-MM.EXT for January–October. The same flags and seed
give the same data. The fund lines are sized so that the budget has no
shortfall; about one voucher in ten thousand carries a deliberate problem
(an unknown unit or a date that does not exist) for reconcile to report.

Presets: shenmu 20 stations × 15 rooms, 60 fund lines, 10,000 vouchers;
province 1,300 × 15, 100,000, 300,000; national 38,600 × 15, 1,000,000,
3,000,000. --stations, --rooms-per-station, --fund-lines and --vouchers
override a preset's numbers (shenmu's without a preset).

An existing fundalloc.yaml or data file in DIR is not overwritten without
--force; with --force, fund and ledger files of an earlier data set that
the new one does not have are removed, so the config's globs read only the
new ones.`

const schedLongZH = `schedule 在 schedule.timezone 时区按 cron 表达式运行 schedule.jobs 中的任务
（run: budget 或 run: reconcile），直到收到 SIGINT 或 SIGTERM。reconcile 任务对账
其计划时间之前结束的那个月。每次运行都记入 <out>/runs.jsonl；'fundalloc runs'
以表格显示这些记录。

收到 SIGINT/SIGTERM 后不再开始新的运行，正在运行的任务被告知停止（除非已经完成，
否则不写入任何文件）；任务停止后进程以 0 退出，超过 --shutdown-timeout 仍在运行
则以 1 退出。

指定 --once JOB 时，立即运行该任务，记入运行记录后以该任务的退出码退出。`

const schedLongEN = `schedule runs the jobs of schedule.jobs (run: budget or run: reconcile) on their
cron specs in schedule.timezone, until SIGINT or SIGTERM. A reconcile job
reconciles the month that ended before its scheduled time. Every run is
journaled in <out>/runs.jsonl; 'fundalloc runs' prints the journal.

On SIGINT/SIGTERM no new run starts, the running job is told to stop (it
writes nothing unless it had already finished), and the process exits 0
once it has, or 1 if it is still running after --shutdown-timeout.

With --once JOB it runs that job now, journals it and exits with its exit code.`

// The budget indicators' messages (DESIGN §12).
var (
	CmdTooManySources = Def("cmd.too_many_sources", "类别 %s 的统筹资金有 %d 个来源（资金性质、指标来源与指标文号的组合），超过 limits.max_sources 的 %d 个：请核对资金来源文件中的指标文号", "category %s's pooled money has %d sources (fund type, fund source and document number), more than limits.max_sources, %d: check the document numbers in the fund line files")
)
