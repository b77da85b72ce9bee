package pricefile

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Price is one price of a row.
type Price struct {
	// Name is "list", "net", or the header of another price column.
	Name string `json:"name"`
	// Label is the column's header as the file writes it ("UPE").
	Label string `json:"label"`
	Money
}

// Names of the list and net price (Price.Name).
const (
	PriceList = "list"
	PriceNet  = "net"
)

// Row is one data row of a price file, its values parsed. A Row and its
// slices belong to the caller.
type Row struct {
	// Sheet is the worksheet of an XLSX row, "" for CSV.
	Sheet string `json:"sheet"`
	// Line is the row number as a spreadsheet shows it.
	Line int `json:"line"`
	// PartNumber is the number as written, trimmed ("1K0 698 151 A").
	PartNumber string `json:"part_number"`
	// Brand is the brand cell as written, else Mapping.DefaultBrand.
	Brand string `json:"brand"`
	// Description is the description, on one line.
	Description string `json:"description"`
	// Prices are the row's prices in column order; a price column that is
	// empty, "—", "auf Anfrage" or 0 gives none. Prices are per piece:
	// divided by PriceUnit when the file has one.
	Prices []Price `json:"prices"`
	// Core is the core charge or deposit, nil when none.
	Core *Money `json:"core_charge"`
	// PackQty and MinOrder are 0 when the file does not say.
	PackQty  int `json:"pack_qty"`
	MinOrder int `json:"min_order"`
	// PriceGroup is the discount or price group code as written.
	PriceGroup string `json:"price_group"`
	// PriceUnit is how many pieces the file's prices were for (0 when it
	// has no price unit column or says 1).
	PriceUnit int `json:"price_unit"`
	// Returnable is nil when the file does not say.
	Returnable *bool `json:"returnable"`
	// WeightKg is nil when the file does not say.
	WeightKg *float64 `json:"weight_kg"`
	// SupersededBy are the numbers that replace the part, as written;
	// SupersedeKind is Single, AllOf or OneOf when there are any.
	SupersededBy  []string `json:"superseded_by"`
	SupersedeKind string   `json:"supersede_kind"`
	// SupersededQty holds, per SupersededBy number, how many replace one
	// of this part: from the cell ("2x 123456"), else QtyRatio, else 1.
	SupersededQty []float64 `json:"superseded_qty"`
	// SupersessionChain are the numbers that follow SupersededBy[0] when
	// the cell writes a chain: "A → B → C" in the row of part P means P →
	// A → B → C, given as SupersededBy [A] and SupersessionChain [B, C].
	SupersessionChain []string `json:"supersession_chain"`
	// Discontinued reports a superseded-by cell that says the part has no
	// successor ("entfällt", "NLA", "kein Ersatz").
	Discontinued bool `json:"discontinued"`
	// Supersedes are the old numbers this part replaces, as written,
	// oldest first.
	Supersedes []string `json:"supersedes"`
	// QtyRatio is how many of the new part replace one of the old: the
	// ratio column, else the cell's quantity for a single successor, else
	// 1 when the row has a successor, else 0.
	QtyRatio float64 `json:"qty_ratio"`
	// Interchange is OneWay, TwoWay or "" when the file does not say.
	Interchange string `json:"interchange"`
	// SupersessionDate is YYYY-MM-DD, "" when the file does not say.
	SupersessionDate string `json:"supersession_date"`
}

// RowError is a row that could not be read.
type RowError struct {
	Sheet string `json:"sheet"`
	Line  int    `json:"line"`
	// Message says what is wrong, naming the column and quoting the cell.
	Message string `json:"message"`
	// PartNumber is the row's part number cell when it has one, so an
	// importer can keep that part as it was rather than mark it missing.
	PartNumber string `json:"part_number,omitempty"`
}

func (e RowError) Error() string {
	if e.Sheet != "" {
		return fmt.Sprintf("sheet %q, row %d: %s", e.Sheet, e.Line, e.Message)
	}
	return fmt.Sprintf("row %d: %s", e.Line, e.Message)
}

// maxText bounds a description, brand or price group.
const maxText = 1000

// priceCol is a mapped price column.
type priceCol struct {
	idx         int
	name, label string
	currency    string // named by the header
}

// plan is a mapping compiled for one sheet.
type plan struct {
	part, brand, currency, core, pack, minOrder, group, unit  int // column index, -1 when unmapped
	returnable, weight, supBy, sups, ratio, interchange, date int
	desc                                                      []int
	prices                                                    []priceCol
	coreCurrency                                              string
	weightUnit                                                float64
	defaultBrand, mappingCurrency                             string
	labels                                                    []string // per column, for messages
	mapped                                                    []int    // the columns of fields other than Ignore
}

