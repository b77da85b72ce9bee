package parts

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/pocketbase/dbx"

	"counterpart/hooks/documents"
	"counterpart/internal/partno"
	"counterpart/internal/supersession"
)

// Lookup limits.
const (
	// maxNumbers is how many part numbers of one query are looked up.
	maxNumbers = 10
	// maxMatches bounds the matches of one number (a VW base number can
	// match several indexes).
	maxMatches = 10
	// maxConfusions is how many "did you mean" variants are tried per number.
	maxConfusions = 40
	// maxDidYouMean bounds the suggestions of one number.
	maxDidYouMean = 5
)

// Match kinds (partno.MatchKind as the API spells it).
const (
	MatchExact = "exact"
	MatchShort = "short"
	MatchBase  = "base"
)

// partColumns are the columns a lookup reads of a part.
const partColumns = "[[id]], [[brand]], [[key]], [[number]], [[display]], [[description]], COALESCE([[prices]], ''), COALESCE([[core_charge]], ''), " +
	"[[pack_qty]], [[min_order]], [[price_group]], [[returnable]], [[weight_kg]], [[discontinued]], [[document]], [[sheet]], [[row]]"

// partRow is a part as stored.
type partRow struct {
	ID, Brand, Key, Number, Display, Description, Prices, Core string
	PackQty, MinOrder                                          int
	PriceGroup, Returnable                                     string
	Weight                                                     float64
	Discontinued                                               bool
	Document, Sheet                                            string
	Row                                                        int
}

