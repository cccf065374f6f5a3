package connect

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"

	"github.com/atlas-iam/atlas-iam/diag"
)

// handshakeError has the shape RunCommand returns when the MONGODB-AWS
// conversation fails (captured against the sandbox with driver v2.10.0):
// mongo.CommandError wrapping topology.ConnectionError wrapping the auth
// errors wrapping the server's driver.Error.
func handshakeError(code int32, name, msg string) error {
	de := driver.Error{Code: code, Name: name, Message: msg}
	ce := topology.ConnectionError{ConnectionID: "127.0.0.1:27017[-2]",
		Wrapped: fmt.Errorf(`auth error: sasl conversation error: unable to authenticate using mechanism "MONGODB-AWS": %w`, de)}
	return mongo.CommandError{Code: code, Name: name, Message: msg, Wrapped: ce}
}

func authStage(err error, c CredentialFacts) error {
	return &LoginError{Stage: StageAuthenticate, Err: err, Timeout: 5 * time.Second, Credentials: c, Server: "127.0.0.1:27017"}
}

func TestDiagnoseMapping(t *testing.T) {
	const session = "arn:aws:sts::123456789012:assumed-role/app/9f1c2b3a"
	notFound := func(p string) error {
		return handshakeError(11, "UserNotFound", `Could not find user "`+p+`" for db "$external"`)
	}
	authFailedErr := handshakeError(18, "AuthenticationFailed", "Authentication failed.")
	selection := topology.ServerSelectionError{Wrapped: context.DeadlineExceeded}
	tests := []struct {
		name     string
		err      error
		c        DiagnoseContext
		want     diag.Code
		evidence []string
		fix      string
	}{
		{name: "credential stage", err: &LoginError{Stage: StageCredentials, Err: errors.New("failed to refresh cached credentials, no EC2 IMDS role found")},
			want: diag.NoAWSCredentials, evidence: []string{"no EC2 IMDS role found"}, fix: "instance profile"},
		{name: "driver's own chain found nothing", err: handshakeError(0, "", "") /* replaced below */, want: diag.NoAWSCredentials},
		{name: "SSO session expired", err: &LoginError{Stage: StageCredentials, Err: errors.New("refresh cached SSO token failed: the SSO session has expired")},
			want: diag.NoAWSCredentials, fix: "aws sso login"},
		{name: "server selection timeout, not on the access list", err: &LoginError{Stage: StageConnect, Err: selection, Timeout: 5 * time.Second},
			c:    DiagnoseContext{AccessList: AccessListMissing, ClientIP: "203.0.113.7", Deployment: "Cluster0"},
			want: diag.NetworkBlocked, evidence: []string{"5s", "203.0.113.7 is not on the project IP access list"}, fix: "atlas-iam setup --add-access-list"},
		{name: "timeout with the address listed", err: &LoginError{Stage: StageConnect, Err: selection, LastNetwork: errors.New("dial tcp 10.0.0.5:27017: i/o timeout")},
			c:    DiagnoseContext{AccessList: AccessListListed, ClientIP: "203.0.113.7"},
			want: diag.NetworkBlocked, evidence: []string{"i/o timeout", "is on the project IP access list"}, fix: "PrivateLink"},
		{name: "bare driver selection error", err: selection, want: diag.NetworkBlocked, fix: "--add-access-list"},
		{name: "SRV lookup failed", err: &LoginError{Stage: StageConnect, Err: fmt.Errorf("error parsing uri: %w",
			&net.DNSError{Err: "no such host", Name: "_mongodb._tcp.cluster0-pl-0.abcde.mongodb.net", IsNotFound: true})},
			want: diag.NetworkBlocked, evidence: []string{"DNS lookup failed", "_mongodb._tcp.cluster0-pl-0"}, fix: "PrivateLink"},
		{name: "user not found", err: authStage(notFound("arn:aws:sts::123456789012:assumed-role/app/*"), CredentialFacts{}),
			c:    DiagnoseContext{ExpectedPrincipal: session, ChangeStatus: "APPLIED"},
			want: diag.UserNotFound, evidence: []string{`"arn:aws:sts::123456789012:assumed-role/app/*"`}, fix: "arn:aws:iam::123456789012:role/app (awsIAMType ROLE)"},
		{name: "registered the session ARN", err: authStage(notFound("arn:aws:sts::123456789012:assumed-role/app/*"), CredentialFacts{}),
			c:    DiagnoseContext{RegisteredUser: session, RegisteredType: "USER"},
			want: diag.UserNotFound, fix: "is a role session ARN; register the role ARN arn:aws:iam::123456789012:role/app"},
		{name: "role registered as USER", err: authStage(notFound("arn:aws:sts::123456789012:assumed-role/app/*"), CredentialFacts{}),
			c:    DiagnoseContext{RegisteredUser: "arn:aws:iam::123456789012:role/app", RegisteredType: "USER"},
			want: diag.UserNotFound, fix: "awsIAMType must be ROLE"},
		{name: "other identity than expected", err: authStage(notFound("arn:aws:sts::123456789012:assumed-role/node-role/*"), CredentialFacts{}),
			c:    DiagnoseContext{ExpectedPrincipal: session, RegisteredUser: "arn:aws:iam::123456789012:role/app", RegisteredType: "ROLE", CredentialSource: "EC2RoleProvider"},
			want: diag.UserNotFound, evidence: []string{"another identity was used", "EC2RoleProvider"}, fix: "execution role"},
		{name: "pending and matching: not deployed", err: authStage(notFound("arn:aws:sts::123456789012:assumed-role/app/*"), CredentialFacts{}),
			c:    DiagnoseContext{RegisteredUser: "arn:aws:iam::123456789012:role/app", RegisteredType: "ROLE", ChangeStatus: "PENDING"},
			want: diag.UserNotDeployed, evidence: []string{"PENDING"}, fix: "APPLIED"},
		{name: "pending but another user: not found", err: authStage(notFound("arn:aws:sts::123456789012:assumed-role/app/*"), CredentialFacts{}),
			c:    DiagnoseContext{RegisteredUser: "arn:aws:iam::123456789012:role/other", RegisteredType: "ROLE", ChangeStatus: "PENDING"},
			want: diag.UserNotFound, evidence: []string{"would not match either"}},
		{name: "path role, even while pending", err: authStage(notFound("arn:aws:sts::123456789012:assumed-role/lambda-app/*"), CredentialFacts{}),
			c:    DiagnoseContext{RegisteredUser: lambdaPathARN, RegisteredType: "ROLE", ChangeStatus: "PENDING"},
			want: diag.PathRole, evidence: []string{"assumed-role/service-role/lambda-app/*"}, fix: "arn:aws:iam::123456789012:role/lambda-app (awsIAMType ROLE)"},
		{name: "Atlas proxy: bad auth, user not found", err: errors.New("(AtlasError) bad auth : user arn:aws:iam::123456789012:user/dev is not found"),
			want: diag.UserNotFound, evidence: []string{`"arn:aws:iam::123456789012:user/dev"`}, fix: "arn:aws:iam::123456789012:user/dev (awsIAMType USER)"},
		{name: "authentication failed", err: authStage(authFailedErr, CredentialFacts{AccessKeyID: "AKIAEXAMPLE"}), want: diag.AuthFailed},
		{name: "rendered text only", err: errors.New(`connection() error occurred during connection handshake: auth error: sasl conversation error: unable to authenticate using mechanism "MONGODB-AWS": (AuthenticationFailed) Authentication failed.`),
			want: diag.AuthFailed, evidence: []string{`"Authentication failed." (code 18)`}},
		{name: "client-side SASL failure", err: authStage(errors.New(`auth error: sasl conversation error: unable to authenticate using mechanism "MONGODB-AWS": invalid STS host: empty`), CredentialFacts{}),
			want: diag.AuthFailed, evidence: []string{"invalid STS host"}},
	}
	tests[1].err = &LoginError{Stage: StageAuthenticate, Err: errors.New(`auth error: sasl conversation error: unable to authenticate using mechanism "MONGODB-AWS": NoCredentialProviders: no valid providers in chain`)}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Diagnose(tc.err, tc.c)
			if d == nil {
				t.Fatal("nil diagnosis")
			}
			if d.Code != tc.want {
				t.Fatalf("code %s, want %s: %s\n%s", d.Code, tc.want, d.Summary, strings.Join(d.Evidence, "\n"))
			}
			ev, fix := strings.Join(d.Evidence, "\n"), strings.Join(d.Fix, "\n")
			for _, e := range tc.evidence {
				if !strings.Contains(ev, e) {
					t.Errorf("evidence lacks %q:\n%s", e, ev)
				}
			}
			if !strings.Contains(fix, tc.fix) {
				t.Errorf("fix lacks %q:\n%s", tc.fix, fix)
			}
			if d.Summary == "" || len(d.Evidence) == 0 || len(d.Fix) == 0 {
				t.Errorf("incomplete diagnosis %+v", d)
			}
		})
	}
}

