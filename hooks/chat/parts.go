package chat

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"counterpart/hooks/parts"
	"counterpart/internal/search"
	"counterpart/internal/supersession"
)

// maxParts bounds the part cards stored with one answer.
const maxParts = 10

// mergeParts appends the matches of b not already in a (same part), at most maxParts.
func mergeParts(a, b []parts.Match) []parts.Match {
	out := append([]parts.Match{}, a...)
	for _, m := range b {
		if len(out) >= maxParts {
			break
		}
		if !slices.ContainsFunc(out, func(o parts.Match) bool { return o.ID == m.ID }) {
			out = append(out, m)
		}
	}
	return out
}

// partPassages are the price-file rows the part cards cite, as references:
// the row of the part asked for and, when it is superseded, the row of the
// part to order.
func partPassages(ms []parts.Match) []search.Passage {
	var out []search.Passage
	for _, m := range ms {
		for _, p := range []*parts.Part{m.Current, &m.Part} {
			if p == nil || p.Source.Document == "" {
				continue
			}
			out = append(out, search.Passage{Document: p.Source.Document, Row: p.Source.Row, Sheet: p.Source.Sheet, Snippet: partLine(*p)})
		}
	}
	return out
}

// partLine is one line naming a part and its prices, for a reference's snippet.
func partLine(p parts.Part) string {
	var b strings.Builder
	b.WriteString(p.PartNumber)
	if p.Brand != "" {
		b.WriteString(" (" + p.Brand + ")")
	}
	if p.Description != "" {
		b.WriteString(" " + p.Description)
	}
	for _, name := range priceOrder(p.Prices) {
		v := p.Prices[name]
		fmt.Fprintf(&b, " | %s: %s", priceLabel(name, v.Label), money(v.Amount, v.Currency))
	}
	return b.String()
}

// priceOrder lists a part's price names: list, net, then the others by name.
func priceOrder(prices map[string]parts.PriceValue) []string {
	var names []string
	for n := range prices {
		names = append(names, n)
	}
	rank := func(n string) int {
		switch n {
		case "list":
			return 0
		case "net":
			return 1
		}
		return 2
	}
	slices.SortFunc(names, func(a, b string) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return names
}

func priceLabel(name, label string) string {
	base := map[string]string{"list": "List price", "net": "Net price"}[name]
	switch {
	case base == "":
		return label
	case label != "" && !strings.EqualFold(label, base):
		return base + " (" + label + ")"
	}
	return base
}

// money writes an amount with two decimals (more when the file has more) and its currency.
func money(amount float64, currency string) string {
	s := fmt.Sprintf("%.2f", amount)
	if math.Abs(amount*100-math.Round(amount*100)) > 1e-6 {
		s = strings.TrimRight(fmt.Sprintf("%.4f", amount), "0")
	}
	if currency == "" {
		return s
	}
	return s + " " + currency
}

// partCards writes the part cards of a lookup as Markdown: for each match the
// part to order with its prices, core charge and pack, the chain, and the
// rows they come from; then the numbers in no price file and what they may
// have meant.
func partCards(res parts.Result) string {
	var b strings.Builder
	for i, m := range res.Matches {
		if i > 0 {
			b.WriteString("\n\n")
		}
		writeCard(&b, m)
	}
	for _, n := range res.NotFound {
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		fmt.Fprintf(&b, "**%s** is not in your price files.", escapeMarkdown(n))
	}
	if len(res.DidYouMean) > 0 {
		b.WriteString("\n\nDid you mean (a similar number, not the one asked for):")
		for _, p := range res.DidYouMean {
			b.WriteString("\n- " + escapeMarkdown(partLine(p)) + sourceRef(p))
		}
	}
	return b.String()
}

func writeCard(b *strings.Builder, m parts.Match) {
	order := m.Current
	head := "**" + escapeMarkdown(m.PartNumber) + "**"
	if m.Brand != "" {
		head += " · " + escapeMarkdown(m.Brand)
	}
	if m.Description != "" {
		head += " · " + escapeMarkdown(m.Description)
	}
	switch {
	case m.Status == parts.StatusSuperseded && order != nil:
		head += " — superseded: order **" + escapeMarkdown(order.PartNumber) + "**"
		if order.Description != "" && order.Description != m.Description {
			head += " · " + escapeMarkdown(order.Description)
		}
	case m.Status == parts.StatusSuperseded:
		head += " — superseded"
	case m.Status == parts.StatusDiscontinued:
		head += " — no longer in the current price file (discontinued)"
	}
	switch m.Match {
	case parts.MatchShort:
		head += " (found by its short number " + escapeMarkdown(m.Asked) + ")"
	case parts.MatchBase:
		head += " (found by its base number " + escapeMarkdown(m.Asked) + ")"
	}
	b.WriteString(head)
	facts := order
	if facts == nil && m.ReplacedBy == nil && m.ChainProblem == "" {
		facts = &m.Part
	}
	if facts != nil {
		writeFacts(b, *facts)
	}
	if len(m.Chain) > 1 {
		b.WriteString("\n- Supersession: " + escapeMarkdown(strings.Join(m.Chain, " → ")))
	}
	if m.ReplacedBy != nil {
		word := "all of"
		if m.ReplacedBy.Kind == supersession.OneOf {
			word = "any one of"
		}
		b.WriteString("\n- Replaced by " + word + ":")
		for _, p := range m.ReplacedBy.Parts {
			fmt.Fprintf(b, "\n  - %g × %s%s", p.Qty, escapeMarkdown(partLine(p)), sourceRef(p))
		}
		for _, n := range m.ReplacedBy.Missing {
			b.WriteString("\n  - " + escapeMarkdown(n) + " (in none of your price files)")
		}
	}
	if m.ChainMessage != "" {
		b.WriteString("\n- " + escapeMarkdown(m.ChainMessage))
	}
	if facts == nil || facts.ID != m.ID {
		b.WriteString("\n- Asked-for part" + sourceRef(m.Part))
	}
}

func writeFacts(b *strings.Builder, p parts.Part) {
	for _, name := range priceOrder(p.Prices) {
		v := p.Prices[name]
		fmt.Fprintf(b, "\n- %s: %s", escapeMarkdown(priceLabel(name, v.Label)), money(v.Amount, v.Currency))
	}
	if len(p.Prices) == 0 {
		b.WriteString("\n- No price in the file")
	}
	if p.CoreCharge != nil {
		fmt.Fprintf(b, "\n- Core charge: %s", money(p.CoreCharge.Amount, p.CoreCharge.Currency))
	}
	if p.PackQty != nil {
		fmt.Fprintf(b, "\n- Pack quantity: %d", *p.PackQty)
	}
	if p.MinOrder != nil {
		fmt.Fprintf(b, "\n- Minimum order: %d", *p.MinOrder)
	}
	if p.PriceGroup != "" {
		b.WriteString("\n- Price group: " + escapeMarkdown(p.PriceGroup))
	}
	if p.Returnable != nil {
		b.WriteString("\n- Returnable: " + map[bool]string{true: "yes", false: "no"}[*p.Returnable])
	}
	b.WriteString("\n- Source" + sourceRef(p))
}

// sourceRef names the row a part comes from: ": Price list 2026, row 14".
func sourceRef(p parts.Part) string {
	if p.Source.Document == "" {
		return ""
	}
	return ": " + escapeMarkdown(p.Source.Title) + place(0, p.Source.Row, p.Source.Sheet)
}
