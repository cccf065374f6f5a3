package atlasapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// The error cases a wizard must recognise, through the SDK, with admin.IsErrorCode
// and admin.AsError. Every body is validated against the spec on the way.
func TestErrorsThroughSDK(t *testing.T) {
	ctx := context.Background()
	s := newSandbox(t, world.Options{})
	p := s.project
	c := s.digestClient(t)
	iamUser := func(arn, typ string) *admin.CloudDatabaseUser {
		u := admin.NewCloudDatabaseUser("$external", p, arn)
		u.AwsIAMType = admin.PtrString(typ)
		u.Roles = &[]admin.DatabaseUserRole{{RoleName: "readWrite", DatabaseName: "app"}}
		return u
	}

	t.Run("wrong digest password", func(t *testing.T) {
		bad := s.digestClientWith(t, s.world.APIKey().PublicKey, "not-the-private-key")
		_, _, err := bad.RootApi.GetSystemStatus(ctx).Execute()
		e := wantAPIError(t, err, http.StatusUnauthorized, "UNEXPECTED_ERROR")
		if e.GetDetail() != "You are not authorized for this resource." {
			t.Errorf("detail %q", e.GetDetail())
		}
	})

	t.Run("unknown group", func(t *testing.T) {
		_, _, err := c.DatabaseUsersApi.ListDatabaseUsers(ctx, "0123456789abcdef01234567").Execute()
		e := wantAPIError(t, err, http.StatusNotFound, "GROUP_NOT_FOUND")
		if e.GetDetail() != "No group with ID 0123456789abcdef01234567 exists." || len(e.GetParameters()) != 1 {
			t.Errorf("detail %q params %v", e.GetDetail(), e.GetParameters())
		}
		_, _, err = c.ProjectsApi.GetGroupByName(ctx, "no-such-project").Execute()
		wantAPIError(t, err, http.StatusNotFound, "GROUP_NAME_NOT_FOUND")
		_, _, err = c.ProjectsApi.GetGroup(ctx, "not-an-id").Execute()
		wantAPIError(t, err, http.StatusNotFound, "INVALID_GROUP_ID")
	})

	t.Run("unknown or wrong-family cluster", func(t *testing.T) {
		_, _, err := c.ClustersApi.GetCluster(ctx, p, "Cluster9").Execute()
		e := wantAPIError(t, err, http.StatusNotFound, "CLUSTER_NOT_FOUND")
		if e.GetDetail() != "No cluster named Cluster9 exists in group "+p+"." {
			t.Errorf("detail %q", e.GetDetail())
		}
		_, _, err = c.ClustersApi.GetClusterStatus(ctx, p, "Cluster9").Execute()
		wantAPIError(t, err, http.StatusNotFound, "CLUSTER_NOT_FOUND")
		_, _, err = c.ClustersApi.GetCluster(ctx, p, world.FlexName).Execute()
		wantAPIError(t, err, http.StatusBadRequest, "CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API")
		_, _, err = c.FlexClustersApi.GetFlexCluster(ctx, p, world.ClusterName).Execute()
		wantAPIError(t, err, http.StatusBadRequest, "CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API")
		_, _, err = c.DataFederationApi.GetDataFederation(ctx, p, world.ClusterName).Execute()
		wantAPIError(t, err, http.StatusNotFound, "DATA_LAKE_TENANT_NOT_FOUND_FOR_NAME")
	})

	t.Run("unknown user", func(t *testing.T) {
		arn := "arn:aws:iam::123456789012:role/nobody"
		_, _, err := c.DatabaseUsersApi.GetDatabaseUser(ctx, p, "$external", arn).Execute()
		e := wantAPIError(t, err, http.StatusNotFound, "USERNAME_NOT_FOUND")
		if e.GetDetail() != "No user with username "+arn+" exists." {
			t.Errorf("detail %q", e.GetDetail())
		}
		_, err = c.DatabaseUsersApi.DeleteDatabaseUser(ctx, p, "$external", arn).Execute()
		wantAPIError(t, err, http.StatusNotFound, "USERNAME_NOT_FOUND")
		_, _, err = c.DatabaseUsersApi.UpdateDatabaseUser(ctx, p, "$external", arn, iamUser(arn, "ROLE")).Execute()
		wantAPIError(t, err, http.StatusNotFound, "USERNAME_NOT_FOUND")
	})

	t.Run("IAM ARN validation", func(t *testing.T) {
		for _, tc := range []struct {
			arn, typ string
			ok       bool
		}{
			{"notanarn", "ROLE", false},
			{"arn:aws:iam::123456789012:user/dev", "ROLE", false},
			{"arn:aws:iam::123456789012:role/app", "USER", false},
			{"arn:aws:sts::123456789012:assumed-role/app/session", "ROLE", false},
			{"arn:aws:iam::12345678901:role/app", "ROLE", false},
			{"arn:aws:iam::123456789012:role/", "ROLE", false},
			{"arn:aws:iam::123456789012:role/service-role/lambda-app", "ROLE", true},
			{"arn:aws-us-gov:iam::123456789012:role/gov-app", "ROLE", true},
			{"arn:aws-cn:iam::123456789012:user/team/dev.ops+1@x", "USER", true},
		} {
			_, _, err := c.DatabaseUsersApi.CreateDatabaseUser(ctx, p, iamUser(tc.arn, tc.typ)).Execute()
			if tc.ok {
				if err != nil {
					t.Errorf("%s as %s: %v", tc.arn, tc.typ, err)
				}
				continue
			}
			e := wantAPIError(t, err, http.StatusBadRequest, "ATLAS_INVALID_AWS_IAM_ARN")
			want := "The ARN specified in the username field, " + tc.arn + ", is not valid for AWS IAM type " + tc.typ + "."
			if e.GetDetail() != want {
				t.Errorf("detail %q, want %q", e.GetDetail(), want)
			}
		}
	})

	t.Run("duplicate user", func(t *testing.T) {
		u := iamUser("arn:aws:iam::123456789012:user/dup", "USER")
		if _, _, err := c.DatabaseUsersApi.CreateDatabaseUser(ctx, p, u).Execute(); err != nil {
			t.Fatal(err)
		}
		_, _, err := c.DatabaseUsersApi.CreateDatabaseUser(ctx, p, u).Execute()
		wantAPIError(t, err, http.StatusConflict, "USER_ALREADY_EXISTS")
	})

	t.Run("invalid users", func(t *testing.T) {
		scram := func() *admin.CloudDatabaseUser {
			u := admin.NewCloudDatabaseUser("admin", p, "app-user")
			u.Password = admin.PtrString("correct-horse-battery")
			u.Roles = &[]admin.DatabaseUserRole{{RoleName: "read", DatabaseName: "app"}}
			return u
		}
		tooLate := time.Now().Add(8 * 24 * time.Hour)
		for _, tc := range []struct {
			name   string
			change func(*admin.CloudDatabaseUser)
			status int
			code   string
		}{
			{"no roles", func(u *admin.CloudDatabaseUser) { u.Roles = nil }, 400, "MISSING_ATTRIBUTE"},
			{"empty roles", func(u *admin.CloudDatabaseUser) { u.Roles = &[]admin.DatabaseUserRole{} }, 400, "MISSING_ATTRIBUTE"},
			{"password with $external", func(u *admin.CloudDatabaseUser) {
				*u = *iamUser("arn:aws:iam::123456789012:role/app", "ROLE")
				u.Password = admin.PtrString("correct-horse-battery")
			}, 400, "INVALID_ATTRIBUTE"},
			{"IAM user on admin", func(u *admin.CloudDatabaseUser) {
				*u = *iamUser("arn:aws:iam::123456789012:role/app", "ROLE")
				u.DatabaseName = "admin"
			}, 400, "DATABASE_NAME_INVALID_EXTERNAL"},
			{"SCRAM without password", func(u *admin.CloudDatabaseUser) { u.Password = nil }, 400, "MISSING_ATTRIBUTE"},
			{"short password", func(u *admin.CloudDatabaseUser) { u.Password = admin.PtrString("short") }, 400, "INVALID_ATTRIBUTE"},
			{"deleteAfterDate beyond a week", func(u *admin.CloudDatabaseUser) { u.DeleteAfterDate = &tooLate }, 400, "EXPIRATION_DATE_EXCEEDS_MAX"},
			{"unknown scope cluster", func(u *admin.CloudDatabaseUser) {
				u.Scopes = &[]admin.UserScope{{Name: "Cluster9", Type: "CLUSTER"}}
			}, 400, "INVALID_ATTRIBUTE"},
			{"federated instance as CLUSTER scope", func(u *admin.CloudDatabaseUser) {
				u.Scopes = &[]admin.UserScope{{Name: world.FederatedName, Type: "CLUSTER"}}
			}, 400, "INVALID_ATTRIBUTE"},
			{"bad awsIAMType", func(u *admin.CloudDatabaseUser) { u.AwsIAMType = admin.PtrString("GROUP") }, 400, "INVALID_ENUM_VALUE"},
			{"unknown role", func(u *admin.CloudDatabaseUser) {
				u.Roles = &[]admin.DatabaseUserRole{{RoleName: "superuser", DatabaseName: "admin"}}
			}, 400, "ATLAS_INVALID_ROLE"},
			{"admin-only role elsewhere", func(u *admin.CloudDatabaseUser) {
				u.Roles = &[]admin.DatabaseUserRole{{RoleName: "readAnyDatabase", DatabaseName: "app"}}
			}, 400, "ATLAS_INVALID_ROLE_DATABASE"},
			{"two methods", func(u *admin.CloudDatabaseUser) {
				*u = *iamUser("arn:aws:iam::123456789012:role/app", "ROLE")
				u.X509Type = admin.PtrString("MANAGED")
			}, 400, "ATLAS_INVALID_AUTH_SETTINGS"},
			{"group mismatch", func(u *admin.CloudDatabaseUser) { u.GroupId = "0123456789abcdef01234567" }, 400, "GROUP_MISMATCH"},
		} {
			u := scram()
			tc.change(u)
			_, _, err := c.DatabaseUsersApi.CreateDatabaseUser(ctx, p, u).Execute()
			if e, ok := admin.AsError(err); !ok || e.GetError() != tc.status || e.GetErrorCode() != tc.code {
				t.Errorf("%s: got %v, want %d %s", tc.name, err, tc.status, tc.code)
			}
		}
	})

	t.Run("IAM user while LDAP authorization is on", func(t *testing.T) {
		s.world.SetKnobs(func(k *world.Knobs) { k.LDAPAuthorization = true })
		defer s.world.SetKnobs(func(k *world.Knobs) { k.LDAPAuthorization = false })
		_, _, err := c.DatabaseUsersApi.CreateDatabaseUser(ctx, p, iamUser("arn:aws:iam::123456789012:role/ldap-blocked", "ROLE")).Execute()
		e := wantAPIError(t, err, http.StatusBadRequest, "ATLAS_INVALID_AUTH_SETTINGS")
		if !strings.Contains(e.GetDetail(), "LDAP authorization") {
			t.Errorf("detail %q does not name the cause", e.GetDetail())
		}
		sec, _, err := c.LDAPConfigurationApi.GetUserSecurity(ctx, p).Execute()
		if err != nil || !sec.Ldap.GetAuthorizationEnabled() {
			t.Errorf("userSecurity under the knob: %+v %v", sec, err)
		}
	})

	t.Run("read-only role", func(t *testing.T) {
		s.world.SetKnobs(func(k *world.Knobs) { k.APIKeyRole = world.RoleProjectReadOnly })
		defer s.world.SetKnobs(func(k *world.Knobs) { k.APIKeyRole = world.RoleProjectOwner })
		_, _, err := c.LDAPConfigurationApi.GetUserSecurity(ctx, p).Execute()
		e := wantAPIError(t, err, http.StatusUnauthorized, "USER_UNAUTHORIZED")
		if e.GetDetail() != "Current user is not authorized to perform this action." {
			t.Errorf("detail %q", e.GetDetail())
		}
		_, _, err = c.DatabaseUsersApi.CreateDatabaseUser(ctx, p, iamUser("arn:aws:iam::123456789012:role/ro", "ROLE")).Execute()
		wantAPIError(t, err, http.StatusUnauthorized, "USER_UNAUTHORIZED")
		add := []admin.NetworkPermissionEntry{{IpAddress: admin.PtrString("198.51.100.8")}}
		_, _, err = c.ProjectIPAccessListApi.CreateAccessListEntry(ctx, p, &add).Execute()
		wantAPIError(t, err, http.StatusUnauthorized, "USER_UNAUTHORIZED")
		if _, _, err := c.DatabaseUsersApi.ListDatabaseUsers(ctx, p).Execute(); err != nil {
			t.Errorf("a read-only key must still read users: %v", err)
		}
		st, _, err := c.RootApi.GetSystemStatus(ctx).Execute()
		if err != nil || st.ApiKey.GetRoles()[1].GetRoleName() != world.RoleProjectReadOnly {
			t.Errorf("system status under read-only: %v", err)
		}
	})

	t.Run("API access list", func(t *testing.T) {
		s.world.SetKnobs(func(k *world.Knobs) { k.APIAccessListDeny = true })
		defer s.world.SetKnobs(func(k *world.Knobs) { k.APIAccessListDeny = false })
		_, _, err := c.ProjectsApi.ListGroups(ctx).Execute()
		e := wantAPIError(t, err, http.StatusForbidden, "IP_ADDRESS_NOT_ON_ACCESS_LIST")
		if e.GetDetail() != "IP address 127.0.0.1 is not allowed to access this resource." || len(e.GetParameters()) != 1 || e.GetParameters()[0] != "127.0.0.1" {
			t.Errorf("detail %q params %v", e.GetDetail(), e.GetParameters())
		}
		// The token endpoint still answers; using the token is what is refused.
		oc := s.oauthClient(t)
		_, _, err = oc.ProjectsApi.ListGroups(ctx).Execute()
		wantAPIError(t, err, http.StatusForbidden, "IP_ADDRESS_NOT_ON_ACCESS_LIST")
		if n := countRequests(s.world, "/api/oauth/token", http.StatusOK); n != 1 {
			t.Errorf("%d successful token requests, want 1", n)
		}
	})

	t.Run("rate limit", func(t *testing.T) {
		s.world.SetKnobs(func(k *world.Knobs) { k.RateLimit = 3 })
		defer s.world.SetKnobs(func(k *world.Knobs) { k.RateLimit = 0 })
		oc := s.oauthClient(t) // counting starts when the knob is set
		var err error
		var resp *http.Response
		for i := 0; i < 4 && err == nil; i++ {
			_, resp, err = oc.ProjectsApi.ListGroups(ctx).Execute()
		}
		e := wantAPIError(t, err, http.StatusTooManyRequests, "RATE_LIMITED")
		if secs, convErr := strconv.Atoi(resp.Header.Get("Retry-After")); convErr != nil || secs < 1 || secs > 60 {
			t.Errorf("Retry-After %q", resp.Header.Get("Retry-After"))
		}
		if resp.Header.Get("Ratelimit-Limit") != "3" || resp.Header.Get("Ratelimit-Remaining") != "0" {
			t.Errorf("rate-limit headers %v", resp.Header)
		}
		if !strings.Contains(e.GetDetail(), "limited to 3 requests every 1 minutes") {
			t.Errorf("detail %q", e.GetDetail())
		}
	})
}

