package wire

import (
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// notEmulated answers a real command the sandbox does not implement: what the
// server would say if the user lacks the privilege, else CommandNotSupported.
func (s *Server) notEmulated(sess *session, req request, cmd command) (bsoncore.Document, error) {
	if err := authorize(sess.user, req, cmd.scope); err != nil {
		return nil, err
	}
	return nil, cmdErr(codeCommandNotSupported, "command %s is not supported by the atlas-iam sandbox, which holds no data", req.name())
}

// authorize approximates MongoDB's role-based privilege check for the sandbox's
// roles. Unverified in detail: cluster commands need atlasAdmin, root or a
// cluster* role; database commands need a role on that database or an
// *AnyDatabase role (custom roles count as granting their database).
func authorize(u *authUser, req request, sc scope) error {
	target := req.db
	if sc == clusterScope {
		target = "admin"
	}
	for _, r := range u.roles {
		switch {
		case r.name == "atlasAdmin" || r.name == "root":
			return nil
		case sc == clusterScope && strings.HasPrefix(r.name, "cluster"):
			return nil
		case sc == dbScope && strings.HasSuffix(r.name, "AnyDatabase") && target != "local" && target != "config":
			return nil
		case sc == dbScope && r.db == target:
			return nil
		}
	}
	return cmdErr(codeUnauthorized, "not authorized on %s to execute command %s", target, shellString(req.body))
}

// shellString renders a document the way mongod quotes commands in error
// messages, e.g. { getLog: "startupWarnings", $db: "admin" }.
func shellString(d bsoncore.Document) string {
	var b strings.Builder
	writeShell(&b, bsoncore.Value{Type: bsoncore.TypeEmbeddedDocument, Data: d})
	return b.String()
}

func writeShell(b *strings.Builder, v bsoncore.Value) {
	switch v.Type {
	case bsoncore.TypeString:
		fmt.Fprintf(b, "%q", v.StringValue())
	case bsoncore.TypeInt32:
		fmt.Fprintf(b, "%d", v.Int32())
	case bsoncore.TypeInt64:
		fmt.Fprintf(b, "%d", v.Int64())
	case bsoncore.TypeDouble:
		fmt.Fprintf(b, "%g", v.Double())
	case bsoncore.TypeBoolean:
		fmt.Fprintf(b, "%t", v.Boolean())
	case bsoncore.TypeNull:
		b.WriteString("null")
	case bsoncore.TypeBinary:
		if sub, data := v.Binary(); sub == 4 && len(data) == 16 {
			fmt.Fprintf(b, `UUID("%x-%x-%x-%x-%x")`, data[0:4], data[4:6], data[6:8], data[8:10], data[10:])
			return
		}
		b.WriteString(v.String())
	case bsoncore.TypeEmbeddedDocument, bsoncore.TypeArray:
		open, end := "{", "}"
		if v.Type == bsoncore.TypeArray {
			open, end = "[", "]"
		}
		elems, _ := bsoncore.Document(v.Data).Elements()
		if len(elems) == 0 {
			b.WriteString(open + end)
			return
		}
		b.WriteString(open + " ")
		for i, e := range elems {
			if i > 0 {
				b.WriteString(", ")
			}
			if v.Type == bsoncore.TypeEmbeddedDocument {
				b.WriteString(e.Key() + ": ")
			}
			writeShell(b, e.Value())
		}
		b.WriteString(" " + end)
	default:
		b.WriteString(v.String())
	}
}
