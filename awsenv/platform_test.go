package awsenv

import (
	"strings"
	"testing"
)

func TestParsePlatform(t *testing.T) {
	tests := []struct {
		in   string
		want Platform
		err  bool
	}{
		{"lambda", Lambda, false},
		{"ecs", ECS, false},
		{"fargate", Fargate, false},
		{"ec2", EC2, false},
		{"eks", EKS, false},
		{"eks-pod-identity", EKSPodIdentity, false},
		{"workstation", Workstation, false},
		{" EKS ", EKS, false},
		{"Fargate", Fargate, false},
		{"k8s", "", true},
		{"", "", true},
		{"eks_pod_identity", "", true},
	}
	for _, tt := range tests {
		got, err := ParsePlatform(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParsePlatform(%q) = %q, %v; want %q, err=%v", tt.in, got, err, tt.want, tt.err)
		}
		if err != nil {
			for _, p := range All() {
				if !strings.Contains(err.Error(), string(p)) {
					t.Errorf("ParsePlatform(%q) error %q does not list %q", tt.in, err, p)
				}
			}
		}
	}
}

func TestPlatformDescriptions(t *testing.T) {
	if len(All()) != 7 {
		t.Fatalf("All() = %v, want 7 platforms", All())
	}
	titles := map[string]bool{}
	for _, p := range All() {
		if p.Title() == "" || p.Title() == string(p) || titles[p.Title()] {
			t.Errorf("%s: title %q is missing or not unique", p, p.Title())
		}
		titles[p.Title()] = true
		if len(p.Checklist()) < 3 {
			t.Errorf("%s: checklist too short: %v", p, p.Checklist())
		}
	}
	// The checklist items a user must not miss.
	must := map[Platform][]string{
		ECS:            {"task role", "not the task execution role"},
		Fargate:        {"task role", "not the task execution role"},
		EKS:            {"Annotate the service account", "Restart the pods"},
		Lambda:         {"execution role", "/service-role/"},
		EC2:            {"instance profile", "hop limit"},
		EKSPodIdentity: {"eks-pod-identity-agent", "association", "SDK"},
		Workstation:    {"IAM user", "profile", "SSO"},
	}
	for p, words := range must {
		text := strings.Join(p.Checklist(), "\n")
		for _, w := range words {
			if !strings.Contains(text, w) {
				t.Errorf("%s checklist lacks %q:\n%s", p, w, text)
			}
		}
	}
	if Lambda.Title() != "AWS Lambda" || ECS.Title() != "Amazon ECS (EC2 launch type)" {
		t.Errorf("titles: %q, %q", Lambda.Title(), ECS.Title())
	}
}

func TestTrustPrincipal(t *testing.T) {
	tests := []struct {
		p      Platform
		typ    string
		id     string
		exists bool
	}{
		{Lambda, "Service", "lambda.amazonaws.com", true},
		{ECS, "Service", "ecs-tasks.amazonaws.com", true},
		{Fargate, "Service", "ecs-tasks.amazonaws.com", true},
		{EC2, "Service", "ec2.amazonaws.com", true},
		{EKSPodIdentity, "Service", "pods.eks.amazonaws.com", true},
		{EKS, "Federated", "oidc-provider/", true},
		{Workstation, "", "", false},
	}
	for _, tt := range tests {
		got, ok := tt.p.TrustPrincipal()
		if ok != tt.exists || got.Type != tt.typ || !strings.Contains(got.ID, tt.id) {
			t.Errorf("%s.TrustPrincipal() = %+v, %v; want %s %s", tt.p, got, ok, tt.typ, tt.id)
		}
	}
}
