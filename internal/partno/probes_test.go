package partno

import (
	"slices"
	"testing"
)

func TestProbes(t *testing.T) {
	p := func(key string, alt bool, kind MatchKind) Probe { return Probe{key, alt, kind} }
	tests := []struct {
		candidate string
		want      []Probe
	}{
		{"", nil},
		// BMW.
		{"34116794300", []Probe{p("34116794300", false, MatchExact), p("6794300", false, MatchShort)}},
		{"6794300", []Probe{p("6794300", false, MatchExact), p("6794300", true, MatchShort)}},
		// Mercedes-Benz.
		{"A0004204720", []Probe{p("A0004204720", false, MatchExact), p("0004204720", false, MatchShort)}},
		{"0004204720", []Probe{p("0004204720", false, MatchExact), p("0004204720", true, MatchShort)}},
		// VW group.
		{"1K0698151", []Probe{p("1K0698151", false, MatchExact), p("1K0698151", true, MatchBase)}},
		{"1K0698151A", []Probe{
			p("1K0698151A", false, MatchExact),
			p("1K0698151A", true, MatchBase),
			p("1K0698151", false, MatchBase),
			p("1K0698151", true, MatchBase),
		}},
		{"5G0853601A2ZZ", []Probe{
			p("5G0853601A2ZZ", false, MatchExact),
			p("5G0853601A", false, MatchBase),
			p("5G0853601A", true, MatchBase),
			p("5G0853601", false, MatchBase),
			p("5G0853601", true, MatchBase),
		}},
		{"1K0853675GRU", []Probe{
			p("1K0853675GRU", false, MatchExact),
			p("1K0853675", false, MatchBase),
			p("1K0853675", true, MatchBase),
		}},
		{"N91014302", []Probe{p("N91014302", false, MatchExact), p("N91014302", true, MatchBase)}},
		// Toyota.
		{"044653347179", []Probe{
			p("044653347179", false, MatchExact),
			p("0446533471", false, MatchBase),
			p("0446533471", true, MatchBase),
		}},
		{"04152YZZA6", []Probe{p("04152YZZA6", false, MatchExact), p("04152YZZA6", true, MatchBase)}},
		// 10 digits: one secondary-key probe for both readings.
		{"0986494104", []Probe{p("0986494104", false, MatchExact), p("0986494104", true, MatchShort)}},
		// Nothing but the number itself.
		{"XS4Z9G756AA", []Probe{p("XS4Z9G756AA", false, MatchExact)}},
		{"12345ABC01", []Probe{p("12345ABC01", false, MatchExact), p("12345ABC01", true, MatchBase)}}, // 5-5 like Toyota
		{"ABC1234567", []Probe{p("ABC1234567", false, MatchExact)}},
		// Not normalised yet.
		{"1k0-698-151", []Probe{p("1K0698151", false, MatchExact), p("1K0698151", true, MatchBase)}},
	}
	for _, tt := range tests {
		if got := Probes(tt.candidate); !slices.Equal(got, tt.want) {
			t.Errorf("Probes(%q)\n got %v\nwant %v", tt.candidate, got, tt.want)
		}
	}
}

func TestProbeKindFor(t *testing.T) {
	tests := []struct {
		probe Probe
		brand string
		want  MatchKind
	}{
		{Probe{"0446533471", true, MatchShort}, "TOYOTA", MatchBase},
		{Probe{"0446533471", true, MatchShort}, "Lexus", MatchBase},
		{Probe{"0004204720", true, MatchShort}, "MERCEDES", MatchShort},
		{Probe{"1K0698151", true, MatchBase}, "Audi", MatchBase},
		{Probe{"6794300", true, MatchShort}, "MINI", MatchShort},
		{Probe{"6794300", true, MatchShort}, "MEYLE", MatchShort}, // no secondary keys: the probe's kind
		{Probe{"6794300", false, MatchShort}, "TOYOTA", MatchShort},
		{Probe{"1K0698151", false, MatchBase}, "BMW", MatchBase},
		{Probe{"1K0698151A", false, MatchExact}, "VW", MatchExact},
	}
	for _, tt := range tests {
		if got := tt.probe.KindFor(tt.brand); got != tt.want {
			t.Errorf("%v.KindFor(%q) = %q, want %q", tt.probe, tt.brand, got, tt.want)
		}
	}
}

