package connect

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/aws/smithy-go"
)

// MaxClockSkew is the clock difference Diagnose treats as clock skew. STS rejects
// signatures more than 15 minutes off; past 5 minutes something is wrong with
// the clock, and the margin covers the evidence's own imprecision.
const MaxClockSkew = 5 * time.Minute

// authCause is one possible reason for AuthenticationFailed. The server never
// says which (it masks STS's answer), so causes are ranked by the evidence.
type authCause struct {
	score    int
	label    string // names the cause in a fix line
	summary  string
	evidence []string
	fix      []string
}

// authFailed ranks the causes of an AuthenticationFailed: expired credentials,
// clock skew, a wrong or unknown key, a missing session token. Evidence from
// STS and the clocks outranks the generic order, which depends on the kind of
// credentials (temporary ones mostly fail by expiring, long-term ones by being
// wrong or deactivated).
func authFailed(err error, le *LoginError, c DiagnoseContext) *diag.Diagnosis {
	var facts CredentialFacts
	if le != nil {
		facts = le.Credentials
	}
	stsCode, stsMsg := stsAnswer(c.STSError)
	temporary := facts.Temporary || strings.HasPrefix(facts.AccessKeyID, "ASIA") || !c.CredentialExpiry.IsZero()
	now := c.now()

	var causes []authCause

	// Expired temporary credentials.
	expired := authCause{label: "Expired credentials", summary: "the temporary AWS credentials have expired",
		fix: []string{"get fresh credentials (`aws sso login`, re-run the assume-role, or restart the task/pod so the platform refreshes them), then log in again"}}
	if !c.CredentialExpiry.IsZero() && !c.CredentialExpiry.After(now) {
		expired.score += 100
		expired.evidence = append(expired.evidence, fmt.Sprintf("the credentials expired at %s, %s before this login", c.CredentialExpiry.UTC().Format(time.RFC3339), now.Sub(c.CredentialExpiry).Round(time.Second)))
	}
	if stsCode == "ExpiredToken" || stsCode == "ExpiredTokenException" {
		expired.score += 100
		expired.evidence = append(expired.evidence, "STS answered "+stsCode+" for the same credentials")
	}
	if temporary {
		expired.score += 10
	}
	if expired.score > 0 {
		causes = append(causes, expired)
	}

	// Clock skew: the signature carries this machine's time.
	skew := authCause{label: "Clock skew", summary: "this machine's clock is off: STS rejects signatures more than 15 minutes from its time",
		fix: []string{"synchronise the clock (e.g. `sudo chronyc makestep`, `timedatectl set-ntp true`, or the OS time settings), then log in again"}}
	if !c.ServerTime.IsZero() && !c.LocalTime.IsZero() {
		off := c.LocalTime.Sub(c.ServerTime)
		if off.Abs() > MaxClockSkew {
			skew.score += 100
			dir := "ahead of"
			if off < 0 {
				dir = "behind"
			}
			skew.evidence = append(skew.evidence, fmt.Sprintf("this machine's clock (%s) is %s %s the server's (%s)", c.LocalTime.UTC().Format(time.RFC3339), off.Abs().Round(time.Second), dir, c.ServerTime.UTC().Format(time.RFC3339)))
		}
	}
	if stsCode == "RequestExpired" || strings.Contains(stsMsg, "Signature expired") || strings.Contains(stsMsg, "Signature not yet current") {
		skew.score += 100
		skew.evidence = append(skew.evidence, "STS answered: "+clip(stsMsg))
	}
	skew.score += 5
	causes = append(causes, skew)

	// A temporary key id without its session token.
	if strings.HasPrefix(facts.AccessKeyID, "ASIA") && !facts.Temporary {
		causes = append(causes, authCause{score: 150, label: "Missing session token", summary: "a temporary access key (ASIA…) was used without its session token",
			evidence: []string{"key " + facts.AccessKeyID + " is temporary but no session token came with it"},
			fix:      []string{"export AWS_SESSION_TOKEN together with the key (mongosh: --awsIamSessionToken \"$AWS_SESSION_TOKEN\")"}})
	}

	// Wrong secret, unknown or deactivated key.
	wrong := authCause{label: "Wrong or unknown key", summary: "the secret key is wrong, or the access key is unknown or deactivated",
		fix: []string{"check the key with `aws sts get-caller-identity`; create a new access key if it was deleted or deactivated",
			"if the secret was put in a connection string, percent-encode / : @ + (or better, export it)"}}
	switch {
	case stsCode == "SignatureDoesNotMatch" && skew.score < 100:
		wrong.score += 100
		wrong.evidence = append(wrong.evidence, "STS answered SignatureDoesNotMatch: the secret does not belong to the key")
	case stsCode == "InvalidClientTokenId" || stsCode == "UnrecognizedClientException":
		wrong.score += 100
		wrong.evidence = append(wrong.evidence, "STS answered "+stsCode+": it does not know this key (or its session token)")
	case stsCode == "IncompleteSignature":
		wrong.score += 100
		wrong.evidence = append(wrong.evidence, "STS answered IncompleteSignature")
	}
	if !temporary {
		wrong.score += 10
	} else {
		wrong.score += 3
	}
	causes = append(causes, wrong)

	sort.SliceStable(causes, func(i, j int) bool { return causes[i].score > causes[j].score })

	d := diag.New(diag.AuthFailed, "MONGODB-AWS authentication failed; most likely "+causes[0].summary)
	d.WithEvidence(authFailedEvidence(err))
	if facts.AccessKeyID != "" {
		kind := "long-term"
		if facts.Temporary {
			kind = "temporary"
		}
		d.WithEvidence(fmt.Sprintf("credentials: %s key %s from %s", kind, facts.AccessKeyID, orUnknown(c.CredentialSource)))
	}
	for _, cause := range causes {
		d.WithEvidence(cause.evidence...)
	}
	if stsCode == "" && c.STSError == nil {
		d.WithEvidence("no STS answer for these credentials to tell the causes apart; ranked by the kind of credentials")
	}
	for _, cause := range causes {
		if causes[0].score >= 100 && cause.score < 100 {
			break // strong evidence: leave out the causes nothing points to
		}
		for _, f := range cause.fix {
			d.WithFix(cause.label + ": " + f)
		}
	}
	return d
}

// authFailedEvidence says what the server answered, in one line.
func authFailedEvidence(err error) string {
	if r, ok := serverReplyOf(err); ok {
		return fmt.Sprintf("the server answered %q (code %d): STS rejected the signed request, and the server does not say why", r.msg, r.code)
	}
	return "the driver stopped the MONGODB-AWS conversation: " + clip(err.Error())
}

// stsAnswer extracts the AWS error code and message STS gave.
func stsAnswer(err error) (code, msg string) {
	if err == nil {
		return "", ""
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode(), ae.ErrorMessage()
	}
	s := err.Error()
	for _, c := range []string{"ExpiredTokenException", "ExpiredToken", "RequestExpired", "SignatureDoesNotMatch", "InvalidClientTokenId", "UnrecognizedClientException", "IncompleteSignature"} {
		if strings.Contains(s, c) {
			return c, s
		}
	}
	return "", s
}
