package supersession

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// catalog is a test catalog: links out of each key, and the known keys.
type catalog struct {
	links map[string][]Link
	known map[string]bool
	calls int
}

func (c *catalog) next(key string) ([]Link, bool, error) {
	c.calls++
	return c.links[key], c.known[key], nil
}

func newCatalog(known []string, links map[string][]Link) *catalog {
	c := &catalog{links: links, known: map[string]bool{}}
	for _, k := range known {
		c.known[k] = true
	}
	return c
}

func one(to string) []Link { return []Link{{To: to, Kind: Single}} }

func TestResolve(t *testing.T) {
	cases := []struct {
		name    string
		known   []string
		links   map[string][]Link
		start   string
		keys    []string
		current string
		problem string
		setKind string
		set     []Member
	}{
		{name: "current part", known: []string{"A"}, start: "A", keys: []string{"A"}, current: "A"},
		{name: "one link", known: []string{"A", "B"}, links: map[string][]Link{"A": one("B")}, start: "A",
			keys: []string{"A", "B"}, current: "B"},
		{name: "chain of three", known: []string{"A", "B", "C"}, links: map[string][]Link{"A": one("B"), "B": one("C")},
			start: "A", keys: []string{"A", "B", "C"}, current: "C"},
		{name: "middle number in no file still followed", known: []string{"A", "C"}, links: map[string][]Link{"A": one("B"), "B": one("C")},
			start: "A", keys: []string{"A", "B", "C"}, current: "C"},
		{name: "started in the middle", known: []string{"A", "B", "C"}, links: map[string][]Link{"A": one("B"), "B": one("C")},
			start: "B", keys: []string{"B", "C"}, current: "C"},
		{name: "dead end", known: []string{"A"}, links: map[string][]Link{"A": one("X")}, start: "A",
			keys: []string{"A", "X"}, problem: DeadEnd},
		{name: "unknown start", start: "Q", keys: []string{"Q"}, problem: DeadEnd},
		{name: "loop of two", known: []string{"A", "B"}, links: map[string][]Link{"A": one("B"), "B": one("A")}, start: "A",
			keys: []string{"A", "B", "A"}, problem: Loop},
		{name: "self loop", known: []string{"A"}, links: map[string][]Link{"A": one("A")}, start: "A",
			keys: []string{"A", "A"}, problem: Loop},
		{name: "loop further on", known: []string{"A", "B", "C", "D"}, links: map[string][]Link{"A": one("B"), "B": one("C"), "C": one("D"), "D": one("B")},
			start: "A", keys: []string{"A", "B", "C", "D", "B"}, problem: Loop},
		{name: "first single link wins", known: []string{"A", "B", "C"}, links: map[string][]Link{"A": {{To: "B", Kind: Single}, {To: "C", Kind: Single}}},
			start: "A", keys: []string{"A", "B"}, current: "B"},
		{name: "single link beats a set", known: []string{"A", "B", "C"}, links: map[string][]Link{"A": {{To: "C", Kind: AllOf}, {To: "B", Kind: Single}}},
			start: "A", keys: []string{"A", "B"}, current: "B"},
		{name: "replaced by a set", known: []string{"A", "B", "C"}, links: map[string][]Link{"A": {{To: "B", Kind: AllOf, Qty: 1}, {To: "C", Kind: AllOf, Qty: 2}}},
			start: "A", keys: []string{"A"}, setKind: AllOf,
			set: []Member{{Key: "B", Current: "B", Qty: 1, Known: true}, {Key: "C", Current: "C", Qty: 2, Known: true}}},
		{name: "any one of, members followed", known: []string{"A", "B", "C2"}, links: map[string][]Link{
			"X": one("A"), "A": {{To: "B", Kind: OneOf}, {To: "C", Kind: OneOf}}, "C": one("C2")},
			start: "X", keys: []string{"X", "A"}, setKind: OneOf,
			set: []Member{{Key: "B", Current: "B", Known: true}, {Key: "C", Current: "C2", Known: true}}},
		{name: "set member that is a dead end", known: []string{"A", "B"}, links: map[string][]Link{"A": {{To: "B", Kind: AllOf}, {To: "Z", Kind: AllOf}}},
			start: "A", keys: []string{"A"}, setKind: AllOf,
			set: []Member{{Key: "B", Current: "B", Known: true}, {Key: "Z"}}},
		{name: "set member pointing back", known: []string{"A", "B"}, links: map[string][]Link{"A": {{To: "B", Kind: OneOf}, {To: "A", Kind: OneOf}}},
			start: "A", keys: []string{"A"}, setKind: OneOf,
			set: []Member{{Key: "B", Current: "B", Known: true}, {Key: "A"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cat := newCatalog(c.known, c.links)
			got, err := Resolve(c.start, cat.next)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Keys, c.keys) || got.Current != c.current || got.Problem != c.problem || got.SetKind != c.setKind {
				t.Errorf("got keys %v current %q problem %q set %q, want %v %q %q %q", got.Keys, got.Current, got.Problem, got.SetKind, c.keys, c.current, c.problem, c.setKind)
			}
			if !slices.Equal(got.Set, c.set) {
				t.Errorf("set %+v, want %+v", got.Set, c.set)
			}
			if want := len(c.keys) > 1 || c.setKind != ""; got.Superseded() != want {
				t.Errorf("Superseded() = %v, want %v", got.Superseded(), want)
			}
		})
	}
}

func TestResolveLongChains(t *testing.T) {
	chain := func(n int) *catalog {
		links := map[string][]Link{}
		var known []string
		for i := 0; i <= n; i++ {
			known = append(known, fmt.Sprint(i))
			if i < n {
				links[fmt.Sprint(i)] = one(fmt.Sprint(i + 1))
			}
		}
		return newCatalog(known, links)
	}
	// a chain of 100 links is followed to its end
	got, err := Resolve("0", chain(100).next)
	if err != nil || got.Current != "100" || got.Problem != "" || len(got.Keys) != 101 {
		t.Fatalf("100 links: current %q problem %q keys %d, err %v", got.Current, got.Problem, len(got.Keys), err)
	}
	// one beyond the cap is reported, not followed forever
	cat := chain(MaxLinks + 50)
	got, err = Resolve("0", cat.next)
	if err != nil || got.Problem != TooLong || got.Current != "" {
		t.Fatalf("over the cap: current %q problem %q, err %v", got.Current, got.Problem, err)
	}
	if cat.calls > MaxLinks+2 {
		t.Errorf("%d lookups for a chain cut at %d", cat.calls, MaxLinks)
	}
}

func TestResolveError(t *testing.T) {
	boom := errors.New("database is locked")
	_, err := Resolve("A", func(string) ([]Link, bool, error) { return nil, false, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("error %v does not wrap the cause", err)
	}
}
