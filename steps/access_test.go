package steps

import (
	"testing"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
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
