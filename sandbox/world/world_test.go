package world

import (
	"net"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

// fakeClock is a settable clock for deployment timing.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func iamUser(arn, typ string) admin.CloudDatabaseUser {
	u := *admin.NewCloudDatabaseUser("$external", "", arn)
	u.AwsIAMType = admin.PtrString(typ)
	u.Roles = &[]admin.DatabaseUserRole{{RoleName: "readWrite", DatabaseName: "app"}}
	return u
}

func TestUserIsServedOnlyAfterDeployDelay(t *testing.T) {
	clk := &fakeClock{time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	w := New(Options{Knobs: Knobs{DeployDelay: 2 * time.Second}, Clock: clk.now})
	p := w.PrimaryProject().ID
	if _, err := w.CreateDBUser(p, iamUser(roleARN("/", RoleApp), "ROLE")); err != nil {
		t.Fatal(err)
	}
	if got := w.ClusterChangeStatus(p, ClusterName); got != "PENDING" {
		t.Fatalf("status right after create = %s, want PENDING", got)
	}
	simplified := "arn:aws:sts::123456789012:assumed-role/app/*"
	if m := w.MatchPrincipal(p, ClusterName, simplified); m.User != nil || !strings.Contains(m.Reason, "not deployed yet") {
		t.Fatalf("before deployment: %+v", m)
	}
	clk.t = clk.t.Add(2 * time.Second)
	if got := w.ClusterChangeStatus(p, ClusterName); got != "APPLIED" {
		t.Fatalf("status after delay = %s, want APPLIED", got)
	}
	if m := w.MatchPrincipal(p, ClusterName, simplified); m.User == nil {
		t.Fatalf("after deployment: %+v", m)
	}
	if _, err := w.CreateDBUser(p, iamUser(roleARN("/", RoleApp), "ROLE")); err == nil {
		t.Fatal("duplicate create succeeded")
	}
}

func TestPathRoleNeverMatches(t *testing.T) {
	w := New(Options{})
	p := w.PrimaryProject().ID
	w.CreateDBUser(p, iamUser(roleARN("/service-role/", RoleLambda), "ROLE"))
	m := w.MatchPrincipal(p, ClusterName, "arn:aws:sts::123456789012:assumed-role/lambda-app/*")
	if m.User != nil || !strings.Contains(m.Reason, "role path") {
		t.Fatalf("path role matched or was not explained: %+v", m)
	}
}

func TestScopesLimitDeployments(t *testing.T) {
	w := New(Options{})
	p := w.PrimaryProject().ID
	u := iamUser(userARN("/", UserDev), "USER")
	u.Scopes = &[]admin.UserScope{{Name: ClusterName, Type: "CLUSTER"}}
	w.CreateDBUser(p, u)
	if m := w.MatchPrincipal(p, ClusterName, u.Username); m.User == nil {
		t.Fatalf("scoped cluster: %+v", m)
	}
	if m := w.MatchPrincipal(p, FlexName, u.Username); m.User != nil || !strings.Contains(m.Reason, "scoped") {
		t.Fatalf("other cluster: %+v", m)
	}
}

func TestStuckPendingNeverApplies(t *testing.T) {
	clk := &fakeClock{time.Now()}
	w := New(Options{Knobs: Knobs{StuckPending: true}, Clock: clk.now})
	p := w.PrimaryProject().ID
	w.CreateDBUser(p, iamUser(userARN("/", UserDev), "USER"))
	clk.t = clk.t.Add(24 * time.Hour)
	if got := w.ClusterChangeStatus(p, ClusterName); got != "PENDING" {
		t.Fatalf("status = %s, want PENDING forever", got)
	}
}

func TestTemporaryUserExpires(t *testing.T) {
	clk := &fakeClock{time.Now()}
	w := New(Options{Clock: clk.now})
	p := w.PrimaryProject().ID
	u := iamUser(userARN("/", UserDev), "USER")
	end := clk.t.Add(time.Hour)
	u.DeleteAfterDate = &end
	w.CreateDBUser(p, u)
	clk.t = clk.t.Add(2 * time.Hour)
	if _, ok := w.DBUser(p, "$external", u.Username); ok {
		t.Fatal("temporary user still exists after deleteAfterDate")
	}
}

func TestTrustPolicies(t *testing.T) {
	w := New(Options{})
	dev := userARN("/", UserDev)
	for _, tc := range []struct {
		role  string
		p     Principal
		ok    bool
		label string
	}{
		{roleARN("/", RoleApp), Principal{"AWS", dev}, true, "dev → app"},
		{roleARN("/service-role/", RoleLambda), Principal{"AWS", dev}, false, "dev → lambda-app"},
		{roleARN("/service-role/", RoleLambda), Principal{"Service", "lambda.amazonaws.com"}, true, "lambda → lambda-app"},
		{roleARN("/", RoleApp), Principal{"Service", "lambda.amazonaws.com"}, false, "lambda → app"},
		{roleARN("/", RoleApp), Principal{"Service", "ecs-tasks.amazonaws.com"}, true, "ecs → app"},
	} {
		_, err := w.AssumeRole(AssumeRoleRequest{RoleARN: tc.role, SessionName: "s1", Principal: tc.p, Action: "sts:AssumeRole"})
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok=%v", tc.label, err, tc.ok)
		}
	}
	irsa := roleARN("/eks/", RoleIRSA)
	ctx := map[string]string{OIDCIssuerHost + ":aud": AudienceIRSA, OIDCIssuerHost + ":sub": "system:serviceaccount:default:app"}
	if _, err := w.AssumeRole(AssumeRoleRequest{RoleARN: irsa, SessionName: "s1", Principal: Principal{"Federated", OIDCProviderARN()}, Action: "sts:AssumeRoleWithWebIdentity", Context: ctx}); err != nil {
		t.Errorf("IRSA: %v", err)
	}
	ctx[OIDCIssuerHost+":sub"] = "system:serviceaccount:default:other"
	if _, err := w.AssumeRole(AssumeRoleRequest{RoleARN: irsa, SessionName: "s1", Principal: Principal{"Federated", OIDCProviderARN()}, Action: "sts:AssumeRoleWithWebIdentity", Context: ctx}); err == nil {
		t.Error("IRSA with another service account was allowed")
	}
}

