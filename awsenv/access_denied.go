package awsenv

import (
	"errors"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/aws/smithy-go"
)

// AccessDeniedError is an AWS permission refusal for one action. For IAM reads the
// engine falls back to asking for the ARN; for sts:AssumeRole it is a diagnosis.
type AccessDeniedError struct {
	Action   string // e.g. "iam:ListRoles", "sts:AssumeRole"
	Resource string // the role ARN for sts:AssumeRole
	Message  string // AWS's message, which names the caller and the action
	Err      error
}

func (e *AccessDeniedError) Error() string {
	msg := "access denied for " + e.Action
	if e.Resource != "" {
		msg += " on " + e.Resource
	}
	if e.Message != "" {
		msg += ": " + e.Message
	}
	return msg
}

func (e *AccessDeniedError) Unwrap() error { return e.Err }

// Diagnosis is diag.AssumeRoleDenied for sts:AssumeRole, and nil for IAM reads,
// which are not failures by themselves.
func (e *AccessDeniedError) Diagnosis() *diag.Diagnosis {
	if e.Action != "sts:AssumeRole" {
		return nil
	}
	return diag.New(diag.AssumeRoleDenied, "This identity may not assume "+e.Resource+" to test it.").
		WithEvidence(e.Error()).
		WithFix("Add this identity (or the account root) as an AWS principal allowed sts:AssumeRole in the role's trust policy, and allow sts:AssumeRole on the role in the identity's own policy.",
			"Or run `atlas-iam check` on the target platform itself.")
}

func isAccessDenied(err error) bool {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return false
	}
	switch api.ErrorCode() {
	case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation":
		return true
	}
	return false
}

func accessDenied(action, resource string, err error) *AccessDeniedError {
	e := &AccessDeniedError{Action: action, Resource: resource, Err: err}
	var api smithy.APIError
	if errors.As(err, &api) {
		e.Message = api.ErrorMessage()
	}
	return e
}
