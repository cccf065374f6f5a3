package awsenv

import (
	"errors"
	"strings"
	"testing"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

func TestNormalizeAccepts(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		origin  Origin
		arn     string
		typ     IAMType
		path    string
		account string
		part    string
		nameOut string
		change  string // substring of Changes; "" means no changes
	}{
		{"user", "arn:aws:iam::123456789012:user/dev", Typed, "arn:aws:iam::123456789012:user/dev", TypeUser, "/", "123456789012", "aws", "dev", ""},
		{"user with path keeps it", "arn:aws:iam::123456789012:user/division/team/alice", Typed, "arn:aws:iam::123456789012:user/division/team/alice", TypeUser, "/division/team/", "123456789012", "aws", "alice", ""},
		{"discovered user with path", "arn:aws:iam::123456789012:user/ops/bob", Discovered, "arn:aws:iam::123456789012:user/ops/bob", TypeUser, "/ops/", "123456789012", "aws", "bob", ""},
		{"user name with every allowed symbol", "arn:aws:iam::123456789012:user/a+b=c,d.e@f_g-h", Typed, "arn:aws:iam::123456789012:user/a+b=c,d.e@f_g-h", TypeUser, "/", "123456789012", "aws", "a+b=c,d.e@f_g-h", ""},
		{"role", "arn:aws:iam::123456789012:role/app", Typed, "arn:aws:iam::123456789012:role/app", TypeRole, "/", "123456789012", "aws", "app", ""},
		{"role path dropped", "arn:aws:iam::123456789012:role/service-role/lambda-app", Typed, "arn:aws:iam::123456789012:role/lambda-app", TypeRole, "/service-role/", "123456789012", "aws", "lambda-app", "Dropped the role path /service-role/"},
		{"SSO role path dropped", "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef", Typed, "arn:aws:iam::123456789012:role/AWSReservedSSO_Admin_0123456789abcdef", TypeRole, "/aws-reserved/sso.amazonaws.com/eu-west-1/", "123456789012", "aws", "AWSReservedSSO_Admin_0123456789abcdef", "assumed-role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef/*"},
		{"discovered role session", "arn:aws:sts::123456789012:assumed-role/app/i-0a1b2c3d4e5f67890", Discovered, "arn:aws:iam::123456789012:role/app", TypeRole, "", "123456789012", "aws", "app", "Converted the role session"},
		{"discovered Identity Center session", "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Dev_abc/jane@example.com", Discovered, "arn:aws:iam::123456789012:role/AWSReservedSSO_Dev_abc", TypeRole, "", "123456789012", "aws", "AWSReservedSSO_Dev_abc", "Converted"},
		{"china partition session", "arn:aws-cn:sts::123456789012:assumed-role/app/orders", Discovered, "arn:aws-cn:iam::123456789012:role/app", TypeRole, "", "123456789012", "aws-cn", "app", "Converted"},
		{"gov cloud role", "arn:aws-us-gov:iam::123456789012:role/app", Typed, "arn:aws-us-gov:iam::123456789012:role/app", TypeRole, "/", "123456789012", "aws-us-gov", "app", ""},
		{"eusc partition user", "arn:aws-eusc:iam::123456789012:user/dev", Typed, "arn:aws-eusc:iam::123456789012:user/dev", TypeUser, "/", "123456789012", "aws-eusc", "dev", ""},
		{"iso-f partition", "arn:aws-iso-f:iam::123456789012:role/x", Typed, "arn:aws-iso-f:iam::123456789012:role/x", TypeRole, "/", "123456789012", "aws-iso-f", "x", ""},
		{"surrounding whitespace trimmed", " \tarn:aws:iam::123456789012:role/app\n", Typed, "arn:aws:iam::123456789012:role/app", TypeRole, "/", "123456789012", "aws", "app", ""},
		{"surrounding quotes removed", `"arn:aws:iam::123456789012:role/app"`, Typed, "arn:aws:iam::123456789012:role/app", TypeRole, "/", "123456789012", "aws", "app", "Removed the quotes"},
		{"smart quotes removed", "“arn:aws:iam::123456789012:user/dev”", Typed, "arn:aws:iam::123456789012:user/dev", TypeUser, "/", "123456789012", "aws", "dev", "Removed the quotes"},
		{"leading zeros kept", "arn:aws:iam::000123456789:role/app", Typed, "arn:aws:iam::000123456789:role/app", TypeRole, "/", "000123456789", "aws", "app", ""},
		{"64-character name", "arn:aws:iam::123456789012:role/" + strings.Repeat("r", 64), Typed, "arn:aws:iam::123456789012:role/" + strings.Repeat("r", 64), TypeRole, "/", "123456789012", "aws", strings.Repeat("r", 64), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Normalize(tt.in, tt.origin)
			if err != nil {
				t.Fatalf("Normalize(%q) error: %v", tt.in, err)
			}
			if p.ARN != tt.arn || p.Type != tt.typ || p.Path != tt.path || p.Account != tt.account || p.Partition != tt.part || p.Name != tt.nameOut || p.Input != tt.in {
				t.Errorf("Normalize(%q) = %+v\nwant ARN %s type %s path %q account %s partition %s name %s", tt.in, p, tt.arn, tt.typ, tt.path, tt.account, tt.part, tt.nameOut)
			}
			changes := strings.Join(p.Changes, "\n")
			if tt.change == "" && len(p.Changes) != 0 || tt.change != "" && !strings.Contains(changes, tt.change) {
				t.Errorf("Changes = %q, want %q", p.Changes, tt.change)
			}
		})
	}
}

