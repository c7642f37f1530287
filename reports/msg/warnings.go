package msg

// The allocation's warnings in words (reports.WarningText). Amounts are in
// yuan; unit names and category names are quoted as the files give them.
var (
	WarnShortfall    = Def("warn.shortfall", "%[1]s：%[2]s 需要 %[3]s 元，只分得 %[4]s 元（缺口 %[5]s 元）：本阶段各类别资金共 %[6]s 元，而各单位共需要 %[7]s 元", "%s: %s needs %s but gets %s (shortfall %s): the stage's categories hold %s for needs of %s")
	WarnNoWeightPool = Def("warn.no_weight_demand", "%[1]s：类别 %[2]q 有 %[3]s 元待分配，但所有社工站的 %[4]q 均为 0；这笔资金留作未分配", "%s: %q has %s to distribute but every station's %q is zero; it stays unallocated")
	WarnNoWeightRoom = Def("warn.no_weight_rooms", "%[1]s：%[2]s 本应把类别 %[4]q 的 %[3]s 元下沉到社工室，但所有社工室的 %[5]q 均为 0；由社工站保留", "%s: %s would pass %s of %q down, but every room's %q is zero; the station keeps it")
	WarnHub          = Def("warn.unit.hub", "总站 %s %q", "hub %s %q")
	WarnStation      = Def("warn.unit.station", "社工站 %s %q", "station %s %q")
	WarnRoom         = Def("warn.unit.room", "社工室 %s %q", "room %s %q")
)
