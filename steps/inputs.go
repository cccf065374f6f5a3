package steps

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/atlas-iam/atlas-iam/awsenv"
	"github.com/atlas-iam/atlas-iam/diag"
)

// Inputs are what the user decided up front, from flags and environment.
type Inputs struct {
	Profile       string        // Atlas CLI profile (--profile)
	AWSProfile    string        // AWS profile (--aws-profile); "" uses AWS_PROFILE/default
	ProjectID     string        // --project-id
	ProjectName   string        // --project
	Platform      string        // --platform; "" means detect
	ARN           string        // --arn; "" means discover
	Roles         []string      // --role ROLE[@DB[.COLL]]
	Scope         bool          // --scope: limit the user to the target cluster
	Cluster       string        // --cluster
	Update        bool          // --update: change an existing user's roles/scopes
	AddAccessList bool          // --add-access-list
	TemporaryUser bool          // --temporary-user (workstation mode)
	NoConnect     bool          // --no-connect: skip the live login
	Timeout       time.Duration // --timeout: bounds the deployment wait and the login
	Yes           bool          // --yes: headless, never ask
}

// UsageError is bad input: the command exits 2 and changes nothing. Diagnosis,
// when set, explains it in the catalogue's terms (e.g. INVALID_ARN for --arn),
// so `--json` carries a code as well as the message.
type UsageError struct {
	Msg       string
	Diagnosis *diag.Diagnosis
}

func (e *UsageError) Error() string { return e.Msg }

// Unwrap exposes the diagnosis (nil error when there is none).
func (e *UsageError) Unwrap() error {
	if e.Diagnosis == nil {
		return nil
	}
	return e.Diagnosis
}

func usagef(format string, args ...any) error { return &UsageError{Msg: fmt.Sprintf(format, args...)} }

var (
	objectID    = regexp.MustCompile(`^[0-9a-f]{24}$`)
	clusterName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9-]{0,63}$`)
	// Up to 64 characters, counted apart: a counted repetition of these Unicode
	// classes costs milliseconds and megabytes at every start.
	projectName = regexp.MustCompile(`^[\p{L}\p{N}\-_.(),:&@+']+$`)
)

// DefaultTimeout bounds the deployment wait and the live login.
const DefaultTimeout = 5 * time.Minute

// Validate checks the inputs before anything is read or written.
func (in *Inputs) Validate() error {
	if in.ProjectID != "" && in.ProjectName != "" {
		return usagef("--project-id and --project are mutually exclusive")
	}
	if in.ProjectID != "" && !objectID.MatchString(in.ProjectID) {
		return usagef("--project-id %q is not a project id (24 hexadecimal digits, e.g. 5f4e3d2c1b0a998877665544)", in.ProjectID)
	}
	if in.ProjectName != "" && (!projectName.MatchString(in.ProjectName) || utf8.RuneCountInString(in.ProjectName) > 64) {
		return usagef("--project %q is not a valid Atlas project name", in.ProjectName)
	}
	if in.Cluster != "" && !clusterName.MatchString(in.Cluster) {
		return usagef("--cluster %q is not a valid cluster name (letters, digits and hyphens; starts with a letter or digit)", in.Cluster)
	}
	if in.Platform != "" {
		if _, err := awsenv.ParsePlatform(in.Platform); err != nil {
			return usagef("--platform: %v", err)
		}
	}
	if in.ARN != "" {
		if _, err := awsenv.Normalize(in.ARN, awsenv.Typed); err != nil {
			u := &UsageError{Msg: "--arn: " + err.Error()}
			var ae *awsenv.ARNError
			if errors.As(err, &ae) {
				u.Diagnosis = ae.Diagnosis().WithEvidence(typedARNEvidence(ae.Input))
			}
			return u
		}
	}
	for _, r := range in.Roles {
		if r == "" {
			return usagef("--role: empty role; write ROLE[@DB[.COLLECTION]], e.g. readWrite@mydb")
		}
	}
	if in.Timeout < 0 {
		return usagef("--timeout must be positive")
	}
	if in.Timeout == 0 {
		in.Timeout = DefaultTimeout
	}
	if in.NoConnect && in.TemporaryUser {
		return usagef("--temporary-user registers a user only to test the login; it cannot be combined with --no-connect")
	}
	if in.Update && !in.Yes && len(in.Roles) == 0 {
		return usagef("--update needs --role (the roles the user should have)")
	}
	return nil
}

// typedARNEvidence names what --arn held. Only text shaped like an ARN is
// repeated: anything else may be a secret pasted into the wrong flag.
func typedARNEvidence(input string) string {
	v := strings.TrimSpace(input)
	if strings.HasPrefix(v, "arn:") && len(v) <= 2048 && !strings.ContainsAny(v, " \t\r\n") {
		return "--arn " + v + " was rejected before any Atlas request"
	}
	return "--arn was rejected before any Atlas request (its value is not shown: it is not an ARN)"
}