func newPlan(m Mapping, headers []string) *plan {
	p := &plan{part: -1, brand: -1, currency: -1, core: -1, pack: -1, minOrder: -1, group: -1, unit: -1,
		returnable: -1, weight: -1, supBy: -1, sups: -1, ratio: -1, interchange: -1, date: -1,
		weightUnit: 1, defaultBrand: cleanText(m.DefaultBrand), labels: make([]string, len(headers))}
	p.mappingCurrency, _ = currencyCode(m.Currency)
	for i, h := range headers {
		p.labels[i] = fmt.Sprintf("%s (column %s)", quote(h), columnName(i))
		if h == "Column "+columnName(i) {
			p.labels[i] = h
		}
	}
	names := map[string]bool{}
	for _, c := range m.Columns {
		if c.Index < 0 || c.Index >= len(headers) {
			continue
		}
		h := headers[c.Index]
		i := c.Index
		if c.Field != Ignore {
			p.mapped = append(p.mapped, i)
		}
		switch c.Field {
		case PartNumber:
			p.part = i
		case Brand:
			p.brand = i
		case Description:
			p.desc = append(p.desc, i)
		case ListPrice:
			p.prices = append(p.prices, priceCol{i, PriceList, h, headerCurrency(h)})
		case NetPrice:
			p.prices = append(p.prices, priceCol{i, PriceNet, h, headerCurrency(h)})
		case OtherPrice:
			name := h
			if name == "" || names[name] || name == PriceList || name == PriceNet {
				name = fmt.Sprintf("%s (column %s)", h, columnName(i))
			}
			names[name] = true
			p.prices = append(p.prices, priceCol{i, name, h, headerCurrency(h)})
		case Currency:
			p.currency = i
		case CoreCharge:
			p.core, p.coreCurrency = i, headerCurrency(h)
		case PackQty:
			p.pack = i
		case MinOrder:
			p.minOrder = i
		case PriceGroup:
			p.group = i
		case PriceUnit:
			p.unit = i
		case Returnable:
			p.returnable = i
		case Weight:
			p.weight, p.weightUnit = i, headerWeightUnit(h)
		case SupersededBy:
			p.supBy = i
		case Supersedes:
			p.sups = i
		case QtyRatio:
			p.ratio = i
		case Interchange:
			p.interchange = i
		case SupersessionDate:
			p.date = i
		}
	}
	return p
}

// numericColumns are the columns whose numbers teach the decimal
// separator.
func (p *plan) numericColumns() []int {
	var out []int
	for _, pc := range p.prices {
		out = append(out, pc.idx)
	}
	for _, i := range []int{p.core, p.weight} {
		if i >= 0 {
			out = append(out, i)
		}
	}
	return out
}

// parser turns the cells of a sheet's rows into Rows.
type parser struct {
	plan  *plan
	votes decimalVotes
	// explicit counts the currencies rows name (cell, currency column,
	// header), for the file's majority.
	explicit map[string]int
}

func cellAt(cells []string, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return cells[i]
}

// rowProblems collects the problems of one row.
type rowProblems struct {
	p    *plan
	msgs []string
}

func (rp *rowProblems) add(col int, err error) {
	if err == nil {
		return
	}
	rp.msgs = append(rp.msgs, rp.p.labels[col]+": "+err.Error())
}

