// Package steps is the setup engine: it turns inputs (flags, environment, answers)
// into an ordered run of steps — Atlas access, project, LDAP check, platform,
// principal, access, database user, deployment, network, live login, result — and
// reports progress as typed events. It never touches a terminal: it asks for what it
// is missing through a Prompter, which the TUI implements with screens and the
// headless mode implements from flags. Every decision is made here; the prompters
// only choose among the options the engine computed.
package steps

import (
	"context"
	"errors"
	"time"

	"github.com/atlas-iam/atlas-iam/diag"
)

// Step names one stage of the flow, in order.
type Step string

const (
	StepAtlas     Step = "atlas"     // find and verify Atlas API credentials
	StepProject   Step = "project"   // pick the project
	StepLDAP      Step = "ldap"      // LDAP-authorization conflict check
	StepPlatform  Step = "platform"  // where the application runs
	StepPrincipal Step = "principal" // the IAM ARN to register
	StepAccess    Step = "access"    // roles and scope
	StepUser      Step = "user"      // create or update the $external user
	StepDeploy    Step = "deploy"    // wait until the clusters apply the change
	StepNetwork   Step = "network"   // IP access list
	StepLogin     Step = "login"     // live MONGODB-AWS login
	StepResult    Step = "result"    // commands and connection string
)

// Status is how a step ended.
type Status string

const (
	StatusOK      Status = "ok"
	StatusWarning Status = "warning"
	StatusUnknown Status = "unknown" // could not be checked (e.g. LDAP without Project Owner)
	StatusSkipped Status = "skipped"
	StatusFailed  Status = "failed"
)

// Event is a typed progress report. Implementations: StepStarted, StepDone,
// Progress, LoginProgress.
type Event interface{ isEvent() }

// StepStarted says a step began.
type StepStarted struct {
	Step  Step
	Title string
}

// StepDone says a step ended, how, and why.
type StepDone struct {
	Step      Step
	Status    Status
	Summary   string
	Details   []string
	Diagnosis *diag.Diagnosis // set for failed, warning and unknown steps when there is one
	Elapsed   time.Duration
}

// Progress is an intermediate message of a long step (deployment wait, paging).
type Progress struct {
	Step    Step
	Message string
	Elapsed time.Duration
}

// LoginProgress reports the stages of the live login as they happen:
// "credentials" → "connect" → "authenticate" → "ping" → "connectionStatus".
type LoginProgress struct {
	Stage   string
	Detail  string
	Done    bool
	Elapsed time.Duration
}

func (StepStarted) isEvent()   {}
func (StepDone) isEvent()      {}
func (Progress) isEvent()      {}
func (LoginProgress) isEvent() {}

// Emit receives events; it must not block for long.
type Emit func(Event)

// Errors a Prompter returns to steer the flow.
var (
	// ErrBack asks the engine to go back to the previous question.
	ErrBack = errors.New("back")
	// ErrAborted means the user quit; the command exits 130.
	ErrAborted = errors.New("aborted")
)

// Prompter answers the engine's questions. Each request carries the options the
// engine computed; an implementation only picks among them (or validates typed
// input with the function the request provides). Return ErrBack to go back and
// ErrAborted to quit.
type Prompter interface {
	// Begin shows what was found and what will happen; nil to go on.
	Begin(ctx context.Context, o Overview) error
	// AtlasCredentials asks for an API key pair or a service account when none
	// was found; the request's Verify must succeed before the answer is returned.
	AtlasCredentials(ctx context.Context, r CredentialsRequest) (AtlasCredentialsInput, error)
	// Project picks a project while pages keep loading.
	Project(ctx context.Context, r ProjectRequest) (ProjectOption, error)
	// Platform picks where the application runs; the detected one is preselected.
	Platform(ctx context.Context, r PlatformRequest) (string, error)
	// Principal confirms the discovered ARN, picks an assumable role, or takes a typed ARN.
	Principal(ctx context.Context, r PrincipalRequest) (PrincipalView, error)
	// Access picks roles and scope.
	Access(ctx context.Context, r AccessRequest) (Access, error)
	// Review confirms the exact change to the database user.
	Review(ctx context.Context, r ReviewRequest) (bool, error)
	// Network decides whether to add an IP access-list entry.
	Network(ctx context.Context, r NetworkRequest) (bool, error)
	// Failure shows a diagnosis and asks what to do next.
	Failure(ctx context.Context, r FailureRequest) (Choice, error)
}

// Found describes one discovered thing for the start screen.
type Found struct {
	OK     bool
	Source string   // "environment (MONGODB_ATLAS_PUBLIC_API_KEY)", "EC2RoleProvider"
	Detail string   // "API key abcdefgh", "arn:aws:sts::…:assumed-role/app/i-…"
	Notes  []string // warnings, evidence
}

// Overview is the start screen: what was found and what will happen.
type Overview struct {
	Atlas    Found
	AWS      Found
	Platform PlatformGuess
	Plan     []string
}

