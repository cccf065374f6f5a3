package atlasapi

import (
	"context"
	"net/http"
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// PATCH userSecurity is what the world then says: turning LDAP authorization on
// through the API turns the knob on, and IAM users are refused from then on.
func TestUpdateUserSecurityDrivesLDAPAuthorization(t *testing.T) {
	ctx := context.Background()
	s := newSandbox(t, world.Options{})
	c := s.digestClient(t)
	p := s.project
	on := admin.UserSecurity{Ldap: &admin.LDAPSecuritySettings{
		AuthenticationEnabled: admin.PtrBool(true), AuthorizationEnabled: admin.PtrBool(true),
		Hostname: admin.PtrString("ldap.example.com"), BindUsername: admin.PtrString("CN=bind,DC=example,DC=com"),
		UserToDNMapping: &[]admin.UserToDNMapping{{Match: "(.+)@EXAMPLE.COM", Substitution: admin.PtrString("cn={0},dc=example,dc=com")}},
	}}
	got, resp, err := c.LDAPConfigurationApi.UpdateUserSecurity(ctx, p, &on).Execute()
	if err != nil || resp.StatusCode != http.StatusAccepted || !got.Ldap.GetAuthorizationEnabled() {
		t.Fatalf("enable: %v %+v", err, got)
	}
	if !s.world.Knobs().LDAPAuthorization {
		t.Fatal("the LDAPAuthorization knob did not follow the API")
	}
	sec, _, err := c.LDAPConfigurationApi.GetUserSecurity(ctx, p).Execute()
	if err != nil || sec.Ldap.GetHostname() != "ldap.example.com" || len(sec.Ldap.GetUserToDNMapping()) != 1 {
		t.Fatalf("read back: %v %+v", err, sec.Ldap)
	}
	u := admin.NewCloudDatabaseUser("$external", p, "arn:aws:iam::123456789012:role/app")
	u.AwsIAMType = admin.PtrString("ROLE")
	u.Roles = &[]admin.DatabaseUserRole{{RoleName: "read", DatabaseName: "app"}}
	_, _, err = c.DatabaseUsersApi.CreateDatabaseUser(ctx, p, u).Execute()
	wantAPIError(t, err, http.StatusBadRequest, "ATLAS_INVALID_AUTH_SETTINGS")

	off := admin.UserSecurity{Ldap: &admin.LDAPSecuritySettings{AuthorizationEnabled: admin.PtrBool(false)}}
	if _, _, err := c.LDAPConfigurationApi.UpdateUserSecurity(ctx, p, &off).Execute(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.DatabaseUsersApi.CreateDatabaseUser(ctx, p, u).Execute(); err != nil {
		t.Fatalf("after turning authorization off: %v", err)
	}

	bad := admin.UserSecurity{Ldap: &admin.LDAPSecuritySettings{AuthorizationEnabled: admin.PtrBool(true), AuthenticationEnabled: admin.PtrBool(false)}}
	_, _, err = c.LDAPConfigurationApi.UpdateUserSecurity(ctx, p, &bad).Execute()
	wantAPIError(t, err, http.StatusBadRequest, "ATLAS_INVALID_AUTH_SETTINGS")
}

// Bodies are judged like Atlas judges them: unknown attributes are refused.
func TestRequestBodiesAreStrict(t *testing.T) {
	s := newSandbox(t, world.Options{})
	sa := s.world.ServiceAccount()
	tok, err := s.world.IssueToken(sa.ClientID, sa.Secret, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	users := s.srv.URL + "/api/atlas/v2/groups/" + s.project + "/databaseUsers"
	hdr := http.Header{"Authorization": {"Bearer " + tok}, "Content-Type": {"application/vnd.atlas.2023-01-01+json"}, "Accept": {"application/vnd.atlas.2023-01-01+json"}}
	for _, tc := range []struct {
		body, code string
		status     int
	}{
		{`{"databaseName":"admin","username":"u","password":"longenough","roles":[{"roleName":"read","databaseName":"app"}],"colour":"blue"}`, "INVALID_ATTRIBUTE", 400},
		{`{"databaseName":"admin",`, "MALFORMED_JSON", 400},
		{`[]`, "INVALID_JSON", 400},
		{`{"username":["x"]}`, "INVALID_JSON_ATTRIBUTE", 400},
		{``, "MALFORMED_JSON", 400},
	} {
		code, h, body := rawDo(t, http.DefaultClient, "POST", users, hdr, []byte(tc.body))
		if code != tc.status || h.Get("X-Error-Code") != tc.code {
			t.Errorf("%s: %d %s", tc.body, code, body)
		}
	}
	big := make([]byte, 2<<20)
	if code, h, _ := rawDo(t, http.DefaultClient, "POST", users, hdr, big); code != http.StatusRequestEntityTooLarge || h.Get("X-Error-Code") != "PAYLOAD_TOO_LARGE" {
		t.Errorf("2 MiB body: %d", code)
	}
}
