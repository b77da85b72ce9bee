package tenancy_test

import (
	"bytes"
	"strings"
	"testing"

	"counterpart/hooks/apptest"
	"counterpart/hooks/tenancy"
)

func TestTenantCommands(t *testing.T) {
	t.Parallel()
	app := apptest.New(t, nil)
	run := func(stdin string, args ...string) (string, error) {
		cmd := tenancy.Command(app)
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetIn(strings.NewReader(stdin))
		cmd.SetArgs(args)
		err := cmd.Execute()
		return out.String(), err
	}

	out, err := run("", "create", "--name", "Miller Trucks", "--slug", "miller", "--admin-email", "boss@miller.example")
	if err != nil || !strings.Contains(out, "Created tenant Miller Trucks") || !strings.Contains(out, "Temporary password") {
		t.Fatalf("create: %v\n%s", err, out)
	}
	miller := tenant(t, app, "miller")
	admin := user(t, app, "boss@miller.example")
	if admin.GetString("role") != "admin" || admin.GetString("tenant") != miller.Id {
		t.Errorf("first admin: %v", admin.PublicExport())
	}
	if miller.GetString("timezone") != "UTC" || miller.GetInt("max_upload_mb") != tenancy.DefaultMaxUploadMB {
		t.Errorf("defaults not applied: %v", miller.PublicExport())
	}

	bad := []struct {
		name string
		args []string
		want string
	}{
		{"duplicate slug", []string{"create", "--name", "X", "--slug", "miller", "--admin-email", "x@x.example"}, "slug"},
		{"bad slug", []string{"create", "--name", "X", "--slug", "Not A Slug", "--admin-email", "x@x.example"}, "slug"},
		{"taken admin email", []string{"create", "--name", "X", "--slug", "xx", "--admin-email", "admin@smith.example"}, "email"},
		{"missing flags", []string{"create", "--name", "X"}, "required"},
		{"unknown tenant", []string{"suspend", "nobody"}, "no tenant"},
		{"delete an active tenant", []string{"delete", "miller", "--yes"}, "suspend the tenant"},
	}
	for _, c := range bad {
		if out, err := run("", c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want one mentioning %q\n%s", c.name, err, c.want, out)
		}
	}
	if _, err := tenancy.FindTenant(app, "xx"); err == nil {
		t.Error("a failed create left a tenant behind")
	}

	if out, err := run("", "list"); err != nil || !strings.Contains(out, "miller") || !strings.Contains(out, "smith") {
		t.Errorf("list: %v\n%s", err, out)
	}
	if _, err := run("", "suspend", "miller"); err != nil || tenant(t, app, "miller").GetString("status") != "suspended" {
		t.Errorf("suspend: %v", err)
	}
	if _, err := run("wrong\n", "delete", "miller"); err == nil {
		t.Error("delete went ahead without the slug typed")
	}
	if _, err := run("miller\n", "delete", "miller"); err != nil {
		t.Errorf("delete: %v", err)
	}
	if _, err := tenancy.FindTenant(app, "miller"); err == nil {
		t.Error("tenant still there after delete")
	}
	if _, err := app.FindAuthRecordByEmail("users", "boss@miller.example"); err == nil {
		t.Error("deleted tenant's admin still there")
	}
}
