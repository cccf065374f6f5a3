package connect

import (
	"errors"
	"regexp"
	"strings"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"
)

// Server error codes a MONGODB-AWS login can end with.
const (
	codeUserNotFound         = 11
	codeAuthenticationFailed = 18
	codeAtlasError           = 8000 // the Atlas proxy of shared tiers: "bad auth : …"
)

var codeNames = map[string]int32{"UserNotFound": codeUserNotFound, "AuthenticationFailed": codeAuthenticationFailed, "AtlasError": codeAtlasError}

// renderedCode finds "(CodeName) message" in a rendered driver error, e.g.
// `…unable to authenticate using mechanism "MONGODB-AWS": (AuthenticationFailed) Authentication failed.`
var renderedCode = regexp.MustCompile(`\((UserNotFound|AuthenticationFailed|AtlasError)\) (.*)$`)

// serverReply is the server's answer inside a driver error: code and message.
type serverReply struct {
	code int32
	msg  string
}

// serverReplyOf digs the server's error out of whatever the driver returned:
// mongo.CommandError (what RunCommand gives), the x/mongo/driver.Error it wraps
// (handshake and SASL failures), or, for errors that were flattened to text
// (logged, re-wrapped with %v), the rendered "(CodeName) message".
func serverReplyOf(err error) (serverReply, bool) {
	var ce mongo.CommandError
	if errors.As(err, &ce) && ce.Code != 0 {
		return serverReply{ce.Code, ce.Message}, true
	}
	var de driver.Error
	if errors.As(err, &de) && de.Code != 0 {
		return serverReply{de.Code, de.Message}, true
	}
	var se mongo.ServerError
	if errors.As(err, &se) {
		for _, c := range []int{codeUserNotFound, codeAuthenticationFailed, codeAtlasError} {
			if se.HasErrorCode(c) {
				return serverReply{int32(c), se.Error()}, true
			}
		}
	}
	if m := renderedCode.FindStringSubmatch(err.Error()); m != nil {
		return serverReply{codeNames[m[1]], m[2]}, true
	}
	return serverReply{}, false
}

// isUserNotFound: the STS check passed but no $external user matches.
func (r serverReply) isUserNotFound() bool {
	return r.code == codeUserNotFound || (r.code == codeAtlasError && strings.Contains(r.msg, "is not found"))
}

// isAuthFailed: STS (or the client-side signing) rejected the conversation.
func (r serverReply) isAuthFailed() bool {
	return r.code == codeAuthenticationFailed || (r.code == codeAtlasError && strings.Contains(r.msg, "bad auth"))
}

// isNoCredentials recognises the driver's own credential chain failing
// ("NoCredentialProviders: no valid providers in chain"), which happens when an
// application leaves credentials to the driver and nothing is found.
func isNoCredentials(err error) bool {
	s := err.Error()
	return strings.Contains(s, "NoCredentialProviders") || strings.Contains(s, "failed to retrieve ACCESS_KEY_ID and SECRET_ACCESS_KEY")
}

// isServerSelection: no server was found suitable before the deadline.
func isServerSelection(err error) bool {
	var sse topology.ServerSelectionError
	return errors.As(err, &sse) || strings.Contains(err.Error(), "server selection error")
}

// isSASLClientError: the driver gave up on the conversation itself (bad server
// nonce, invalid STS host…), with no server code.
func isSASLClientError(err error) bool {
	return strings.Contains(err.Error(), `unable to authenticate using mechanism "MONGODB-AWS"`)
}
