package parts

import (
	"context"
	"counterpart/internal/supersession"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"counterpart/internal/blob"
	"counterpart/internal/extract"
	"counterpart/internal/partno"
	"counterpart/internal/pricefile"
	"counterpart/internal/textcut"
)

// Import limits and thresholds.
const (
	// importBatch is how many rows are written per transaction, so that an
	// import never holds the database's write lock for long.
	importBatch = 5000
	// PriceChangeThreshold is the relative change of a price that the
	// import report lists (10 %); every change is kept in the history.
	PriceChangeThreshold = 0.10
	// maxReported bounds each list of the import report.
	maxReported = 500
)

// dateLayout is how PocketBase stores dates.
const dateLayout = "2006-01-02 15:04:05.000Z"

// Counts are the figures of an import report.
type Counts struct {
	Rows               int `json:"rows"`
	PartsAdded         int `json:"parts_added"`
	PartsChanged       int `json:"parts_changed"`
	PartsUnchanged     int `json:"parts_unchanged"`
	PricesChanged      int `json:"prices_changed"`
	Discontinued       int `json:"discontinued"`
	SupersessionsAdded int `json:"supersessions_added"`
	Duplicates         int `json:"duplicates"`
	Errors             int `json:"errors"`
}

// PriceChange is a price that moved by more than PriceChangeThreshold.
type PriceChange struct {
	PartNumber string  `json:"part_number"`
	Brand      string  `json:"brand"`
	Name       string  `json:"name"`
	Old        float64 `json:"old"`
	New        float64 `json:"new"`
	Currency   string  `json:"currency"`
	ChangePct  float64 `json:"change_pct"`
}

// NewSupersession is a link the import added.
type NewSupersession struct {
	From string `json:"from"`
	To   string `json:"to"`
	Kind string `json:"kind"`
}

// Duplicate is a part number found on more than one row of the file; the
// last row wins.
type Duplicate struct {
	PartNumber string `json:"part_number"`
	Lines      []int  `json:"lines"`
}

// Report is what an import found, as stored on its part_imports record.
type Report struct {
	Counts           Counts               `json:"counts"`
	PriceChanges     []PriceChange        `json:"price_changes"`
	NewSupersessions []NewSupersession    `json:"new_supersessions"`
	RowErrors        []pricefile.RowError `json:"row_errors"`
	Duplicates       []Duplicate          `json:"duplicates"`
}

// SheetHeaders are the column headers an import saw on one sheet ("" for a CSV file).
type SheetHeaders struct {
	Sheet   string   `json:"sheet"`
	Headers []string `json:"headers"`
}

// permanentError is an import failure that another attempt cannot fix.
type permanentError struct{ err error }

func (p *permanentError) Error() string { return p.err.Error() }
func (p *permanentError) Unwrap() error { return p.err }

// fileError reports whether err is about the file itself (unreadable, too
// large, of a type that holds no rows): another attempt cannot fix it, and
// its text is written for people.
func fileError(err error) bool {
	return errors.Is(err, extract.ErrUnreadable) || errors.Is(err, extract.ErrTooLarge) || errors.Is(err, extract.ErrUnsupportedType)
}

// failureMessage is the sentence a person reads for a failed import.
func failureMessage(err error) string {
	if fileError(err) {
		return textcut.Clip(err.Error(), 500)
	}
	return "The price file could not be imported (" + textcut.Clip(err.Error(), 300) + "). Reprocess the document to try again."
}

