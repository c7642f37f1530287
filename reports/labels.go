package reports

import "fundalloc/reports/msg"

// lang is the language a workbook is written in; its labels come from the
// catalogue (package msg).
type lang msg.Lang

const (
	zh = lang(msg.ZH)
	en = lang(msg.EN)
)

func langOf(s string) lang { return lang(msg.Of(s)) }

// t returns the label key, formatted with args when given. A missing label
// is a programming error.
func (l lang) t(key string, args ...any) string {
	return msg.Get(key).In(msg.Lang(l), args...)
}
