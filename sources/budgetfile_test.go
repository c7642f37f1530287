package sources

import (
	"errors"
	"strings"
	"testing"
)

func TestReadBudgetFile(t *testing.T) {
	const head = `{"fiscal_year": 2026, "categories": ["charity", "elderly_care"], "lines": [`
	bf, err := ReadBudgetFile("b.json", strings.NewReader(head+
		`{"unit": "S1", "category": "charity", "amount": "10.00"}, {"unit": "H", "category": "elderly_care", "amount": "1.50"},
		 {"unit": "S1", "category": "charity", "amount": "0.05"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if a := bf.Annual(); len(a) != 2 || bf.Units[a[1].Unit] != "S1" || a[1].Annual != 10_05 || a[0].Annual != 1_50 {
		t.Errorf("annual = %+v of %v", a, bf.Units)
	}
	for body, want := range map[string]string{
		`{"unit": "S1", "category": "charity", "amount": "9999999999999.99"}, {"unit": "S2", "category": "charity", "amount": "0.01"}]}`:  "b.json: lines[1]: with it the lines add up to more than 9,999,999,999,999.99 yuan",
		`{"unit": "S1", "category": "charity", "amount": "1"}, {"unit": "S2", "category": "charity", "amount": "92233720368547758.07"}]}`: "b.json: lines[1]: with it the lines add up",
		`{"unit": "S1", "category": "charity", "amount": "-1"}]}`:                                                                         `b.json: lines[0]: amount "-1" is negative`,
		`{"unit": "S1", "category": "救灾", "amount": "1"}]}`:                                                                               `b.json: lines[0]: category "救灾" is not in its categories`,
		`{"unit": "S1", "category": "charity", "amount": "1e5"}]}`:                                                                        `b.json: lines[0]: amount "1e5" is not an amount`,
	} {
		_, err := ReadBudgetFile("b.json", strings.NewReader(head+body))
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%s: error %v, want %s…", body, err, want)
		}
	}
	if _, err := ReadBudgetFile("b.json", strings.NewReader("budget,2026\n")); !errors.Is(err, ErrUnreadable) {
		t.Errorf("a CSV as a budget JSON: %v", err)
	}
}
