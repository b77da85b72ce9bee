package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
)

// benchVersion names the cached benchmark database; change it whenever the
// schema, the indexing or the generator changes.
const benchVersion = "v4"

const (
	benchTenants = 100
	benchChunks  = 1_000_000
	benchQueries = 300
	benchBatch   = 500 // chunks per transaction, like the ingest hook
)

// BenchmarkSearch measures Search over 1,000,000 generated chunks in 100
// tenants. The database is built once and cached in the temp directory:
//
//	GOTOOLCHAIN=go1.27.3 go test -run '^$' -bench Search -benchtime 1x ./internal/search/
func BenchmarkSearch(b *testing.B) {
	db := benchDB(b)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))

	type benchQuery struct {
		tenant, text, part string
	}
	var freeText, partQueries []benchQuery
	tenants := benchTenantIDs()
	for range benchQueries {
		freeText = append(freeText, benchQuery{tenant: tenants[rng.IntN(len(tenants))], text: genQuestion(rng)})
	}
	// Part-number queries: a part number of a random chunk, asked in its
	// tenant and written in another spelling.
	for len(partQueries) < benchQueries {
		var row struct {
			Tenant string `db:"tenant"`
			Text   string `db:"text"`
		}
		rowid := 1 + rng.Int64N(benchChunks)
		if err := db.NewQuery("SELECT tenant, text FROM chunks WHERE rowid = {:r}").Bind(dbx.Params{"r": rowid}).One(&row); err != nil {
			b.Fatal(err)
		}
		parts := partNumbers(row.Text)
		if len(parts) == 0 {
			continue
		}
		p := parts[rng.IntN(len(parts))]
		partQueries = append(partQueries, benchQuery{tenant: row.Tenant, text: respell(rng, p), part: p})
	}

	run := func(b *testing.B, queries []benchQuery) {
		// Locked to one thread so that the thread's CPU time is the query's
		// (modernc.org/sqlite runs in the calling goroutine).
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		search := func(q benchQuery) ([]Passage, time.Duration, time.Duration) {
			cpu0, _ := threadCPUTime()
			start := time.Now()
			res, err := Search(ctx, db, q.tenant, q.text, DefaultLimit)
			wall := time.Since(start)
			cpu1, _ := threadCPUTime()
			if err != nil {
				b.Fatalf("Search(%q): %v", q.text, err)
			}
			return res, wall, cpu1 - cpu0
		}
		for _, q := range queries { // warm the page cache
			search(q)
		}
		b.ResetTimer()
		var wall, cpu []time.Duration
		found, results, rowsTop5 := 0, 0, 0
		for range b.N {
			for _, q := range queries {
				res, w, c := search(q)
				wall = append(wall, w)
				cpu = append(cpu, c)
				results += len(res)
				for _, p := range res[:min(5, len(res))] {
					if p.Row > 0 {
						rowsTop5++
					}
				}
				if q.part != "" && len(res) > 0 && res[0].ExactPart {
					found++
				}
			}
		}
		b.StopTimer()
		ms := func(d []time.Duration, p float64) float64 {
			slices.Sort(d)
			return float64(d[int(p*float64(len(d)-1))]) / float64(time.Millisecond)
		}
		b.ReportMetric(ms(wall, 0.50), "p50-ms")
		b.ReportMetric(ms(wall, 0.95), "p95-ms")
		b.ReportMetric(ms(wall, 0.99), "p99-ms")
		if _, ok := threadCPUTime(); ok {
			b.ReportMetric(ms(cpu, 0.50), "cpu-p50-ms")
			b.ReportMetric(ms(cpu, 0.95), "cpu-p95-ms")
		}
		b.ReportMetric(float64(results)/float64(len(wall)), "results/op")
		// Price-list passages among the first five: free text should
		// not be crowded by rows (see spreadTabular).
		b.ReportMetric(float64(rowsTop5)/float64(len(wall)), "rows-top5/op")
		if queries[0].part != "" {
			b.ReportMetric(100*float64(found)/float64(len(wall)), "found-%")
		}
	}
	b.Run("free-text", func(b *testing.B) { run(b, freeText) })
	b.Run("part-number", func(b *testing.B) { run(b, partQueries) })
}