// Import reads doc's rows into the tenant's parts catalog and returns its
// part_imports record. A file without a part-number column ends as
// needs_mapping (no error): the record names the headers it saw.
func Import(ctx context.Context, app core.App, store blob.Store, doc *core.Record) (*core.Record, error) {
	col, err := app.FindCachedCollectionByNameOrId(Imports)
	if err != nil {
		return nil, err
	}
	tenant := doc.GetString("tenant")
	now := time.Now().UTC()
	rec := core.NewRecord(col)
	rec.Set("tenant", tenant)
	rec.Set("document", doc.Id)
	rec.Set("status", ImportRunning)
	rec.Set("started", now)
	if err := app.Save(rec); err != nil {
		return nil, fmt.Errorf("start import of %s: %w", doc.Id, err)
	}
	w, err := newWriter(app, doc, rec.Id, now)
	if err != nil {
		rec.Set("status", ImportFailed)
		rec.Set("message", failureMessage(err))
		rec.Set("finished", time.Now().UTC())
		return rec, errors.Join(err, app.Save(rec))
	}
	err = w.read(ctx, store)
	var npc *pricefile.NoPartColumnError
	switch {
	case errors.As(err, &npc):
		rec.Set("status", ImportNeedsMapping)
		rec.Set("message", npc.Error())
	case err != nil:
		rec.Set("status", ImportFailed)
		rec.Set("message", failureMessage(err))
	default:
		rec.Set("status", ImportDone)
		rec.Set("message", w.summary())
	}
	rec.Set("headers", w.headers)
	rec.Set("mapping", w.mapping)
	rec.Set("signature", w.firstSignature())
	rec.Set("counts", w.report.Counts)
	rec.Set("price_changes", orEmpty(w.report.PriceChanges))
	rec.Set("new_supersessions", orEmpty(w.report.NewSupersessions))
	rec.Set("row_errors", orEmpty(w.report.RowErrors))
	rec.Set("duplicates", orEmpty(w.report.Duplicates))
	rec.Set("finished", time.Now().UTC())
	if serr := app.Save(rec); serr != nil {
		return rec, errors.Join(err, fmt.Errorf("save import report of %s: %w", doc.Id, serr))
	}
	if errors.As(err, &npc) {
		return rec, nil
	}
	if err != nil && fileError(err) {
		return rec, &permanentError{err}
	}
	return rec, err
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// existingPart is what the import needs to know of a stored part.
type existingPart struct {
	id string
	// fresh: inserted by this import (a later row with the same number is a duplicate)
	fresh        bool
	prices       string // the stored prices JSON (keys sorted, so equal prices are equal strings)
	priceSince   string
	discontinued bool
	supplier     string
	fingerprint  string // every other stored field, to skip unchanged rows
}

// pendingLink is a supersession read from a row.
type pendingLink struct {
	brand, from, to, fromNumber, toNumber, kind, interchange, date, sheet string
	qty                                                                   float64
	row                                                                   int
}

// writer turns rows into parts, in batches.
type writer struct {
	app      core.App
	tenant   string
	doc      *core.Record
	importID string
	now      string

	existing map[string]*existingPart // brand|key
	seen     map[string]int           // brand|key → first line in this file
	// failedKeys are keys of rows that could not be read: not discontinued
	failedKeys map[string]bool
	dupes      map[string]*Duplicate
	links      []pendingLink
	batch      []batchRow
	supplier   string   // the current sheet's header signature
	dupeKeys   []string // brand|key of duplicates, in order of their second row

	suppliers []string
	headers   []SheetHeaders
	mapping   *pricefile.Mapping // the first sheet's: the one the mapping screen edits
	report    Report
	ids       idSource
}

func newWriter(app core.App, doc *core.Record, importID string, now time.Time) (*writer, error) {
	w := &writer{app: app, tenant: doc.GetString("tenant"), doc: doc, importID: importID, now: now.Format(dateLayout),
		existing: map[string]*existingPart{}, seen: map[string]int{}, failedKeys: map[string]bool{}, dupes: map[string]*Duplicate{},
		headers: []SheetHeaders{}}
	rows, err := app.DB().NewQuery("SELECT [[id]], [[brand]], [[key]], COALESCE([[prices]], ''), [[price_since]], [[discontinued]], [[supplier]], " +
		"[[number]], [[description]], COALESCE([[core_charge]], ''), [[pack_qty]], [[min_order]], [[price_group]], [[returnable]], [[weight_kg]], [[document]], [[sheet]], [[row]], [[alt_key]] || '|' || [[alt_key2]], [[display]] " +
		"FROM {{" + Parts + "}} WHERE [[tenant]] = {:t}").Bind(dbx.Params{"t": w.tenant}).Rows()
	if err != nil {
		return nil, fmt.Errorf("load parts of %s: %w", w.tenant, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id, brand, key, prices, since, supplier              string
			number, desc, core, group, ret, document, sheet, alt string
			display                                              string
			disc                                                 bool
			pack, minOrder, row                                  int
			weight                                               float64
		)
		if err := rows.Scan(&id, &brand, &key, &prices, &since, &disc, &supplier, &number, &desc, &core, &pack, &minOrder, &group, &ret, &weight, &document, &sheet, &row, &alt, &display); err != nil {
			return nil, fmt.Errorf("load parts of %s: %w", w.tenant, err)
		}
		p := &existingPart{id: id, prices: prices, priceSince: since, discontinued: disc, supplier: supplier,
			fingerprint: fingerprint(number, display, alt, desc, core, pack, minOrder, group, ret, weight, document, sheet, row, supplier)}
		w.existing[brand+"|"+key] = p
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load parts of %s: %w", w.tenant, err)
	}
	return w, nil
}

// fingerprint joins a part's fields other than its prices, so that a row
// that changes nothing is not written again.
func fingerprint(number, display, alt, desc, core string, pack, minOrder int, group, ret string, weight float64, document, sheet string, row int, supplier string) string {
	b := make([]byte, 0, 128+len(desc))
	for _, s := range []string{number, display, alt, desc, core, group, ret, document, sheet, supplier} {
		b = append(append(b, s...), 0)
	}
	b = strconv.AppendInt(append(strconv.AppendInt(b, int64(pack), 10), 0), int64(minOrder), 10)
	b = strconv.AppendFloat(append(b, 0), weight, 'g', -1, 64)
	return string(strconv.AppendInt(append(b, 0), int64(row), 10))
}

// read streams the document through the price-file reader.
func (w *writer) read(ctx context.Context, store blob.Store) error {
	rc, err := store.Open(ctx, w.doc.GetString("storage_key"))
	if err != nil {
		return fmt.Errorf("open %s: %w", w.doc.Id, err)
	}
	defer rc.Close()
	res, err := pricefile.Read(ctx, rc, int64(w.doc.GetInt("size")), w.doc.GetString("content_type"), w.doc.GetString("filename"),
		w.remembered, w.add, w.bad)
	for _, s := range res.Sheets {
		w.headers = append(w.headers, SheetHeaders{Sheet: s.Name, Headers: s.Headers})
		if w.mapping == nil {
			m := s.Mapping
			w.mapping = &m
		}
	}
	if err != nil {
		return err
	}
	if err := w.flush(); err != nil {
		return err
	}
	w.report.Counts.Duplicates = len(w.dupeKeys)
	for _, id := range w.dupeKeys[:min(len(w.dupeKeys), maxReported)] {
		w.report.Duplicates = append(w.report.Duplicates, *w.dupes[id])
	}
	if err := w.writeLinks(); err != nil {
		return err
	}
	return w.discontinue()
}

// remembered returns the mapping a person saved for this supplier's headers.
func (w *writer) remembered(signature string, headers []string) (pricefile.Mapping, bool) {
	w.supplier = signature
	if !slices.Contains(w.suppliers, signature) {
		w.suppliers = append(w.suppliers, signature)
	}
	m, ok, err := RememberedMapping(w.app, w.tenant, signature)
	if err != nil {
		w.app.Logger().Error("parts: load mapping", "tenant", w.tenant, "error", err)
	}
	return m, ok
}

func (w *writer) firstSignature() string {
	if len(w.suppliers) == 0 {
		return ""
	}
	return w.suppliers[0]
}

func (w *writer) bad(e pricefile.RowError) {
	if e.PartNumber != "" {
		// the part is still in the file: a row that could not be read does not discontinue it
		w.failedKeys[partno.Normalize(e.PartNumber)] = true
	}
	w.report.Counts.Errors++
	if len(w.report.RowErrors) < maxReported {
		w.report.RowErrors = append(w.report.RowErrors, e)
	}
}

func (w *writer) add(r pricefile.Row) error {
	w.report.Counts.Rows++
	w.batch = append(w.batch, batchRow{r, w.supplier})
	if len(w.batch) >= importBatch {
		return w.flush()
	}
	return nil
}

// idSource makes the ids of an import's new parts: a random prefix per
// import and a counter, so that consecutive rows land next to each other in
// the primary-key index instead of at random places (a fresh random id per
// row made the index the costliest part of a large import).
type idSource struct {
	prefix string
	n      int64
}

func (s *idSource) next() string {
	if s.prefix == "" {
		s.prefix = core.GenerateDefaultRandomId()[:7]
	}
	s.n++
	id := strconv.FormatInt(s.n, 36)
	return s.prefix + strings.Repeat("0", 8-len(id)) + id
}

// batchRow is a row waiting for its transaction, with its sheet's supplier.
type batchRow struct {
	pricefile.Row
	supplier string
}

// keyed is a row with its brand and match keys.
type keyed struct {
	brand, key, alt, alt2 string
	// shape is the brand whose number format applies: brand, else the one the number's shape suggests
	shape string
}

// keysOf returns the brand kept beside the part and its match keys. A file
// without a brand column gets the brand the number's shape suggests only for
// its secondary keys (so a BMW counter finds a part by its last seven
// digits), never as the displayed brand.
func keysOf(brand, number string) keyed {
	b := partno.BrandOf(brand)
	key, alt := partno.Keys(b, number)
	k := keyed{brand: b, key: key, shape: b}
	if b == "" {
		if guess := partno.GuessBrand(key); guess != "" {
			_, alt = partno.Keys(guess, number)
			k.shape = guess
		}
	}
	if len(alt) > 0 {
		k.alt = alt[0]
	}
	if len(alt) > 1 {
		k.alt2 = alt[1]
	}
	return k
}

// flush writes the batched rows in one transaction.
func (w *writer) flush() error {
	if len(w.batch) == 0 {
		return nil
	}
	err := w.app.RunInTransaction(func(tx core.App) error {
		insert := tx.DB().NewQuery("INSERT INTO {{" + Parts + "}} ([[id]], [[tenant]], [[brand]], [[key]], [[alt_key]], [[alt_key2]], [[number]], [[display]], " +
			"[[description]], [[prices]], [[price_since]], [[core_charge]], [[pack_qty]], [[min_order]], [[price_group]], [[returnable]], [[weight_kg]], " +
			"[[discontinued]], [[supplier]], [[document]], [[sheet]], [[row]], [[import]], [[created]], [[updated]]) VALUES " +
			"({:id}, {:tenant}, {:brand}, {:key}, {:alt}, {:alt2}, {:number}, {:display}, {:description}, {:prices}, {:since}, {:core}, {:pack}, {:min}, " +
			"{:group}, {:ret}, {:weight}, FALSE, {:supplier}, {:document}, {:sheet}, {:row}, {:import}, {:now}, {:now})").Prepare()
		defer insert.Close()
		update := tx.DB().NewQuery("UPDATE {{" + Parts + "}} SET [[alt_key]] = {:alt}, [[alt_key2]] = {:alt2}, [[number]] = {:number}, [[display]] = {:display}, " +
			"[[description]] = {:description}, [[prices]] = {:prices}, [[price_since]] = {:since}, [[core_charge]] = {:core}, [[pack_qty]] = {:pack}, " +
			"[[min_order]] = {:min}, [[price_group]] = {:group}, [[returnable]] = {:ret}, [[weight_kg]] = {:weight}, [[discontinued]] = FALSE, " +
			"[[supplier]] = {:supplier}, [[document]] = {:document}, [[sheet]] = {:sheet}, [[row]] = {:row}, [[import]] = {:import}, [[updated]] = {:now} " +
			"WHERE [[id]] = {:id}").Prepare()
		defer update.Close()
		history := tx.DB().NewQuery("INSERT INTO {{" + Prices + "}} ([[id]], [[tenant]], [[part]], [[name]], [[label]], [[amount]], [[currency]], " +
			"[[valid_from]], [[valid_to]], [[document]], [[created]]) VALUES ({:id}, {:tenant}, {:part}, {:name}, {:label}, {:amount}, {:currency}, " +
			"{:from}, {:to}, {:document}, {:now})").Prepare()
		defer history.Close()

		for _, r := range w.batch {
			if err := w.write(r.Row, r.supplier, insert, update, history); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write parts of %s: %w", w.doc.Id, err)
	}
	w.batch = w.batch[:0]
	return nil
}

func (w *writer) write(r pricefile.Row, supplier string, insert, update, history *dbx.Query) error {
	k := keysOf(r.Brand, r.PartNumber)
	if k.key == "" {
		w.bad(pricefile.RowError{Sheet: r.Sheet, Line: r.Line, Message: "the part number has no letters or digits"})
		return nil
	}
	id := k.brand + "|" + k.key
	if first, dup := w.seen[id]; dup {
		d := w.dupes[id]
		if d == nil {
			d = &Duplicate{PartNumber: strings.TrimSpace(r.PartNumber), Lines: []int{first}}
			w.dupes[id] = d
			w.dupeKeys = append(w.dupeKeys, id)
		}
		if len(d.Lines) < 20 {
			d.Lines = append(d.Lines, r.Line)
		}
	} else {
		w.seen[id] = r.Line
	}
	w.collectLinks(k, r)

	prices := make(map[string]PriceValue, len(r.Prices))
	for _, p := range r.Prices {
		prices[p.Name] = PriceValue{Amount: p.Amount, Currency: p.Currency, Label: p.Label}
	}
	pricesJSON, _ := json.Marshal(prices)
	coreJSON := ""
	if r.Core != nil {
		b, _ := json.Marshal(Money{Amount: r.Core.Amount, Currency: r.Core.Currency})
		coreJSON = string(b)
	}
	ret := ""
	if r.Returnable != nil {
		ret = map[bool]string{true: "yes", false: "no"}[*r.Returnable]
	}
	weight := 0.0
	if r.WeightKg != nil {
		weight = *r.WeightKg
	}
	number := strings.Join(strings.Fields(r.PartNumber), " ")
	display := partno.Display(k.shape, r.PartNumber)
	desc := textcut.Clip(strings.TrimSpace(r.Description), 1000)
	params := dbx.Params{"tenant": w.tenant, "brand": k.brand, "key": k.key, "alt": k.alt, "alt2": k.alt2, "number": textcut.Clip(number, 80),
		"display": textcut.Clip(display, 80), "description": desc, "prices": string(pricesJSON), "core": coreJSON,
		"pack": r.PackQty, "min": r.MinOrder, "group": textcut.Clip(r.PriceGroup, 40), "ret": ret, "weight": weight,
		"supplier": supplier, "document": w.doc.Id, "sheet": r.Sheet, "row": r.Line, "import": w.importID, "now": w.now}

	old := w.existing[id]
	if old == nil {
		params["id"] = w.ids.next()
		params["since"] = w.now
		if _, err := insert.Bind(params).Execute(); err != nil {
			return fmt.Errorf("insert part %s: %w", k.key, err)
		}
		// only the id: a later row with this number is a duplicate, whose last row wins without history
		w.existing[id] = &existingPart{id: params["id"].(string), fresh: true}
		w.report.Counts.PartsAdded++
		return nil
	}
	if old.fresh {
		params["id"], params["since"] = old.id, w.now
		if _, err := update.Bind(params).Execute(); err != nil {
			return fmt.Errorf("update part %s: %w", k.key, err)
		}
		return nil
	}
	changedPrices := 0
	if old.prices != string(pricesJSON) {
		changedPrices = w.priceChanges(r, k, old, prices, history)
	}
	fp := fingerprint(params["number"].(string), params["display"].(string), k.alt+"|"+k.alt2, desc, coreJSON, r.PackQty, r.MinOrder, params["group"].(string), ret, weight, w.doc.Id, r.Sheet, r.Line, supplier)
	if changedPrices == 0 && fp == old.fingerprint && !old.discontinued && old.prices == string(pricesJSON) {
		w.report.Counts.PartsUnchanged++
		return nil
	}
	params["id"] = old.id
	params["since"] = old.priceSince
	if changedPrices > 0 {
		params["since"] = w.now
	}
	if _, err := update.Bind(params).Execute(); err != nil {
		return fmt.Errorf("update part %s: %w", k.key, err)
	}
	if changedPrices > 0 || old.prices != string(pricesJSON) {
		w.report.Counts.PartsChanged++
	} else {
		w.report.Counts.PartsUnchanged++
	}
	old.prices, old.fingerprint, old.discontinued, old.supplier = string(pricesJSON), fp, false, supplier
	old.priceSince = params["since"].(string)
	return nil
}

// priceChanges keeps each changed or dropped price of a part in the history
// and reports large changes; it returns how many prices changed.
func (w *writer) priceChanges(r pricefile.Row, k keyed, old *existingPart, prices map[string]PriceValue, history *dbx.Query) int {
	changed := 0
	var was map[string]PriceValue
	if old.prices != "" {
		_ = json.Unmarshal([]byte(old.prices), &was)
	}
	for name, was := range was {
		now, still := prices[name]
		if still && now.Amount == was.Amount && now.Currency == was.Currency {
			continue
		}
		changed++
		if _, err := history.Bind(dbx.Params{"id": core.GenerateDefaultRandomId(), "tenant": w.tenant, "part": old.id, "name": name,
			"label": was.Label, "amount": was.Amount, "currency": was.Currency, "from": old.priceSince, "to": w.now,
			"document": w.doc.Id, "now": w.now}).Execute(); err != nil {
			w.app.Logger().Error("parts: price history", "part", old.id, "error", err)
		}
		if !still || was.Amount == 0 {
			continue
		}
		pct := (now.Amount - was.Amount) / was.Amount
		if math.Abs(pct) >= PriceChangeThreshold && len(w.report.PriceChanges) < maxReported {
			w.report.PriceChanges = append(w.report.PriceChanges, PriceChange{PartNumber: partno.Display(k.brand, r.PartNumber), Brand: k.brand,
				Name: name, Old: was.Amount, New: now.Amount, Currency: now.Currency, ChangePct: math.Round(pct*1000) / 10})
		}
	}
	if changed > 0 {
		w.report.Counts.PricesChanged++
	}
	return changed
}

// collectLinks keeps the row's supersessions for writeLinks.
func (w *writer) collectLinks(k keyed, r pricefile.Row) {
	kind := r.SupersedeKind
	if kind == "" || len(r.SupersededBy) < 2 {
		kind = supersession.Single
	}
	for i, to := range r.SupersededBy {
		tk := keysOf(r.Brand, to)
		if tk.key == "" {
			continue
		}
		qty := r.QtyRatio
		if i < len(r.SupersededQty) && r.SupersededQty[i] > 0 {
			qty = r.SupersededQty[i]
		}
		w.links = append(w.links, pendingLink{brand: k.brand, from: k.key, to: tk.key, fromNumber: r.PartNumber, toNumber: to,
			kind: kind, qty: qty, interchange: r.Interchange, date: r.SupersessionDate, sheet: r.Sheet, row: r.Line})
	}
	// "A → B → C" in the row of P: P → A, then A → B → C
	if len(r.SupersededBy) == 1 {
		prev, prevNumber := keysOf(r.Brand, r.SupersededBy[0]).key, r.SupersededBy[0]
		for _, next := range r.SupersessionChain {
			nk := keysOf(r.Brand, next).key
			if nk == "" || prev == "" {
				break
			}
			w.links = append(w.links, pendingLink{brand: k.brand, from: prev, to: nk, fromNumber: prevNumber, toNumber: next,
				kind: supersession.Single, qty: 1, date: r.SupersessionDate, sheet: r.Sheet, row: r.Line})
			prev, prevNumber = nk, next
		}
	}
	for _, from := range r.Supersedes {
		fk := keysOf(r.Brand, from)
		if fk.key == "" {
			continue
		}
		w.links = append(w.links, pendingLink{brand: k.brand, from: fk.key, to: k.key, fromNumber: from, toNumber: r.PartNumber,
			kind: supersession.Single, qty: r.QtyRatio, interchange: r.Interchange, date: r.SupersessionDate, sheet: r.Sheet, row: r.Line})
	}
}

// writeLinks replaces the document's supersession links with the file's and
// reports those the tenant did not have before.
func (w *writer) writeLinks() error {
	before := map[string]bool{}
	rows, err := w.app.DB().NewQuery("SELECT [[brand]], [[from_key]], [[to_key]] FROM {{" + Supersessions + "}} WHERE [[tenant]] = {:t}").
		Bind(dbx.Params{"t": w.tenant}).Rows()
	if err != nil {
		return fmt.Errorf("load supersessions: %w", err)
	}
	for rows.Next() {
		var b, f, t string
		if err := rows.Scan(&b, &f, &t); err != nil {
			rows.Close()
			return err
		}
		before[b+"|"+f+"|"+t] = true
	}
	rows.Close()
	return w.app.RunInTransaction(func(tx core.App) error {
		if _, err := tx.DB().Delete(Supersessions, dbx.HashExp{"document": w.doc.Id}).Execute(); err != nil {
			return fmt.Errorf("replace supersessions of %s: %w", w.doc.Id, err)
		}
		insert := tx.DB().NewQuery("INSERT INTO {{" + Supersessions + "}} ([[id]], [[tenant]], [[brand]], [[from_key]], [[to_key]], [[from_number]], " +
			"[[to_number]], [[kind]], [[qty]], [[interchange]], [[date]], [[document]], [[sheet]], [[row]], [[created]]) VALUES ({:id}, {:tenant}, " +
			"{:brand}, {:from}, {:to}, {:fromNumber}, {:toNumber}, {:kind}, {:qty}, {:interchange}, {:date}, {:document}, {:sheet}, {:row}, {:now})").Prepare()
		defer insert.Close()
		written := map[string]bool{}
		for _, l := range w.links {
			id := l.brand + "|" + l.from + "|" + l.to
			if written[id] {
				continue
			}
			written[id] = true
			if _, err := insert.Bind(dbx.Params{"id": core.GenerateDefaultRandomId(), "tenant": w.tenant, "brand": l.brand, "from": l.from,
				"to": l.to, "fromNumber": textcut.Clip(strings.TrimSpace(l.fromNumber), 80), "toNumber": textcut.Clip(strings.TrimSpace(l.toNumber), 80),
				"kind": l.kind, "qty": l.qty, "interchange": l.interchange, "date": l.date, "document": w.doc.Id, "sheet": l.sheet, "row": l.row,
				"now": w.now}).Execute(); err != nil {
				return fmt.Errorf("insert supersession %s → %s: %w", l.from, l.to, err)
			}
			if !before[id] {
				w.report.Counts.SupersessionsAdded++
				if len(w.report.NewSupersessions) < maxReported {
					w.report.NewSupersessions = append(w.report.NewSupersessions, NewSupersession{
						From: partno.Display(l.brand, l.fromNumber), To: partno.Display(l.brand, l.toNumber), Kind: l.kind})
				}
			}
		}
		return nil
	})
}

// discontinue marks the parts of this file's suppliers (and of this
// document) that the file no longer lists.
func (w *writer) discontinue() error {
	gone := map[string]bool{}
	for id, p := range w.existing {
		if _, ok := w.seen[id]; ok || p.discontinued || w.failedKeys[id[strings.IndexByte(id, '|')+1:]] {
			continue
		}
		if slices.Contains(w.suppliers, p.supplier) {
			gone[p.id] = true
		}
	}
	// parts of this very document under another signature (a mapping was corrected)
	rows, err := w.app.DB().NewQuery("SELECT [[id]], [[brand]], [[key]] FROM {{" + Parts + "}} WHERE [[document]] = {:d} AND [[discontinued]] = FALSE").
		Bind(dbx.Params{"d": w.doc.Id}).Rows()
	if err != nil {
		return fmt.Errorf("find parts of %s: %w", w.doc.Id, err)
	}
	for rows.Next() {
		var id, brand, key string
		if err := rows.Scan(&id, &brand, &key); err != nil {
			rows.Close()
			return err
		}
		if _, ok := w.seen[brand+"|"+key]; !ok && !w.failedKeys[key] {
			gone[id] = true
		}
	}
	rows.Close()
	ids := make([]any, 0, len(gone))
	for id := range gone {
		ids = append(ids, id)
	}
	for start := 0; start < len(ids); start += importBatch {
		chunk := ids[start:min(start+importBatch, len(ids))]
		if _, err := w.app.DB().Update(Parts, dbx.Params{"discontinued": true, "updated": w.now}, dbx.In("id", chunk...)).Execute(); err != nil {
			return fmt.Errorf("mark parts discontinued: %w", err)
		}
	}
	w.report.Counts.Discontinued = len(gone)
	return nil
}

// summary is the import's outcome in one sentence.
func (w *writer) summary() string {
	c := w.report.Counts
	parts := []string{fmt.Sprintf("%d rows read", c.Rows)}
	if c.PartsAdded > 0 {
		parts = append(parts, fmt.Sprintf("%d new parts", c.PartsAdded))
	}
	if c.PricesChanged > 0 {
		parts = append(parts, fmt.Sprintf("%d with changed prices", c.PricesChanged))
	}
	if c.Discontinued > 0 {
		parts = append(parts, fmt.Sprintf("%d no longer listed (marked discontinued)", c.Discontinued))
	}
	if c.SupersessionsAdded > 0 {
		parts = append(parts, fmt.Sprintf("%d new supersessions", c.SupersessionsAdded))
	}
	if c.Duplicates > 0 {
		parts = append(parts, fmt.Sprintf("%d part numbers on more than one row (the last row counts)", c.Duplicates))
	}
	if c.Errors > 0 {
		parts = append(parts, fmt.Sprintf("%d rows could not be read", c.Errors))
	}
	return "Imported: " + strings.Join(parts, ", ") + "."
}