func TestProbesAllocs(t *testing.T) {
	for _, c := range []string{"5G0853601A2ZZ", "34116794300", "XS4Z9G756AA"} {
		if n := testing.AllocsPerRun(100, func() { _ = Probes(c) }); n != 1 {
			t.Errorf("Probes(%q) allocated %v times, want 1 (the result)", c, n)
		}
	}
}

// testStore is an in-memory parts table keyed the way the lead's schema is:
// a part per (brand, primary key), found by primary or secondary key.
type testStore struct {
	parts   []storedPart
	primary map[string][]int
	alt     map[string][]int
}

type storedPart struct{ brand, key, display string }

type hit struct {
	part storedPart
	kind MatchKind
}

func newTestStore(rows [][2]string) *testStore {
	s := &testStore{primary: map[string][]int{}, alt: map[string][]int{}}
	for _, r := range rows {
		brand := BrandOf(r[0])
		if brand == "" {
			brand = GuessBrand(Normalize(r[1]))
		}
		key, alt := Keys(brand, r[1])
		s.parts = append(s.parts, storedPart{brand, key, Display(brand, r[1])})
		s.primary[key] = append(s.primary[key], len(s.parts)-1)
		for _, a := range alt {
			s.alt[a] = append(s.alt[a], len(s.parts)-1)
		}
	}
	return s
}

// lookup returns, for each part number in a question, the hits of the
// first probe that finds anything, the way the lookup route works: when the
// question names brands, only their parts count.
func (s *testStore) lookup(question string) (hits [][]hit) {
	brands := Mentions(question)
	for _, c := range Candidates(question) {
		var found []hit
		for _, p := range Probes(c) {
			idx := s.primary[p.Key]
			if p.Alt {
				idx = s.alt[p.Key]
			}
			for _, i := range idx {
				if part := s.parts[i]; len(brands) == 0 || slices.Contains(brands, part.brand) {
					found = append(found, hit{part, p.KindFor(part.brand)})
				}
			}
			if len(found) > 0 {
				break
			}
		}
		hits = append(hits, found)
	}
	return hits
}