// benchDB opens the cached benchmark database, building it first if needed.
func benchDB(b *testing.B) *dbx.DB {
	b.Helper()
	path := filepath.Join(os.TempDir(), "counterpart-search-bench-"+benchVersion+".db")
	if _, err := os.Stat(path); err != nil {
		start := time.Now()
		if err := buildBenchDB(path); err != nil {
			b.Fatal(err)
		}
		b.Logf("built %s in %s", path, time.Since(start).Round(time.Second))
	}
	return openBench(b, path)
}

// openBench opens the benchmark database with PocketBase's settings.
func openBench(tb testing.TB, path string) *dbx.DB {
	db, err := dbx.Open("sqlite", path+pbPragmas)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// buildBenchDB generates the chunks and their index into path, through a
// temporary file so that an interrupted build is never reused.
func buildBenchDB(path string) error {
	tmp := path + ".tmp"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	db, err := dbx.Open("sqlite", tmp+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=cache_size(-200000)")
	if err != nil {
		return err
	}
	defer db.Close()
	if err := createTables(db); err != nil {
		return err
	}

	// Generate on one core, write on the other.
	batches := make(chan []genChunk, 4)
	go func() {
		defer close(batches)
		g := newGenerator()
		var batch []genChunk
		for c := range g.chunks(benchChunks) {
			batch = append(batch, c)
			if len(batch) == benchBatch {
				batches <- batch
				batch = nil
			}
		}
		if len(batch) > 0 {
			batches <- batch
		}
	}()
	now := time.Now().UTC().Format("2006-01-02 15:04:05.000Z")
	for batch := range batches {
		err := db.Transactional(func(tx *dbx.Tx) error {
			ins := tx.NewQuery("INSERT INTO chunks (id, tenant, document, ordinal, page, row, sheet, text, created) " +
				"VALUES ({:id}, {:tenant}, {:document}, {:ordinal}, {:page}, {:row}, {:sheet}, {:text}, {:created})").Prepare()
			defer ins.Close()
			entries := make([]Chunk, 0, len(batch))
			for _, c := range batch {
				res, err := ins.Bind(dbx.Params{"id": c.id, "tenant": c.tenant, "document": c.document,
					"ordinal": c.ordinal, "page": c.page, "row": c.row, "sheet": c.sheet, "text": c.text, "created": now}).Execute()
				if err != nil {
					return err
				}
				rowid, err := res.LastInsertId()
				if err != nil {
					return err
				}
				entries = append(entries, Chunk{RowID: rowid, Tenant: c.tenant, Text: c.text})
			}
			return IndexChunks(tx, entries)
		})
		if err != nil {
			for range batches {
			}
			return err
		}
	}
	if _, err := db.NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Execute(); err != nil {
		return err
	}
	db.Close()
	return os.Rename(tmp, path)
}

// benchTenantIDs returns the tenant ids of the benchmark: 15 characters of
// [a-z0-9], like PocketBase record ids.
func benchTenantIDs() []string {
	rng := rand.New(rand.NewPCG(1, 2))
	ids := make([]string, benchTenants)
	for i := range ids {
		ids[i] = randomID(rng)
	}
	return ids
}

func randomID(rng *rand.Rand) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 15)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

// genChunk is a generated chunk row.
type genChunk struct {
	id, tenant, document, sheet, text string
	ordinal, page, row                int
}

// brand is a family of part numbers with its ways of writing them.
type brand struct {
	name   string
	models []string
	// part returns a new part number as its groups, which spellings join.
	part func(rng *rand.Rand) []string
	// seps are the separators this brand's documents write between groups.
	seps []string
}

var benchBrands = []brand{
	{name: "VW", models: []string{"Golf", "Passat", "Polo", "Tiguan", "Touran", "Caddy", "Octavia", "Fabia", "A3", "A4", "A6", "Q5"},
		part: func(r *rand.Rand) []string {
			g := []string{pick(r, "8E0", "1K0", "5Q0", "3C0", "4F0", "8K0", "6R0", "2K5", "1J0", "03L", "06H"),
				fmt.Sprintf("%03d", r.IntN(1000)), fmt.Sprintf("%03d", r.IntN(1000))}
			if r.IntN(3) > 0 {
				g = append(g, pick(r, "A", "B", "C", "D", "E", "AA", "AB", "AC", "AG", "AH", "AJ", "BA", "Q"))
			}
			return g
		}, seps: []string{" ", "-", "", "."}},
	{name: "Mercedes", models: []string{"W204", "W205", "W212", "W213", "Sprinter", "Vito", "C-Klasse", "E-Klasse", "GLC"},
		part: func(r *rand.Rand) []string {
			return []string{pick(r, "A", "A", "B", "N"), fmt.Sprintf("%03d", r.IntN(1000)), fmt.Sprintf("%03d", r.IntN(1000)),
				fmt.Sprintf("%02d", r.IntN(100)), fmt.Sprintf("%02d", r.IntN(100))}
		}, seps: []string{" ", ""}},
	{name: "BMW", models: []string{"F30", "G20", "E90", "F10", "G30", "X3", "X5", "Mini"},
		part: func(r *rand.Rand) []string {
			return []string{fmt.Sprintf("%02d", 11+r.IntN(60)), fmt.Sprintf("%02d", r.IntN(100)), strconv.Itoa(r.IntN(10)),
				fmt.Sprintf("%03d", r.IntN(1000)), fmt.Sprintf("%03d", r.IntN(1000))}
		}, seps: []string{" ", ""}},
	{name: "Toyota", models: []string{"Corolla", "Yaris", "RAV4", "Camry", "Auris", "C-HR", "Hilux"},
		part: func(r *rand.Rand) []string {
			return []string{fmt.Sprintf("%05d", r.IntN(100000)), pick(r, "YZZA6", "0D010", "02090", "47060", "0H010", "YZZE1", "33050")}
		}, seps: []string{"-", ""}},
	{name: "Ford", models: []string{"Focus", "Fiesta", "Kuga", "Mondeo", "Transit", "Ranger"},
		part: func(r *rand.Rand) []string {
			return []string{pick(r, "XS4Z", "BV6Z", "CV6Z", "DS7Z", "JX7Z", "1S7G", "3M5Z"),
				fmt.Sprintf("%d%c%03d", r.IntN(10), 'A'+rune(r.IntN(26)), r.IntN(1000)), pick(r, "AA", "AB", "AC", "BA", "CA")}
		}, seps: []string{"-", " ", ""}},
	{name: "Bosch", models: []string{"Golf", "Astra", "Corsa", "Focus", "Octavia", "Ducato"},
		part: func(r *rand.Rand) []string {
			return []string{"0", fmt.Sprintf("%03d", 980+r.IntN(20)), fmt.Sprintf("%03d", r.IntN(1000)), fmt.Sprintf("%03d", r.IntN(1000))}
		}, seps: []string{" ", ""}},
	// Aftermarket is last: every tenant has it.
	{name: "Aftermarket", models: []string{"Golf", "Astra", "Corsa", "Clio", "Megane", "208", "308", "Focus", "Octavia", "Ducato"},
		part: func(r *rand.Rand) []string {
			return []string{fmt.Sprintf("%05d", r.IntN(100000)), string(rune('A'+r.IntN(26))) + string(rune('A'+r.IntN(26))) + string(rune('A'+r.IntN(26))),
				fmt.Sprintf("%02d", r.IntN(100))}
		}, seps: []string{"-", ".", ""}},
}

func pick(r *rand.Rand, s ...string) string { return s[r.IntN(len(s))] }

// Vocabulary of the generated text, English and German, most frequent first
// within each list (words are drawn with a Zipf distribution).
var (
	benchComponents = strings.Fields(`brake pad set disc caliper hose oil filter air cabin fuel
		spark plug glow wiper blade bulb headlight taillight battery alternator starter motor
		clutch kit flywheel timing belt chain tensioner pulley water pump thermostat radiator
		coolant expansion tank fan sensor lambda probe camshaft crankshaft seal gasket head
		cover sump drain bolt washer shock absorber strut spring mount bearing hub wheel
		stud nut control arm bush ball joint tie rod end stabiliser link boot driveshaft
		cv joint exhaust silencer catalytic converter dpf egr valve injector turbocharger
		intercooler hose clamp mirror glass door handle lock window regulator switch relay
		fuse wiring harness horn sensor abs ring tone wheel speed parking mount engine
		gearbox transmission fluid atf differential axle boot bellows compressor condenser
		dryer evaporator blower resistor heater core matrix actuator throttle body idle
		control pressure regulator fuel pump sender unit tank cap filler neck
		Bremsbeläge Bremsscheibe Bremssattel Bremsschlauch Ölfilter Luftfilter Innenraumfilter
		Kraftstofffilter Zündkerze Glühkerze Wischerblatt Glühlampe Scheinwerfer Rückleuchte
		Batterie Lichtmaschine Anlasser Kupplungssatz Schwungrad Zahnriemen Steuerkette Spannrolle
		Umlenkrolle Wasserpumpe Thermostat Kühler Ausgleichsbehälter Lüfter Lambdasonde
		Nockenwelle Kurbelwelle Wellendichtring Dichtung Zylinderkopfdichtung Ölwanne
		Ablassschraube Dichtring Stoßdämpfer Federbein Feder Domlager Radlager Radnabe Radbolzen
		Radmutter Querlenker Lager Traggelenk Spurstangenkopf Koppelstange Antriebswelle
		Gelenksatz Auspuff Schalldämpfer Katalysator Partikelfilter AGR-Ventil Einspritzdüse
		Turbolader Ladeluftkühler Schlauchschelle Spiegelglas Türgriff Schloss Fensterheber
		Schalter Relais Sicherung Kabelbaum Hupe Drehzahlsensor Getriebe Getriebeöl
		Differential Achsmanschette Klimakompressor Kondensator Trockner Verdampfer Gebläse
		Vorwiderstand Wärmetauscher Stellmotor Drosselklappe Druckregler Kraftstoffpumpe
		Tankgeber Tankdeckel Einfüllstutzen Motoröl Bremsflüssigkeit Kühlmittel Frostschutz`)
	benchQualifiers = strings.Fields(`front rear left right upper lower inner outer ventilated solid
		coated reinforced genuine original OE OEM aftermarket economy premium heavy duty
		complete set pair single kit with without sensor wear indicator electronic manual
		automatic diesel petrol hybrid electric vorne hinten links rechts oben unten innen
		außen belüftet massiv beschichtet verstärkt original Satz Paar einzeln mit ohne
		Verschleißanzeige elektrisch Schaltgetriebe Automatik Diesel Benziner`)
	benchProse = strings.Fields(`the vehicle customer complaint noise vibration leak warning light
		replace replaced replaces superseded supersedes by new part number old stock check
		inspect torque tighten remove install fitting instructions note only use approved
		service campaign recall bulletin technical information affected models production
		date from to up chassis number engine code gearbox code symptom cause remedy repair
		time labour units warranty claim dealer workshop procedure step test drive diagnostic
		fault code stored memory coding adaptation software update required after before
		Fahrzeug Kunde Beanstandung Geräusch Vibration Undichtigkeit Warnleuchte ersetzen
		ersetzt durch neue Teilenummer alte Bestand prüfen Anzugsmoment festziehen ausbauen
		einbauen Hinweis nur verwenden freigegeben Serviceaktion Rückruf technische
		Information betroffene Modelle Produktionsdatum bis Fahrgestellnummer Motorkennbuchstabe
		Ursache Abhilfe Reparatur Arbeitszeit Garantie Werkstatt Vorgehensweise Prüfschritt
		Probefahrt Fehlerspeicher Codierung Anpassung Softwareupdate erforderlich nach vor`)
	benchQuestions = []string{
		"%s", "%s %s", "%s %s %s", "do you have %s %s for the %s", "price of %s %s",
		"what is the price of the %s %s for %s", "which %s fits %s %s", "%s %s %s in stock?",
		"was kostet %s %s", "haben Sie %s für %s %s", "welche %s passt für %s", "%s %s lieferbar?",
		"is there a bulletin about %s %s %s", "%s noise from %s on %s", "torque for %s %s",
	}
)

// generator produces the benchmark chunks: documents of 50 to 600 chunks,
// each of one tenant, in an order that interleaves the tenants (as uploads
// do), so the chunk rowids of a tenant come in runs.
type generator struct {
	rng     *rand.Rand
	tenants []string
	brands  [][]int // indexes into benchBrands per tenant
	pools   [][][]string
	zipfC   *rand.Zipf
	zipfQ   *rand.Zipf
	zipfP   *rand.Zipf
}

// partsPerBrand is how many part numbers each brand has.
const partsPerBrand = 30_000

func newGenerator() *generator {
	rng := rand.New(rand.NewPCG(3, 4))
	g := &generator{rng: rng, tenants: benchTenantIDs()}
	for range g.tenants {
		b := []int{rng.IntN(len(benchBrands) - 1), len(benchBrands) - 1}
		if rng.IntN(3) == 0 {
			b = append(b, rng.IntN(len(benchBrands)-1))
		}
		g.brands = append(g.brands, b)
	}
	for _, br := range benchBrands {
		pool := make([][]string, partsPerBrand)
		for i := range pool {
			pool[i] = br.part(rng)
		}
		g.pools = append(g.pools, pool)
	}
	g.zipfC = rand.NewZipf(rng, 1.1, 2, uint64(len(benchComponents)-1))
	g.zipfQ = rand.NewZipf(rng, 1.1, 2, uint64(len(benchQualifiers)-1))
	g.zipfP = rand.NewZipf(rng, 1.05, 2, uint64(len(benchProse)-1))
	return g
}

// chunks yields n chunks.
func (g *generator) chunks(n int) func(yield func(genChunk) bool) {
	return func(yield func(genChunk) bool) {
		for made := 0; made < n; {
			t := g.rng.IntN(len(g.tenants))
			size := min(50+g.rng.IntN(550), n-made)
			doc := randomID(g.rng)
			kind := g.rng.IntN(3)
			br := g.brands[t][g.rng.IntN(len(g.brands[t]))]
			for i := range size {
				c := genChunk{id: randomID(g.rng), tenant: g.tenants[t], document: doc, ordinal: i}
				switch kind {
				case 0: // price list
					c.sheet = "Preise"
					c.row = 2 + i*rowsPerPriceChunk
					c.text = g.priceList(br, c.row)
				case 1: // catalog
					c.page = 1 + i/2
					c.text = g.catalog(br)
				default: // bulletin
					c.page = 1 + i/3
					c.text = g.bulletin(br)
				}
				if !yield(c) {
					return
				}
				made++
			}
		}
	}
}

// rowsPerPriceChunk is how many price-list rows a generated chunk has.
const rowsPerPriceChunk = 6

func (g *generator) component() string { return benchComponents[g.zipfC.Uint64()] }
func (g *generator) qualifier() string { return benchQualifiers[g.zipfQ.Uint64()] }
func (g *generator) prose() string     { return benchProse[g.zipfP.Uint64()] }

// part returns a part number of the brand as written in a document.
func (g *generator) part(br int) string {
	groups := g.pools[br][g.rng.IntN(partsPerBrand)]
	sep := benchBrands[br].seps[g.rng.IntN(len(benchBrands[br].seps))]
	return strings.Join(groups, sep)
}

func (g *generator) model(br int) string {
	m := benchBrands[br].models
	return m[g.rng.IntN(len(m))]
}

func (g *generator) description() string {
	var b strings.Builder
	b.WriteString(g.component())
	for range g.rng.IntN(3) {
		b.WriteByte(' ')
		b.WriteString(g.component())
	}
	for range 1 + g.rng.IntN(2) {
		b.WriteByte(' ')
		b.WriteString(g.qualifier())
	}
	return b.String()
}

// priceList renders rows like the XLSX extractor: "Header: value | ...".
func (g *generator) priceList(br, row int) string {
	var b strings.Builder
	for i := range rowsPerPriceChunk {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "Teilenummer: %s | Bezeichnung: %s | UPE: %d,%02d | VE: %d | Rabattgruppe: %d",
			g.part(br), g.description(), 1+g.rng.IntN(900), g.rng.IntN(100), 1+g.rng.IntN(4), 10+g.rng.IntN(40))
	}
	return b.String()
}

