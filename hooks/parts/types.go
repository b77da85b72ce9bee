package parts

// Money is an amount in a currency.
type Money struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

// PriceValue is one price of a part: the amount, its currency and the column
// header it came from.
type PriceValue struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
	Label    string  `json:"label,omitempty"`
}

// Source is the price-file row a part comes from.
type Source struct {
	Document string `json:"document"`
	Title    string `json:"title"`
	Row      int    `json:"row"`
	Sheet    string `json:"sheet"`
	// URL is the route that mints a download link after the rule check.
	URL string `json:"url"`
}

// Part is one part of the tenant's catalog as the lookup answers it.
type Part struct {
	ID          string                `json:"id"`
	PartNumber  string                `json:"part_number"`
	Key         string                `json:"key"`
	Brand       string                `json:"brand"`
	Description string                `json:"description"`
	Prices      map[string]PriceValue `json:"prices"`
	CoreCharge  *Money                `json:"core_charge"`
	PackQty     *int                  `json:"pack_qty"`
	MinOrder    *int                  `json:"min_order"`
	PriceGroup  string                `json:"price_group"`
	Returnable  *bool                 `json:"returnable"`
	WeightKg    *float64              `json:"weight_kg"`
	// Status is StatusCurrent, StatusSuperseded or StatusDiscontinued.
	Status string `json:"status"`
	Source Source `json:"source"`
	// Qty is set on members of a replacing set: how many are ordered.
	Qty float64 `json:"qty,omitempty"`
}

// Replacement is the set a part's chain ends in.
type Replacement struct {
	// Kind is "all_of" (order every part) or "one_of" (any one of them).
	Kind  string `json:"kind"`
	Parts []Part `json:"parts"`
	// Missing are set members in none of the price files (display numbers).
	Missing []string `json:"missing,omitempty"`
}

// Match is a part found for a number in the query, with its supersession
// chain resolved to the part to order.
type Match struct {
	Part
	// Match says how the number matched: MatchExact, MatchShort (BMW's last
	// seven digits, Mercedes without its leading A) or MatchBase (VW without index).
	Match string `json:"match"`
	// Asked is the number as found in the query (normalised).
	Asked string `json:"asked"`
	// Chain holds the display numbers from this part to the current one, oldest first.
	Chain []string `json:"chain"`
	// ChainProblem is "", "loop", "dead_end" or "too_long"; ChainMessage says it in a sentence.
	ChainProblem string `json:"chain_problem"`
	ChainMessage string `json:"chain_message"`
	// Current is the part to order: the part itself when it is current; nil
	// when the chain has a problem or ends in a set.
	Current *Part `json:"current"`
	// ReplacedBy is set when the chain ends in a set of parts.
	ReplacedBy *Replacement `json:"replaced_by"`
}

// Result is the answer of a lookup.
type Result struct {
	Query string `json:"query"`
	// Numbers are the part numbers found in the query, normalised.
	Numbers []string `json:"numbers"`
	Matches []Match  `json:"matches"`
	// DidYouMean are parts one OCR-style confusion away from a number that
	// matched nothing; never an answer, always labelled.
	DidYouMean []Part `json:"did_you_mean"`
	// NotFound are numbers of the query in none of the price files.
	NotFound []string `json:"not_found"`
	// Message says the outcome in one sentence.
	Message string `json:"message"`
}
