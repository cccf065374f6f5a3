package connect

import (
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

func TestAtlasCLICommand(t *testing.T) {
	role := func(name, db, coll string) admin.DatabaseUserRole {
		r := admin.DatabaseUserRole{RoleName: name, DatabaseName: db}
		if coll != "" {
			r.CollectionName = admin.PtrString(coll)
		}
		return r
	}
	user := func(arn, iamType string, roles []admin.DatabaseUserRole, scopes []admin.UserScope) admin.CloudDatabaseUser {
		u := *admin.NewCloudDatabaseUser("$external", "65a1b2c30000000000000001", arn)
		u.AwsIAMType = admin.PtrString(iamType)
		u.Roles = &roles
		if scopes != nil {
			u.Scopes = &scopes
		}
		return u
	}
	temp := user("arn:aws:iam::123456789012:user/dev", "USER", []admin.DatabaseUserRole{role("read", "app", "")}, nil)
	temp.DeleteAfterDate = admin.PtrTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600)))
	temp.Description = admin.PtrString("atlas-iam check from dev's laptop")

	tests := []struct {
		name string
		u    admin.CloudDatabaseUser
		want string
	}{
		{"role scoped to a cluster",
			user("arn:aws:iam::123456789012:role/app", "ROLE", []admin.DatabaseUserRole{role("readWrite", "app", ""), role("read", "app", "orders")},
				[]admin.UserScope{{Name: "Cluster0", Type: "CLUSTER"}, {Name: "FederatedDatabaseInstance0", Type: "DATA_LAKE"}}),
			"atlas dbusers create --username arn:aws:iam::123456789012:role/app --awsIAMType ROLE --role readWrite@app --role read@app.orders" +
				" --scope Cluster0 --scope FederatedDatabaseInstance0:DATA_LAKE --projectId 65a1b2c30000000000000001"},
		{"temporary user", temp,
			"atlas dbusers create --username arn:aws:iam::123456789012:user/dev --awsIAMType USER --role read@app" +
				` --description 'atlas-iam check from dev'\''s laptop' --deleteAfter 2026-01-02T02:04:05Z --projectId 65a1b2c30000000000000001`},
	}
	for _, tc := range tests {
		got, err := AtlasCLICommand(tc.u)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.name, got, tc.want)
		}
	}

	bad := map[string]admin.CloudDatabaseUser{
		"not an IAM user": user("app-user", "NONE", []admin.DatabaseUserRole{role("read", "app", "")}, nil),
		"no role":         user("arn:aws:iam::123456789012:role/app", "ROLE", nil, nil),
	}
	withPassword := user("arn:aws:iam::123456789012:role/app", "ROLE", []admin.DatabaseUserRole{role("read", "app", "")}, nil)
	withPassword.Password = admin.PtrString("hunter2")
	bad["password"] = withPassword
	for name, u := range bad {
		if got, err := AtlasCLICommand(u); err == nil {
			t.Errorf("%s: got %s, want an error", name, got)
		}
	}
}