// catalog renders a few catalog lines: position, part number, description,
// models, years, quantity.
func (g *generator) catalog(br int) string {
	var b strings.Builder
	for i := range 3 + g.rng.IntN(4) {
		if i > 0 {
			b.WriteByte('\n')
		}
		y := 2000 + g.rng.IntN(20)
		fmt.Fprintf(&b, "%d  %s  %s  %s %s  %d-%d  %dx", 1+g.rng.IntN(60), g.part(br), g.description(),
			benchBrands[br].name, g.model(br), y, y+1+g.rng.IntN(8), 1+g.rng.IntN(4))
	}
	return b.String()
}

// bulletin renders prose with a few part numbers.
func (g *generator) bulletin(br int) string {
	var b strings.Builder
	for s := range 3 + g.rng.IntN(4) {
		if s > 0 {
			b.WriteString(" ")
		}
		for w := range 6 + g.rng.IntN(10) {
			if w > 0 {
				b.WriteByte(' ')
			}
			switch g.rng.IntN(10) {
			case 0:
				b.WriteString(g.part(br))
			case 1, 2:
				b.WriteString(g.component())
			case 3:
				b.WriteString(g.model(br))
			default:
				b.WriteString(g.prose())
			}
		}
		b.WriteByte('.')
	}
	return b.String()
}