// parse reads one data row. Prices whose currency is not known yet have
// Currency "", for the caller to settle. A row with problems gives their
// sentences and no Row.
func (ps *parser) parse(sheet string, line int, cells []string) (Row, string) {
	p := ps.plan
	row := Row{Sheet: sheet, Line: line}
	rp := rowProblems{p: p}
	conv := ps.votes.conv()

	row.PartNumber = cleanText(cellAt(cells, p.part))
	if row.PartNumber == "" || noValue(row.PartNumber) {
		row.PartNumber = ""
		rp.msgs = append(rp.msgs, fmt.Sprintf("no part number in %s", p.labels[p.part]))
	} else {
		rp.add(p.part, checkPartNumber(row.PartNumber))
	}
	row.Brand = bounded(cleanText(cellAt(cells, p.brand)))
	if row.Brand == "" {
		row.Brand = p.defaultBrand
	}
	for _, i := range p.desc {
		if d := cleanText(cellAt(cells, i)); d != "" {
			if row.Description != "" {
				row.Description += " "
			}
			row.Description += d
		}
	}
	row.Description = bounded(row.Description)

	rowCur := ""
	if c := trimSpace(cellAt(cells, p.currency)); c != "" && !noValue(c) {
		code, ok := currencyCode(c)
		if !ok {
			rp.add(p.currency, fmt.Errorf("%s is not a currency", quote(c)))
		}
		rowCur = code
	}
	if p.unit >= 0 {
		n, err := parseCount(cellAt(cells, p.unit), conv)
		rp.add(p.unit, err)
		if n > 1 {
			row.PriceUnit = n
		}
	}
	for _, pc := range p.prices {
		amount, cur, dollar, proved, state, err := parseMoney(cellAt(cells, pc.idx), conv)
		ps.votes.add(proved)
		if err != nil {
			rp.add(pc.idx, err)
			continue
		}
		if state != moneyOK {
			continue
		}
		if row.PriceUnit > 1 {
			amount /= float64(row.PriceUnit)
		}
		cur = resolveCurrency(cur, dollar, rowCur, pc.currency, p.mappingCurrency)
		if row.Prices == nil {
			row.Prices = make([]Price, 0, len(p.prices))
		}
		row.Prices = append(row.Prices, Price{Name: pc.name, Label: pc.label, Money: Money{amount, cur}})
	}
	if p.core >= 0 {
		amount, cur, dollar, proved, state, err := parseMoney(cellAt(cells, p.core), conv)
		ps.votes.add(proved)
		rp.add(p.core, err)
		if err == nil && state == moneyOK {
			row.Core = &Money{amount, resolveCurrency(cur, dollar, rowCur, p.coreCurrency, p.mappingCurrency)}
		}
	}
	var err error
	if p.pack >= 0 {
		row.PackQty, err = parseCount(cellAt(cells, p.pack), conv)
		rp.add(p.pack, err)
	}
	if p.minOrder >= 0 {
		row.MinOrder, err = parseCount(cellAt(cells, p.minOrder), conv)
		rp.add(p.minOrder, err)
	}
	row.PriceGroup = bounded(cleanText(cellAt(cells, p.group)))
	if p.returnable >= 0 {
		row.Returnable, err = parseReturnable(cellAt(cells, p.returnable))
		rp.add(p.returnable, err)
	}
	if p.weight >= 0 {
		row.WeightKg, err = parseWeight(cellAt(cells, p.weight), p.weightUnit, conv)
		rp.add(p.weight, err)
	}
	if p.supBy >= 0 {
		if c := cellAt(cells, p.supBy); trimSpace(c) != "" {
			succ, err := parseSuccessors(c, row.PartNumber)
			rp.add(p.supBy, err)
			row.SupersededBy, row.SupersedeKind, row.SupersessionChain = succ.numbers, succ.kind, succ.chain
			row.SupersededQty, row.Discontinued = succ.qty, succ.discontinued
		}
	}
	if p.sups >= 0 {
		if c := cellAt(cells, p.sups); trimSpace(c) != "" {
			row.Supersedes, err = parsePredecessors(c, row.PartNumber)
			rp.add(p.sups, err)
		}
	}
	if p.ratio >= 0 {
		row.QtyRatio, err = parseRatio(cellAt(cells, p.ratio), conv)
		rp.add(p.ratio, err)
	}
	if len(row.SupersededBy) > 0 {
		if row.QtyRatio == 0 {
			row.QtyRatio = 1
			if len(row.SupersededQty) == 1 && row.SupersededQty[0] > 0 {
				row.QtyRatio = row.SupersededQty[0]
			}
		}
		for i, q := range row.SupersededQty {
			if q == 0 {
				row.SupersededQty[i] = row.QtyRatio
			}
		}
	}
	if p.interchange >= 0 {
		row.Interchange, err = parseInterchange(cellAt(cells, p.interchange))
		rp.add(p.interchange, err)
	}
	if p.date >= 0 {
		row.SupersessionDate, err = parseDate(cellAt(cells, p.date))
		rp.add(p.date, err)
	}
	if len(rp.msgs) > 0 {
		return row, strings.Join(rp.msgs, "; ")
	}
	for _, pr := range row.Prices {
		if pr.Currency != "" {
			ps.count(pr.Currency)
		}
	}
	if row.Core != nil && row.Core.Currency != "" {
		ps.count(row.Core.Currency)
	}
	return row, ""
}

func (ps *parser) count(cur string) {
	if ps.explicit == nil {
		ps.explicit = map[string]int{}
	}
	ps.explicit[cur]++
}

// settle gives the prices of row without a currency the fallback.
func settle(row *Row, fallback string) {
	for i := range row.Prices {
		if row.Prices[i].Currency == "" {
			row.Prices[i].Currency = fallback
		}
	}
	if row.Core != nil && row.Core.Currency == "" {
		row.Core.Currency = fallback
	}
}

// bounded cuts a text value to maxText runes.
func bounded(s string) string {
	if len(s) <= maxText || utf8.RuneCountInString(s) <= maxText {
		return s
	}
	return string([]rune(s)[:maxText-1]) + "…"
}
