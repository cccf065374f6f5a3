package world

import (
	"testing"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

func TestLDAPSettingsAndKnobAgree(t *testing.T) {
	w := New(Options{})
	p := w.PrimaryProject().ID
	w.SetLDAPSettings(p, admin.LDAPSecuritySettings{
		AuthenticationEnabled: admin.PtrBool(true), AuthorizationEnabled: admin.PtrBool(true),
		Hostname: admin.PtrString("ldap.example.com"), BindPassword: admin.PtrString("bind-secret"),
	})
	if !w.Knobs().LDAPAuthorization {
		t.Fatal("SetLDAPSettings did not turn the knob on")
	}
	got := w.UserSecurity(p).Ldap
	if got.GetHostname() != "ldap.example.com" || !got.GetAuthorizationEnabled() || got.BindPassword != nil {
		t.Fatalf("stored settings %+v", got)
	}
	w.SetKnobs(func(k *Knobs) { k.LDAPAuthorization = false })
	if w.UserSecurity(p).Ldap.GetAuthorizationEnabled() {
		t.Fatal("the knob no longer decides authorization on the primary project")
	}
}

func TestCustomRolesLiveInThePrimaryProject(t *testing.T) {
	w := New(Options{ExtraProjects: 1})
	roles := w.CustomDBRoles(w.PrimaryProject().ID)
	if len(roles) != 2 || roles[0].RoleName != "ordersReader" || (*roles[0].Actions)[0].Action != "FIND" {
		t.Fatalf("primary project roles %+v", roles)
	}
	if other := w.CustomDBRoles(w.Projects()[1].ID); len(other) != 0 {
		t.Fatalf("other project has roles %+v", other)
	}
}