// TestTradeForms stores real numbers of each make as price files write them
// and looks them up the way people type them.
func TestTradeForms(t *testing.T) {
	store := newTestStore([][2]string{
		{"BMW", "34 11 6 794 300"},
		{"BMW", "11428575211"},
		{"Mercedes-Benz", "A 000 420 47 20"},
		{"Daimler", "A6511800009"},
		{"VW", "1K0 698 151 A"},
		{"VW", "5G0 853 601 A 2ZZ"},
		{"VW", "N 910 143 02"},
		{"Audi", "8E0-615-301-AG"},
		{"Ford", "XS4Z-9G756-AA"},
		{"Toyota", "04152-YZZA6"},
		{"Toyota", "04465-33471-79"},
		{"Bosch", "0 986 494 104"},
		{"", "0 242 236 565"}, // no brand column: Bosch by shape
		{"MEYLE", "6794300"},  // another make's number with BMW's short form
	})
	tests := []struct {
		question string
		display  []string // the parts found, in order
		kind     MatchKind
	}{
		{"what does 1k0698151a cost?", []string{"1K0 698 151 A"}, MatchExact},
		{"1K0-698-151-A", []string{"1K0 698 151 A"}, MatchExact},
		{"Preis für 1K0 698 151 A?", []string{"1K0 698 151 A"}, MatchExact},
		{"1K0 698 151", []string{"1K0 698 151 A"}, MatchBase},
		{"is 1K0698151B in stock", []string{"1K0 698 151 A"}, MatchBase},
		{"5G0853601A2ZZ", []string{"5G0 853 601 A 2ZZ"}, MatchExact},
		{"5G0 853 601 A", []string{"5G0 853 601 A 2ZZ"}, MatchBase},
		{"N 910 143 02", []string{"N 910 143 02"}, MatchExact},
		{"8e0615301ag", []string{"8E0 615 301 AG"}, MatchExact},
		{"A 000 420 47 20", []string{"A 000 420 47 20"}, MatchExact},
		{"beim Benz 0004204720", []string{"A 000 420 47 20"}, MatchShort},
		{"000 420 47 20", []string{"A 000 420 47 20"}, MatchShort},
		{"6511800009", []string{"A 651 180 00 09"}, MatchShort},
		{"34 11 6 794 300", []string{"34 11 6 794 300"}, MatchExact},
		{"34116794300 superseded?", []string{"34 11 6 794 300"}, MatchExact},
		{"8575211", []string{"11 42 8 575 211"}, MatchShort},
		{"XS4Z-9G756-AA", []string{"XS4Z-9G756-AA"}, MatchExact},
		{"xs4z 9g756 aa", []string{"XS4Z-9G756-AA"}, MatchExact},
		{"04152-YZZA6", []string{"04152-YZZA6"}, MatchExact},
		{"04465-33471-79", []string{"04465-33471-79"}, MatchExact},
		{"04465-33471", []string{"04465-33471-79"}, MatchBase},
		{"0 986 494 104", []string{"0 986 494 104"}, MatchExact},
		{"Zündkerze 0242236565", []string{"0 242 236 565"}, MatchExact},
		// Keys collide across makes: the brand is kept beside each, and the
		// brand a question names decides.
		{"what does the BMW 6794300 cost", []string{"34 11 6 794 300"}, MatchShort},
		{"6794300", []string{"6794300"}, MatchExact},
		{"Meyle 6794300", []string{"6794300"}, MatchExact},
	}
	for _, tt := range tests {
		hits := store.lookup(tt.question)
		if len(hits) != 1 {
			t.Errorf("%q: %d numbers found, want 1 (%v)", tt.question, len(hits), hits)
			continue
		}
		var got []string
		for _, h := range hits[0] {
			got = append(got, h.part.display)
			if h.kind != tt.kind {
				t.Errorf("%q: %s matched %s, want %s", tt.question, h.part.display, h.kind, tt.kind)
			}
		}
		if !slices.Equal(got, tt.display) {
			t.Errorf("%q: found %q, want %q", tt.question, got, tt.display)
		}
	}
	// The BMW part with the same short form is found by its secondary key
	// and keeps its brand; the MEYLE part keeps its own.
	var brands []string
	for _, p := range Probes("6794300") {
		idx := store.primary[p.Key]
		if p.Alt {
			idx = store.alt[p.Key]
		}
		for _, i := range idx {
			brands = append(brands, store.parts[i].brand+" "+string(p.Kind))
		}
	}
	if want := []string{"MEYLE exact", "BMW short"}; !slices.Equal(brands, want) {
		t.Errorf("6794300 matched %q, want %q", brands, want)
	}
	// A number in no file finds nothing: never the nearest other part.
	for _, q := range []string{"34116794399", "A0004204721", "1K0698152A", "04152-YZZA7", "0 986 494 105", "XS4Z-9G756-AB"} {
		for _, h := range store.lookup(q) {
			if len(h) > 0 {
				t.Errorf("%q matched %v, want nothing", q, h)
			}
		}
	}
}

// TestContractFormsThroughCandidates checks that the forms the trade writes
// come through Candidates as one normalised number.
func TestContractFormsThroughCandidates(t *testing.T) {
	tests := []struct{ text, want string }{
		{"1k0698151a", "1K0698151A"},
		{"1K0-698-151-A", "1K0698151A"},
		{"A 000 420 47 20", "A0004204720"},
		{"0004204720", "0004204720"},
		{"34 11 6 794 300", "34116794300"},
		{"6794300", "6794300"},
		{"N 910 143 02", "N91014302"},
		{"XS4Z-9G756-AA", "XS4Z9G756AA"},
		{"04152-YZZA6", "04152YZZA6"},
		{"0 986 494 104", "0986494104"},
		{"04465-33471-79", "044653347179"},
		{"5G0853601A2ZZ", "5G0853601A2ZZ"},
		{"what does the BMW 6794300 cost", "6794300"},
		{"Was kostet 1K0 698 151 A beim VW?", "1K0698151A"},
	}
	for _, tt := range tests {
		if got := Candidates(tt.text); !slices.Equal(got, []string{tt.want}) {
			t.Errorf("Candidates(%q) = %q, want [%q]", tt.text, got, tt.want)
		}
	}
}

// queryCandidates are normalised candidates as lookups see them.
var queryCandidates = []string{
	"1K0698151A", "5G0853601A2ZZ", "A0004204720", "0004204720", "34116794300", "6794300",
	"N91014302", "XS4Z9G756AA", "04152YZZA6", "044653347179", "0986494104", "12345ABC01",
}

func BenchmarkProbes(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range queryCandidates {
			_ = Probes(c)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(queryCandidates)), "ns/candidate")
}
