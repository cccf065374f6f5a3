package wire

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/atlas-iam/atlas-iam/sandbox/sigv4"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

const (
	mechanismAWS = "MONGODB-AWS"
	externalDB   = "$external"
	// stsHost is the `h` the server sends; the client signs for it and the server
	// rebuilds the request with it, so its region (us-east-1) is the only valid scope.
	stsHost = "sts.amazonaws.com"
	// conversationID is what real servers always use.
	conversationID = 1
)

// conversation is a MONGODB-AWS exchange after saslStart.
type conversation struct {
	nonce   [serverNonceLen]byte // client nonce ‖ 32 server bytes
	gs2Flag byte
	done    bool // the second step succeeded; any further step fails
}

// authUser is who a connection is logged in as.
type authUser struct {
	principal string
	roles     []role
}

type role struct{ name, db string }

// saslStart begins a MONGODB-AWS conversation: check the client-first message and
// answer with the server nonce and STS host.
func (s *Server) saslStart(sess *session, req request) (bsoncore.Document, error) {
	mech, err := stringField(req.body, "saslStart", "mechanism")
	if err != nil {
		return nil, err
	}
	payload, err := payloadField(req.body, "saslStart")
	if err != nil {
		return nil, err
	}
	sess.conv = nil // a new saslStart abandons any conversation in progress
	if mech != mechanismAWS {
		// The sandbox enables MONGODB-AWS only.
		return nil, cmdErr(codeMechanismUnavailable, "Received authentication for mechanism %s which is not enabled", mech)
	}
	if req.db != externalDB {
		return nil, cmdErr(codeMechanismUnavailable, "Unsupported mechanism '%s' on authentication database '%s'", mech, req.db)
	}
	cf, err := parseClientFirst(payload)
	if err != nil {
		return nil, s.authFailure(sess, "", "client-first message: %v", err)
	}
	conv := &conversation{gs2Flag: cf.gs2Flag}
	copy(conv.nonce[:], cf.nonce[:])
	rand.Read(conv.nonce[clientNonceLen:]) // never fails (crypto/rand)
	sess.conv = conv
	serverFirst := bsoncore.NewDocumentBuilder().
		AppendBinary("s", 0, conv.nonce[:]).
		AppendString("h", stsHost).
		Build()
	return saslReply(false, serverFirst), nil
}

// saslContinue takes the client-final message: check the signature against the
// request rebuilt from server state, map the caller to a database user, log in.
func (s *Server) saslContinue(sess *session, req request) (bsoncore.Document, error) {
	id, err := intField(req.body, "saslContinue", "conversationId")
	if err != nil {
		return nil, err
	}
	payload, err := payloadField(req.body, "saslContinue")
	if err != nil {
		return nil, err
	}
	conv := sess.conv
	if conv == nil {
		return nil, cmdErr(codeProtocolError, "No SASL session state found")
	}
	sess.conv = nil // one more step at most; every outcome below ends the conversation
	if id != conversationID {
		return nil, cmdErr(codeProtocolError, "sasl: Mismatched conversation id")
	}
	if conv.done {
		return nil, s.authFailure(sess, "", "unexpected SASL step after the MONGODB-AWS conversation completed")
	}
	user, err := s.verifyClientFinal(sess, conv, payload)
	if err != nil {
		return nil, err
	}
	conv.done = true
	sess.conv, sess.user = conv, user
	return saslReply(true, nil), nil
}

