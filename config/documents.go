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
	d.Notices = notices(r, errs)
	return d
}

// notices reads the notices keys (DESIGN §5, §11): the title, one issuer or
// a list of them (a joint notice), and the document number; text on one
// line, without control characters.
func notices(r *raw, errs *Errors) reports.NoticeText {
	var n reports.NoticeText
	text := func(key, s string) string {
		s = strings.TrimSpace(s)
		if hasControl(s) {
			errs.add(key, msg.ConfigControl, s)
		}
		return s
	}
	n.Title = text("notices.title", r.Notices.Title)
	n.DocNo = text("notices.doc_no", r.Notices.DocNo)
	switch v := r.Notices.Issuer.(type) {
	case nil:
	case string:
		if s := text("notices.issuer", v); s != "" {
			n.Issuers = []string{s}
		}
	case []any:
		for i, item := range v {
			s, ok := item.(string)
			key := fmt.Sprintf("notices.issuer[%d]", i)
			if !ok || strings.TrimSpace(s) == "" {
				errs.add(key, msg.ConfigNotType, fmt.Sprint(item), msg.ConfigTypeText)
				continue
			}
			n.Issuers = append(n.Issuers, text(key, s))
		}
	default:
		errs.add("notices.issuer", msg.ConfigNotType, fmt.Sprint(v), msg.ConfigTypeList)
	}
	return n
}

func hasControl(s string) bool { return strings.ContainsFunc(s, unicode.IsControl) }
