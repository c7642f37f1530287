package msg

import "io/fs"

// Files and trust (DESIGN §13): links and special files where fundalloc
// writes, the configuration file, the environment, cron specs, the journal.

// What a path is when it is not the regular file or folder expected.
var (
	KindLink    = Def("trust.kind.link", "符号链接", "a symbolic link")
	KindFIFO    = Def("trust.kind.fifo", "命名管道（FIFO）", "a named pipe (FIFO)")
	KindDevice  = Def("trust.kind.device", "设备文件", "a device")
	KindSocket  = Def("trust.kind.socket", "套接字", "a socket")
	KindFolder  = Def("trust.kind.folder", "文件夹", "a folder")
	KindFile    = Def("trust.kind.file", "文件", "a file")
	KindUnknown = Def("trust.kind.other", "特殊文件", "a special file")
)

// FileKind names what a file of mode m is, for the messages above.
func FileKind(m fs.FileMode) *Message {
	switch {
	case m&fs.ModeSymlink != 0:
		return KindLink
	case m&fs.ModeNamedPipe != 0:
		return KindFIFO
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return KindDevice
	case m&fs.ModeSocket != 0:
		return KindSocket
	case m.IsDir():
		return KindFolder
	case m.IsRegular():
		return KindFile
	}
	return KindUnknown
}

// Writing in the output folder.
var (
	LinkRefused = Def("trust.link_refused",
		"%s 是符号链接：fundalloc 在其写入的位置从不跟随链接（请删除该链接，或把 out 指向真实的文件夹）",
		"%s is a symbolic link: fundalloc never follows a link where it writes (remove the link, or point out at the real folder)")
	NotRegular = Def("trust.not_regular",
		"%s 是%s，不是普通文件：fundalloc 在此只读写普通文件（请删除它）",
		"%s is %s, not a regular file: fundalloc reads and writes only regular files here (remove it)")
	NotFolder = Def("trust.not_folder",
		"%s 是%s，不是文件夹",
		"%s is %s, not a folder")
	DiskFull = Def("trust.disk_full",
		"%s：磁盘已满，未写入任何文件（请腾出空间后重试）",
		"%s: the disk is full; nothing was written (free some space and run again)")
)

// The configuration file and the environment.
var (
	ConfigNotRegular = Def("trust.config_not_regular",
		"配置文件是%s，不是普通文件：请给出 YAML 文件的路径",
		"the configuration is %s, not a regular file: give the path of a YAML file")
	ConfigTooLarge = Def("trust.config_too_large",
		"配置文件超过 %d 字节（是否选错了文件？）",
		"the configuration is larger than %d bytes (is this the right file?)")
	UnknownEnv = Def("trust.unknown_env",
		"环境变量 %s 不是 fundalloc 的设置，已忽略（是否应为 %s？）",
		"environment variable %s is not a fundalloc setting and is ignored (did you mean %s?)")
)

// Cron specs (DESIGN §13: refused at start with the job's name).
var (
	CronNever = Def("trust.cron_never",
		"任务 %q 的 %q 永远不会触发（没有这样的日期）",
		"job %q: %q never fires (no such date)")
	CronTooOften = Def("trust.cron_too_often",
		"任务 %q 的 %q 间隔不足一秒：间隔至少为 1s",
		"job %q: %q is less than a second apart: the interval must be at least 1s")
	CronFrequent = Def("trust.cron_frequent",
		"任务 %q 每 %s 运行一次，比每分钟一次更频繁",
		"job %q runs every %s, more often than once a minute")
	CronZone = Def("trust.cron_zone",
		"任务 %q 的 %q 指定了时区 %s，与 schedule.timezone %s 不同：时区只由 schedule.timezone 设置（删除规则中的 %s 前缀）",
		"job %q: %q sets the time zone %s, not schedule.timezone %s: the zone is set by schedule.timezone alone (remove the %s prefix)")
)

// The journal read from its end.
var (
	JournalBadLine = Def("trust.journal_bad_line",
		"%s（第 %d 字节处）：不是运行记录（%v）；已跳过此行",
		"%s (at byte %d): not a journal entry (%v); the line is skipped")
	JournalLongLine = Def("trust.journal_long_line",
		"%s（第 %d 字节之前）：一行超过 %d 字节，不是运行记录；更早的记录未读取",
		"%s (before byte %d): a line of more than %d bytes is not a journal entry; the entries before it are not read")
	JournalLongLineNo = Def("trust.journal_long_line_no",
		"%s:%d：一行超过 %d 字节，不是运行记录，已跳过",
		"%s:%d: a line of more than %d bytes is not a journal entry; it is skipped")
)