// verifyClientFinal does the second step's checks in the real server's order:
// payload, SignedHeaders, STS (here local), ARN simplification, user lookup.
func (s *Server) verifyClientFinal(sess *session, conv *conversation, payload []byte) (*authUser, error) {
	cf, err := parseClientFinal(payload)
	if err != nil {
		return nil, s.authFailure(sess, "", "client-final message: %v", err)
	}
	authz, err := sigv4.ParseAuthorization(cf.authorization)
	if err != nil {
		return nil, s.authFailure(sess, "", "client-final Authorization: %v", err)
	}
	awsID := authz.AccessKeyID
	if err := checkSignedHeaders(authz.SignedHeaders); err != nil {
		return nil, s.authFailure(sess, awsID, "%v", err)
	}
	// What the real server POSTs to STS: its own host and nonce, the client's
	// gs2 flag, date, token and Authorization.
	caller, stsErr := s.w.VerifySignature(world.SignedRequest{
		Request:       sigv4.MongoDBAWSRequest(stsHost, conv.nonce[:], conv.gs2Flag, cf.amzDate, cf.sessionToken),
		Authorization: cf.authorization,
		AmzDate:       cf.amzDate,
		SessionToken:  cf.sessionToken,
		Service:       "sts",
		Region:        sigv4.RegionFromSTSHost(stsHost),
	})
	if stsErr != nil {
		return nil, s.authFailure(sess, awsID, "STS GetCallerIdentity returned HTTP %d %s: %s", stsErr.Status, stsErr.Code, stsErr.Message)
	}
	principal, err := simplifyARN(caller.CallerARN)
	if err != nil {
		return nil, s.authFailure(sess, awsID, "caller %s: %v", caller.CallerARN, err)
	}
	m := s.w.MatchPrincipal(s.projectID, s.cluster, principal)
	if m.User == nil {
		msg := fmt.Sprintf("Could not find user \"%s\" for db \"%s\"", principal, externalDB)
		s.w.Logf("wire", "conn%d from %s: Authentication failed (id 20249): mechanism %s, db %s, awsId %s: UserNotFound: %s; %s",
			sess.connID, sess.remote, mechanismAWS, externalDB, awsID, msg, m.Reason)
		return nil, &commandError{Code: codeUserNotFound, Msg: msg}
	}
	u := &authUser{principal: principal}
	if m.User.Roles != nil {
		for _, r := range *m.User.Roles {
			u.roles = append(u.roles, role{name: r.RoleName, db: r.DatabaseName})
		}
	}
	s.w.Logf("wire", "conn%d from %s: Successfully authenticated (id 5286306): mechanism %s, principal %s, caller %s, awsId %s",
		sess.connID, sess.remote, mechanismAWS, principal, caller.CallerARN, awsID)
	return u, nil
}

// authFailure logs the real reason, like mongod's "Authentication failed" (id
// 20249), and returns what the client sees. Callers never pass secrets: the log
// names the access key id only.
func (s *Server) authFailure(sess *session, awsID, format string, args ...any) *commandError {
	if awsID == "" {
		awsID = "unknown"
	}
	s.w.Logf("wire", "conn%d from %s: Authentication failed (id 20249): mechanism %s, db %s, awsId %s: %s",
		sess.connID, sess.remote, mechanismAWS, externalDB, awsID, fmt.Sprintf(format, args...))
	return authFailed()
}

func saslReply(done bool, payload []byte) bsoncore.Document {
	return bsoncore.NewDocumentBuilder().
		AppendInt32("conversationId", conversationID).
		AppendBoolean("done", done).
		AppendBinary("payload", 0, payload).
		AppendDouble("ok", 1).
		Build()
}

func stringField(body bsoncore.Document, cmd, key string) (string, error) {
	v, err := body.LookupErr(key)
	if err != nil {
		return "", cmdErr(codeMissingField, "BSON field '%s.%s' is missing but a required field", cmd, key)
	}
	str, ok := v.StringValueOK()
	if !ok {
		return "", cmdErr(codeTypeMismatch, "BSON field '%s.%s' is the wrong type '%s', expected type 'string'", cmd, key, typeName(v.Type))
	}
	return str, nil
}

// intField reads an integer field; like the server's "int" IDL type it also takes
// whole doubles and longs that fit.
func intField(body bsoncore.Document, cmd, key string) (int64, error) {
	v, err := body.LookupErr(key)
	if err != nil {
		return 0, cmdErr(codeMissingField, "BSON field '%s.%s' is missing but a required field", cmd, key)
	}
	switch v.Type {
	case bsoncore.TypeInt32, bsoncore.TypeInt64, bsoncore.TypeDouble:
		f, _ := v.AsFloat64OK()
		if f == float64(int64(f)) {
			return int64(f), nil
		}
	}
	return 0, cmdErr(codeTypeMismatch, "BSON field '%s.%s' is the wrong type '%s', expected types '[long, int, decimal, double]'", cmd, key, typeName(v.Type))
}

// payloadField reads the SASL payload: BinData, or a base64 string as old shells sent.
func payloadField(body bsoncore.Document, cmd string) ([]byte, error) {
	v, err := body.LookupErr("payload")
	if err != nil {
		return nil, cmdErr(codeMissingField, "BSON field '%s.payload' is missing but a required field", cmd)
	}
	if _, data, ok := v.BinaryOK(); ok {
		return data, nil
	}
	if str, ok := v.StringValueOK(); ok {
		data, err := base64.StdEncoding.DecodeString(str)
		if err != nil {
			return nil, cmdErr(codeBadValue, "Invalid base64 in %s.payload", cmd)
		}
		return data, nil
	}
	return nil, cmdErr(codeTypeMismatch, "BSON field '%s.payload' is the wrong type '%s', expected types '[string, binData]'", cmd, typeName(v.Type))
}
