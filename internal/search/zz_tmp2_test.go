package search
import ("testing";"time";"path/filepath";"github.com/pocketbase/dbx";"fmt";"strings";"os";"encoding/hex")

func nib(t string) string {
	h := hex.EncodeToString([]byte(t))
	return strings.Map(func(r rune) rune { switch r {case 'a': return 'b'; case 'b': return 'c'; case 'c': return 'd'; case 'd': return 'f'; case 'e': return 'g'; case 'f': return 'h'}; return r }, h) + "x"
}
func shard(tenant, text string) string {
	p := nib(tenant)
	var b strings.Builder
	for _, w := range splitWords(indexText(text)) { b.WriteString(p); b.WriteString(w); b.WriteByte(' ') }
	return b.String()
}

func TestTmpProto(t *testing.T) {
	variant := os.Getenv("V")
	path := filepath.Join(os.TempDir(), "proto-"+variant+".db")
	fresh := false
	if _, err := os.Stat(path); err != nil { fresh = true }
	db, _ := dbx.Open("sqlite", path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=cache_size(-32000)")
	defer db.Close()
	tenants := benchTenantIDs()[:10]
	if fresh {
		detail := "full"
		if strings.HasSuffix(variant, "col") { detail = "column" }
		ddl := "CREATE VIRTUAL TABLE f USING fts5(text, tenant, content='', contentless_delete=1, detail="+detail+", tokenize='porter unicode61 remove_diacritics 2')"
		if strings.HasPrefix(variant, "shard") { ddl = "CREATE VIRTUAL TABLE f USING fts5(text, content='', contentless_delete=1, detail="+detail+", tokenize='porter unicode61 remove_diacritics 2')" }
		db.NewQuery(ddl).Execute()
		g := newGenerator()
		var rows [][3]string
		i := 0
		s := time.Now()
		for c := range g.chunks(100000) {
			ten := tenants[i/500%10]
			rows = append(rows, [3]string{ten, c.text})
			i++
		}
		for k := 0; k < len(rows); k += 500 {
			db.Transactional(func(tx *dbx.Tx) error {
				var q *dbx.Query
				if strings.HasPrefix(variant, "shard") { q = tx.NewQuery("INSERT INTO f(rowid, text) VALUES ({:r}, {:t})").Prepare() } else { q = tx.NewQuery("INSERT INTO f(rowid, text, tenant) VALUES ({:r}, {:t}, {:ten})").Prepare() }
				defer q.Close()
				for j := k; j < k+500 && j < len(rows); j++ {
					txt := rows[j][1]
					if strings.HasPrefix(variant, "shard") { txt = shard(rows[j][0], txt) }
					if _, err := q.Bind(dbx.Params{"r": j+1, "t": txt, "ten": tenantToken(rows[j][0])}).Execute(); err != nil { t.Fatal(err) }
				}
				return nil
			})
		}
		fmt.Println("built", time.Since(s))
	}
	ten := tenants[3]
	mk := func(words ...string) string {
		var parts []string
		for _, w := range words {
			if strings.HasPrefix(variant, "shard") { parts = append(parts, quoteTerm(nib(ten)+w)) } else { parts = append(parts, quoteTerm(w)) }
		}
		e := strings.Join(parts, " OR ")
		if !strings.HasPrefix(variant, "shard") { e = tenantFilter(ten) + " AND text:(" + e + ")" }
		return e
	}
	for _, ws := range [][]string{{"brake"}, {"golf"}, {"brake","pad","golf"}, {"bremsscheibe","passat"}, {"thermostat"}, {"teilenummer"}, {"nonexistent"}} {
		m := mk(ws...)
		for _, sql := range []string{"SELECT count(*) FROM f WHERE f MATCH {:m}", "SELECT rowid FROM f WHERE f MATCH {:m} ORDER BY rank LIMIT 8"} {
			var best time.Duration
			var out []string
			for i := 0; i < 5; i++ {
				s := time.Now()
				out = nil
				db.NewQuery(sql).Bind(dbx.Params{"m": m}).Column(&out)
				if d := time.Since(s); i == 0 || d < best { best = d }
			}
			if len(out) > 2 { out = out[:2] }
			fmt.Printf("%-8s %-28v %8.2fms %v %s\n", variant, ws, float64(best.Microseconds())/1000, out, sql[:30])
		}
	}
	var sz int64
	db.NewQuery("SELECT sum(length(block)) FROM f_data").Row(&sz)
	fmt.Println("index bytes", sz)
}
