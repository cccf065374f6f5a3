package awsenv

import (
	"context"
	"errors"
	"net"
	"strings"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// STSCause is why STS refused the credentials (notes/mongodb-aws.md §2.1, §5).
type STSCause string

// The causes, most specific first.
const (
	CauseExpiredToken STSCause = "expired-token"      // ExpiredToken / ExpiredTokenException
	CauseUnknownKey   STSCause = "unknown-access-key" // InvalidClientTokenId: deleted or mistyped key, or a session token without its key
	CauseWrongSecret  STSCause = "wrong-secret"       // SignatureDoesNotMatch
	CauseClockSkew    STSCause = "clock-skew"         // "Signature expired" / "Signature not yet current" / RequestExpired
	CauseAccessDenied STSCause = "access-denied"
	CauseNetwork      STSCause = "network" // STS could not be reached
	CauseOther        STSCause = "other"
)

// STSError is an STS failure with its cause. Message is STS's own text, which
// never contains secrets.
type STSError struct {
	Cause       STSCause
	Code        string // the AWS error code, "" for network errors
	Message     string
	AccessKeyID string // the key that was refused, when known
	Err         error
}

func (e *STSError) Error() string {
	if e.Code == "" {
		return "sts: " + e.Err.Error()
	}
	return "sts: " + e.Code + ": " + e.Message
}

func (e *STSError) Unwrap() error { return e.Err }

// ClassifySTSError types an error from an STS call; nil stays nil.
func ClassifySTSError(err error) *STSError {
	if err == nil {
		return nil
	}
	e := &STSError{Cause: CauseOther, Err: err}
	var api smithy.APIError
	if errors.As(err, &api) {
		e.Code, e.Message = api.ErrorCode(), api.ErrorMessage()
		msg := strings.ToLower(e.Message)
		switch e.Code {
		case "ExpiredToken", "ExpiredTokenException":
			e.Cause = CauseExpiredToken
		case "InvalidClientTokenId", "UnrecognizedClientException":
			e.Cause = CauseUnknownKey
		case "RequestExpired":
			e.Cause = CauseClockSkew
		case "SignatureDoesNotMatch", "InvalidSignatureException":
			e.Cause = CauseWrongSecret
			if strings.Contains(msg, "signature expired") || strings.Contains(msg, "signature not yet current") {
				e.Cause = CauseClockSkew
			}
		case "AccessDenied", "AccessDeniedException":
			e.Cause = CauseAccessDenied
		}
		return e
	}
	var send *smithyhttp.RequestSendError
	var netErr net.Error
	if errors.As(err, &send) || errors.As(err, &netErr) || errors.Is(err, context.DeadlineExceeded) {
		e.Cause = CauseNetwork
	}
	return e
}

// Diagnosis turns the error into diag.AuthFailed (the credentials exist but AWS
// rejects them) or diag.NoAWSCredentials (they could not be checked).
func (e *STSError) Diagnosis() *diag.Diagnosis {
	key := "the access key"
	if e.AccessKeyID != "" {
		key = "the access key " + e.AccessKeyID
	}
	var d *diag.Diagnosis
	switch e.Cause {
	case CauseExpiredToken:
		d = diag.New(diag.AuthFailed, "The AWS session token has expired.").
			WithFix("Get fresh credentials (aws sso login, a new session, or restart the workload so it fetches new ones), then retry.")
	case CauseUnknownKey:
		d = diag.New(diag.AuthFailed, "AWS does not recognise "+key+": it was deleted or mistyped, or a session token is missing or belongs to another key.").
			WithFix("Check AWS_ACCESS_KEY_ID and AWS_SESSION_TOKEN (temporary ASIA… keys need their token; long-term AKIA… keys must not have one), or create a new access key.")
	case CauseWrongSecret:
		d = diag.New(diag.AuthFailed, "The secret access key does not match "+key+".").
			WithFix("Copy AWS_SECRET_ACCESS_KEY again (without quotes or spaces) or create a new access key.")
	case CauseClockSkew:
		d = diag.New(diag.AuthFailed, "This machine's clock is more than 15 minutes off, so AWS rejects the signature.").
			WithFix("Synchronise the clock (for example timedatectl set-ntp true, or chronyc makestep), then retry.")
	case CauseAccessDenied:
		d = diag.New(diag.AuthFailed, "AWS denied the request with these credentials.").
			WithFix("Check service control policies and permission boundaries that deny STS for this identity.")
	case CauseNetwork:
		d = diag.New(diag.NoAWSCredentials, "AWS STS could not be reached, so the credentials could not be checked.").
			WithFix("Check the network path to STS (proxy, VPC endpoint, AWS_ENDPOINT_URL_STS), or type the IAM ARN to register instead.")
	default:
		d = diag.New(diag.AuthFailed, "AWS STS refused the credentials.").
			WithFix("Check the credentials and retry.")
	}
	return d.WithEvidence(e.Error())
}
