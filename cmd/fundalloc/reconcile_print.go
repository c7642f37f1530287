package main

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"fundalloc/allocation"
	"fundalloc/config"
	"fundalloc/reports"
	"fundalloc/reports/msg"
)

// flagged reports whether anything needs attention: a flag or an exception.
func (r *reconcileResult) flagged() bool {
	if len(r.rc.Ledger.Exceptions) > 0 {
		return true
	}
	for _, row := range r.rc.Rows {
		if row.Flags != 0 {
			return true
		}
	}
	return false
}

func (r *reconcileResult) print(w io.Writer, l msg.Lang) {
	rc := r.rc
	note := rc.BudgetNote.Localize(l)
	if rc.Budget == "recomputed" {
		note = msg.CmdRcRecomputed.In(l, config.SourceName(cmp.Or(rc.Config, config.SampleSource), l))
	}
	fmt.Fprintln(w, msg.CmdRcTitle.In(l, rc.Month, note))
	var annual, plan, actual allocation.Fen
	flags := map[allocation.Flags]int{}
	for _, row := range rc.Rows {
		annual += row.Annual
		plan += row.PlanToDate
		actual += row.Actual
		for _, f := range allocation.BySeverity {
			if row.Flags&f != 0 {
				flags[f]++
			}
		}
	}
	c := rc.Counts
	fmt.Fprintln(w, msg.CmdRcVouchers.In(l, thousands(c.Read), thousands(len(rc.Ledger.Files)), thousands(c.Counted),
		thousands(c.Excepted), thousands(c.After), rc.Month))
	fmt.Fprintln(w)
	rate := "-"
	if plan != 0 {
		rate = fmt.Sprintf("%.2f%%", float64(actual)/float64(plan)*100) // display only
	}
	printTable(w, "lrrrr", [][]string{
		{"", msg.CmdRcAnnual.In(l), msg.CmdRcPlan.In(l), msg.CmdRcActual.In(l), msg.CmdRcRate.In(l)},
		{msg.CmdTotal.In(l), reports.Yuan(annual), reports.Yuan(plan), reports.Yuan(actual), rate},
	})
	var fl []string
	for _, f := range allocation.BySeverity {
		fl = append(fl, msg.CmdRcCount.In(l, codeName(l, "flag.", f.Name()), thousands(flags[f])))
	}
	sep := msg.Get("sep").In(l)
	fmt.Fprintln(w)
	fmt.Fprintln(w, msg.CmdRcRows.In(l, thousands(len(rc.Rows)), strings.Join(fl, sep)))
	exc := map[allocation.Exceptions]int{}
	for _, e := range rc.Ledger.Exceptions {
		exc[e.Kind]++
	}
	var parts []string
	for _, k := range allocation.ExceptionOrder {
		if exc[k] > 0 {
			parts = append(parts, msg.CmdRcCount.In(l, codeName(l, "exc.", k.Name()), thousands(exc[k])))
		}
	}
	if len(parts) == 0 {
		parts = []string{msg.CmdRcNone.In(l)}
	}
	fmt.Fprintln(w, msg.CmdRcExceptions.In(l, strings.Join(parts, sep)))
	if len(rc.Problems) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, msg.RcProblemsTitle.In(l, thousands(min(10, len(rc.Problems))), thousands(len(rc.Problems))))
		for i, p := range rc.ProblemLines(10, l) {
			fmt.Fprintf(w, "%2d. %s\n", i+1, p)
		}
	}
	fmt.Fprintln(w)
	for _, p := range r.outputs {
		fmt.Fprintln(w, msg.CmdWrote.In(l, p))
	}
	if r.olderBook != "" {
		fmt.Fprintln(w, msg.RcOlderWorkbook.In(l, r.olderBook))
	}
}

// codeName is how a summary names a flag or exception code: the code in
// English, as the JSON has it; its label in Chinese, whose workbook shows
// the same words.
func codeName(l msg.Lang, prefix, code string) string {
	if l == msg.EN {
		return code
	}
	return msg.Get(prefix + code).In(l)
}
