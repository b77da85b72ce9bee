package hooks_test

import (
	"bufio"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"counterpart/hooks/apptest"
	"counterpart/hooks/audit"
	"counterpart/hooks/tenancy"
)

// permEnv is one cell of the permissions table: a fresh app, the actor and tenant A (Smith Motors).
type permEnv struct {
	app   core.App
	srv   *httptest.Server
	token string
	email string // the actor's email, "" for a guest
	a     *core.Record
}

func (e permEnv) do(t *testing.T, method, path string, body any) apptest.Response {
	return apptest.Do(t, e.srv, method, path, e.token, body)
}

func (e permEnv) user(t *testing.T, email string) *core.Record {
	u, err := e.app.FindAuthRecordByEmail("users", email)
	must(t, err)
	return u
}

// colleague is another user of tenant A than the actor: the member, or for the member the manager.
func (e permEnv) colleague(t *testing.T) *core.Record {
	if e.email == "member@smith.example" {
		return e.user(t, "manager@smith.example")
	}
	return e.user(t, "member@smith.example")
}

// conversation creates a conversation of the colleague.
func (e permEnv) conversation(t *testing.T) *core.Record {
	col, err := e.app.FindCollectionByNameOrId("conversations")
	must(t, err)
	c := core.NewRecord(col)
	c.Set("tenant", e.a.Id)
	c.Set("user", e.colleague(t).Id)
	c.Set("title", "Brake discs for the A4")
	must(t, e.app.Save(c))
	return c
}

// self is the actor as a user of tenant A, nil when the actor is not one.
func (e permEnv) self() *core.Record {
	u, err := e.app.FindAuthRecordByEmail("users", e.email)
	if err != nil || u.GetString("tenant") != e.a.Id {
		return nil
	}
	return u
}

func (e permEnv) patchTenant(t *testing.T, body map[string]any) bool {
	return e.do(t, "PATCH", "/api/collections/tenants/records/"+e.a.Id, body).Status == 200
}

func (e permEnv) listHasTenantA(t *testing.T, collection string) bool {
	res := e.do(t, "GET", "/api/collections/"+collection+"/records?perPage=500", nil)
	for _, it := range res.Items() {
		if it["tenant"] == e.a.Id {
			return true
		}
	}
	return false
}

// permissionActions perform each row of docs/permissions.md and report whether it was allowed.
var permissionActions = map[string]func(t *testing.T, e permEnv) bool{
	"read the tenant's settings": func(t *testing.T, e permEnv) bool {
		return e.do(t, "GET", "/api/collections/tenants/records/"+e.a.Id, nil).Status == 200
	},
	"edit the tenant's settings": func(t *testing.T, e permEnv) bool {
		return e.patchTenant(t, map[string]any{"system_prompt": "Quote part numbers exactly.", "timezone": "Europe/Berlin"})
	},
	"rename the tenant": func(t *testing.T, e permEnv) bool {
		return e.patchTenant(t, map[string]any{"name": "Smith Motors GmbH"})
	},
	"change the tenant's slug": func(t *testing.T, e permEnv) bool {
		return e.patchTenant(t, map[string]any{"slug": "smith-gmbh"})
	},
	"raise the tenant's quotas": func(t *testing.T, e permEnv) bool {
		return e.patchTenant(t, map[string]any{"storage_quota_mb": 999999, "monthly_message_quota": 999999})
	},
	"suspend the tenant": func(t *testing.T, e permEnv) bool {
		return e.patchTenant(t, map[string]any{"status": "suspended"})
	},
	"delete the tenant": func(t *testing.T, e permEnv) bool {
		must(t, tenancy.SetStatus(e.app, e.a, tenancy.StatusSuspended, audit.CLI))
		return e.do(t, "DELETE", "/api/collections/tenants/records/"+e.a.Id, nil).Status == 204
	},
	"create a tenant": func(t *testing.T, e permEnv) bool {
		return e.do(t, "POST", "/api/collections/tenants/records", map[string]any{"name": "Miller Trucks", "slug": "miller"}).Status == 200
	},
	"list the tenant's users": func(t *testing.T, e permEnv) bool {
		return e.listHasTenantA(t, "users")
	},
	"invite a user": func(t *testing.T, e permEnv) bool {
		e.do(t, "POST", "/api/tenant/users/invite", map[string]any{"email": "new@smith.example", "role": "member", "tenant": e.a.Id})
		u, err := e.app.FindAuthRecordByEmail("users", "new@smith.example")
		return err == nil && u.GetString("tenant") == e.a.Id
	},
	"change a user's role": func(t *testing.T, e permEnv) bool {
		target := e.user(t, "member@smith.example")
		e.do(t, "PATCH", "/api/collections/users/records/"+target.Id, map[string]any{"role": "manager"})
		return e.user(t, "member@smith.example").GetString("role") == "manager"
	},
	"deactivate a user": func(t *testing.T, e permEnv) bool {
		target := e.user(t, "member@smith.example")
		e.do(t, "PATCH", "/api/collections/users/records/"+target.Id, map[string]any{"active": false})
		return !e.user(t, "member@smith.example").GetBool("active")
	},
	"delete a user": func(t *testing.T, e permEnv) bool {
		target := e.user(t, "member@smith.example")
		return e.do(t, "DELETE", "/api/collections/users/records/"+target.Id, nil).Status == 204
	},
	"change one's own role": func(t *testing.T, e permEnv) bool {
		me := e.self()
		if me == nil {
			return false
		}
		want := "admin"
		if me.GetString("role") == "admin" {
			want = "member"
		}
		e.do(t, "PATCH", "/api/collections/users/records/"+me.Id, map[string]any{"role": want})
		return e.user(t, me.Email()).GetString("role") == want
	},
	"edit one's own name": func(t *testing.T, e permEnv) bool {
		me := e.self()
		if me == nil {
			return false
		}
		return e.do(t, "PATCH", "/api/collections/users/records/"+me.Id, map[string]any{"name": "Pat Smith"}).Status == 200
	},
	"read the audit log": func(t *testing.T, e permEnv) bool {
		return e.listHasTenantA(t, "audit_log")
	},
	"upload a document": func(t *testing.T, e permEnv) bool {
		res := e.do(t, "POST", "/api/documents/uploads", map[string]any{"name": "a.txt", "type": "text/plain", "size": 10, "tenant": e.a.Id})
		doc, _ := res.JSON["document"].(map[string]any)
		return res.Status == 201 && doc["tenant"] == e.a.Id
	},
	"edit a colleague's document": func(t *testing.T, e permEnv) bool {
		doc := makeDocument(t, e.app, e.a)
		doc.Set("uploaded_by", e.colleague(t).Id)
		must(t, e.app.Save(doc))
		return e.do(t, "PATCH", "/api/collections/documents/records/"+doc.Id, map[string]any{"title": "Renamed"}).Status == 200
	},
	"read a colleague's conversation": func(t *testing.T, e permEnv) bool {
		conv := e.conversation(t)
		return e.do(t, "GET", "/api/collections/conversations/records/"+conv.Id, nil).Status == 200
	},
	"ask in a colleague's conversation": func(t *testing.T, e permEnv) bool {
		conv := e.conversation(t)
		res := e.do(t, "POST", "/api/chat/conversations/"+conv.Id+"/messages", map[string]any{"content": "what does 04152-YZZA6 cost?"})
		return res.Status == 200
	},
	"write to the audit log": func(t *testing.T, e permEnv) bool {
		return e.do(t, "POST", "/api/collections/audit_log/records", map[string]any{"tenant": e.a.Id, "action": "forged"}).Status == 200
	},
}

