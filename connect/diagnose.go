package connect

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/atlas-iam/atlas-iam/diag"
)

// AccessListState says whether this machine's address is on the project's IP
// access list.
type AccessListState string

const (
	AccessListUnknown AccessListState = ""        // not checked, or could not be read
	AccessListListed  AccessListState = "listed"  // an ACTIVE entry admits it
	AccessListMissing AccessListState = "missing" // no entry admits it
)

// DiagnoseContext is what the engine knows around a failed login. Every field is
// optional; Diagnose also reads what a *LoginError carries.
type DiagnoseContext struct {
	// ExpectedPrincipal is the caller ARN STS GetCallerIdentity returned for the
	// credentials used (user ARN, or arn:aws:sts::A:assumed-role/NAME/SESSION).
	ExpectedPrincipal string
	// RegisteredUser and RegisteredType are the Atlas database user set up for
	// this login: its username (an IAM ARN) and awsIAMType (ROLE or USER).
	RegisteredUser string
	RegisteredType string
	// ChangeStatus is the deployment's changeStatus: PENDING or APPLIED.
	ChangeStatus string
	// Deployment names the cluster or federated instance, for the fix text.
	Deployment string
	// AccessList and ClientIP: is the address Atlas sees on the access list.
	AccessList AccessListState
	ClientIP   string
	// CredentialSource is where the credentials came from (shown to the user).
	CredentialSource string
	// CredentialExpiry is when the credentials expire; zero if they do not.
	CredentialExpiry time.Time
	// STSError is what STS GetCallerIdentity answered for the same credentials,
	// when it failed: STS tells why (ExpiredToken, SignatureDoesNotMatch…),
	// while the MongoDB server only ever says "Authentication failed."
	STSError error
	// LocalTime and ServerTime are this machine's clock and the server's (a
	// hello's localTime) at the same moment; zero when unknown.
	LocalTime  time.Time
	ServerTime time.Time
}

// withLoginError fills what the context lacks from a LoginError.
func (c DiagnoseContext) withLoginError(le *LoginError) DiagnoseContext {
	if le == nil {
		return c
	}
	if c.ServerTime.IsZero() && !le.ServerTime.IsZero() {
		c.ServerTime, c.LocalTime = le.ServerTime, le.LocalTime
	}
	if c.CredentialExpiry.IsZero() && le.Credentials.CanExpire {
		c.CredentialExpiry = le.Credentials.Expires
	}
	if c.CredentialSource == "" {
		c.CredentialSource = le.Credentials.Source
	}
	return c
}

// now is the local clock of the failure, for comparing with expiry times.
func (c DiagnoseContext) now() time.Time {
	if !c.LocalTime.IsZero() {
		return c.LocalTime
	}
	return time.Now()
}

// Diagnose turns a failed login into a diagnosis: NO_AWS_CREDENTIALS,
// NETWORK_BLOCKED, USER_NOT_DEPLOYED, PATH_ROLE, USER_NOT_FOUND or AUTH_FAILED
// (with its likely causes ranked by the evidence). err is what Login returned,
// or a driver error from elsewhere. It returns nil for nil, for a cancelled
// login, and for errors that are not login failures (e.g. an invalid
// connection string, which CheckURI explains).
func Diagnose(err error, c DiagnoseContext) *diag.Diagnosis {
	if err == nil || errors.Is(err, context.Canceled) {
		return nil
	}
	var le *LoginError
	errors.As(err, &le)
	c = c.withLoginError(le)

	if le != nil && le.Stage == StageCredentials {
		return noCredentials(le.Err, c)
	}
	if isNoCredentials(err) {
		return noCredentials(err, c)
	}
	if r, ok := serverReplyOf(err); ok {
		switch {
		case r.isUserNotFound():
			return userNotFound(r, c)
		case r.isAuthFailed():
			return authFailed(err, le, c)
		}
	}
	reached := le != nil && stageOrder[le.Stage] >= stageOrder[StageAuthenticate]
	if !reached && (isServerSelection(err) || (le != nil && le.Stage == StageConnect)) {
		return networkBlocked(err, le, c)
	}
	if isSASLClientError(err) {
		return authFailed(err, le, c)
	}
	return nil
}

