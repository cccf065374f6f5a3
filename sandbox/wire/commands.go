package wire

import (
	"slices"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// logicalSessionTimeoutMinutes is mongod's default; advertising it lets drivers
// use implicit sessions, which the server accepts and ignores.
const logicalSessionTimeoutMinutes = 30

// hello answers hello, isMaster and ismaster, over OP_QUERY or OP_MSG, as a
// standalone writable server. topologyVersion is left out on purpose so drivers
// poll instead of using awaitable (exhaust) hello.
func (s *Server) hello(sess *session, req request) (bsoncore.Document, error) {
	b := bsoncore.NewDocumentBuilder()
	if req.name() == "hello" {
		b.AppendBoolean("isWritablePrimary", true)
	} else {
		b.AppendBoolean("ismaster", true)
	}
	return b.
		AppendBoolean("helloOk", true).
		AppendInt32("maxBsonObjectSize", maxBSONObjectSize).
		AppendInt32("maxMessageSizeBytes", maxMessageSizeBytes).
		AppendInt32("maxWriteBatchSize", maxWriteBatchSize).
		// The sandbox clock (with any ClockSkew), so clients can notice skew.
		AppendDateTime("localTime", s.w.Now().UnixMilli()).
		AppendInt32("logicalSessionTimeoutMinutes", logicalSessionTimeoutMinutes).
		AppendInt32("connectionId", sess.connID).
		AppendInt32("minWireVersion", 0).
		AppendInt32("maxWireVersion", wireVersion(s.version())).
		AppendBoolean("readOnly", false).
		AppendDouble("ok", 1).
		Build(), nil
}

func (s *Server) ping(*session, request) (bsoncore.Document, error) {
	return bsoncore.NewDocumentBuilder().AppendDouble("ok", 1).Build(), nil
}

// buildInfo reports the deployment's MongoDB version as Atlas runs it: Enterprise.
func (s *Server) buildInfo(*session, request) (bsoncore.Document, error) {
	v := s.version()
	arr := bsoncore.NewArrayBuilder()
	parts := strings.Split(v, ".")
	for i := range 4 {
		n := 0
		if i < len(parts) {
			n, _ = strconv.Atoi(parts[i])
		}
		arr.AppendInt32(int32(n))
	}
	return bsoncore.NewDocumentBuilder().
		AppendString("version", v).
		AppendArray("versionArray", arr.Build()).
		AppendArray("modules", bsoncore.NewArrayBuilder().AppendString("enterprise").Build()).
		AppendInt32("bits", 64).
		AppendBoolean("debug", false).
		AppendInt32("maxBsonObjectSize", maxBSONObjectSize).
		AppendDouble("ok", 1).
		Build(), nil
}

// connectionStatus tells who is logged in on this connection and with which roles.
func (s *Server) connectionStatus(sess *session, _ request) (bsoncore.Document, error) {
	users, roles := bsoncore.NewArrayBuilder(), bsoncore.NewArrayBuilder()
	if u := sess.user; u != nil {
		users.AppendDocument(bsoncore.NewDocumentBuilder().AppendString("user", u.principal).AppendString("db", externalDB).Build())
		for _, r := range u.roles {
			roles.AppendDocument(bsoncore.NewDocumentBuilder().AppendString("role", r.name).AppendString("db", r.db).Build())
		}
	}
	info := bsoncore.NewDocumentBuilder().
		AppendArray("authenticatedUsers", users.Build()).
		AppendArray("authenticatedUserRoles", roles.Build()).
		Build()
	return bsoncore.NewDocumentBuilder().AppendDocument("authInfo", info).AppendDouble("ok", 1).Build(), nil
}

// listDatabases lists the databases the user's roles name; the sandbox stores no
// data, so every one is empty.
func (s *Server) listDatabases(sess *session, req request) (bsoncore.Document, error) {
	if req.db != "admin" {
		// Unverified code: mongod refuses this on other databases; 13 is assumed.
		return nil, cmdErr(codeUnauthorized, "listDatabases may only be run against the admin database.")
	}
	var names []string
	for _, r := range sess.user.roles {
		if r.db != "" && !slices.Contains(names, r.db) {
			names = append(names, r.db)
		}
	}
	slices.Sort(names)
	nameOnly := false
	if v, err := req.body.LookupErr("nameOnly"); err == nil {
		nameOnly = truthy(v)
	}
	dbs := bsoncore.NewArrayBuilder()
	for _, n := range names {
		d := bsoncore.NewDocumentBuilder().AppendString("name", n)
		if !nameOnly {
			d.AppendInt64("sizeOnDisk", 0).AppendBoolean("empty", true)
		}
		dbs.AppendDocument(d.Build())
	}
	b := bsoncore.NewDocumentBuilder().AppendArray("databases", dbs.Build())
	if !nameOnly {
		b.AppendInt64("totalSize", 0).AppendInt64("totalSizeMb", 0)
	}
	return b.AppendDouble("ok", 1).Build(), nil
}

// truthy is BSON's trueValue(): non-zero numbers, true, and any non-null value.
func truthy(v bsoncore.Value) bool {
	switch v.Type {
	case bsoncore.TypeBoolean:
		return v.Boolean()
	case bsoncore.TypeInt32, bsoncore.TypeInt64, bsoncore.TypeDouble:
		f, _ := v.AsFloat64OK()
		return f != 0
	case bsoncore.TypeNull, bsoncore.TypeUndefined:
		return false
	}
	return true
}

func (s *Server) version() string {
	c, _ := s.w.Cluster(s.projectID, s.cluster)
	if c.MongoDBVersion == "" {
		return "8.0.0"
	}
	return c.MongoDBVersion
}

// wireVersion maps a server release to the maxWireVersion it reports.
func wireVersion(v string) int32 {
	major, rest, _ := strings.Cut(v, ".")
	minor, _, _ := strings.Cut(rest, ".")
	switch major + "." + minor {
	case "4.4":
		return 9
	case "5.0":
		return 13
	case "6.0":
		return 17
	case "7.0":
		return 21
	}
	return 25 // 8.0
}