func TestSecretsCarryEscapingCharacters(t *testing.T) {
	w := New(Options{})
	k, _ := w.UserCredentials(UserDev)
	if !strings.ContainsAny(k.SecretAccessKey, "/") || !strings.Contains(k.SecretAccessKey, "+") || !strings.HasPrefix(k.AccessKeyID, "AKIA") {
		t.Fatalf("key %s secret has no / or +", k.AccessKeyID)
	}
	c, err := w.ServiceSession("ec2.amazonaws.com", RoleApp, EC2InstanceID)
	if err != nil || !strings.HasSuffix(c.SessionToken, "=") || !strings.HasPrefix(c.AccessKeyID, "ASIA") {
		t.Fatalf("session %+v err %v", c.AccessKeyID, err)
	}
	again, _ := w.ServiceSession("ec2.amazonaws.com", RoleApp, EC2InstanceID)
	if again.AccessKeyID != c.AccessKeyID {
		t.Fatal("service session was not reused")
	}
}

func TestAccessList(t *testing.T) {
	w := New(Options{NetworkBlocked: true})
	p := w.PrimaryProject().ID
	lo := net.ParseIP("127.0.0.1")
	if w.AccessAllowed(p, lo) {
		t.Fatal("blocked network allows loopback")
	}
	w.AddAccessListEntries(p, []admin.NetworkPermissionEntry{{CidrBlock: admin.PtrString("127.0.0.1/32")}})
	if !w.AccessAllowed(p, lo) {
		t.Fatal("entry with zero deploy delay is not active")
	}
}
