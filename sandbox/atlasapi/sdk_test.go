package atlasapi

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// Every operation of notes/atlas-api.md §2 (plus customDBRoles) through the real
// SDK, once with the API key (digest) and once with the service account (OAuth).
// The spec checker validates every response on the way, challenges included.
func TestEveryOperationThroughSDK(t *testing.T) {
	for _, tc := range []struct {
		name   string
		client func(*sandbox, *testing.T) *admin.APIClient
		who    func(*world.World) string
	}{
		{"digest", (*sandbox).digestClient, func(w *world.World) string { return w.APIKey().PublicKey }},
		{"service account", (*sandbox).oauthClient, func(w *world.World) string { return w.ServiceAccount().ClientID }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSandbox(t, world.Options{})
			everyOperation(t, s, tc.client(s, t))
			for _, op := range []string{
				"getSystemStatus", "listOrgs", "listGroups", "getOrgGroups", "getGroup", "getGroupByName",
				"getUserSecurity", "updateUserSecurity", "listCustomDbRoles",
				"listDatabaseUsers", "createDatabaseUser", "getDatabaseUser", "updateDatabaseUser", "deleteDatabaseUser",
				"listClusters", "getCluster", "getClusterStatus", "listFlexClusters", "getFlexCluster",
				"listDataFederation", "getDataFederation",
				"listAccessListEntries", "createAccessListEntry", "getAccessListEntry", "getAccessListStatus", "deleteAccessListEntry",
			} {
				ok := 0
				for _, st := range []int{200, 201, 202, 204} {
					ok += s.checker.answered(op, st)
				}
				if ok == 0 {
					t.Errorf("%s never answered successfully", op)
				}
			}
			if http.DefaultClient.Transport != nil {
				t.Error("the SDK's OAuth setup replaced http.DefaultClient's transport")
			}
			if tc.name == "digest" && s.checker.answered("getSystemStatus", http.StatusUnauthorized) == 0 {
				t.Error("no digest challenge was validated")
			}
			who := tc.who(s.world)
			var writes int
			for _, r := range s.world.APIRequests() {
				if r.Write() && r.Principal == who && r.Status < 300 {
					writes++
				}
			}
			if writes != 6 { // PATCH userSecurity, POST/PATCH/DELETE user, POST/DELETE access list
				t.Errorf("request log holds %d successful writes by %s, want 6", writes, who)
			}
		})
	}
}