// PlatformGuess is the detected platform and why.
type PlatformGuess struct {
	Platform string // "ec2", …
	Title    string
	Evidence []string
}

// CredentialsRequest asks for Atlas API credentials.
type CredentialsRequest struct {
	Reason string
	// Verify checks candidate credentials against Atlas; the returned error is
	// written for the user ("Atlas rejected this API key (HTTP 401)").
	Verify func(ctx context.Context, c AtlasCredentialsInput) error
}

// AtlasCredentialsInput is what the user typed. Secrets stay in memory only.
type AtlasCredentialsInput struct {
	Kind         string // "api-key" or "service-account"
	PublicKey    string
	PrivateKey   string
	ClientID     string
	ClientSecret string
}

// ProjectOption is one selectable project.
type ProjectOption struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	OrgID string `json:"orgId"`
}

// ProjectPage is a batch of projects as they load.
type ProjectPage struct {
	Projects []ProjectOption
	Loaded   int
	Total    int
	Done     bool
	Err      error
}

// ProjectRequest streams the organisation's projects; Preselected is an id from
// flags, environment or profile ("" if none).
type ProjectRequest struct {
	Preselected string
	Pages       <-chan ProjectPage
}

// PlatformOption is one platform with its checklist.
type PlatformOption struct {
	ID        string
	Title     string
	Checklist []string
}

// PlatformRequest lists the platforms; Detected is preselected.
type PlatformRequest struct {
	Options  []PlatformOption
	Detected string
	Evidence []string
}

// PrincipalView is an ARN as discovered or typed and what will be registered.
type PrincipalView struct {
	Input       string   `json:"input"`                 // as discovered or typed
	ARN         string   `json:"arn"`                   // normalised ARN to register
	Type        string   `json:"awsIAMType"`            // "USER" or "ROLE"
	Source      string   `json:"source"`                // "STS GetCallerIdentity (EC2RoleProvider)", "typed", "IAM ListRoles"
	FullRoleARN string   `json:"fullRoleArn,omitempty"` // the role ARN with its path, when known (display only)
	Changes     []string `json:"changes,omitempty"`     // why ARN differs from Input
}

// RoleCandidate is a role the chosen platform can assume (workstation mode).
type RoleCandidate struct {
	ARN, Name, Path string
	TrustedBy       []string
	TrustsYou       bool // the workstation identity may assume it for the live test
}

// PrincipalRequest asks which ARN to register.
type PrincipalRequest struct {
	Platform   string
	Discovered *PrincipalView  // nil when the tool does not run on the chosen platform
	Candidates []RoleCandidate // workstation mode
	Note       string          // e.g. "iam:ListRoles was denied; type the role ARN"
	Validate   func(input string) (PrincipalView, error)
}

// RoleOption is a database role that can be granted.
type RoleOption struct {
	Name        string
	Description string
	Custom      bool
}

// ClusterOption is a deployment of the project the login can target.
type ClusterOption struct {
	Name  string
	Kind  string // "cluster", "flex" or "federated"
	State string // stateName, e.g. IDLE
}

// AccessRequest asks for roles, the target deployment and scope; Suggested is
// least privilege first. Current holds the existing user's roles, if any.
type AccessRequest struct {
	BuiltIn   []RoleOption
	Custom    []RoleOption
	Suggested []string // "readWrite@app"
	Current   []string
	Clusters  []ClusterOption
	Cluster   string // preselected target deployment
	Scope     bool   // default for limiting the user to Cluster
	Validate  func(roles []string) error
}

// Access is the chosen roles (ROLE[@DB[.COLL]]), target deployment and whether to
// scope the user to it.
type Access struct {
	Roles   []string
	Cluster string
	Scope   bool
}

// UserView describes a database user's access.
type UserView struct {
	Username    string     `json:"username"`
	IAMType     string     `json:"awsIAMType"`
	Roles       []string   `json:"roles"`
	Scopes      []string   `json:"scopes"`
	DeleteAfter *time.Time `json:"deleteAfterDate,omitempty"`
}

// ReviewRequest shows the exact change.
type ReviewRequest struct {
	Action          string // "create", "update" or "unchanged"
	Current         *UserView
	Wanted          UserView
	Diff            []string
	AtlasCLICommand string
}

// NetworkRequest shows the access-list state for this machine.
type NetworkRequest struct {
	CurrentIP string
	Entries   []string
	Allowed   bool
	Suggested string // CIDR to add
}

// Choice is what the user does after a failure.
type Choice string

const (
	ChoiceRetry Choice = "retry"
	ChoiceBack  Choice = "back"
	ChoiceQuit  Choice = "quit"
)

// FailureRequest shows a diagnosis with the choices that make sense.
type FailureRequest struct {
	Step      Step
	Diagnosis *diag.Diagnosis
	CanRetry  bool
	CanBack   bool
}
