package atlasapi

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// A new user is PENDING on the clusters it reaches until the deploy delay has
// passed, then APPLIED; a cluster outside its scopes never waits for it.
func TestCreatedUserDeploysAfterDelay(t *testing.T) {
	const delay = 300 * time.Millisecond
	ctx := context.Background()
	s := newSandbox(t, world.Options{Knobs: world.Knobs{DeployDelay: delay}})
	c := s.oauthClient(t)
	p := s.project

	u := admin.NewCloudDatabaseUser("$external", p, "arn:aws:iam::123456789012:role/app")
	u.AwsIAMType = admin.PtrString("ROLE")
	u.Roles = &[]admin.DatabaseUserRole{{RoleName: "readWrite", DatabaseName: "app"}}
	start := time.Now()
	if _, _, err := c.DatabaseUsersApi.CreateDatabaseUser(ctx, p, u).Execute(); err != nil {
		t.Fatal(err)
	}
	status := func() string {
		st, _, err := c.ClustersApi.GetClusterStatus(ctx, p, world.ClusterName).Execute()
		if err != nil {
			t.Fatal(err)
		}
		return st.GetChangeStatus()
	}
	if got := status(); got != "PENDING" {
		t.Fatalf("right after create: %s, want PENDING", got)
	}
	for status() == "PENDING" {
		if time.Since(start) > 10*delay {
			t.Fatal("still PENDING long after the deploy delay")
		}
		time.Sleep(delay / 10)
	}
	if waited := time.Since(start); waited < delay {
		t.Fatalf("APPLIED after %v, before the %v deploy delay", waited, delay)
	}

	// A user scoped to the flex cluster does not hold Cluster0's status.
	flexOnly := admin.NewCloudDatabaseUser("$external", p, "arn:aws:iam::123456789012:user/flex-dev")
	flexOnly.AwsIAMType = admin.PtrString("USER")
	flexOnly.Roles = &[]admin.DatabaseUserRole{{RoleName: "read", DatabaseName: "app"}}
	flexOnly.Scopes = &[]admin.UserScope{{Name: world.FlexName, Type: "CLUSTER"}}
	if _, _, err := c.DatabaseUsersApi.CreateDatabaseUser(ctx, p, flexOnly).Execute(); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != "APPLIED" {
		t.Fatalf("Cluster0 after a flex-only user: %s, want APPLIED", got)
	}
}

// An added access-list entry is PENDING, then ACTIVE.
func TestAccessListEntryActivates(t *testing.T) {
	const delay = 200 * time.Millisecond
	ctx := context.Background()
	s := newSandbox(t, world.Options{Knobs: world.Knobs{DeployDelay: delay}})
	c := s.digestClient(t)
	add := []admin.NetworkPermissionEntry{{CidrBlock: admin.PtrString("192.0.2.0/24")}}
	if _, _, err := c.ProjectIPAccessListApi.CreateAccessListEntry(ctx, s.project, &add).Execute(); err != nil {
		t.Fatal(err)
	}
	st, _, err := c.ProjectIPAccessListApi.GetAccessListStatus(ctx, s.project, "192.0.2.0/24").Execute()
	if err != nil || st.STATUS != "PENDING" {
		t.Fatalf("right after adding: %+v %v", st, err)
	}
	time.Sleep(delay + 50*time.Millisecond)
	st, _, err = c.ProjectIPAccessListApi.GetAccessListStatus(ctx, s.project, "192.0.2.0/24").Execute()
	if err != nil || st.STATUS != "ACTIVE" {
		t.Fatalf("after the delay: %+v %v", st, err)
	}
}
