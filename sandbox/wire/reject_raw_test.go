package wire

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"

	"github.com/atlas-iam/atlas-iam/sandbox/sigv4"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// rawWorld serves a world where dev is a deployed $external user.
func rawWorld(t *testing.T) (*world.World, *Server, world.Credentials) {
	t.Helper()
	w, srv := startServer(t, world.Options{})
	createIAMUser(t, w, devARN, "USER")
	return w, srv, devKeys(t, w)
}

// TestRawClientLogsIn is the baseline for the tampering tests below: the hand-made
// client, signing honestly, is accepted, so their failures come from the tampering.
func TestRawClientLogsIn(t *testing.T) {
	w, srv, creds := rawWorld(t)
	c := dialRaw(t, srv.Addr())
	nonce, host := c.start()
	if host != "sts.amazonaws.com" {
		t.Errorf("h = %q, want sts.amazonaws.com", host)
	}
	final, _ := signFinal(t, creds, host, nonce, signing{})
	doc := c.command(externalDB, saslContinueCmd(1, final))
	requireOK(t, doc)
	if done, _ := doc.Lookup("done").BooleanOK(); !done {
		t.Errorf("done = false in %s", doc)
	}
	if id, _ := doc.Lookup("conversationId").Int32OK(); id != 1 {
		t.Errorf("conversationId = %d", id)
	}
	if _, p, _ := doc.Lookup("payload").BinaryOK(); len(p) != 0 {
		t.Errorf("final payload %x, want empty", p)
	}
	st := c.command("admin", bsoncore.NewDocumentBuilder().AppendInt32("connectionStatus", 1).Build())
	if u, _ := st.LookupErr("authInfo", "authenticatedUsers", "0", "user"); u.StringValue() != devARN {
		t.Errorf("connectionStatus %s, want user %s", st, devARN)
	}
	requireLogged(t, w, "Successfully authenticated", devARN)
}

// TestTamperedConversations covers what only a hand-made client can send: each
// must fail with AuthenticationFailed and leave STS's real reason in the log.
func TestTamperedConversations(t *testing.T) {
	tests := []struct {
		name string
		// final runs saslStart on c and returns the client-final payload to send.
		final func(t *testing.T, srv *Server, c *rawConn, creds world.Credentials) []byte
		log   []string
	}{
		{
			name: "tampered signature",
			final: func(t *testing.T, _ *Server, c *rawConn, creds world.Credentials) []byte {
				nonce, host := c.start()
				now := time.Now()
				_, authz := signFinal(t, creds, host, nonce, signing{date: now})
				flipped := "0"
				if authz[len(authz)-1] == '0' {
					flipped = "1"
				}
				return finalPayload(authz[:len(authz)-1]+flipped, now.UTC().Format(sigv4.AmzDateFormat), "")
			},
			log: []string{"SignatureDoesNotMatch", "The request signature we calculated does not match"},
		},
		{
			name: "foreign server nonce",
			final: func(t *testing.T, srv *Server, c *rawConn, creds world.Credentials) []byte {
				c.start()
				// A nonce the server issued to another connection.
				other, host := dialRaw(t, srv.Addr()).start()
				p, _ := signFinal(t, creds, host, other, signing{})
				return p
			},
			log: []string{"SignatureDoesNotMatch"},
		},
		{
			name: "reused server nonce",
			final: func(t *testing.T, srv *Server, c *rawConn, creds world.Credentials) []byte {
				// A client-final that logged in on another connection, replayed.
				first := dialRaw(t, srv.Addr())
				nonce, host := first.start()
				p, _ := signFinal(t, creds, host, nonce, signing{})
				requireOK(t, first.command(externalDB, saslContinueCmd(1, p)))
				c.start()
				return p
			},
			log: []string{"SignatureDoesNotMatch"},
		},
		{
			name: "wrong scope region",
			final: func(t *testing.T, _ *Server, c *rawConn, creds world.Credentials) []byte {
				nonce, host := c.start()
				p, _ := signFinal(t, creds, host, nonce, signing{region: "us-west-2"})
				return p
			},
			log: []string{"SignatureDoesNotMatch", "Credential should be scoped to a valid region, not 'us-west-2'"},
		},
		{
			name: "SignedHeaders without the server nonce",
			final: func(t *testing.T, _ *Server, c *rawConn, creds world.Credentials) []byte {
				nonce, host := c.start()
				p, _ := signFinal(t, creds, host, nonce, signing{signedHeaders: []string{"content-length", "content-type", "host", "x-amz-date", "x-mongodb-gs2-cb-flag"}})
				return p
			},
			log: []string{"(51288)"},
		},
		{
			name: "SignedHeaders without the gs2 flag",
			final: func(t *testing.T, _ *Server, c *rawConn, creds world.Credentials) []byte {
				nonce, host := c.start()
				p, _ := signFinal(t, creds, host, nonce, signing{signedHeaders: []string{"content-length", "content-type", "host", "x-amz-date", "x-mongodb-server-nonce"}})
				return p
			},
			log: []string{"(51289)"},
		},
		{
			name: "SignedHeaders out of order",
			final: func(t *testing.T, _ *Server, c *rawConn, creds world.Credentials) []byte {
				nonce, host := c.start()
				p, _ := signFinal(t, creds, host, nonce, signing{signedHeaders: []string{"host", "content-type", "x-amz-date", "x-mongodb-gs2-cb-flag", "x-mongodb-server-nonce"}})
				return p
			},
			log: []string{"(51290)"},
		},
		{
			name: "client-final with an unknown field",
			final: func(t *testing.T, _ *Server, c *rawConn, creds world.Credentials) []byte {
				c.start()
				return bsoncore.NewDocumentBuilder().AppendString("a", "x").AppendString("d", "y").AppendInt32("z", 1).Build()
			},
			log: []string{"'awsClientSecond.z' is an unknown field"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, srv, creds := rawWorld(t)
			c := dialRaw(t, srv.Addr())
			payload := tc.final(t, srv, c, creds)
			requireError(t, c.command(externalDB, saslContinueCmd(1, payload)), 18, "AuthenticationFailed", "Authentication failed.")
			requireLogged(t, w, append([]string{"Authentication failed (id 20249)"}, tc.log...)...)
			// The connection stays usable and unauthenticated.
			requireError(t, c.command("admin", bsoncore.NewDocumentBuilder().AppendInt32("listDatabases", 1).Build()),
				13, "Unauthorized", "command listDatabases requires authentication")
		})
	}
}

