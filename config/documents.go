package config

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"fundalloc/reports"
	"fundalloc/reports/msg"
)

// Bounds on the document keys: a city's name and a signature line's label
// are short texts printed in titles and on one row.
const (
	maxCityRunes      = 40
	maxSignatureRunes = 20
	maxSignatures     = 6
)

// document reads the keys that make the workbooks documents a bureau signs
// (DESIGN §5, §7.1): city, display_unit, display_decimals (2, 4 or 6, and
// only with wan) and signatures (empty: the language's defaults).
func document(r *raw, errs *Errors) reports.Document {
	var d reports.Document
	d.City = strings.TrimSpace(r.City)
	switch {
	case utf8.RuneCountInString(d.City) > maxCityRunes:
		errs.add("city", msg.CityTooLong, d.City, maxCityRunes)
	case hasControl(d.City):
		errs.add("city", msg.CityControl, d.City)
	}
	unit, ok := reports.ParseUnit(strings.ToLower(strings.TrimSpace(r.DisplayUnit)))
	if !ok {
		errs.add("display_unit", msg.BadDisplayUnit, r.DisplayUnit)
	}
	d.Unit = unit
	d.Decimals = r.DisplayDecimals
	switch {
	case !slices.Contains(reports.WanDecimals, d.Decimals):
		errs.add("display_decimals", msg.BadDisplayDecimal, d.Decimals)
	case unit != reports.UnitWan && d.Decimals != 2:
		errs.add("display_decimals", msg.DecimalsNeedWan, d.Decimals)
	}
	if len(r.Signatures) > maxSignatures {
		errs.add("signatures", msg.TooManySignatures, len(r.Signatures), maxSignatures)
	}
	for i, s := range r.Signatures {
		key := fmt.Sprintf("signatures[%d]", i)
		s = strings.TrimSpace(s)
		switch {
		case s == "":
			errs.add(key, msg.SignatureEmpty)
		case utf8.RuneCountInString(s) > maxSignatureRunes:
			errs.add(key, msg.SignatureTooLong, s, maxSignatureRunes)
		case hasControl(s):
			errs.add(key, msg.SignatureControl, s)
		}
		d.Signatures = append(d.Signatures, s)
	}
	return d
}

func hasControl(s string) bool { return strings.ContainsFunc(s, unicode.IsControl) }
