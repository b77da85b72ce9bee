package parts_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"

	"counterpart/internal/partno"
)

// genPart is one part of a generated catalog.
type genPart struct {
	brand, brandName string // code and the name the file writes
	raw              string // as the file writes it
	key              string // partno.Normalize(raw)
	short            string // BMW last 7, Mercedes without A ("" for other makes)
	desc             string
	list, net, core  float64
	pack             int
	next             string // raw number superseding it ("" for none)
}

// genCatalog is a generated multi-brand price file with supersession chains.
type genCatalog struct {
	parts  []*genPart
	byKey  map[string]*genPart
	chains [][]*genPart // each chain oldest first, ending at its current part
	loops  [][]*genPart
	dead   []*genPart // superseded by a number in no file
	taken  map[string]bool
	rng    *rand.Rand
}

var genDescriptions = []string{"Bremsbelagsatz vorn", "Bremsscheibe belüftet", "Ölfilter", "Luftfilter", "Innenraumfilter",
	"Zündkerze", "Lichtmaschine", "Anlasser", "Wasserpumpe", "Zahnriemensatz", "Stoßdämpfer hinten", "Querlenker links",
	"Brake pad set", "Oil filter", "Alternator", "Starter motor", "Wiper blade", "Thermostat", "Spark plug", "Öl-Ablassschraube"}

// newCatalog generates n parts of six makes; about 12 % are superseded in
// chains of 1 to 6 links, with a few loops and dead ends.
func newCatalog(n int, seed uint64) *genCatalog {
	c := &genCatalog{byKey: map[string]*genPart{}, taken: map[string]bool{}, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	for len(c.parts) < n {
		c.add(c.newPart())
	}
	// chains over consecutive parts of one make: about 12 % of all parts
	byBrand := map[string][]*genPart{}
	for _, p := range c.parts {
		byBrand[p.brand] = append(byBrand[p.brand], p)
	}
	for _, b := range genBrands {
		ps := byBrand[b.code]
		budget := len(ps) * 12 / 100
		for i := 0; i+7 < len(ps) && budget > 0; {
			length := 1 + c.rng.IntN(6)
			chain := ps[i : i+length+1]
			for j := 0; j < length; j++ {
				chain[j].next = chain[j+1].raw
			}
			c.chains = append(c.chains, chain)
			budget -= len(chain)
			i += length + 1 + c.rng.IntN(8)
		}
	}
	// loops and dead ends, taken from parts not in a chain
	in := map[*genPart]bool{}
	for _, ch := range c.chains {
		for _, p := range ch {
			in[p] = true
		}
	}
	var free []*genPart
	for _, p := range c.parts {
		if !in[p] {
			free = append(free, p)
		}
	}
	for i := 0; i+1 < len(free) && len(c.loops) < n/1000+1; i++ {
		a, b := free[i], free[i+1]
		if a.brand != b.brand || a.next != "" || b.next != "" {
			continue
		}
		a.next, b.next = b.raw, a.raw
		c.loops = append(c.loops, []*genPart{a, b})
	}
	for i := len(free) - 1; i >= 0 && len(c.dead) < n/1000+1; i-- {
		p := free[i]
		if p.next != "" {
			continue
		}
		missing := c.newPartOf(p.brand)
		p.next = missing.raw
		c.dead = append(c.dead, p)
	}
	return c
}

func (c *genCatalog) add(p *genPart) {
	c.parts = append(c.parts, p)
	c.byKey[p.key] = p
}

var genBrands = []struct{ code, name string }{
	{"BMW", "BMW"}, {"MERCEDES", "Mercedes-Benz"}, {"VW", "VW"}, {"FORD", "Ford"}, {"TOYOTA", "Toyota"}, {"BOSCH", "Bosch"},
}

func (c *genCatalog) newPart() *genPart {
	return c.newPartOf(genBrands[c.rng.IntN(len(genBrands))].code)
}

// newPartOf returns a part of brand whose keys (and short forms) no other
// generated number has, without adding it to the catalog.
func (c *genCatalog) newPartOf(brand string) *genPart {
	for {
		p := &genPart{brand: brand, desc: genDescriptions[c.rng.IntN(len(genDescriptions))], pack: 1}
		for _, b := range genBrands {
			if b.code == brand {
				p.brandName = b.name
			}
		}
		d := func(n int) string {
			var b strings.Builder
			for range n {
				b.WriteByte(byte('0' + c.rng.IntN(10)))
			}
			return b.String()
		}
		l := func() byte { return "ABCDEFGHJKLMNPRSTUVWXYZ"[c.rng.IntN(23)] }
		switch brand {
		case "BMW":
			n := d(11)
			p.raw = n
			if c.rng.IntN(2) == 0 {
				p.raw = n[:2] + " " + n[2:4] + " " + n[4:5] + " " + n[5:8] + " " + n[8:]
			}
			p.short = n[4:]
		case "MERCEDES":
			n := d(10)
			p.raw = "A" + n
			if c.rng.IntN(2) == 0 {
				p.raw = "A " + n[:3] + " " + n[3:6] + " " + n[6:8] + " " + n[8:]
			}
			p.short = n
		case "VW":
			idx := []string{"", "A", "B", "C", "AB", "D"}[c.rng.IntN(6)]
			p.raw = fmt.Sprintf("%d%c%d %s %s %s", 1+c.rng.IntN(9), l(), c.rng.IntN(10), d(3), d(3), idx)
			p.raw = strings.TrimSpace(p.raw)
		case "FORD":
			p.raw = fmt.Sprintf("%c%c%d%c-%d%c%s-%c%c", l(), l(), c.rng.IntN(10), l(), c.rng.IntN(10), l(), d(3), l(), l())
		case "TOYOTA":
			p.raw = fmt.Sprintf("%s-%c%c%c%c%d", d(5), l(), l(), l(), l(), c.rng.IntN(10))
		case "BOSCH":
			n := "0" + d(9)
			p.raw = n[:1] + " " + n[1:4] + " " + n[4:7] + " " + n[7:]
		}
		p.key = partno.Normalize(p.raw)
		if c.taken[p.key] || (p.short != "" && c.taken[p.short]) {
			continue
		}
		c.taken[p.key] = true
		if p.short != "" {
			c.taken[p.short] = true
		}
		if brand == "VW" && len(p.key) > 9 {
			c.taken[p.key[:9]] = true
		}
		p.list = float64(100+c.rng.IntN(200000)) / 100
		p.net = float64(int(p.list*70)) / 100
		if c.rng.IntN(10) == 0 {
			p.core = float64(10 + c.rng.IntN(300))
		}
		if c.rng.IntN(5) == 0 {
			p.pack = []int{2, 4, 5, 10, 50}[c.rng.IntN(5)]
		}
		return p
	}
}

// germanAmount writes 1234.5 as "1.234,50".
func germanAmount(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, ch := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(ch)
	}
	return b.String() + "," + frac
}