func TestNormalizeRejects(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		origin     Origin
		reason     string // substring of Reason
		suggestion string // substring of Suggestion ("" : no suggestion expected)
	}{
		{"empty", "   ", Typed, "no ARN was given", "paste the ARN"},
		{"typed role session", "arn:aws:sts::123456789012:assumed-role/app/i-0a1b2c3d4e5f67890", Typed, "STS role session", "arn:aws:iam::123456789012:role/app"},
		{"typed MongoDB wildcard session", "arn:aws:sts::123456789012:assumed-role/app/*", Typed, "name MongoDB gives every session", "arn:aws:iam::123456789012:role/app"},
		{"session without session name", "arn:aws:sts::123456789012:assumed-role/app", Discovered, "assumed-role/ROLE_NAME/SESSION_NAME", ""},
		{"session name too short", "arn:aws:sts::123456789012:assumed-role/app/x", Discovered, "session name is 1 characters", ""},
		{"root", "arn:aws:iam::123456789012:root", Typed, "root user", "create an IAM user or role"},
		{"federated user", "arn:aws:sts::123456789012:federated-user/bob", Discovered, "federated user", "assume a role"},
		{"instance profile", "arn:aws:iam::123456789012:instance-profile/web/app-profile", Typed, "instance profile, not the role", "--instance-profile-name app-profile"},
		{"group", "arn:aws:iam::123456789012:group/admins", Typed, "group cannot log in", "arn:aws:iam::123456789012:user/NAME"},
		{"oidc provider", "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC", Typed, "OIDC identity provider", "eks.amazonaws.com/role-arn"},
		{"saml provider", "arn:aws:iam::123456789012:saml-provider/okta", Typed, "SAML identity provider", "role"},
		{"policy", "arn:aws:iam::123456789012:policy/ReadOnly", Typed, "IAM policy", "attached"},
		{"other iam resource", "arn:aws:iam::123456789012:mfa/bob", Typed, `resource type "mfa"`, "role"},
		{"lambda function", "arn:aws:lambda:us-east-1:123456789012:function:orders-api", Typed, "Lambda function", "execution role"},
		{"ecs task definition", "arn:aws:ecs:us-east-1:123456789012:task-definition/app:3", Typed, "ECS resource", "taskRoleArn"},
		{"s3 bucket", "arn:aws:s3:::my-bucket", Typed, `service "s3"`, ""},
		{"wrong partition", "arn:amazon:iam::123456789012:role/app", Typed, `"amazon" is not an AWS partition`, "aws-us-gov"},
		{"empty partition", "arn::iam::123456789012:role/app", Typed, "partition is empty", "arn:aws:iam::123456789012:role/app"},
		{"region on iam", "arn:aws:iam:us-east-1:123456789012:role/app", Typed, `have no region, this one has "us-east-1"`, "arn:aws:iam::123456789012:role/app"},
		{"account 11 digits", "arn:aws:iam::23456789012:role/app", Typed, `"23456789012" is not 12 digits`, "arn:aws:iam::023456789012:role/app"},
		{"account with dashes", "arn:aws:iam::1234-5678-9012:role/app", Typed, "not 12 digits", "arn:aws:iam::123456789012:role/app"},
		{"account letters", "arn:aws:iam::12345678901x:role/app", Typed, "not 12 digits", "get-caller-identity"},
		{"account missing", "arn:aws:iam:::role/app", Typed, "account ID is missing", "get-caller-identity"},
		{"name too long", "arn:aws:iam::123456789012:role/" + strings.Repeat("r", 65), Typed, "65 characters", ""},
		{"name bad character", "arn:aws:iam::123456789012:role/my!role", Typed, `contains '!'`, ""},
		{"name missing", "arn:aws:iam::123456789012:role/", Typed, "role name is missing", ""},
		{"trailing slash", "arn:aws:iam::123456789012:role/service-role/app/", Typed, `ends with "/"`, "arn:aws:iam::123456789012:role/service-role/app"},
		{"empty path segment", "arn:aws:iam::123456789012:role/team//app", Typed, "empty segment", "arn:aws:iam::123456789012:role/team/app"},
		{"path too long", "arn:aws:iam::123456789012:user/" + strings.Repeat("p/", 257) + "u", Typed, "IAM paths have at most 512", ""},
		{"inner space", "arn:aws:iam::123456789012:role/my app", Typed, "whitespace at position 34", "arn:aws:iam::123456789012:role/myapp"},
		{"inner line break", "arn:aws:iam::123456789012:role/\napp", Typed, "whitespace", "arn:aws:iam::123456789012:role/app"},
		{"inner quote", `arn:aws:iam::123456789012:role/"app"`, Typed, "quote character", "arn:aws:iam::123456789012:role/app"},
		{"one stray quote", `"arn:aws:iam::123456789012:role/app`, Typed, "quote character at position 1", "arn:aws:iam::123456789012:role/app"},
		{"zero-width space", "arn:aws:iam::123456789012:role/\u200bapp", Typed, "U+200B", "arn:aws:iam::123456789012:role/app"},
		{"uppercase prefix", "ARN:aws:iam::123456789012:role/app", Typed, `lowercase "arn:"`, "arn:aws:iam::123456789012:role/app"},
		{"account id only", "123456789012", Typed, "account ID, not an ARN", "arn:aws:iam::123456789012:role/ROLE_NAME"},
		{"bare name", "my-app-role", Typed, "a name, not an ARN", "arn:aws:iam::ACCOUNT_ID:role/my-app-role"},
		{"access key id", "AKIAIOSFODNN7EXAMPLE", Typed, "access key ID", "get-caller-identity"},
		{"garbage", "https://console.aws.amazon.com/iam/", Typed, "not an ARN", "arn:aws:iam::123456789012:role/my-app"},
		{"dropped region colon", "arn:aws:iam:123456789012:role/app", Typed, "5 parts instead of 6", "arn:aws:iam::123456789012:role/app"},
		{"too few parts", "arn:aws:iam", Typed, "this one has 3", ""},
		{"untyped resource", "arn:aws:iam::123456789012:app", Typed, "has no type", "arn:aws:iam::123456789012:role/app"},
		{"assumed-role under iam", "arn:aws:iam::123456789012:assumed-role/app/s1", Typed, "belong to the sts service", "arn:aws:iam::123456789012:role/app"},
		{"role under sts", "arn:aws:sts::123456789012:role/app", Typed, "belong to the iam service", "arn:aws:iam::123456789012:role/app"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Normalize(tt.in, tt.origin)
			var ae *ARNError
			if !errors.As(err, &ae) {
				t.Fatalf("Normalize(%q) = %+v, %v; want *ARNError", tt.in, p, err)
			}
			if ae.Input != tt.in {
				t.Errorf("Input = %q, want %q", ae.Input, tt.in)
			}
			if !strings.Contains(ae.Reason, tt.reason) {
				t.Errorf("Reason = %q, want it to contain %q", ae.Reason, tt.reason)
			}
			if tt.suggestion == "" && ae.Suggestion != "" && strings.HasPrefix(ae.Suggestion, "arn:") {
				t.Errorf("Suggestion = %q, want none", ae.Suggestion)
			}
			if tt.suggestion != "" && !strings.Contains(ae.Suggestion, tt.suggestion) {
				t.Errorf("Suggestion = %q, want it to contain %q", ae.Suggestion, tt.suggestion)
			}
			// Suggested ARNs must themselves be accepted: a suggestion that fails
			// again would send the user in circles.
			if s := strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(ae.Suggestion, "register the role ARN "), "without it: "), "without dashes: "); strings.HasPrefix(s, "arn:") && !strings.Contains(s, " ") {
				if _, err := Normalize(s, Typed); err != nil {
					t.Errorf("suggested ARN %q is rejected too: %v", s, err)
				}
			}
			if d := ae.Diagnosis(); d.Code != diag.InvalidARN {
				t.Errorf("Diagnosis code = %s", d.Code)
			}
		})
	}
}