func everyOperation(t *testing.T, s *sandbox, c *admin.APIClient) {
	ctx := context.Background()
	w, p := s.world, s.project
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	st, _, err := c.RootApi.GetSystemStatus(ctx).Execute()
	must("GetSystemStatus", err)
	if !slices.ContainsFunc(st.ApiKey.GetRoles(), func(r admin.CloudAccessRoleAssignment) bool {
		return r.GetGroupId() == p && r.GetRoleName() == world.RoleProjectOwner
	}) {
		t.Errorf("system status roles %+v lack GROUP_OWNER on %s", st.ApiKey.GetRoles(), p)
	}

	orgs, _, err := c.OrganizationsApi.ListOrgs(ctx).Name("sandbox").Execute()
	must("ListOrgs", err)
	if orgs.GetTotalCount() != 1 || orgs.GetResults()[0].GetId() != w.Org().ID {
		t.Errorf("ListOrgs = %+v", orgs)
	}
	groups, _, err := c.ProjectsApi.ListGroups(ctx).Execute()
	must("ListGroups", err)
	if groups.GetTotalCount() != 1 || groups.GetResults()[0].GetClusterCount() != 2 {
		t.Errorf("ListGroups = %+v", groups)
	}
	og, _, err := c.OrganizationsApi.GetOrgGroups(ctx, w.Org().ID).Name("SANDBOX").Execute()
	must("GetOrgGroups", err)
	if og.GetTotalCount() != 1 {
		t.Errorf("GetOrgGroups by case-insensitive prefix = %+v", og)
	}
	g, _, err := c.ProjectsApi.GetGroup(ctx, p).Execute()
	must("GetGroup", err)
	byName, _, err := c.ProjectsApi.GetGroupByName(ctx, g.Name).Execute()
	must("GetGroupByName", err)
	if byName.GetId() != p {
		t.Errorf("GetGroupByName id = %s, want %s", byName.GetId(), p)
	}

	sec, _, err := c.LDAPConfigurationApi.GetUserSecurity(ctx, p).Execute()
	must("GetUserSecurity", err)
	if sec.Ldap == nil || sec.Ldap.GetAuthorizationEnabled() {
		t.Errorf("GetUserSecurity ldap = %+v, want authorization off", sec.Ldap)
	}
	patch := admin.UserSecurity{Ldap: &admin.LDAPSecuritySettings{
		AuthenticationEnabled: admin.PtrBool(true), Hostname: admin.PtrString("ldap.example.com"),
		BindUsername: admin.PtrString("CN=bind,DC=example,DC=com"), BindPassword: admin.PtrString("bind-secret-1"),
	}}
	upd, resp, err := c.LDAPConfigurationApi.UpdateUserSecurity(ctx, p, &patch).Execute()
	must("UpdateUserSecurity", err)
	if resp.StatusCode != http.StatusAccepted || !upd.Ldap.GetAuthenticationEnabled() || upd.Ldap.GetAuthorizationEnabled() || upd.Ldap.BindPassword != nil {
		t.Errorf("UpdateUserSecurity = %d %+v", resp.StatusCode, upd.Ldap)
	}

	roles, _, err := c.CustomDatabaseRolesApi.ListCustomDbRoles(ctx, p).Execute()
	must("ListCustomDbRoles", err)
	if len(roles) != 2 || roles[0].RoleName != "ordersReader" {
		t.Errorf("ListCustomDbRoles = %+v", roles)
	}

	users, _, err := c.DatabaseUsersApi.ListDatabaseUsers(ctx, p).Execute()
	must("ListDatabaseUsers", err)
	if users.GetTotalCount() != 0 {
		t.Errorf("fresh project has %d users", users.GetTotalCount())
	}
	arn := "arn:aws:iam::123456789012:role/app"
	nu := admin.NewCloudDatabaseUser("$external", p, arn)
	nu.AwsIAMType = admin.PtrString("ROLE")
	nu.Roles = &[]admin.DatabaseUserRole{{RoleName: "readWrite", DatabaseName: "app"}, {RoleName: "ordersReader", DatabaseName: "admin"}}
	created, resp, err := c.DatabaseUsersApi.CreateDatabaseUser(ctx, p, nu).Execute()
	must("CreateDatabaseUser", err)
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("CreateDatabaseUser status %d", resp.StatusCode)
	}
	raw := createdJSON(t, created)
	for _, want := range []string{`"labels":[]`, `"scopes":[]`, `"x509Type":"NONE"`, `"ldapAuthType":"NONE"`, `"oidcAuthType":"NONE"`, `"groupId":"` + p + `"`, `/databaseUsers/$external/arn:aws:iam::123456789012:role%2Fapp"`} {
		if !strings.Contains(raw, want) {
			t.Errorf("created user %s lacks %s", raw, want)
		}
	}
	got, _, err := c.DatabaseUsersApi.GetDatabaseUser(ctx, p, "$external", arn).Execute()
	must("GetDatabaseUser (ARN with %2F)", err)
	if got.Username != arn || got.GetAwsIAMType() != "ROLE" {
		t.Errorf("GetDatabaseUser = %+v", got)
	}
	got.Roles = &[]admin.DatabaseUserRole{{RoleName: "read", DatabaseName: "app"}}
	got.Scopes = &[]admin.UserScope{{Name: world.ClusterName, Type: "CLUSTER"}}
	updated, _, err := c.DatabaseUsersApi.UpdateDatabaseUser(ctx, p, "$external", arn, got).Execute()
	must("UpdateDatabaseUser", err)
	if len(updated.GetRoles()) != 1 || len(updated.GetScopes()) != 1 {
		t.Errorf("UpdateDatabaseUser = %+v", updated)
	}

	clusters, _, err := c.ClustersApi.ListClusters(ctx, p).Execute()
	must("ListClusters", err)
	if clusters.GetTotalCount() != 1 {
		t.Errorf("ListClusters count %d, want 1 (flex is not listed)", clusters.GetTotalCount())
	}
	cl, _, err := c.ClustersApi.GetCluster(ctx, p, world.ClusterName).Execute()
	must("GetCluster", err)
	cs := cl.GetConnectionStrings()
	if cs.GetStandard() != "mongodb://"+cluster0Addr+"/?authSource=admin" || cs.StandardSrv != nil || cl.GetStateName() != "IDLE" {
		t.Errorf("GetCluster connection strings %+v state %s", cs, cl.GetStateName())
	}
	status, _, err := c.ClustersApi.GetClusterStatus(ctx, p, world.ClusterName).Execute()
	must("GetClusterStatus", err)
	if status.GetChangeStatus() != "APPLIED" { // DeployDelay 0
		t.Errorf("changeStatus %s", status.GetChangeStatus())
	}
	flexes, _, err := c.FlexClustersApi.ListFlexClusters(ctx, p).Execute()
	must("ListFlexClusters", err)
	if flexes.GetTotalCount() != 1 {
		t.Errorf("ListFlexClusters = %+v", flexes)
	}
	flex, _, err := c.FlexClustersApi.GetFlexCluster(ctx, p, world.FlexName).Execute()
	must("GetFlexCluster", err)
	if flex.ConnectionStrings.GetStandard() != "mongodb://"+flexAddr+"/?authSource=admin" {
		t.Errorf("flex connection string %q", flex.ConnectionStrings.GetStandard())
	}
	tenants, _, err := c.DataFederationApi.ListDataFederation(ctx, p).Type_("USER").Execute()
	must("ListDataFederation", err)
	if len(tenants) != 1 || tenants[0].GetHostnames()[0] != federatedAddr {
		t.Errorf("ListDataFederation = %+v", tenants)
	}
	tenant, _, err := c.DataFederationApi.GetDataFederation(ctx, p, world.FederatedName).Execute()
	must("GetDataFederation", err)
	if tenant.GetState() != "ACTIVE" {
		t.Errorf("tenant state %s", tenant.GetState())
	}

	list, _, err := c.ProjectIPAccessListApi.ListAccessListEntries(ctx, p).Execute()
	must("ListAccessListEntries", err)
	if list.GetTotalCount() != 2 {
		t.Errorf("access list has %d entries, want 2", list.GetTotalCount())
	}
	add := []admin.NetworkPermissionEntry{{IpAddress: admin.PtrString("198.51.100.7"), Comment: admin.PtrString("CI runner")}}
	whole, _, err := c.ProjectIPAccessListApi.CreateAccessListEntry(ctx, p, &add).Execute()
	must("CreateAccessListEntry", err)
	if whole.GetTotalCount() != 3 {
		t.Errorf("after adding, the answer lists %d entries, want the whole list of 3", whole.GetTotalCount())
	}
	entry, _, err := c.ProjectIPAccessListApi.GetAccessListEntry(ctx, p, "198.51.100.7/32").Execute()
	must("GetAccessListEntry", err)
	if entry.GetCidrBlock() != "198.51.100.7/32" || entry.GetIpAddress() != "198.51.100.7" {
		t.Errorf("entry %+v", entry)
	}
	es, _, err := c.ProjectIPAccessListApi.GetAccessListStatus(ctx, p, "198.51.100.7").Execute()
	must("GetAccessListStatus", err)
	if es.STATUS != "ACTIVE" {
		t.Errorf("entry status %s", es.STATUS)
	}
	resp, err = c.ProjectIPAccessListApi.DeleteAccessListEntry(ctx, p, "198.51.100.7/32").Execute()
	must("DeleteAccessListEntry", err)
	if resp.StatusCode != http.StatusNoContent {
		t.Errorf("DeleteAccessListEntry status %d", resp.StatusCode)
	}

	resp, err = c.DatabaseUsersApi.DeleteDatabaseUser(ctx, p, "$external", arn).Execute()
	must("DeleteDatabaseUser", err)
	if resp.StatusCode != http.StatusNoContent || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/vnd.atlas.2023-01-01+json") {
		t.Errorf("DeleteDatabaseUser %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	// The private IP lookup, with the same authenticated HTTP client.
	code, hdr, body := rawDo(t, c.GetConfig().HTTPClient, "GET", s.srv.URL+"/api/private/ipinfo", nil, nil)
	var ip struct {
		CurrentIpv4Address string `json:"currentIpv4Address"`
	}
	if code != 200 || json.Unmarshal(body, &ip) != nil || ip.CurrentIpv4Address != "127.0.0.1" || hdr.Get("Content-Type") != "application/json" {
		t.Errorf("ipinfo = %d %s", code, body)
	}
}

func createdJSON(t *testing.T, u *admin.CloudDatabaseUser) string {
	t.Helper()
	b, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