func countRequests(w *world.World, path string, status int) int {
	n := 0
	for _, r := range w.APIRequests() {
		if r.Path == path && r.Status == status {
			n++
		}
	}
	return n
}

// An Accept version the operation does not serve is 406 INVALID_VERSION_DATE (our
// choice; notes §11.4); a generic Accept gets the operation's version, named in
// the Content-Type.
func TestVersionNegotiation(t *testing.T) {
	s := newSandbox(t, world.Options{})
	sa := s.world.ServiceAccount()
	tok, err := s.world.IssueToken(sa.ClientID, sa.Secret, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	users := s.srv.URL + "/api/atlas/v2/groups/" + s.project + "/databaseUsers"
	clusters := s.srv.URL + "/api/atlas/v2/groups/" + s.project + "/clusters"
	for _, tc := range []struct {
		target, accept string
		status         int
		contentType    string
	}{
		{users, "application/vnd.atlas.2023-01-01+json", 200, "application/vnd.atlas.2023-01-01+json;charset=utf-8"},
		{users, "application/vnd.atlas.2024-08-05+json", 406, "application/json"},
		{clusters, "application/vnd.atlas.2023-02-01+json", 406, "application/json"},
		{clusters, "application/vnd.atlas.2024-08-05+json", 200, "application/vnd.atlas.2024-08-05+json;charset=utf-8"},
		{users, "application/json", 200, "application/vnd.atlas.2023-01-01+json;charset=utf-8"},
		{users, "", 200, "application/vnd.atlas.2023-01-01+json;charset=utf-8"},
		{clusters, "*/*", 200, "application/vnd.atlas.2024-08-05+json;charset=utf-8"},
		{users, "text/html", 406, "application/json"},
	} {
		hdr := http.Header{"Authorization": {"Bearer " + tok}}
		if tc.accept != "" {
			hdr.Set("Accept", tc.accept)
		}
		code, h, body := rawDo(t, http.DefaultClient, "GET", tc.target, hdr, nil)
		if code != tc.status || h.Get("Content-Type") != tc.contentType {
			t.Errorf("Accept %q: %d %q %s", tc.accept, code, h.Get("Content-Type"), body)
		}
		if code == 406 && h.Get("X-Error-Code") != "INVALID_VERSION_DATE" {
			t.Errorf("Accept %q: X-Error-Code %q", tc.accept, h.Get("X-Error-Code"))
		}
	}
}
