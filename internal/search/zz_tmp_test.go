package search
import ("testing";"time";"os";"path/filepath";"github.com/pocketbase/dbx";"fmt";"strings")
func TestTmpExp(t *testing.T) {
	path := filepath.Join(os.TempDir(), "counterpart-search-bench-"+benchVersion+".db")
	db, _ := dbx.Open("sqlite", path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-32000)")
	defer db.Close()
	db.DB().SetMaxOpenConns(1)
	ten := benchTenantIDs()[5]
	tf := tenantFilter(ten)
	queries := strings.Split(os.Getenv("Q"), ";")
	for _, q := range queries {
		q = strings.ReplaceAll(q, "TF", tf)
		for i := 0; i < 3; i++ {
			var n []string
			s := time.Now()
			err := db.NewQuery(q).Column(&n)
			d := time.Since(s)
			if i == 2 { 
				if len(n) > 3 { n = n[:3] }
				fmt.Printf("%8.2fms %v %q\n", float64(d.Microseconds())/1000, n, q) 
				if err != nil { fmt.Println(err) }
			}
		}
	}
}
