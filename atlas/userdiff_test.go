package atlas

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

func role(name, db string) admin.DatabaseUserRole {
	return admin.DatabaseUserRole{RoleName: name, DatabaseName: db}
}

func TestRolesEqualIgnoresOrderAndDuplicates(t *testing.T) {
	a := []admin.DatabaseUserRole{role("read", "a"), role("readWrite", "b")}
	b := []admin.DatabaseUserRole{role("readWrite", "b"), role("read", "a"), role("read", "a")}
	if !RolesEqual(a, b) {
		t.Error("same roles in another order compare unequal")
	}
	coll := role("read", "a")
	coll.CollectionName = admin.PtrString("c")
	if RolesEqual(a, []admin.DatabaseUserRole{coll, role("readWrite", "b")}) {
		t.Error("a collection-scoped role equals a database-wide one")
	}
	empty := role("read", "a")
	empty.CollectionName = admin.PtrString("")
	if !RolesEqual([]admin.DatabaseUserRole{empty}, []admin.DatabaseUserRole{role("read", "a")}) {
		t.Error(`collectionName "" and absent differ`)
	}
}

func TestDiffUser(t *testing.T) {
	del := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	have := NewIAMUser("p", "arn:aws:iam::123456789012:role/app", IAMRole,
		[]admin.DatabaseUserRole{role("read", "admin"), role("readWrite", "app")},
		Scopes("Cluster0", KindCluster), nil, "old")
	want := NewIAMUser("p", "arn:aws:iam::123456789012:role/app", IAMRole,
		[]admin.DatabaseUserRole{role("readWrite", "app"), role("dbAdmin", "app")},
		nil, &del, "old")
	d := DiffUser(have, want)
	got := strings.Join(d.Lines(), "\n")
	wantLines := strings.Join([]string{
		"+ role dbAdmin@app",
		"- role read@admin",
		"- scope Cluster0:CLUSTER",
		`~ deleteAfterDate "" → "2030-01-02T03:04:05Z"`,
	}, "\n")
	if got != wantLines {
		t.Errorf("diff:\n%s\nwant:\n%s", got, wantLines)
	}
	if d.Empty() {
		t.Error("Empty() = true")
	}
	// What the server returns for what we sent (awsIAMType echoed, scopes []) is no change.
	echo := want
	echo.Scopes = nil
	echo.Links = &[]admin.Link{{Href: admin.PtrString("x")}}
	if d := DiffUser(echo, want); !d.Empty() {
		t.Errorf("server echo differs: %v", d.Lines())
	}
}

func TestScopes(t *testing.T) {
	if s := Scopes("Cluster0", KindCluster); len(s) != 1 || s[0].Type != "CLUSTER" {
		t.Errorf("cluster: %v", s)
	}
	if s := Scopes("Flex0", KindFlex); len(s) != 1 || s[0].Type != "CLUSTER" {
		t.Errorf("flex: %v", s)
	}
	if s := Scopes("Fed0", KindFederated); len(s) != 1 || s[0].Type != "DATA_LAKE" {
		t.Errorf("federated: %v", s)
	}
	if s := Scopes("", KindCluster); s != nil {
		t.Errorf("no name: %v", s)
	}
}

// The JSON sent to Atlas for an IAM user: $external, the IAM type, other types
// NONE, no password, scopes as [] (all deployments) so an update clears them.
func TestNewIAMUserJSON(t *testing.T) {
	del := time.Date(2030, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	u := NewIAMUser("proj1", "arn:aws:iam::123456789012:user/alice", IAMUser, []admin.DatabaseUserRole{role("read", "admin")}, nil, &del, "made by atlas-iam")
	b, err := json.Marshal(u)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"username": "arn:aws:iam::123456789012:user/alice", "databaseName": "$external", "groupId": "proj1",
		"awsIAMType": "USER", "ldapAuthType": "NONE", "x509Type": "NONE", "oidcAuthType": "NONE",
		"description": "made by atlas-iam", "deleteAfterDate": "2030-01-02T02:04:05Z",
	}
	for k, v := range want {
		if m[k] != v {
			t.Errorf("%s = %v, want %v", k, m[k], v)
		}
	}
	if s, ok := m["scopes"].([]any); !ok || len(s) != 0 {
		t.Errorf("scopes = %v, want []", m["scopes"])
	}
	if _, ok := m["password"]; ok {
		t.Error("password present")
	}
}