func TestARNErrorDoesNotEchoInput(t *testing.T) {
	// Someone may paste a secret access key into the ARN field.
	secret := "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	_, err := Normalize(secret, Typed)
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Fatalf("error %v repeats the input", err)
	}
}

// FuzzNormalize: never panics; anything accepted is a valid IAM user or role ARN
// that normalises to itself without changes.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"arn:aws:iam::123456789012:user/dev",
		"arn:aws:iam::123456789012:role/service-role/x",
		"arn:aws:sts::123456789012:assumed-role/app/i-0abc",
		"arn:aws-cn:iam::000000000000:user/a/b/c",
		` "arn:aws:iam::123456789012:role/app" `,
		"arn:aws:iam::123456789012:root",
		"arn:aws:iam:::role//",
		"arn:::::",
		"ARN:aws:iam::1:role/x",
		"“arn:aws:iam::123456789012:role/x”",
	} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, in string, discovered bool) {
		origin := Typed
		if discovered {
			origin = Discovered
		}
		p, err := Normalize(in, origin)
		if err != nil {
			var ae *ARNError
			if !errors.As(err, &ae) || ae.Reason == "" {
				t.Fatalf("Normalize(%q) error %v is not an *ARNError with a reason", in, err)
			}
			return
		}
		if p.Type != TypeUser && p.Type != TypeRole {
			t.Fatalf("Normalize(%q).Type = %q", in, p.Type)
		}
		a, err := arn.Parse(p.ARN)
		if err != nil || a.Service != "iam" || a.Region != "" || len(a.AccountID) != 12 {
			t.Fatalf("Normalize(%q).ARN = %q is not an IAM ARN: %v", in, p.ARN, err)
		}
		again, err := Normalize(p.ARN, Typed)
		if err != nil || again.ARN != p.ARN || again.Type != p.Type || len(again.Changes) != 0 {
			t.Fatalf("Normalize(%q) = %q is not idempotent: %+v, %v", in, p.ARN, again, err)
		}
	})
}
