package reports

import "testing"

// What the external tests (package reports_test, which read the templates
// back with the readers in sources) need of the package's internals.

// MaxDropDown is maxDropDown.
const MaxDropDown = maxDropDown

// Cell is cell: the A1 name of a 1-based column and row.
func Cell(col, row int) string { return cell(col, row) }

// TemplateTexts returns a template's column headers and the texts of their
// rules in language (zh or en), as the template writes them.
func TemplateTexts(kind TemplateKind, t *Template, language string) (headers, rules []string, err error) {
	l := langOf(language)
	cols, err := templateColumns(kind, t, l)
	if err != nil {
		return nil, nil, err
	}
	for i := range cols {
		headers = append(headers, cols[i].header())
		rules = append(rules, l.t(cols[i].rule))
	}
	return headers, rules, nil
}

// SampleBudget is testBudget: a small budget with fund lines and indicators.
func SampleBudget(t *testing.T) *Budget { return testBudget(t) }
