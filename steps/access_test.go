package steps

import (
	"testing"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/atlas"
)

func TestDescribeCustomRole(t *testing.T) {
	for _, tc := range []struct {
		role admin.UserCustomDBRole
		want string
	}{
		{admin.UserCustomDBRole{RoleName: "empty"}, "custom role"},
		{admin.UserCustomDBRole{RoleName: "ordersReader", Actions: &[]admin.DatabasePrivilegeAction{
			{Action: "FIND", Resources: &[]admin.DatabasePermittedNamespaceResource{{Db: "app", Collection: "orders"}}},
		}}, "FIND on app.orders"},
		{admin.UserCustomDBRole{RoleName: "w", Actions: &[]admin.DatabasePrivilegeAction{
			{Action: "INSERT", Resources: &[]admin.DatabasePermittedNamespaceResource{{Db: "app"}, {Cluster: true}}},
		}, InheritedRoles: &[]admin.DatabaseInheritedRole{{Role: "read", Db: "app"}}}, "INSERT on app.*, cluster; inherits read@app"},
	} {
		if got := describeCustomRole(tc.role); got != tc.want {
			t.Errorf("describeCustomRole(%s) = %q, want %q", tc.role.RoleName, got, tc.want)
		}
	}
}

func TestDescribeKeyRoles(t *testing.T) {
	got := describeKeyRoles([]atlas.RoleAssignment{
		{OrgID: "o", RoleName: "ORG_READ_ONLY"},
		{GroupID: "p1", RoleName: "GROUP_OWNER"},
		{GroupID: "p2", RoleName: "GROUP_OWNER"},
		{GroupID: "p3", RoleName: "GROUP_READ_ONLY"},
	})
	if want := "ORG_READ_ONLY (organisation), GROUP_OWNER on 2 projects, GROUP_READ_ONLY on 1 project"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
