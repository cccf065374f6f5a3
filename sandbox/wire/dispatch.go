package wire

import (
	"errors"
	"strings"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/wiremessage"
)

// handle answers one whole message. A nil reply with a nil error means the client
// asked for none (moreToCome); an error means the connection must close.
func (s *Server) handle(sess *session, wm []byte) ([]byte, error) {
	req, err := parseRequest(wm)
	if err != nil {
		return nil, err
	}
	if req.opcode == wiremessage.OpQuery && !strings.HasSuffix(req.ns, ".$cmd") {
		// A legacy find: gone from servers since 5.1, and never sent by drivers here.
		doc := bsoncore.NewDocumentBuilder().
			AppendString("$err", "OP_QUERY is no longer supported. The client driver may require an upgrade. For more details see https://dochub.mongodb.org/core/legacy-opcode-removal").
			AppendInt32("code", 5739101).
			AppendDouble("ok", 0).
			Build()
		return appendReply(nil, s.replyID.Add(1), req.requestID, wiremessage.QueryFailure, doc), nil
	}
	doc := s.run(sess, req)
	if req.moreToCome {
		return nil, nil
	}
	if req.opcode == wiremessage.OpQuery {
		return appendReply(nil, s.replyID.Add(1), req.requestID, wiremessage.AwaitCapable, doc), nil
	}
	return appendMsgReply(nil, s.replyID.Add(1), req.requestID, doc), nil
}

// run executes a command and renders any failure as an ok:0 document.
func (s *Server) run(sess *session, req request) bsoncore.Document {
	doc, err := s.execute(sess, req)
	if err == nil {
		return doc
	}
	var ce *commandError
	if !errors.As(err, &ce) {
		ce = cmdErr(codeInternalError, "%v", err)
	}
	return ce.document()
}

func (s *Server) execute(sess *session, req request) (bsoncore.Document, error) {
	name := req.name()
	if req.opcode == wiremessage.OpQuery {
		// Servers since 6.0 accept only the handshake over OP_QUERY.
		if !isHello(name) {
			return nil, cmdErr(codeUnsupportedOpQueryCommand, "Unsupported OP_QUERY command: %s. The client driver may require an upgrade. For more details see https://dochub.mongodb.org/core/legacy-opcode-removal", name)
		}
		return s.hello(sess, req)
	}
	if req.db == "" {
		return nil, cmdErr(codeMissingDB, "OP_MSG requests require a $db argument")
	}
	cmd, ok := commands[name]
	if !ok {
		return nil, cmdErr(codeCommandNotFound, "no such command: '%s'", name)
	}
	if cmd.needsAuth && sess.user == nil {
		return nil, cmdErr(codeUnauthorized, "command %s requires authentication", name)
	}
	if cmd.run == nil {
		return s.notEmulated(sess, req, cmd)
	}
	return cmd.run(s, sess, req)
}

func isHello(name string) bool {
	return name == "hello" || name == "isMaster" || name == "ismaster"
}

// scope is what a command's privileges are about.
type scope int

const (
	dbScope      scope = iota // the database in $db (data and database commands)
	clusterScope              // the deployment (run on admin)
)

// command is one entry of the command table.
type command struct {
	// run is nil for a real MongoDB command the sandbox does not emulate.
	run       func(*Server, *session, request) (bsoncore.Document, error)
	needsAuth bool
	scope     scope
}

// commands maps every command name the server recognises. Names are
// case-sensitive, as in mongod; isMaster has its lower-case alias.
var commands = map[string]command{
	"hello":            {run: (*Server).hello},
	"isMaster":         {run: (*Server).hello},
	"ismaster":         {run: (*Server).hello},
	"ping":             {run: (*Server).ping},
	"buildInfo":        {run: (*Server).buildInfo},
	"buildinfo":        {run: (*Server).buildInfo},
	"connectionStatus": {run: (*Server).connectionStatus},
	"endSessions":      {run: (*Server).ping}, // sessions are not tracked: ending them is a no-op
	"saslStart":        {run: (*Server).saslStart},
	"saslContinue":     {run: (*Server).saslContinue},
	"listDatabases":    {run: (*Server).listDatabases, needsAuth: true, scope: clusterScope},

	// An empty deployment: reads the user may run return nothing.
	"find":            {run: (*Server).emptyCursor, needsAuth: true},
	"aggregate":       {run: (*Server).emptyCursor, needsAuth: true},
	"listCollections": {run: (*Server).emptyCursor, needsAuth: true},
	"count":           {run: (*Server).countZero, needsAuth: true},

	// Real commands the sandbox does not emulate (see notEmulated).
	"insert": {needsAuth: true}, "update": {needsAuth: true}, "delete": {needsAuth: true},
	"findAndModify": {needsAuth: true}, "distinct": {needsAuth: true}, "getMore": {needsAuth: true},
	"killCursors": {needsAuth: true}, "listIndexes": {needsAuth: true}, "create": {needsAuth: true},
	"drop": {needsAuth: true}, "dropDatabase": {needsAuth: true}, "createIndexes": {needsAuth: true},
	"dropIndexes": {needsAuth: true}, "dbStats": {needsAuth: true}, "collStats": {needsAuth: true},
	"explain": {needsAuth: true}, "validate": {needsAuth: true}, "collMod": {needsAuth: true},
	"usersInfo": {needsAuth: true}, "rolesInfo": {needsAuth: true}, "createUser": {needsAuth: true},

	"getParameter": {needsAuth: true, scope: clusterScope}, "setParameter": {needsAuth: true, scope: clusterScope},
	"getLog": {needsAuth: true, scope: clusterScope}, "serverStatus": {needsAuth: true, scope: clusterScope},
	"hostInfo": {needsAuth: true, scope: clusterScope}, "getCmdLineOpts": {needsAuth: true, scope: clusterScope},
	"currentOp": {needsAuth: true, scope: clusterScope}, "killOp": {needsAuth: true, scope: clusterScope},
	"replSetGetStatus": {needsAuth: true, scope: clusterScope}, "top": {needsAuth: true, scope: clusterScope},
	"fsync": {needsAuth: true, scope: clusterScope}, "shutdown": {needsAuth: true, scope: clusterScope},
	"logRotate": {needsAuth: true, scope: clusterScope}, "bulkWrite": {needsAuth: true, scope: clusterScope},
	"getDefaultRWConcern": {needsAuth: true, scope: clusterScope},
}
