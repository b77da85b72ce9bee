package partno

// Keys returns the match keys a part of brand is stored under: its primary
// key, [Normalize](raw), and the secondary keys by which people ask for it
// when they leave part of the number out. Keys of different makes collide
// ("0004204720" may be a Mercedes number without its "A" or another make's
// whole number), so the caller always stores the brand beside the keys and
// shows it with every match.
//
// brand is a code from [BrandOf] or any name BrandOf knows ("Mercedes-Benz",
// "VAG"). The secondary keys, by make:
//
//   - BMW and MINI: the last 7 digits of an 11-digit number, the way BMW
//     counters say it (34116794300 → 6794300);
//   - Mercedes-Benz: an "A" and 10 digits without the "A"
//     (A0004204720 → 0004204720);
//   - VW, Audi, Skoda and Seat: the 9-character base without index and
//     colour code (1K0698151A → 1K0698151), and for a number with both an
//     index and a colour code also the base with its index
//     (5G0853601A2ZZ → 5G0853601, 5G0853601A); "N" hardware numbers have none;
//   - Toyota and Lexus: the 10-character base of a 12-character 5-5-2 number
//     (044653347179 → 0446533471);
//   - every other brand, and shapes the rules above do not fit: none.
//
// There are at most two secondary keys, each a part of key and shorter, and
// [Probes] of a secondary key includes a probe of it against the stored
// secondary keys, so a person who types the short form finds the part. Keys
// allocates only the normalised key (when raw is not normalised) and the alt
// slice (when there are secondary keys), whose strings share the key's
// memory.
func Keys(brand, raw string) (key string, alt []string) {
	key = Normalize(raw)
	n := len(key)
	switch familyOf(brand) {
	case famBMW:
		if n == 11 && isDigits(key) {
			return key, []string{key[4:]}
		}
	case famMercedes:
		if n == 11 && key[0] == 'A' && isDigits(key[1:]) {
			return key, []string{key[1:]}
		}
	case famVW:
		if isVWHardware(key) {
			break
		}
		if idx, col, ok := parseVW(key); ok {
			switch {
			case idx > 0 && col > 0:
				return key, []string{key[:9], key[:9+idx]}
			case idx > 0 || col > 0:
				return key, []string{key[:9]}
			}
		}
	case famToyota:
		if n == 12 && isDigits(key[:5]) {
			return key, []string{key[:10]}
		}
	}
	return key, nil
}