func scanParts(q *dbx.Query) ([]partRow, error) {
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []partRow
	for rows.Next() {
		var p partRow
		if err := rows.Scan(&p.ID, &p.Brand, &p.Key, &p.Number, &p.Display, &p.Description, &p.Prices, &p.Core, &p.PackQty, &p.MinOrder,
			&p.PriceGroup, &p.Returnable, &p.Weight, &p.Discontinued, &p.Document, &p.Sheet, &p.Row); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// lookup is one lookup's state: the tenant, caches of parts and titles.
type lookup struct {
	ctx    context.Context
	db     dbx.Builder
	tenant string
	parts  map[string]*partRow // brand|key → part (nil: known not to exist)
	titles map[string]string
}

// Lookup answers query from tenant's parts catalog: every part number in it
// (at most ten), matched exactly or the way counter staff shorten it, each
// match with its supersession chain resolved to the part to order. A number
// in no price file is reported as not found, with "did you mean" parts that
// are one typing or OCR confusion away; never the nearest other part as if
// it were the one asked for.
func Lookup(ctx context.Context, db dbx.Builder, tenant, query string) (Result, error) {
	res := Result{Query: query, Numbers: []string{}, Matches: []Match{}, DidYouMean: []Part{}, NotFound: []string{}}
	numbers := partno.Candidates(query)
	if len(numbers) > maxNumbers {
		numbers = numbers[:maxNumbers]
	}
	res.Numbers = append(res.Numbers, numbers...)
	if len(numbers) == 0 {
		res.Message = "No part number found in the question. Type the number as it is printed, e.g. 1K0 698 151 A."
		return res, nil
	}
	l := &lookup{ctx: ctx, db: db, tenant: tenant, parts: map[string]*partRow{}, titles: map[string]string{}}
	brands := partno.Mentions(query)
	seen := map[string]bool{}
	for i, n := range numbers {
		found, near, err := l.find(n, brands)
		if err != nil {
			return Result{}, err
		}
		if short, ok := wordTail(query, n); ok && len(found) == 0 {
			// "4m1 380 462 is superseded": the word was joined as an index
			if f, nr, err := l.find(short, brands); err != nil {
				return Result{}, err
			} else if len(f) > 0 {
				found, near, n = f, nr, short
				res.Numbers[i] = short
			}
		}
		if len(found) == 0 {
			res.NotFound = append(res.NotFound, n)
			dym, err := l.didYouMean(n)
			if err != nil {
				return Result{}, err
			}
			for _, p := range append(near, dym...) {
				if !seen[p.ID] {
					seen[p.ID] = true
					res.DidYouMean = append(res.DidYouMean, p)
				}
			}
			continue
		}
		for _, m := range found {
			if seen[m.ID] {
				continue
			}
			seen[m.ID] = true
			res.Matches = append(res.Matches, m)
		}
	}
	res.Message = message(res)
	return res, nil
}

// message says a lookup's outcome in one sentence.
func message(r Result) string {
	found := ""
	switch {
	case len(r.Matches) == 1:
		found = "1 part found in your price files"
	case len(r.Matches) > 1:
		found = fmt.Sprintf("%d parts found in your price files", len(r.Matches))
	}
	switch {
	case found != "" && len(r.NotFound) > 0:
		return found + "; not in them: " + strings.Join(r.NotFound, ", ") + "."
	case found != "":
		return found + "."
	case len(r.DidYouMean) > 0:
		return "Not in your price files: " + strings.Join(r.NotFound, ", ") + ". Did you mean one of the similar numbers below?"
	}
	return "Not in your price files: " + strings.Join(r.NotFound, ", ") + "."
}

// tailWords are short words of English and German questions that Candidates
// may join onto a number as if they were its index ("… 462 is superseded").
var tailWords = map[string]bool{"is": true, "in": true, "im": true, "an": true, "am": true, "at": true, "on": true, "um": true,
	"to": true, "zu": true, "of": true, "or": true, "es": true, "er": true, "so": true, "no": true, "do": true, "it": true,
	"if": true, "as": true, "by": true, "da": true, "ja": true, "ob": true, "wo": true, "du": true, "be": true, "ab": true}

// wordTail returns n without its final letters when they are one of
// tailWords written as a word of its own in the query.
func wordTail(query, n string) (string, bool) {
	k := len(n)
	for k > 0 && n[k-1] >= 'A' && n[k-1] <= 'Z' {
		k--
	}
	tail := strings.ToLower(n[k:])
	if k == len(n) || k == 0 || len(tail) > 2 || !tailWords[tail] {
		return "", false
	}
	for _, w := range strings.FieldsFunc(query, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if w == tail {
			return n[:k], true
		}
	}
	return "", false
}

// find returns the matches of one normalised number: exact matches when
// there are any, else the brand short forms and base numbers it may stand
// for. A base number is a match only when the person left the index off
// (1K0698151 finds 1K0698151A); another index of a number typed in full
// (1K0698151B when only …A exists) is a different part, returned as near
// for "did you mean".
func (l *lookup) find(n string, brands []string) (matches []Match, near []Part, err error) {
	probes := partno.Probes(n)
	var exact, alt []any
	probeOf := map[string]partno.Probe{}
	for _, p := range probes {
		if p.Alt {
			alt = append(alt, p.Key)
			probeOf["alt|"+p.Key] = p
		} else {
			exact = append(exact, p.Key)
			probeOf["key|"+p.Key] = p
		}
	}
	type hit struct {
		partRow
		kind string
	}
	var hits []hit
	if len(exact) > 0 {
		rows, err := scanParts(l.db.NewQuery("SELECT " + partColumns + " FROM {{" + Parts + "}} WHERE [[tenant]] = {:t} AND [[key]] IN (" + placeholders(len(exact)) + ") LIMIT 50").
			WithContext(l.ctx).Bind(bindList(l.tenant, exact)))
		if err != nil {
			return nil, nil, fmt.Errorf("look up %s: %w", n, err)
		}
		for _, r := range rows {
			hits = append(hits, hit{r, matchKind(probeOf["key|"+r.Key].KindFor(r.Brand))})
		}
	}
	for _, column := range []string{"alt_key", "alt_key2"} {
		if len(alt) == 0 {
			break
		}
		altRows, err := l.altHits(n, column, alt)
		if err != nil {
			return nil, nil, err
		}
		for _, r := range altRows {
			hits = append(hits, hit{r.partRow, matchKind(probeOf["alt|"+r.alt].KindFor(r.Brand))})
		}
	}
	var direct []hit
	for _, h := range hits {
		if h.kind == MatchBase && !strings.HasPrefix(h.Key, n) {
			if len(near) < maxDidYouMean && !slices.ContainsFunc(near, func(p Part) bool { return p.ID == h.ID }) {
				p, err := l.part(h.partRow, "")
				if err != nil {
					return nil, nil, err
				}
				near = append(near, p)
			}
			continue
		}
		direct = append(direct, h)
	}
	hits = direct
	if len(hits) == 0 {
		return nil, near, nil
	}
	// the best kind of match present wins; a brand named in the question narrows
	best := 3
	for _, h := range hits {
		best = min(best, kindRank(h.kind))
	}
	var kept []hit
	for _, h := range hits {
		if kindRank(h.kind) == best {
			kept = append(kept, h)
		}
	}
	if len(brands) > 0 && slices.ContainsFunc(kept, func(h hit) bool { return slices.Contains(brands, h.Brand) }) {
		kept = slices.DeleteFunc(kept, func(h hit) bool { return !slices.Contains(brands, h.Brand) })
	}
	slices.SortStableFunc(kept, func(a, b hit) int { return strings.Compare(a.Brand+a.Key, b.Brand+b.Key) })
	if len(kept) > maxMatches {
		kept = kept[:maxMatches]
	}
	out := make([]Match, 0, len(kept))
	for _, h := range kept {
		r := h.partRow
		l.parts[r.Brand+"|"+r.Key] = &r
		m, err := l.match(r, h.kind, n)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, m)
	}
	return out, nil, nil
}

type altRow struct {
	partRow
	alt string
}

// altHits finds parts by one of their secondary-key columns.
func (l *lookup) altHits(n, column string, alt []any) ([]altRow, error) {
	rows, err := l.db.NewQuery("SELECT " + partColumns + ", [[" + column + "]] FROM {{" + Parts + "}} WHERE [[tenant]] = {:t} AND [[" + column + "]] IN (" + placeholders(len(alt)) + ") LIMIT 50").
		WithContext(l.ctx).Bind(bindList(l.tenant, alt)).Rows()
	if err != nil {
		return nil, fmt.Errorf("look up %s: %w", n, err)
	}
	defer rows.Close()
	var out []altRow
	for rows.Next() {
		var a altRow
		p := &a.partRow
		if err := rows.Scan(&p.ID, &p.Brand, &p.Key, &p.Number, &p.Display, &p.Description, &p.Prices, &p.Core, &p.PackQty, &p.MinOrder,
			&p.PriceGroup, &p.Returnable, &p.Weight, &p.Discontinued, &p.Document, &p.Sheet, &p.Row, &a.alt); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func matchKind(k partno.MatchKind) string {
	switch k {
	case partno.MatchShort:
		return MatchShort
	case partno.MatchBase:
		return MatchBase
	}
	return MatchExact
}

func kindRank(k string) int {
	switch k {
	case MatchExact:
		return 0
	case MatchShort:
		return 1
	}
	return 2
}

func placeholders(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "{:k%d}", i)
	}
	return b.String()
}

func bindList(tenant string, keys []any) dbx.Params {
	p := dbx.Params{"t": tenant}
	for i, k := range keys {
		p[fmt.Sprintf("k%d", i)] = k
	}
	return p
}

// didYouMean returns parts whose key is one confusion away from n.
func (l *lookup) didYouMean(n string) ([]Part, error) {
	variants := partno.Confusions(n, maxConfusions)
	if len(variants) == 0 {
		return nil, nil
	}
	keys := make([]any, len(variants))
	for i, v := range variants {
		keys[i] = v
	}
	rows, err := scanParts(l.db.NewQuery("SELECT " + partColumns + " FROM {{" + Parts + "}} WHERE [[tenant]] = {:t} AND [[key]] IN (" + placeholders(len(keys)) + ") LIMIT " + fmt.Sprint(maxDidYouMean)).
		WithContext(l.ctx).Bind(bindList(l.tenant, keys)))
	if err != nil {
		return nil, fmt.Errorf("did you mean %s: %w", n, err)
	}
	out := make([]Part, 0, len(rows))
	for _, r := range rows {
		p, err := l.part(r, "")
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// get returns the stored part of brand and key, nil when the catalog has none.
func (l *lookup) get(brand, key string) (*partRow, error) {
	id := brand + "|" + key
	if p, ok := l.parts[id]; ok {
		return p, nil
	}
	rows, err := scanParts(l.db.NewQuery("SELECT " + partColumns + " FROM {{" + Parts + "}} WHERE [[tenant]] = {:t} AND [[key]] = {:k} AND [[brand]] = {:b}").
		WithContext(l.ctx).Bind(dbx.Params{"t": l.tenant, "k": key, "b": brand}))
	if err != nil {
		return nil, fmt.Errorf("part %s: %w", key, err)
	}
	var p *partRow
	if len(rows) > 0 {
		p = &rows[0]
	}
	l.parts[id] = p
	return p, nil
}

// link is a stored supersession with the number as the file wrote it.
type link struct {
	supersession.Link
	toNumber string
}

// links returns the supersessions out of a part, the newest file's first.
func (l *lookup) links(brand, key string) ([]link, error) {
	rows, err := l.db.NewQuery("SELECT [[to_key]], [[kind]], [[qty]], [[to_number]] FROM {{" + Supersessions + "}} " +
		"WHERE [[tenant]] = {:t} AND [[from_key]] = {:k} AND [[brand]] = {:b} ORDER BY [[date]] DESC, [[created]] DESC, [[row]] LIMIT 50").
		WithContext(l.ctx).Bind(dbx.Params{"t": l.tenant, "k": key, "b": brand}).Rows()
	if err != nil {
		return nil, fmt.Errorf("supersessions of %s: %w", key, err)
	}
	defer rows.Close()
	var out []link
	for rows.Next() {
		var lk link
		if err := rows.Scan(&lk.To, &lk.Kind, &lk.Qty, &lk.toNumber); err != nil {
			return nil, err
		}
		out = append(out, lk)
	}
	return out, rows.Err()
}

// match resolves a found part's chain and builds its answer.
func (l *lookup) match(r partRow, kind, asked string) (Match, error) {
	numbers := map[string]string{} // key → number as a link wrote it, for keys in no file
	chain, err := supersession.Resolve(r.Key, func(key string) ([]supersession.Link, bool, error) {
		lks, err := l.links(r.Brand, key)
		if err != nil {
			return nil, false, err
		}
		out := make([]supersession.Link, len(lks))
		for i, lk := range lks {
			out[i] = lk.Link
			if _, ok := numbers[lk.To]; !ok {
				numbers[lk.To] = lk.toNumber
			}
		}
		p, err := l.get(r.Brand, key)
		return out, p != nil, err
	})
	if err != nil {
		return Match{}, err
	}
	status := StatusCurrent
	switch {
	case chain.Superseded():
		status = StatusSuperseded
	case r.Discontinued:
		status = StatusDiscontinued
	}
	p, err := l.part(r, status)
	if err != nil {
		return Match{}, err
	}
	m := Match{Part: p, Match: kind, Asked: asked, Chain: []string{}}
	display := func(key string) string {
		if q, _ := l.get(r.Brand, key); q != nil {
			return displayOf(*q)
		}
		if n := numbers[key]; n != "" {
			return partno.Display(r.Brand, n)
		}
		return key
	}
	for _, k := range chain.Keys {
		m.Chain = append(m.Chain, display(k))
	}
	m.ChainProblem = chain.Problem
	switch chain.Problem {
	case supersession.Loop:
		m.ChainMessage = "The supersessions in your price files go round in a circle (" + strings.Join(m.Chain, " → ") + "): check the current number with the manufacturer."
	case supersession.DeadEnd:
		m.ChainMessage = display(chain.Keys[len(chain.Keys)-1]) + " replaces it, but that number is in none of your price files: no price can be given."
	case supersession.TooLong:
		m.ChainMessage = fmt.Sprintf("The supersession chain is longer than %d links; the part to order could not be determined.", supersession.MaxLinks)
	}
	if chain.Current != "" {
		if chain.Current == r.Key {
			cur := p
			m.Current = &cur
		} else if q, err := l.get(r.Brand, chain.Current); err != nil {
			return Match{}, err
		} else if q != nil {
			cur, err := l.part(*q, statusOf(*q))
			if err != nil {
				return Match{}, err
			}
			m.Current = &cur
		}
	}
	if chain.SetKind != "" {
		rep := &Replacement{Kind: chain.SetKind, Parts: []Part{}}
		for _, mem := range chain.Set {
			q, err := l.get(r.Brand, mem.Current)
			if err != nil {
				return Match{}, err
			}
			if mem.Current == "" || q == nil {
				rep.Missing = append(rep.Missing, display(mem.Key))
				continue
			}
			sp, err := l.part(*q, statusOf(*q))
			if err != nil {
				return Match{}, err
			}
			sp.Qty = max(mem.Qty, 1)
			rep.Parts = append(rep.Parts, sp)
		}
		m.ReplacedBy = rep
	}
	return m, nil
}

func statusOf(r partRow) string {
	if r.Discontinued {
		return StatusDiscontinued
	}
	return StatusCurrent
}

func displayOf(r partRow) string {
	if r.Display != "" {
		return r.Display
	}
	return r.Number
}

// part turns a stored part into its answer, with the title of its document.
func (l *lookup) part(r partRow, status string) (Part, error) {
	if status == "" {
		status = statusOf(r)
	}
	p := Part{ID: r.ID, PartNumber: displayOf(r), Key: r.Key, Brand: r.Brand, Description: r.Description,
		Prices: map[string]PriceValue{}, PriceGroup: r.PriceGroup, Status: status}
	_ = json.Unmarshal([]byte(r.Prices), &p.Prices)
	if p.Prices == nil {
		p.Prices = map[string]PriceValue{}
	}
	if r.Core != "" {
		var c Money
		if json.Unmarshal([]byte(r.Core), &c) == nil {
			p.CoreCharge = &c
		}
	}
	if r.PackQty > 0 {
		p.PackQty = &r.PackQty
	}
	if r.MinOrder > 0 {
		p.MinOrder = &r.MinOrder
	}
	switch r.Returnable {
	case "yes", "no":
		b := r.Returnable == "yes"
		p.Returnable = &b
	}
	if r.Weight > 0 {
		w := r.Weight
		p.WeightKg = &w
	}
	title, ok := l.titles[r.Document]
	if !ok {
		var t, f string
		err := l.db.NewQuery("SELECT [[title]], [[filename]] FROM {{"+documents.Collection+"}} WHERE [[id]] = {:id} AND [[tenant]] = {:t}").
			WithContext(l.ctx).Bind(dbx.Params{"id": r.Document, "t": l.tenant}).Row(&t, &f)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return Part{}, fmt.Errorf("document of part %s: %w", r.Key, err)
		}
		title = documents.TitleOf(t, f)
		l.titles[r.Document] = title
	}
	p.Source = Source{Document: r.Document, Title: title, Row: r.Row, Sheet: r.Sheet, URL: documents.DownloadRoute(r.Document)}
	return p, nil
}
