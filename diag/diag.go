// Package diag is the troubleshooting catalogue: every failure atlas-iam can explain
// becomes a Diagnosis with a stable code, a one-line summary, the evidence that led
// to it and the fix. Codes are part of the product's interface (`check --json`,
// `doctor`, exit paths); never rename one.
package diag

import "fmt"

// Code identifies a diagnosis. Stable; documented in README.md.
type Code string

// The catalogue.
const (
	LDAPAuthorization     Code = "LDAP_AUTHORIZATION"      // the project has LDAP authorization on: IAM users cannot work
	LDAPUnknown           Code = "LDAP_UNKNOWN"            // the key may not read the LDAP settings (not a failure by itself)
	AtlasCredentials      Code = "ATLAS_CREDENTIALS"       // no, half-set or rejected Atlas API credentials
	AtlasKeyRole          Code = "ATLAS_KEY_ROLE"          // the API key lacks the project role an operation needs
	AtlasAccessList       Code = "ATLAS_ACCESS_LIST"       // this machine is not on the API key's access list
	AtlasUnreachable      Code = "ATLAS_UNREACHABLE"       // the Atlas Admin API cannot be reached or keeps failing
	ProjectNotFound       Code = "PROJECT_NOT_FOUND"       // the project id or name does not exist for this key
	ClusterNotFound       Code = "CLUSTER_NOT_FOUND"       // no cluster, flex cluster or federated instance of that name
	NoAWSCredentials      Code = "NO_AWS_CREDENTIALS"      // the AWS credential chain found nothing usable
	WrongCredentialSource Code = "WRONG_CREDENTIAL_SOURCE" // credentials come from a source that does not fit the platform
	InvalidARN            Code = "INVALID_ARN"             // the ARN cannot be registered as a database user
	UserNotFound          Code = "USER_NOT_FOUND"          // the login identity has no $external database user
	PathRole              Code = "PATH_ROLE"               // the role was registered with its IAM path; sessions never match it
	UserNotDeployed       Code = "USER_NOT_DEPLOYED"       // the user exists but the change is still PENDING
	AuthFailed            Code = "AUTH_FAILED"             // MONGODB-AWS authentication failed (expired token, clock skew, wrong secret)
	NetworkBlocked        Code = "NETWORK_BLOCKED"         // the cluster never answered: IP access list or network path
	ClusterNotReady       Code = "CLUSTER_NOT_READY"       // the deployment did not apply the change in time, or is paused/creating
	UserDiffers           Code = "USER_DIFFERS"            // the user exists with other roles/scopes and --update was not given
	AssumeRoleDenied      Code = "ASSUME_ROLE_DENIED"      // this identity may not assume the target role to test it
)

// Diagnosis explains one failure: what went wrong, what shows it, how to fix it.
type Diagnosis struct {
	Code     Code     `json:"code"`
	Summary  string   `json:"summary"`
	Evidence []string `json:"evidence,omitempty"`
	Fix      []string `json:"fix,omitempty"`
}

// Error lets a Diagnosis travel as an error.
func (d *Diagnosis) Error() string { return fmt.Sprintf("%s: %s", d.Code, d.Summary) }

// New builds a diagnosis.
func New(code Code, summary string) *Diagnosis { return &Diagnosis{Code: code, Summary: summary} }

// WithEvidence appends evidence lines.
func (d *Diagnosis) WithEvidence(lines ...string) *Diagnosis {
	d.Evidence = append(d.Evidence, lines...)
	return d
}

// WithFix appends fix steps.
func (d *Diagnosis) WithFix(steps ...string) *Diagnosis {
	d.Fix = append(d.Fix, steps...)
	return d
}
