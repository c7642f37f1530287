package msg

// The notices command's messages (DESIGN §11).
var (
	NoticesShort       = Def("notices.short", "为总站和每个社工站写出资金下达通知（含索引）", "Write a funding notice for the hub and each station, with an index")
	NoticesFlagVersion = Def("notices.flag_version", "按哪个批准版本下达（如 v2；默认为本年度最新版本）", "the approved version to notify (e.g. v2; default: the year's latest)")
	NoticesBadVersion  = Def("notices.bad_version", "--version %q：请写 v1、v2 这样的版本号", "--version %q: write a version such as v1 or v2")
	NoticesDraft       = Def("notices.draft", "本年度尚无批准版本，通知按草稿预算（%s）写出，每页标注“草稿（未经批准）”；批准后请用 fundalloc approve 记录版本再重新生成", "no version of record for the year: the notices follow the %s budget and every page is marked DRAFT; approve it (fundalloc approve) and write them again")
	NoticesDone        = Def("notices.done", "已写出 %d 份资金下达通知（预算版本 %s），合计 %s 元", "wrote %d funding notices (budget %s), %s yuan in all")
	NoticesCategories  = Def("notices.categories", "预算 %s 有 %d 个类别，与配置的 %d 个类别不一致：请用与该预算相同的配置生成通知", "budget %s has %d categories, the configuration %d: write its notices with the configuration it was made with")
)
