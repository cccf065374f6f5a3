package awsenv

import (
	"net/url"
	"reflect"
	"testing"
)

func TestTrustPolicyForms(t *testing.T) {
	ec2 := platformMatcher(EC2)
	ecs := platformMatcher(ECS)
	irsa := platformMatcher(EKS)
	pod := platformMatcher(EKSPodIdentity)
	tests := []struct {
		name      string
		doc       string
		ec2, ecs  bool
		irsa, pod bool
		trustedBy []string
	}{
		{"single statement object, string principal",
			`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}`,
			true, false, false, false, []string{"Service ec2.amazonaws.com"}},
		{"list of services, URL-encoded",
			url.PathEscape(`{"Statement":[{"Effect":"Allow","Principal":{"Service":["ecs-tasks.amazonaws.com","ec2.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}`),
			true, true, false, false, []string{"Service ec2.amazonaws.com", "Service ecs-tasks.amazonaws.com"}},
		{"china service principal",
			`{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com.cn"},"Action":"sts:AssumeRole"}]}`,
			true, false, false, false, []string{"Service ec2.amazonaws.com.cn"}},
		{"IRSA federated principal",
			`{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"x:aud":"sts.amazonaws.com"}}}]}`,
			false, false, true, false, []string{"Federated arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"}},
		{"GitHub OIDC is not EKS",
			`{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}`,
			false, false, false, false, []string{"Federated arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}},
		{"pod identity needs TagSession",
			`{"Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			false, false, false, false, []string{"Service pods.eks.amazonaws.com"}},
		{"pod identity with both actions",
			`{"Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}`,
			false, false, false, true, []string{"Service pods.eks.amazonaws.com"}},
		{"wildcard action",
			`{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:*"}]}`,
			true, false, false, false, []string{"Service ec2.amazonaws.com"}},
		{"explicit deny wins",
			`{"Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","ecs-tasks.amazonaws.com"]},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			false, true, false, false, []string{"Service ec2.amazonaws.com", "Service ecs-tasks.amazonaws.com"}},
		{"principal star",
			`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}`,
			true, true, false, false, []string{"* (anyone)"}},
		{"NotPrincipal is skipped",
			`{"Statement":[{"Effect":"Allow","NotPrincipal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			false, false, false, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tp, err := parseTrustPolicy(tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			got := [4]bool{ec2(tp), ecs(tp), irsa(tp), pod(tp)}
			if want := [4]bool{tt.ec2, tt.ecs, tt.irsa, tt.pod}; got != want {
				t.Errorf("ec2/ecs/irsa/pod = %v, want %v", got, want)
			}
			if !reflect.DeepEqual(tp.trustedBy(), tt.trustedBy) {
				t.Errorf("trustedBy = %q, want %q", tp.trustedBy(), tt.trustedBy)
			}
		})
	}
	if _, err := parseTrustPolicy("%7B%22Statement"); err == nil {
		t.Error("truncated policy parsed")
	}
}

func TestTrustsCaller(t *testing.T) {
	user := Identity{ARN: "arn:aws:iam::123456789012:user/dev", Account: "123456789012", Partition: "aws"}
	session := Identity{ARN: "arn:aws:sts::123456789012:assumed-role/ci/run-1", Account: "123456789012", Partition: "aws"}
	doc := func(principal string) string {
		return `{"Statement":[{"Effect":"Allow","Principal":{"AWS":` + principal + `},"Action":"sts:AssumeRole"}]}`
	}
	tests := []struct {
		principal     string
		user, session bool
	}{
		{`"arn:aws:iam::123456789012:user/dev"`, true, false},
		{`["arn:aws:iam::999999999999:root","arn:aws:iam::123456789012:root"]`, true, true},
		{`"123456789012"`, true, true},
		{`"arn:aws:iam::123456789012:role/automation/ci"`, false, true},
		{`"arn:aws:iam::123456789012:role/other"`, false, false},
		{`"arn:aws:iam::123456789012:user/someone-else"`, false, false},
		{`"*"`, true, true},
	}
	for _, tt := range tests {
		tp, err := parseTrustPolicy(doc(tt.principal))
		if err != nil {
			t.Fatal(err)
		}
		if got := tp.allows(callerMatcher(user), "sts:AssumeRole"); got != tt.user {
			t.Errorf("user trusted by %s = %v", tt.principal, got)
		}
		if got := tp.allows(callerMatcher(session), "sts:AssumeRole"); got != tt.session {
			t.Errorf("role session trusted by %s = %v", tt.principal, got)
		}
	}
}
