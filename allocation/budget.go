package allocation

// Budget is a budget as its JSON records it (DESIGN §6.1) and as a diff,
// a revision or a reconciliation reads it back: the plan, and what it was
// computed from. Its lines carry no Basis and its plan no Directed: the JSON
// does not keep them.
type Budget struct {
	Year int
	// Plan holds the categories, the units (sorted by code), the fund lines,
	// the pool, the lines and the unallocated money. A budget written
	// before units were recorded has only the units its lines name, with
	// their code and tier.
	Plan *Plan
	// Rules are the stage parameters, nil when the budget does not record
	// them. Category and driver indexes refer to Plan.
	Rules *Rules
	// Params are the recorded parameters flattened to keys and values in the
	// file's order ("stages.hub.amount" → "1200000.00"), for listing what
	// changed; values are never paths.
	Params []Param
	// Recorded says whether the budget records its inputs (units, fund lines
	// and params); without them a diff can split changes by stage but not
	// give their reasons.
	Recorded bool
}

// Param is one recorded parameter: its configuration key and its value as
// text.
type Param struct {
	Key, Value string
}
