package partno

// MatchKind says how a looked-up number matched a stored part. Its values
// are the strings the lookup API reports as "match".
type MatchKind string

const (
	// MatchExact: the number as stored, written any way ("1k0-698-151-a").
	MatchExact MatchKind = "exact"
	// MatchShort: the short form of the same number: BMW's last 7 digits,
	// Mercedes-Benz without (or with) the leading "A".
	MatchShort MatchKind = "short"
	// MatchBase: the same base number with another or no index or colour
	// code: VW group 1K0698151 for 1K0698151A, Toyota 0446533471 for
	// 044653347179. A base match may be a different revision of the part and
	// is shown as such.
	MatchBase MatchKind = "base"
)

// Probe is one key to look up for a number a person typed.
type Probe struct {
	// Key is compared with the stored primary keys (Alt false) or the
	// stored secondary keys (Alt true) of [Keys].
	Key string
	// Alt selects the stored secondary keys.
	Alt bool
	// Kind is the match a hit gives.
	Kind MatchKind
}

// KindFor returns the kind of match a hit of p on a stored part of brand
// gives. It is p.Kind, except that a secondary-key probe takes the kind of
// the brand's secondary keys, since one probe can serve two readings: a
// 10-digit number is a Mercedes-Benz number without its "A" (MatchShort) or
// a Toyota base (MatchBase). brand is a code from [BrandOf] or a name it
// knows.
func (p Probe) KindFor(brand string) MatchKind {
	if !p.Alt {
		return p.Kind
	}
	switch familyOf(brand) {
	case famBMW, famMercedes:
		return MatchShort
	case famVW, famToyota:
		return MatchBase
	}
	return p.Kind
}

// maxProbes bounds the probes of one candidate.
const maxProbes = 8

// Probes returns the keys to look up for one normalised candidate (from
// [Candidates]), most exact first, without duplicates: always {candidate,
// primary, MatchExact}, then the probes the candidate's shape allows, short
// forms before base numbers:
//
//   - 11 digits (BMW in full): the last 7 digits against primary keys, for
//     files that list BMW numbers by 7 digits;
//   - 7 digits (BMW's last 7): the candidate against secondary keys;
//   - "A" and 10 digits (Mercedes-Benz): the number without "A" against
//     primary keys, for files that leave the "A" out;
//   - 10 digits (Mercedes-Benz without "A"): the candidate against secondary
//     keys (MatchShort; the same probe also finds a Toyota base, see
//     [Probe.KindFor]);
//   - VW group with index ("1K0698151A"): the candidate against secondary
//     keys (its colour variants), then the base "1K0698151" against primary
//     and secondary keys; with index and colour ("5G0853601A2ZZ"): the number
//     without colour, then the base, each against primary and secondary keys;
//     with a colour code only ("1K0853675GRU"): the base against primary and
//     secondary keys; a base of 9 ("1K0698151"): the candidate against
//     secondary keys;
//   - Toyota 5-5-2 ("044653347179"): the 10-character base against primary
//     and secondary keys; 5-5 with 5 leading digits ("04152YZZA6"): the
//     candidate against secondary keys.
//
// A probe other than the first can hit another make's part, whose keys have
// the same shape: the caller compares the stored brand with a brand the
// question names ([Mentions]) and shows the brand and kind
// ([Probe.KindFor]) with every match.
//
// candidate is normalised with [Normalize] first; "" gives nil. Probes
// allocates only the returned slice when candidate is normalised.
func Probes(candidate string) []Probe {
	c := Normalize(candidate)
	if c == "" {
		return nil
	}
	var buf [maxProbes]Probe
	ps := buf[:0]
	add := func(key string, alt bool, kind MatchKind) {
		for _, p := range ps {
			if p.Key == key && p.Alt == alt {
				return
			}
		}
		ps = append(ps, Probe{Key: key, Alt: alt, Kind: kind})
	}
	add(c, false, MatchExact)
	n := len(c)
	digits := isDigits(c)
	// Short forms: BMW and Mercedes-Benz.
	switch {
	case n == 11 && digits:
		add(c[4:], false, MatchShort)
	case n == 7 && digits:
		add(c, true, MatchShort)
	case n == 11 && c[0] == 'A' && isDigits(c[1:]):
		add(c[1:], false, MatchShort)
	case n == 10 && digits:
		add(c, true, MatchShort)
	}
	// Base numbers: VW group.
	if idx, col, ok := parseVW(c); ok {
		switch {
		case idx > 0 && col > 0:
			add(c[:9+idx], false, MatchBase)
			add(c[:9+idx], true, MatchBase)
			add(c[:9], false, MatchBase)
			add(c[:9], true, MatchBase)
		case idx > 0:
			add(c, true, MatchBase)
			add(c[:9], false, MatchBase)
			add(c[:9], true, MatchBase)
		case col > 0 && hasLetter(c):
			add(c[:9], false, MatchBase)
			add(c[:9], true, MatchBase)
		case col > 0:
			// All digits: a Toyota 5-5-2 or another make's number, not VW.
		default:
			add(c, true, MatchBase)
		}
	}
	// Base numbers: Toyota and Lexus.
	if n >= 10 && isDigits(c[:5]) {
		switch n {
		case 12:
			add(c[:10], false, MatchBase)
			add(c[:10], true, MatchBase)
		case 10:
			add(c, true, MatchBase)
		}
	}
	out := make([]Probe, len(ps))
	copy(out, ps)
	return out
}
