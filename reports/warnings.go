package reports

import (
	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// WarningText puts a warning of the allocation in words, for the budget
// JSON, the Warnings sheet and the command's output: the stage by its
// label, units by tier, code and name, categories by name (cats, in the
// plan's category order), amounts in yuan. The language is chosen when the
// text is rendered.
func WarningText(p *allocation.Plan, cats []allocation.Category, w allocation.Warning) msg.Text {
	stage := msg.Get("stage." + w.Stage.String())
	switch w.Kind {
	case allocation.Shortfall:
		return msg.WarnShortfall.With(stage, unitText(p, w.Unit), Yuan(w.Need), Yuan(w.Got), Yuan(w.Need-w.Got), Yuan(w.Available), Yuan(w.Total))
	case allocation.NoWeight:
		driver := driverName("")
		if w.Driver >= 0 && w.Driver < len(p.Drivers) {
			driver = driverName(p.Drivers[w.Driver])
		}
		if w.Unit < 0 {
			return msg.WarnNoWeightPool.With(stage, categoryText(p, cats, w.Category), Yuan(w.Need), driver)
		}
		return msg.WarnNoWeightRoom.With(stage, unitText(p, w.Unit), Yuan(w.Need), categoryText(p, cats, w.Category), driver)
	}
	panic("reports: a warning of an unknown kind")
}

// unitText names the unit u by tier, code and name.
func unitText(p *allocation.Plan, u int) msg.Text {
	unit := &p.Units[u]
	m := msg.WarnRoom
	switch unit.Tier {
	case allocation.Hub:
		m = msg.WarnHub
	case allocation.Station:
		m = msg.WarnStation
	}
	return m.With(unit.Code, unit.Name)
}

// categoryName is a category's name in the language of the text.
type categoryName allocation.Category

func (c categoryName) Localize(l msg.Lang) string {
	if l == msg.EN {
		return c.En
	}
	return c.Zh
}

// categoryText names the category c: by its configured names, or by its
// code when cats does not hold it.
func categoryText(p *allocation.Plan, cats []allocation.Category, c int) msg.Localizer {
	if c < len(cats) && cats[c].Code == p.Categories[c] {
		return categoryName(cats[c])
	}
	code := p.Categories[c]
	return categoryName{Code: code, Zh: code, En: code}
}