// TestSASLProtocol pins the conversation rules: mechanism and database, the strict
// client-first message, conversation ids and the number of steps.
func TestSASLProtocol(t *testing.T) {
	type step struct {
		db   string
		cmd  func(t *testing.T, c *rawConn, creds world.Credentials) bsoncore.Document
		code int32
		name string
		msg  string
	}
	start := func(r []byte, p int32) func(*testing.T, *rawConn, world.Credentials) bsoncore.Document {
		return func(*testing.T, *rawConn, world.Credentials) bsoncore.Document {
			return saslStartCmd(clientFirstDoc(r, p))
		}
	}
	authFailed := func(s step) step {
		s.code, s.name, s.msg = 18, "AuthenticationFailed", "Authentication failed."
		return s
	}
	nonce := make([]byte, 32)
	tests := []struct {
		name  string
		steps []step
		log   string
	}{
		{name: "mechanism other than MONGODB-AWS", steps: []step{{db: externalDB,
			cmd: func(*testing.T, *rawConn, world.Credentials) bsoncore.Document {
				return bsoncore.NewDocumentBuilder().AppendInt32("saslStart", 1).AppendString("mechanism", "SCRAM-SHA-256").AppendBinary("payload", 0, []byte("n,,n=x,r=y")).Build()
			},
			code: 334, name: "MechanismUnavailable", msg: "Received authentication for mechanism SCRAM-SHA-256 which is not enabled"}}},
		{name: "MONGODB-AWS on admin", steps: []step{{db: "admin", cmd: start(nonce, 110),
			code: 334, name: "MechanismUnavailable", msg: "Unsupported mechanism 'MONGODB-AWS' on authentication database 'admin'"}}},
		{name: "channel binding flag p", steps: []step{authFailed(step{db: externalDB, cmd: start(nonce, 112)})}, log: "Channel Binding Prefix must not be 'p'"},
		{name: "31-byte client nonce", steps: []step{authFailed(step{db: externalDB, cmd: start(nonce[:31], 110)})}, log: "Nonce must be 32 bytes"},
		{name: "gs2 flag as a string", steps: []step{authFailed(step{db: externalDB,
			cmd: func(*testing.T, *rawConn, world.Credentials) bsoncore.Document {
				return saslStartCmd(bsoncore.NewDocumentBuilder().AppendBinary("r", 0, nonce).AppendString("p", "n").Build())
			}})}, log: "'awsClientFirst.p' is the wrong type 'string'"},
		{name: "saslContinue without saslStart", steps: []step{{db: externalDB,
			cmd:  func(*testing.T, *rawConn, world.Credentials) bsoncore.Document { return saslContinueCmd(1, nil) },
			code: 17, name: "ProtocolError", msg: "No SASL session state found"}}},
		{name: "mismatched conversation id", steps: []step{{db: externalDB,
			cmd: func(t *testing.T, c *rawConn, creds world.Credentials) bsoncore.Document {
				nonce, host := c.start()
				p, _ := signFinal(t, creds, host, nonce, signing{})
				return saslContinueCmd(2, p)
			},
			code: 17, name: "ProtocolError", msg: "sasl: Mismatched conversation id"}}},
		{name: "third SASL step", steps: []step{authFailed(step{db: externalDB,
			cmd: func(t *testing.T, c *rawConn, creds world.Credentials) bsoncore.Document {
				nonce, host := c.start()
				p, _ := signFinal(t, creds, host, nonce, signing{})
				requireOK(t, c.command(externalDB, saslContinueCmd(1, p)))
				return saslContinueCmd(1, nil)
			}})}, log: "unexpected SASL step"},
		{name: "gs2 flag y is what the server signs", steps: []step{{db: externalDB,
			cmd: func(t *testing.T, c *rawConn, creds world.Credentials) bsoncore.Document {
				nonce, host := c.startWith(gs2FlagY)
				p, _ := signFinal(t, creds, host, nonce, signing{gs2: gs2FlagY})
				return saslContinueCmd(1, p)
			}}}},
		{name: "gs2 flag y signed as n", steps: []step{authFailed(step{db: externalDB,
			cmd: func(t *testing.T, c *rawConn, creds world.Credentials) bsoncore.Document {
				nonce, host := c.startWith(gs2FlagY)
				p, _ := signFinal(t, creds, host, nonce, signing{gs2: gs2FlagN})
				return saslContinueCmd(1, p)
			}})}, log: "SignatureDoesNotMatch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, srv, creds := rawWorld(t)
			c := dialRaw(t, srv.Addr())
			for _, s := range tc.steps {
				doc := c.command(s.db, s.cmd(t, c, creds))
				if s.code == 0 {
					requireOK(t, doc)
					continue
				}
				requireError(t, doc, s.code, s.name, s.msg)
			}
			if tc.log != "" {
				requireLogged(t, w, "Authentication failed (id 20249)", tc.log)
			}
		})
	}
}
