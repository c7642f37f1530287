package sources

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"fundalloc/allocation"
	"fundalloc/reports/msg"
)

// maxParamDepth bounds how deeply a budget JSON's params may nest; the
// parameters fundalloc writes nest four levels.
const maxParamDepth = 8

// flattenParams turns a budget JSON's params object into keys and values
// in the file's order: objects nest with ".", a list of plain values is one
// value joined with ", ", and a list of objects with a "code" (the
// categories) gives the list of codes and then each object's fields under
// its code.
func flattenParams(raw json.RawMessage) ([]allocation.Param, error) {
	var out []allocation.Param
	if err := walkParams(raw, "", 0, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func walkParams(raw json.RawMessage, prefix string, depth int, out *[]allocation.Param) error {
	if depth > maxParamDepth {
		return errTooDeep
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	join := func(k string) string {
		if prefix == "" {
			return k
		}
		return prefix + "." + k
	}
	switch v := tok.(type) {
	case json.Delim:
		var items []json.RawMessage
		var keys []string
		for dec.More() {
			if v == '{' {
				k, err := dec.Token()
				if err != nil {
					return err
				}
				keys = append(keys, k.(string))
			}
			var item json.RawMessage
			if err := dec.Decode(&item); err != nil {
				return err
			}
			items = append(items, item)
		}
		if v == '{' {
			for i, item := range items {
				if err := walkParams(item, join(keys[i]), depth+1, out); err != nil {
					return err
				}
			}
			return nil
		}
		return walkList(items, prefix, depth, out)
	default:
		*out = append(*out, allocation.Param{Key: prefix, Value: scalarText(v)})
	}
	return nil
}

// walkList flattens a list: plain values joined, objects by their code (or
// position).
func walkList(items []json.RawMessage, prefix string, depth int, out *[]allocation.Param) error {
	var plain, codes []string
	for _, item := range items {
		if t := bytes.TrimSpace(item); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
			var c struct {
				Code string `json:"code"`
			}
			if t[0] == '{' && json.Unmarshal(t, &c) == nil && c.Code != "" {
				codes = append(codes, c.Code)
			}
			continue
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(item))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return err
		}
		plain = append(plain, scalarText(v))
	}
	if len(codes) == len(items) && len(items) > 0 {
		*out = append(*out, allocation.Param{Key: prefix, Value: strings.Join(codes, ", ")})
		for i, item := range items {
			if err := walkParams(item, prefix+"."+codes[i], depth+1, out); err != nil {
				return err
			}
		}
		return nil
	}
	if len(plain) == len(items) {
		*out = append(*out, allocation.Param{Key: prefix, Value: strings.Join(plain, ", ")})
		return nil
	}
	for i, item := range items {
		if err := walkParams(item, fmt.Sprintf("%s[%d]", prefix, i), depth+1, out); err != nil {
			return err
		}
	}
	return nil
}

func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	return ""
}

// checkParams flattens the recorded params and reads the stage parameters
// from them, checked like the configuration they came from.
func (r *budgetReader) checkParams(bf *BudgetFile, catIndex map[string]int) {
	if t := bytes.TrimSpace(r.params); len(t) == 0 || t[0] != '{' {
		r.add(msg.BudgetType, ErrBadEnum, "params", msg.JSONObject)
		return
	}
	params, err := flattenParams(r.params)
	if errors.Is(err, errTooDeep) {
		r.add(msg.BudgetTooDeep, ErrLimit, "params", maxParamDepth)
		return
	} else if err != nil {
		r.add(msg.BudgetType, ErrBadEnum, "params", msg.JSONObject)
		return
	}
	bf.Params = params
	val := map[string]string{}
	for _, p := range params {
		val[p.Key] = p.Value
	}
	get := func(key string) (string, bool) {
		v, ok := val[key]
		if !ok {
			r.add(msg.BudgetMissing, ErrRequired, "params."+key)
		}
		return v, ok
	}
	if v, ok := get("fiscal_year"); ok && v != strconv.Itoa(bf.Year) {
		r.add(msg.BudgetParamDiffers, ErrBadEnum, "params.fiscal_year", v, "fiscal_year", strconv.Itoa(bf.Year))
	}
	if v, ok := get("categories"); ok && v != strings.Join(r.cats, ", ") {
		r.add(msg.BudgetParamDiffers, ErrBadEnum, "params.categories", v, "categories", strings.Join(r.cats, ", "))
	}
	ratio := func(key string, hi uint64) allocation.Ratio {
		v, ok := get(key)
		if !ok {
			return allocation.Ratio{}
		}
		x, err := allocation.ParseRatio(v)
		if err != nil || x.Cmp(allocation.Int(hi)) > 0 {
			r.add(msg.BudgetParamDecimal, ErrBadNumber, "params."+key, v, "0", fmt.Sprint(hi))
		}
		return x
	}
	amount := func(key string) allocation.Fen {
		v, ok := get(key)
		if !ok {
			return 0
		}
		a, _ := r.nonNegative("params."+key, v)
		return a
	}
	cats := func(key string) []int {
		v, ok := get(key)
		if !ok || v == "" {
			return nil
		}
		var out []int
		for _, c := range strings.Split(v, ", ") {
			k, ok := catIndex[c]
			if !ok {
				r.add(msg.BudgetCategory, ErrUnknownCategory, "params."+key, c)
				continue
			}
			out = append(out, k)
		}
		return out
	}
	rules := &allocation.Rules{Factors: allocation.DefaultFactors()}
	for _, g := range []allocation.Grade{allocation.Excellent, allocation.Good, allocation.Qualified, allocation.New} {
		rules.Factors[g] = ratio("grades."+g.String(), 10)
	}
	rules.Hub.Amount = amount("stages.hub.amount")
	rules.Hub.Categories = cats("stages.hub.categories")
	rules.Baseline.PerWorker = amount("stages.baseline.per_worker")
	rules.Baseline.PerStation = amount("stages.baseline.per_station")
	rules.Baseline.Categories = cats("stages.baseline.categories")
	rules.Pilot.Amount = amount("stages.pilot.amount")
	rules.Pilot.Categories = cats("stages.pilot.categories")
	rules.Demand.Share = ratio("stages.demand.share", 1)
	rules.Demand.Categories = cats("stages.demand.categories")
	rules.Rooms.Share = ratio("stages.rooms.share", 1)
	drivers := bf.Plan.Drivers
	rules.Demand.Drivers = make([]string, len(r.cats))
	for c, code := range r.cats {
		key := "stages.demand.drivers." + code
		name, ok := val[key]
		if !ok {
			continue // a category the demand stage does not use
		}
		if !slices.Contains(drivers, name) {
			r.add(msg.BudgetParamDriver, ErrBadEnum, "params."+key, name, strings.Join(drivers, ", "))
		}
		rules.Demand.Drivers[c] = name
	}
	for _, p := range params {
		if code, ok := strings.CutPrefix(p.Key, "stages.demand.drivers."); ok {
			if _, known := catIndex[code]; !known {
				r.add(msg.BudgetCategory, ErrUnknownCategory, "params."+p.Key, code)
			}
		}
	}
	bf.Rules = rules
}
