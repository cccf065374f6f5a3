package atlas

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
	"golang.org/x/oauth2"
)

// Error is an Atlas Admin API failure: the HTTP status and Atlas errorCode, or an
// OAuth token error (Code "invalid_client", …). Messages carry Atlas's detail,
// never credentials.
type Error struct {
	Op         string // what we were doing, e.g. "list projects"
	Status     int    // HTTP status (0 if unknown)
	Code       string // Atlas errorCode or OAuth error code
	Detail     string
	Parameters []any
	// RetryAfter is the server's Retry-After on a 429, if any.
	RetryAfter time.Duration
	Err        error // the SDK or oauth2 error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	b.WriteString(": ")
	if e.Status != 0 {
		fmt.Fprintf(&b, "HTTP %d", e.Status)
		if e.Code != "" {
			b.WriteString(" ")
		}
	}
	b.WriteString(e.Code)
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// UnreachableError is a network failure talking to the Atlas Admin API: DNS,
// connection refused, TLS, timeout.
type UnreachableError struct {
	Op, BaseURL string
	Reason      string // "DNS lookup failed", "connection refused", "TLS failure", "timed out", "network error"
	Err         error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("%s: cannot reach the Atlas Admin API at %s: %s (%v)", e.Op, e.BaseURL, e.Reason, rootCause(e.Err))
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Atlas error codes the predicates and operations branch on.
const (
	CodeUserUnauthorized      = "USER_UNAUTHORIZED"
	CodeIPNotOnAccessList     = "IP_ADDRESS_NOT_ON_ACCESS_LIST"
	CodeOrgRequiresAccessList = "ORG_REQUIRES_ACCESS_LIST"
	CodeGroupNotFound         = "GROUP_NOT_FOUND"
	CodeClusterNotFound       = "CLUSTER_NOT_FOUND"
	CodeUsernameNotFound      = "USERNAME_NOT_FOUND"
	CodeInvalidAWSIAMARN      = "ATLAS_INVALID_AWS_IAM_ARN"
	CodeFlexInClusterAPI      = "CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API"
	CodeNonFlexInFlexAPI      = "CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API"

	oauthInvalidClient      = "invalid_client"
	oauthUnauthorizedClient = "unauthorized_client"
	headerRetryAfter        = "Retry-After"
)

// classify turns what an SDK call returned into this package's errors. resp may be
// nil. ctx errors pass through (wrapped with op) so callers can test errors.Is.
func (c *Client) classify(op string, resp *http.Response, err error) error {
	if err == nil {
		return nil
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	if apiErr, ok := admin.AsError(err); ok {
		e := &Error{Op: op, Status: status, Code: apiErr.GetErrorCode(), Detail: apiErr.GetDetail(), Parameters: apiErr.GetParameters(), Err: err}
		if e.Status == 0 {
			e.Status = apiErr.GetError()
		}
		if e.Code == "" && e.Detail == "" && status < 300 && status != 0 {
			// A 2xx the SDK could not decode.
			e.Detail = err.Error()
		}
		if resp != nil && status == http.StatusTooManyRequests {
			e.RetryAfter, _ = parseRetryAfter(resp.Header.Get(headerRetryAfter), time.Now())
		}
		return e
	}
	var retrieve *oauth2.RetrieveError
	if errors.As(err, &retrieve) {
		e := &Error{Op: op, Code: retrieve.ErrorCode, Detail: retrieve.ErrorDescription, Err: err}
		if retrieve.Response != nil {
			e.Status = retrieve.Response.StatusCode
		}
		if e.Detail == "" {
			e.Detail = "the OAuth token request was refused"
		}
		return e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", op, err)
	}
	if reason, ok := unreachableReason(err); ok {
		return &UnreachableError{Op: op, BaseURL: c.baseURL, Reason: reason, Err: err}
	}
	return fmt.Errorf("%s: %w", op, err)
}

func unreachableReason(err error) (string, bool) {
	var dns *net.DNSError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var certInvalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var record tls.RecordHeaderError
	var ne net.Error
	var op *net.OpError
	switch {
	case errors.As(err, &dns):
		return "DNS lookup failed", true
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused", true
	case errors.As(err, &unknownAuthority), errors.As(err, &hostname), errors.As(err, &certInvalid), errors.As(err, &verify), errors.As(err, &record):
		return "TLS failure", true
	case errors.As(err, &ne) && ne.Timeout():
		return "timed out", true
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset", true
	case errors.As(err, &op):
		return "network error", true
	}
	return "", false
}

// rootCause is the innermost error, for a short message.
func rootCause(err error) error {
	for {
		u := errors.Unwrap(err)
		if u == nil {
			return err
		}
		err = u
	}
}

func asError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsNotFound: any 404 (GROUP_NOT_FOUND, CLUSTER_NOT_FOUND, USERNAME_NOT_FOUND, …).
func IsNotFound(err error) bool {
	e, ok := asError(err)
	return ok && e.Status == http.StatusNotFound
}

// IsUnauthorized: the credentials themselves were rejected (bad key pair or
// client secret), as opposed to a key that lacks a role.
func IsUnauthorized(err error) bool {
	e, ok := asError(err)
	if !ok {
		return false
	}
	if e.Code == oauthInvalidClient || e.Code == oauthUnauthorizedClient {
		return true
	}
	return e.Status == http.StatusUnauthorized && e.Code != CodeUserUnauthorized
}

// IsForbiddenRole: the credentials work but lack the role the operation needs
// (401 USER_UNAUTHORIZED, or a 403 that is not an access-list rejection).
func IsForbiddenRole(err error) bool {
	e, ok := asError(err)
	if !ok {
		return false
	}
	switch e.Status {
	case http.StatusUnauthorized:
		return e.Code == CodeUserUnauthorized
	case http.StatusForbidden:
		return !isAccessListCode(e.Code)
	}
	return false
}

// IsAccessListDenied: this machine's IP is not on the API key's (or the org's
// required) API access list.
func IsAccessListDenied(err error) bool {
	e, ok := asError(err)
	return ok && e.Status == http.StatusForbidden && isAccessListCode(e.Code)
}

func isAccessListCode(code string) bool {
	return code == CodeIPNotOnAccessList || code == CodeOrgRequiresAccessList
}

// IsConflict: 409, e.g. a database user that already exists. The duplicate-user
// errorCode is unverified, so only the status is used.
func IsConflict(err error) bool {
	e, ok := asError(err)
	return ok && e.Status == http.StatusConflict
}

// IsRateLimited: 429 after the retries ran out.
func IsRateLimited(err error) bool {
	e, ok := asError(err)
	return ok && e.Status == http.StatusTooManyRequests
}

// IsInvalidARN: Atlas rejected the username as an AWS IAM ARN.
func IsInvalidARN(err error) bool {
	e, ok := asError(err)
	return ok && e.Code == CodeInvalidAWSIAMARN
}

// IsUnreachable: the API could not be reached at all.
func IsUnreachable(err error) bool {
	var u *UnreachableError
	return errors.As(err, &u)
}