// genQuestion returns a question a parts counter might type.
func genQuestion(rng *rand.Rand) string {
	g := &generator{rng: rng}
	g.zipfC = rand.NewZipf(rng, 1.1, 2, uint64(len(benchComponents)-1))
	g.zipfQ = rand.NewZipf(rng, 1.1, 2, uint64(len(benchQualifiers)-1))
	tmpl := benchQuestions[rng.IntN(len(benchQuestions))]
	var args []any
	for range strings.Count(tmpl, "%s") {
		switch rng.IntN(3) {
		case 0:
			args = append(args, g.qualifier())
		case 1:
			args = append(args, benchBrands[rng.IntN(len(benchBrands))].models[0])
		default:
			args = append(args, g.component())
		}
	}
	return fmt.Sprintf(tmpl, args...)
}

// respell writes the normalised part number p the way a person might type
// it: compact, lower case, or with its letter and digit groups separated.
func respell(rng *rand.Rand, p string) string {
	switch rng.IntN(4) {
	case 0:
		return p
	case 1:
		return strings.ToLower(p)
	}
	var groups []string
	start := 0
	for i := 1; i <= len(p); i++ {
		if i == len(p) || isDigitByte(p[i]) != isDigitByte(p[i-1]) {
			groups = append(groups, p[start:i])
			start = i
		}
	}
	sep := pick(rng, "-", ".")
	return "price of " + strings.Join(groups, sep) + "?"
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// createTables creates the chunks table as PocketBase does, and the index.
func createTables(db dbx.Builder) error {
	stmts := append([]string{
		`CREATE TABLE chunks (id TEXT PRIMARY KEY DEFAULT ('r'||lower(hex(randomblob(7)))) NOT NULL, ` +
			`tenant TEXT DEFAULT '' NOT NULL, document TEXT DEFAULT '' NOT NULL, ordinal NUMERIC DEFAULT 0 NOT NULL, ` +
			`page NUMERIC DEFAULT 0 NOT NULL, row NUMERIC DEFAULT 0 NOT NULL, sheet TEXT DEFAULT '' NOT NULL, ` +
			`text TEXT DEFAULT '' NOT NULL, created TEXT DEFAULT '' NOT NULL)`,
		`CREATE INDEX idx_chunks_tenant ON chunks (tenant, document, ordinal)`,
	}, Schema()...)
	for _, s := range stmts {
		if _, err := db.NewQuery(s).Execute(); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	return nil
}