// permissionColumns maps the table's columns to the actor's email ("" = guest, "IT" = a superuser).
var permissionColumns = map[string]string{
	"member":                  "member@smith.example",
	"manager":                 "manager@smith.example",
	"admin":                   "admin@smith.example",
	"admin of another tenant": "admin@jones.example",
	"guest":                   "",
	"IT":                      "IT",
}

// readPermissionsTable parses the table of docs/permissions.md into action → column → allowed.
func readPermissionsTable(t *testing.T) (map[string]map[string]bool, []string) {
	f, err := os.Open("../docs/permissions.md")
	must(t, err)
	defer f.Close()
	var header []string
	table := map[string]map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		switch {
		case header == nil:
			header = cells
		case strings.HasPrefix(cells[0], "---"):
		default:
			row := map[string]bool{}
			for i, c := range cells[1:] {
				if c != "yes" && c != "no" {
					t.Fatalf("permissions.md row %q column %q: %q is neither yes nor no", cells[0], header[i+1], c)
				}
				row[header[i+1]] = c == "yes"
			}
			table[cells[0]] = row
		}
	}
	return table, header[1:]
}

func TestPermissionsTable(t *testing.T) {
	table, columns := readPermissionsTable(t)
	for _, col := range columns {
		if _, ok := permissionColumns[col]; !ok {
			t.Errorf("permissions.md column %q has no actor in the test", col)
		}
	}
	for action := range permissionActions {
		if _, ok := table[action]; !ok {
			t.Errorf("action %q is tested but not in docs/permissions.md", action)
		}
	}
	for action, row := range table {
		act, ok := permissionActions[action]
		if !ok {
			t.Errorf("docs/permissions.md row %q has no test in permissionActions", action)
			continue
		}
		for col, want := range row {
			t.Run(action+"/"+col, func(t *testing.T) {
				t.Parallel()
				app := apptest.New(t, nil)
				env := permEnv{app: app, srv: apptest.Serve(t, app), email: permissionColumns[col]}
				var err error
				env.a, err = tenancy.FindTenant(app, "smith")
				must(t, err)
				switch env.email {
				case "":
				case "IT":
					env.email = apptest.Superuser(t, app)
					env.token = apptest.Token(t, app, env.email)
				default:
					env.token = apptest.Token(t, app, env.email)
				}
				if got := act(t, env); got != want {
					t.Errorf("%s: %s is allowed = %v, docs/permissions.md says %v", col, action, got, want)
				}
			})
		}
	}
}
