package steps

import (
	"time"

	"github.com/atlas-iam/atlas-iam/diag"
)

// Result is what a successful (or partly successful) setup produced. It is also the
// `--json` document of `atlas-iam setup`, so field names are part of the interface;
// it never holds a secret.
type Result struct {
	Project   ProjectOption `json:"project"`
	Platform  string        `json:"platform"`
	Principal PrincipalView `json:"principal"`
	User      UserOutcome   `json:"user"`
	// Tested says which identity the live login used and how it got it.
	Tested           *TestedIdentity   `json:"tested,omitempty"`
	Login            *LoginView        `json:"login,omitempty"`
	ConnectionString string            `json:"connectionString"`
	Mongosh          string            `json:"mongosh"`
	Snippets         []Snippet         `json:"snippets"`
	AtlasCLICommand  string            `json:"atlasCliCommand"`
	CheckCommand     string            `json:"checkCommand,omitempty"` // to run on the target (workstation mode)
	Warnings         []*diag.Diagnosis `json:"warnings,omitempty"`
}

// UserOutcome is what happened to the database user.
type UserOutcome struct {
	Action string   `json:"action"` // "created", "updated", "unchanged", "differs"
	User   UserView `json:"user"`
}

// TestedIdentity names the identity the live login authenticated with.
type TestedIdentity struct {
	ARN string `json:"arn"`
	Via string `json:"via"` // "platform credentials (EC2RoleProvider)", "sts:AssumeRole into …", "temporary user …"
}

// LoginView is who logged in.
type LoginView struct {
	User          string        `json:"user"`
	DB            string        `json:"db"`
	Roles         []string      `json:"roles"`
	ServerVersion string        `json:"serverVersion,omitempty"`
	Elapsed       time.Duration `json:"elapsedNanos"`
}

// Snippet is driver code for one language.
type Snippet struct {
	Lang  string `json:"lang"` // "go", "node", "python", "java"
	Title string `json:"title"`
	Code  string `json:"code"`
}
