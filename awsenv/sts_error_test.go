package awsenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestClassifySTSError(t *testing.T) {
	api := func(code, msg string) error {
		// Wrapped the way the SDK returns it: operation error → API error.
		return &smithy.OperationError{ServiceID: "STS", OperationName: "GetCallerIdentity",
			Err: fmt.Errorf("https response error: %w", &smithy.GenericAPIError{Code: code, Message: msg})}
	}
	tests := []struct {
		name  string
		err   error
		cause STSCause
		code  diag.Code
	}{
		{"expired token", api("ExpiredToken", "The security token included in the request is expired"), CauseExpiredToken, diag.AuthFailed},
		{"expired token exception", api("ExpiredTokenException", "Token expired"), CauseExpiredToken, diag.AuthFailed},
		{"unknown key", api("InvalidClientTokenId", "The security token included in the request is invalid."), CauseUnknownKey, diag.AuthFailed},
		{"wrong secret", api("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided."), CauseWrongSecret, diag.AuthFailed},
		{"clock behind", api("SignatureDoesNotMatch", "Signature expired: 20191029T154623Z is now earlier than 20191029T163344Z (20191029T164844Z - 15 min.)"), CauseClockSkew, diag.AuthFailed},
		{"clock ahead", api("SignatureDoesNotMatch", "Signature not yet current: 20261127T120000Z is still later than 20261127T104500Z (20261127T103000Z + 15 min.)"), CauseClockSkew, diag.AuthFailed},
		{"request expired", api("RequestExpired", "Request has expired."), CauseClockSkew, diag.AuthFailed},
		{"access denied", api("AccessDenied", "User is not authorized"), CauseAccessDenied, diag.AuthFailed},
		{"other code", api("IncompleteSignature", "missing"), CauseOther, diag.AuthFailed},
		{"connection refused", &smithy.OperationError{ServiceID: "STS", OperationName: "GetCallerIdentity",
			Err: &smithyhttp.RequestSendError{Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}}, CauseNetwork, diag.NoAWSCredentials},
		{"deadline", fmt.Errorf("send: %w", context.DeadlineExceeded), CauseNetwork, diag.NoAWSCredentials},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			se := ClassifySTSError(tt.err)
			if se.Cause != tt.cause {
				t.Errorf("cause = %s, want %s (%v)", se.Cause, tt.cause, se)
			}
			if !errors.Is(se, tt.err) {
				t.Error("STSError does not unwrap to the SDK error")
			}
			d := se.Diagnosis()
			if d.Code != tt.code || len(d.Fix) == 0 || len(d.Evidence) == 0 {
				t.Errorf("Diagnosis = %+v", d)
			}
		})
	}
	if ClassifySTSError(nil) != nil {
		t.Error("nil error classified")
	}
}