// ---- NO_AWS_CREDENTIALS ----

var ssoWord = regexp.MustCompile(`\bsso\b`)

func noCredentials(err error, c DiagnoseContext) *diag.Diagnosis {
	d := diag.New(diag.NoAWSCredentials, "No usable AWS credentials were found for the login")
	d.WithEvidence("the credential chain answered: " + clip(err.Error()))
	if c.CredentialSource != "" {
		d.WithEvidence("credential source: " + c.CredentialSource)
	}
	s := strings.ToLower(err.Error())
	switch {
	case ssoWord.MatchString(s):
		d.WithFix("the SSO session has expired or was never started: run `aws sso login` (with --profile if you use one)")
	case strings.Contains(s, "web identity") || strings.Contains(s, "webidentity"):
		d.WithFix("EKS IRSA: check the service account's eks.amazonaws.com/role-arn annotation and the role's trust policy (OIDC provider, sub and aud conditions)")
	case strings.Contains(s, "container") || strings.Contains(s, "169.254.170"):
		d.WithFix("ECS / EKS Pod Identity: give the task definition a task role (not only an execution role), or create the Pod Identity association for the service account")
	case strings.Contains(s, "imds") || strings.Contains(s, "ec2") || strings.Contains(s, "169.254.169.254"):
		d.WithFix("EC2: attach an instance profile with the role to the instance (IMDSv2 must be reachable)")
	}
	d.WithFix(
		"on a workstation: export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary keys), or set AWS_PROFILE",
		"check with `aws sts get-caller-identity`, then run atlas-iam again",
	)
	return d
}

// ---- NETWORK_BLOCKED ----

func networkBlocked(err error, le *LoginError, c DiagnoseContext) *diag.Diagnosis {
	wait := "the deadline"
	if le != nil && le.Timeout > 0 {
		wait = le.Timeout.String()
	}
	where := c.Deployment
	if where == "" {
		where = "the deployment"
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return diag.New(diag.NetworkBlocked, fmt.Sprintf("The address of %s could not be resolved", where)).
			WithEvidence("DNS lookup failed: "+clip(dnsErr.Error())).
			WithFix("check the host name in the connection string against the Atlas UI",
				"private endpoint (PrivateLink) and peering host names resolve only inside the connected VPC: run the login from there, or use the public connection string",
				"check this machine's DNS resolver (an SRV string needs SRV and TXT lookups to work)")
	}
	d := diag.New(diag.NetworkBlocked, fmt.Sprintf("No server of %s answered within %s: the network path is blocked", where, wait))
	d.WithEvidence(fmt.Sprintf("server selection timed out after %s without a successful hello", wait))
	if le != nil && le.LastNetwork != nil {
		d.WithEvidence("last network error: " + clip(le.LastNetwork.Error()))
	} else {
		if le != nil {
			err = le.Err
		}
		d.WithEvidence("driver: " + clip(err.Error()))
	}
	ip := c.ClientIP
	if ip == "" {
		ip = "this machine's address"
	}
	addEntry := fmt.Sprintf("add %s to the project IP access list: `atlas-iam setup --add-access-list` (entries take about a minute to become ACTIVE)", ip)
	route := "check the route: outbound TCP 27017 in the security group / network ACL / firewall; with VPC peering or PrivateLink use the private connection string of that path; on AWS compute Atlas sees the NAT gateway's public address"
	switch c.AccessList {
	case AccessListMissing:
		d.WithEvidence(ip + " is not on the project IP access list: Atlas drops its connections")
		d.WithFix(addEntry, route)
	case AccessListListed:
		d.WithEvidence(ip + " is on the project IP access list, so the block is on the way there")
		d.WithFix(route)
	default:
		d.WithEvidence("the project IP access list was not checked")
		d.WithFix(addEntry, route)
	}
	return d
}

// clip keeps evidence lines readable.
func clip(s string) string {
	const limit = 300
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "…"
}