// csv writes the catalog as a German dealer's semicolon price file (UTF-8;
// the caller may re-encode it).
func (c *genCatalog) csv() []byte {
	var b bytes.Buffer
	b.Grow(len(c.parts) * 90)
	b.WriteString("Teilenummer;Marke;Bezeichnung;UPE;HEK;Pfand;VPE;Ersetzt durch\n")
	for _, p := range c.parts {
		core := ""
		if p.core > 0 {
			core = germanAmount(p.core) + " €"
		}
		fmt.Fprintf(&b, "%s;%s;%s;%s €;%s;%s;%d;%s\n", p.raw, p.brandName, p.desc, germanAmount(p.list), germanAmount(p.net), core, p.pack, p.next)
	}
	return b.Bytes()
}

// typed writes raw the way a person might type it: style 0 as printed, 1
// without spaces, 2 with dashes, 3 lower case, 4 lower case without spaces.
func typed(raw string, style int) string {
	switch style {
	case 1:
		return strings.ReplaceAll(strings.ReplaceAll(raw, " ", ""), "-", "")
	case 2:
		return strings.ReplaceAll(raw, " ", "-")
	case 3:
		return strings.ToLower(raw)
	case 4:
		return strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(raw, " ", ""), "-", ""))
	}
	return raw
}

var questionTemplates = []string{"%s", "what does %s cost?", "Was kostet %s?", "price of %s please", "Preis für %s",
	"is %s in stock and what is the price", "%s?", "Teil %s – UPE?", "how much is part no. %s"}
