package connect

import (
	"fmt"
	"strings"

	"github.com/atlas-iam/atlas-iam/diag"
)

// userNotFound explains a login whose AWS identity was verified but matched no
// $external user: not deployed yet, registered with a role path, or simply not
// (or differently) registered.
func userNotFound(r serverReply, c DiagnoseContext) *diag.Diagnosis {
	seen := principalInMessage(r.msg)
	if seen == "" && c.ExpectedPrincipal != "" {
		seen = serverPrincipal(c.ExpectedPrincipal)
	}
	registered := ""
	if c.RegisteredUser != "" {
		registered = AtlasPrincipal(c.RegisteredUser, c.RegisteredType)
	}
	saw := "the server verified the AWS identity but found no $external user"
	if seen != "" {
		saw = fmt.Sprintf("the server verified the AWS identity and looked for the $external user %q: none", seen)
	}
	reg := ""
	if c.RegisteredUser != "" {
		reg = fmt.Sprintf("registered in Atlas: %s (awsIAMType %s), which the cluster matches as %s", c.RegisteredUser, orUnknown(c.RegisteredType), registered)
	}

	// A role registered with its IAM path never matches: waiting will not help,
	// so this comes before the deployment state.
	if path, name, ok := rolePath(c.RegisteredUser); ok && path != "/" && strings.EqualFold(c.RegisteredType, "ROLE") &&
		(seen == "" || AtlasPrincipal(withoutPath(c.RegisteredUser), "ROLE") == seen) {
		fixed := withoutPath(c.RegisteredUser)
		return diag.New(diag.PathRole, fmt.Sprintf("The role was registered with its path %s; role sessions never carry a path, so the user can never match", path)).
			WithEvidence(saw, reg, fmt.Sprintf("STS names sessions of role %s as …:assumed-role/%s/SESSION, without %s", c.RegisteredUser, name, path)).
			WithFix(fmt.Sprintf("register the role without its path: %s (awsIAMType ROLE) — run `atlas-iam setup`, which does this", fixed),
				fmt.Sprintf("delete the database user %s", c.RegisteredUser))
	}

	if strings.EqualFold(c.ChangeStatus, "PENDING") && (registered == "" || seen == "" || registered == seen) {
		d := diag.New(diag.UserNotDeployed, "The database user exists but the cluster has not applied it yet (changeStatus PENDING)").
			WithEvidence(saw)
		if reg != "" {
			d.WithEvidence(reg)
		}
		return d.WithEvidence("the deployment's changeStatus is PENDING: new users cannot log in until it is APPLIED").
			WithFix("wait until the changeStatus is APPLIED (usually within a minute or two), then run the login again",
				"`atlas-iam setup` waits for this by itself")
	}

	d := diag.New(diag.UserNotFound, "No Atlas database user matches the AWS identity that logged in")
	d.WithEvidence(saw)
	if reg != "" {
		d.WithEvidence(reg)
	} else {
		d.WithEvidence("no database user was registered for this login")
	}
	if c.ExpectedPrincipal != "" && seen != "" && serverPrincipal(c.ExpectedPrincipal) != seen {
		d.WithEvidence(fmt.Sprintf("STS said these credentials are %s, not what the server saw: another identity was used", c.ExpectedPrincipal))
	}
	if c.CredentialSource != "" {
		d.WithEvidence("credentials came from: " + c.CredentialSource)
	}
	if strings.EqualFold(c.ChangeStatus, "PENDING") {
		d.WithEvidence("the deployment's changeStatus is PENDING, but the pending user would not match either")
	}
	want := wantedUser(seen)
	switch {
	case c.RegisteredUser != "" && strings.Contains(c.RegisteredUser, ":assumed-role/"):
		d.WithFix(fmt.Sprintf("%s is a role session ARN; register the role ARN %s with awsIAMType ROLE", c.RegisteredUser, orRole(roleARN(c.RegisteredUser))))
	case c.RegisteredUser != "" && strings.Contains(c.RegisteredUser, ":role/") && !strings.EqualFold(c.RegisteredType, "ROLE"):
		d.WithFix(fmt.Sprintf("%s is a role: its awsIAMType must be ROLE, not %s", c.RegisteredUser, orUnknown(c.RegisteredType)))
	}
	if want != "" {
		d.WithFix(fmt.Sprintf("register %s — run `atlas-iam setup` with the identity the application uses", want))
	} else {
		d.WithFix("register the IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME, no path) or IAM user ARN the application runs as — run `atlas-iam setup`")
	}
	if c.CredentialSource != "" {
		d.WithFix("if that identity is unexpected, check the credential source: a stale ~/.aws/credentials, AWS_PROFILE, or the ECS execution role instead of the task role")
	}
	return d
}

// wantedUser is the Atlas user (ARN and awsIAMType) that would match a principal.
func wantedUser(principal string) string {
	if principal == "" {
		return ""
	}
	if r := roleARN(principal); r != "" {
		return r + " (awsIAMType ROLE)"
	}
	return principal + " (awsIAMType USER)"
}

func orRole(s string) string {
	if s == "" {
		return "arn:aws:iam::ACCOUNT:role/NAME"
	}
	return s
}
