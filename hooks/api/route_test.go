package api

import "testing"

func TestAccessAdmits(t *testing.T) {
	cases := []struct {
		access Access
		role   string
		want   bool
	}{
		{Member, "member", true},
		{Member, "manager", true},
		{Member, "admin", true},
		{Manager, "member", false},
		{Manager, "manager", true},
		{Manager, "admin", true},
		{TenantAdmin, "member", false},
		{TenantAdmin, "manager", false},
		{TenantAdmin, "admin", true},
		{Member, "", false},
		{Member, "owner", false},
		{Superuser, "admin", false},
		{Public, "admin", false},
		{N8N, "admin", false},
	}
	for _, c := range cases {
		if got := c.access.Admits(c.role); got != c.want {
			t.Errorf("%s.Admits(%q) = %v, want %v", c.access, c.role, got, c.want)
		}
	}
}
