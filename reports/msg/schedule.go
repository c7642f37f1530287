package msg

// The scheduler's messages (cmd/fundalloc/scheduler): the lock's holder,
// the journal's warnings and errors, and what the daemon logs for the
// operator (the log's keys stay ASCII: job, period, status …).
var (
	SchedHolderUnknown = Def("schedule.holder_unknown", "另一个 fundalloc 进程", "another fundalloc process")
	SchedHolder        = Def("schedule.holder", "%s（进程号 %d，自 %s 起）", "%s (pid %d, since %s)")
	SchedDaemonLocked  = Def("schedule.daemon_locked", "%s 上已有调度器在运行：%s；请先停止它，或给这个调度器另一个输出文件夹（--out）", "a scheduler is already running on %s: %s; stop it first, or give this one another output folder (--out)")
	SchedOutputLocked  = Def("schedule.output_locked", "%s 正由 %s写入；请等它完成后再试", "%s is being written by %s; try again when it has finished")
	SchedLockFailed    = Def("schedule.lock_failed", "无法锁定 %s：%v", "lock %s: %v")
	SchedLockWait      = Def("schedule.lock_wait", "等待 %s 时中断：%v", "waiting for %s: %v")
	SchedOutputDir     = Def("schedule.output_dir", "无法创建输出文件夹 %s：%v", "output directory %s: %v")

	SchedJournal      = Def("schedule.journal", "运行记录 %s：%v", "journal %s: %v")
	SchedTorn         = Def("schedule.torn", "%s：最后一行不完整（写入时崩溃？），已忽略", "%s: the last line is incomplete (a crash while writing?); it is ignored")
	SchedBadLine      = Def("schedule.bad_line", "%s:%d：不是运行记录（%v）；已跳过此行", "%s:%d: not a journal entry (%v); the line is skipped")
	SchedNoJob        = Def("schedule.entry_no_job", "缺少 \"job\"", `no "job"`)
	SchedBadStatus    = Def("schedule.entry_status", "状态 %q 不是 ok、failed 或 skipped", "status %q is not ok, failed or skipped")
	SchedBadTime      = Def("schedule.entry_time", "时间 %q 不是 RFC 3339 格式", "time %q is not RFC 3339")
	SchedStillRunning = Def("schedule.still_running", "上一次运行自 %s 起仍在进行", "still running since %s")
	SchedPanic        = Def("schedule.panic", "程序崩溃（panic）：%v", "panic: %v")
	SchedNoSuchJob    = Def("schedule.no_such_job", "没有名为 %q 的任务", "no job named %q")
	SchedNoJobs       = Def("schedule.no_jobs", "没有要调度的任务", "no jobs to schedule")
	SchedNoJournal    = Def("schedule.no_journal", "没有运行记录文件", "no journal")
	SchedShutdown     = Def("schedule.shutdown", "停止：%s 在被告知停止 %s 后仍在运行；不再等待，直接退出（尚未提交输出的运行不会写入任何文件）", "shutdown: %s still running %s after it was told to stop; exiting without it (a run that has not committed its outputs writes nothing)")

	SchedNeverRan = Def("schedule.catchup.never", "从未成功运行过；不补跑", "never ran ok; not caught up")
	SchedUpToDate = Def("schedule.catchup.up_to_date", "无需补跑：最近一次成功运行的计划时间为 %s", "up to date: last ok run scheduled %s")
	SchedMissed   = Def("schedule.catchup.missed", "错过了计划于 %s 的运行（最近一次成功运行的计划时间为 %s）；现在补跑", "missed the run scheduled %s (last ok run scheduled %s); running it now")

	// Log messages.
	SchedLogPanicked     = Def("schedule.log.scheduler_panicked", "调度器运行任务时崩溃", "scheduler panicked running a job")
	SchedLogStarted      = Def("schedule.log.started", "调度器已启动", "scheduler started")
	SchedLogScheduled    = Def("schedule.log.scheduled", "任务已排定", "job scheduled")
	SchedLogStopping     = Def("schedule.log.stopping", "正在停止：不再开始新的运行", "stopping: no new runs")
	SchedLogStopped      = Def("schedule.log.stopped", "调度器已停止", "scheduler stopped")
	SchedLogTimedOut     = Def("schedule.log.timed_out", "停止超时", "shutdown timed out")
	SchedLogCatchUpSkip  = Def("schedule.log.catchup_skipped", "跳过补跑：无法读取运行记录", "catch-up skipped: the journal cannot be read")
	SchedLogCatchUp      = Def("schedule.log.catchup", "补跑检查", "catch-up")
	SchedLogSkipped      = Def("schedule.log.skipped", "任务跳过：上一次运行仍在进行", "job skipped: its previous run is still going")
	SchedLogFailed       = Def("schedule.log.failed", "任务失败", "job failed")
	SchedLogFinished     = Def("schedule.log.finished", "任务完成", "job finished")
	SchedLogJobPanicked  = Def("schedule.log.job_panicked", "任务崩溃", "job panicked")
	SchedLogJobStarted   = Def("schedule.log.job_started", "任务开始", "job started")
	SchedLogNotJournaled = Def("schedule.log.not_journaled", "本次运行无法记入运行记录", "the run could not be journaled")
)