func TestDiagnoseNotALoginFailure(t *testing.T) {
	for name, err := range map[string]error{
		"nil":       nil,
		"cancelled": &LoginError{Stage: StageConnect, Err: context.Canceled},
		"bad uri":   errors.New("connection string: error parsing uri: unescaped slash in password"),
	} {
		if d := Diagnose(err, DiagnoseContext{}); d != nil {
			t.Errorf("%s: got %s", name, d.Code)
		}
	}
}

// TestAuthFailedRanking checks which cause AUTH_FAILED puts first, from the
// evidence the engine has.
func TestAuthFailedRanking(t *testing.T) {
	local := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	temp := CredentialFacts{AccessKeyID: "ASIAEXAMPLE", Temporary: true, CanExpire: true, Expires: local.Add(time.Hour)}
	longTerm := CredentialFacts{AccessKeyID: "AKIAEXAMPLE"}
	stsErr := func(code, msg string) error {
		return fmt.Errorf("operation error STS: GetCallerIdentity, https response error StatusCode: 403, RequestID: x, %w",
			&smithy.GenericAPIError{Code: code, Message: msg, Fault: smithy.FaultClient})
	}
	tests := []struct {
		name  string
		creds CredentialFacts
		c     DiagnoseContext
		first string // label of the first fix
		also  string // in the evidence
	}{
		{"expiry passed", temp, DiagnoseContext{LocalTime: local, CredentialExpiry: local.Add(-10 * time.Minute)}, "Expired credentials", "expired at 2026-03-01T11:50:00Z"},
		{"STS said ExpiredToken", longTerm, DiagnoseContext{LocalTime: local, STSError: stsErr("ExpiredToken", "The security token included in the request is expired")}, "Expired credentials", "STS answered ExpiredToken"},
		{"server clock 20 minutes ahead", temp, DiagnoseContext{LocalTime: local, ServerTime: local.Add(20 * time.Minute)}, "Clock skew", "20m0s behind the server's"},
		{"clock 6 minutes ahead of the server", longTerm, DiagnoseContext{LocalTime: local, ServerTime: local.Add(-6 * time.Minute)}, "Clock skew", "6m0s ahead of"},
		{"STS said Signature expired", temp, DiagnoseContext{LocalTime: local, STSError: stsErr("SignatureDoesNotMatch", "Signature expired: 20260301T113000Z is now earlier than 20260301T114500Z (20260301T120000Z - 15 min.)")}, "Clock skew", "Signature expired"},
		{"STS said SignatureDoesNotMatch", temp, DiagnoseContext{LocalTime: local, STSError: stsErr("SignatureDoesNotMatch", "The request signature we calculated does not match")}, "Wrong or unknown key", "SignatureDoesNotMatch"},
		{"STS said InvalidClientTokenId", longTerm, DiagnoseContext{LocalTime: local, STSError: stsErr("InvalidClientTokenId", "The security token included in the request is invalid.")}, "Wrong or unknown key", "InvalidClientTokenId"},
		{"STS error as text", longTerm, DiagnoseContext{STSError: errors.New("api error ExpiredToken: The security token included in the request is expired")}, "Expired credentials", "ExpiredToken"},
		{"temporary key without its token", CredentialFacts{AccessKeyID: "ASIAEXAMPLE"}, DiagnoseContext{LocalTime: local}, "Missing session token", "no session token"},
		{"small skew is no evidence", longTerm, DiagnoseContext{LocalTime: local, ServerTime: local.Add(2 * time.Minute)}, "Wrong or unknown key", ""},
		{"no evidence, temporary credentials", temp, DiagnoseContext{LocalTime: local}, "Expired credentials", "ranked by the kind of credentials"},
		{"no evidence, long-term keys", longTerm, DiagnoseContext{LocalTime: local}, "Wrong or unknown key", "ranked by the kind of credentials"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := authStage(handshakeError(18, "AuthenticationFailed", "Authentication failed."), tc.creds)
			d := Diagnose(err, tc.c)
			if d == nil || d.Code != diag.AuthFailed {
				t.Fatalf("got %+v, want AUTH_FAILED", d)
			}
			if len(d.Fix) == 0 || !strings.HasPrefix(d.Fix[0], tc.first+":") {
				t.Errorf("first fix %q, want %s first; all:\n%s", d.Fix[0], tc.first, strings.Join(d.Fix, "\n"))
			}
			if ev := strings.Join(d.Evidence, "\n"); !strings.Contains(ev, tc.also) {
				t.Errorf("evidence lacks %q:\n%s", tc.also, ev)
			}
		})
	}
}
