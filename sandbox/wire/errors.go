package wire

import (
	"fmt"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// Server error codes the sandbox sends, with their codeName (mongo/base/error_codes.yml).
const (
	codeInternalError             = 1
	codeBadValue                  = 2
	codeUserNotFound              = 11
	codeUnauthorized              = 13
	codeTypeMismatch              = 14
	codeProtocolError             = 17
	codeAuthenticationFailed      = 18
	codeCommandNotFound           = 59
	codeCommandNotSupported       = 115
	codeMechanismUnavailable      = 334
	codeUnsupportedOpQueryCommand = 352
	codeMissingField              = 40414 // IDL: required field missing
	codeMissingDB                 = 40571 // OP_MSG without $db
)

var codeNames = map[int32]string{
	codeInternalError:             "InternalError",
	codeBadValue:                  "BadValue",
	codeUserNotFound:              "UserNotFound",
	codeUnauthorized:              "Unauthorized",
	codeTypeMismatch:              "TypeMismatch",
	codeProtocolError:             "ProtocolError",
	codeAuthenticationFailed:      "AuthenticationFailed",
	codeCommandNotFound:           "CommandNotFound",
	codeCommandNotSupported:       "CommandNotSupported",
	codeMechanismUnavailable:      "MechanismUnavailable",
	codeUnsupportedOpQueryCommand: "UnsupportedOpQueryCommand",
}

// commandError is a command failure the client sees as {ok:0, errmsg, code, codeName}.
type commandError struct {
	Code int32
	Msg  string
}

func (e *commandError) Error() string { return fmt.Sprintf("(%s) %s", e.codeName(), e.Msg) }

func (e *commandError) codeName() string {
	if n, ok := codeNames[e.Code]; ok {
		return n
	}
	// Codes without a name in error_codes.yml are uassert locations.
	return fmt.Sprintf("Location%d", e.Code)
}

func cmdErr(code int32, format string, args ...any) *commandError {
	return &commandError{Code: code, Msg: fmt.Sprintf(format, args...)}
}

// authFailed is what every MONGODB-AWS mechanism failure looks like to a client;
// the real reason goes to the server log only.
func authFailed() *commandError {
	return &commandError{Code: codeAuthenticationFailed, Msg: "Authentication failed."}
}

func (e *commandError) document() bsoncore.Document {
	return bsoncore.NewDocumentBuilder().
		AppendDouble("ok", 0).
		AppendString("errmsg", e.Msg).
		AppendInt32("code", e.Code).
		AppendString("codeName", e.codeName()).
		Build()
}
