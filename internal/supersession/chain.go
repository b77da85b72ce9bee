// Package supersession follows a part's supersession links to the part to
// order today: A → B → C, with the loops and dead ends real price files
// contain reported rather than followed forever, and with a part replaced by
// a set (all of several parts, ordered together) or by any one of several.
//
// It knows nothing of storage: the caller passes a function that returns the
// links out of a key, so the same rules serve the lookup route, the chat and
// the tests.
package supersession

import "fmt"

// Kinds of link, as the parts catalog stores them.
const (
	// Single: the part is replaced by exactly one other part.
	Single = "single"
	// AllOf: the part is replaced by a set; every member is ordered.
	AllOf = "all_of"
	// OneOf: the part is replaced by any one of several alternatives.
	OneOf = "one_of"
)

// Problems a chain can have.
const (
	// Loop: the links lead back to a number already passed.
	Loop = "loop"
	// DeadEnd: a link names a number that is in none of the price files.
	DeadEnd = "dead_end"
	// TooLong: more links than MaxLinks were followed.
	TooLong = "too_long"
)

// MaxLinks is how many links Resolve follows before it reports TooLong. Real
// chains are a handful of links long; the cap keeps a corrupt file from
// costing more than a few milliseconds.
const MaxLinks = 200

// Link is one supersession out of a part.
type Link struct {
	// To is the replacing part's key.
	To string
	// Kind is Single, AllOf or OneOf.
	Kind string
	// Qty is how many of To replace one of the old part (0 means 1).
	Qty float64
}

// Next returns the links out of key, most authoritative first (a newer
// file's link before an older one's), and whether key is a part the
// catalog knows.
type Next func(key string) (links []Link, known bool, err error)

// Member is one part of a replacing set, followed to its own current part.
type Member struct {
	// Key is the member as the set names it.
	Key string
	// Current is the member's current key after its own chain ("" when that
	// chain has a problem).
	Current string
	// Qty is how many are ordered.
	Qty float64
	// Known says whether the catalog has the current part.
	Known bool
}

// Chain is the result of following a part's links.
type Chain struct {
	// Keys are the keys passed, oldest first: the start, each single link's
	// target, ending at the current part (or at the number where a problem
	// stopped the walk).
	Keys []string
	// Current is the key to order when the chain ends at one known part; ""
	// when it ends in a set or has a problem.
	Current string
	// SetKind is AllOf or OneOf when the last part is replaced by a set.
	SetKind string
	// Set holds the members of that set.
	Set []Member
	// Problem is "", Loop, DeadEnd or TooLong.
	Problem string
}

// Superseded reports whether the start part has been replaced.
func (c Chain) Superseded() bool { return len(c.Keys) > 1 || c.SetKind != "" }

// Resolve follows the links out of start. A key's first Single link is
// followed; when a key has AllOf or OneOf links instead, the walk ends there
// and every member of the set is followed on its own (without entering sets
// again). Members whose own chains fail keep their key with Current "".
func Resolve(start string, next Next) (Chain, error) {
	c, err := walk(start, next, true, map[string]bool{})
	if err != nil {
		return Chain{}, fmt.Errorf("supersession of %s: %w", start, err)
	}
	return c, nil
}

func walk(start string, next Next, sets bool, seen map[string]bool) (Chain, error) {
	c := Chain{Keys: []string{start}}
	key := start
	seen[key] = true
	for hops := 0; ; hops++ {
		links, known, err := next(key)
		if err != nil {
			return Chain{}, err
		}
		single, set, setKind := split(links)
		switch {
		case single != nil:
			if hops >= MaxLinks {
				c.Problem = TooLong
				return c, nil
			}
			key = single.To
			c.Keys = append(c.Keys, key)
			if seen[key] {
				c.Problem = Loop
				return c, nil
			}
			seen[key] = true
		case len(set) > 0 && sets:
			c.SetKind = setKind
			for _, l := range set {
				m := Member{Key: l.To, Qty: l.Qty}
				if !seen[l.To] {
					sub, err := walk(l.To, next, false, seen)
					if err != nil {
						return Chain{}, err
					}
					if sub.Problem == "" {
						m.Current, m.Known = sub.Current, true
					}
				}
				c.Set = append(c.Set, m)
			}
			return c, nil
		case !known:
			c.Problem = DeadEnd
			return c, nil
		default:
			c.Current = key
			return c, nil
		}
	}
}

// split returns the first single link, or else the set links of the first
// set kind found; sets are only considered when no single link exists.
func split(links []Link) (single *Link, set []Link, kind string) {
	for i := range links {
		k := links[i].Kind
		if k == "" || k == Single {
			return &links[i], nil, ""
		}
	}
	for _, l := range links {
		if kind == "" {
			kind = l.Kind
		}
		if l.Kind == kind {
			set = append(set, l)
		}
	}
	return nil, set, kind
}
