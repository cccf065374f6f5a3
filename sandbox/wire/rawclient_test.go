package wire

import (
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/wiremessage"

	"github.com/atlas-iam/atlas-iam/sandbox/sigv4"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// rawConn is a minimal MongoDB client for what the driver cannot be made to send:
// hand-built messages and deliberately wrong MONGODB-AWS conversations.
type rawConn struct {
	t     testing.TB
	nc    net.Conn
	reqID int32
}

func dialRaw(t testing.TB, addr string) *rawConn {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &rawConn{t: t, nc: nc}
}

func (c *rawConn) nextID() int32 { c.reqID++; return c.reqID }

func (c *rawConn) send(wm []byte) {
	c.t.Helper()
	c.nc.SetWriteDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.nc.Write(wm); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// msg builds an OP_MSG with one body section.
func msg(reqID int32, flags wiremessage.MsgFlag, body bsoncore.Document) []byte {
	idx, wm := wiremessage.AppendHeaderStart(nil, reqID, 0, wiremessage.OpMsg)
	wm = wiremessage.AppendMsgFlags(wm, flags)
	wm = wiremessage.AppendMsgSectionType(wm, wiremessage.SingleDocument)
	wm = append(wm, body...)
	return bsoncore.UpdateLength(wm, idx, int32(len(wm)-int(idx)))
}

// query builds an OP_QUERY on ns.
func query(reqID int32, ns string, q bsoncore.Document) []byte {
	idx, wm := wiremessage.AppendHeaderStart(nil, reqID, 0, wiremessage.OpQuery)
	wm = wiremessage.AppendQueryFlags(wm, 0)
	wm = wiremessage.AppendQueryFullCollectionName(wm, ns)
	wm = wiremessage.AppendQueryNumberToSkip(wm, 0)
	wm = wiremessage.AppendQueryNumberToReturn(wm, -1)
	wm = append(wm, q...)
	return bsoncore.UpdateLength(wm, idx, int32(len(wm)-int(idx)))
}

// reply is a decoded server message.
type reply struct {
	opcode     wiremessage.OpCode
	responseTo int32
	doc        bsoncore.Document
}

// read reads one reply (OP_MSG or OP_REPLY).
func (c *rawConn) read() (reply, error) {
	c.nc.SetReadDeadline(time.Now().Add(2 * time.Second))
	wm, err := readMessage(c.nc, nil)
	if err != nil {
		return reply{}, err
	}
	_, _, respTo, op, rest, _ := wiremessage.ReadHeader(wm)
	r := reply{opcode: op, responseTo: respTo}
	var ok bool
	switch op {
	case wiremessage.OpMsg:
		if _, rest, ok = wiremessage.ReadMsgFlags(rest); ok {
			var st wiremessage.SectionType
			if st, rest, ok = wiremessage.ReadMsgSectionType(rest); ok && st == wiremessage.SingleDocument {
				r.doc, _, ok = wiremessage.ReadMsgSectionSingleDocument(rest)
			}
		}
	case wiremessage.OpReply:
		_, rest, ok = wiremessage.ReadReplyFlags(rest)
		_, rest, ok = wiremessage.ReadReplyCursorID(rest)
		_, rest, ok = wiremessage.ReadReplyStartingFrom(rest)
		_, rest, ok = wiremessage.ReadReplyNumberReturned(rest)
		r.doc, _, ok = wiremessage.ReadReplyDocument(rest)
	}
	if !ok {
		return r, fmt.Errorf("cannot decode %s reply", op)
	}
	return r, nil
}

// command sends an OP_MSG command to db and returns the reply document.
func (c *rawConn) command(db string, cmd bsoncore.Document) bsoncore.Document {
	c.t.Helper()
	body := bsoncore.Document(append([]byte(nil), cmd[:len(cmd)-1]...))
	body = bsoncore.AppendStringElement(body, "$db", db)
	body = append(body, 0)
	body = bsoncore.UpdateLength(body, 0, int32(len(body)))
	id := c.nextID()
	c.send(msg(id, 0, body))
	r, err := c.read()
	if err != nil {
		c.t.Fatalf("%s: %v", cmd, err)
	}
	if r.responseTo != id {
		c.t.Fatalf("reply to %d, want %d", r.responseTo, id)
	}
	return r.doc
}

// expectClosed fails unless the server closes the connection without replying.
func (c *rawConn) expectClosed() {
	c.t.Helper()
	c.nc.SetReadDeadline(time.Now().Add(2 * time.Second))
	if n, err := c.nc.Read(make([]byte, 1)); err != io.EOF {
		c.t.Fatalf("read = %d, %v; want the server to close the connection", n, err)
	}
}

// requireError checks an ok:0 reply's code, codeName and message.
func requireError(t *testing.T, doc bsoncore.Document, code int32, codeName, errmsg string) {
	t.Helper()
	ok, _ := doc.Lookup("ok").AsFloat64OK()
	gotCode, _ := doc.Lookup("code").Int32OK()
	gotName, _ := doc.Lookup("codeName").StringValueOK()
	gotMsg, _ := doc.Lookup("errmsg").StringValueOK()
	if ok != 0 || gotCode != code || gotName != codeName || gotMsg != errmsg {
		t.Fatalf("reply %s; want ok:0 (%d %s) %q", doc, code, codeName, errmsg)
	}
}

func requireOK(t *testing.T, doc bsoncore.Document) {
	t.Helper()
	if ok, _ := doc.Lookup("ok").AsFloat64OK(); ok != 1 {
		t.Fatalf("reply %s, want ok:1", doc)
	}
}

// ---- MONGODB-AWS by hand ----

func newNonce(t testing.TB) []byte {
	r := make([]byte, clientNonceLen)
	rand.Read(r)
	return r
}

func clientFirstDoc(r []byte, p int32) bsoncore.Document {
	return bsoncore.NewDocumentBuilder().AppendBinary("r", 0, r).AppendInt32("p", p).Build()
}

func saslStartCmd(payload []byte) bsoncore.Document {
	return bsoncore.NewDocumentBuilder().
		AppendInt32("saslStart", 1).AppendString("mechanism", mechanismAWS).AppendBinary("payload", 0, payload).Build()
}

func saslContinueCmd(id int32, payload []byte) bsoncore.Document {
	return bsoncore.NewDocumentBuilder().
		AppendInt32("saslContinue", 1).AppendInt32("conversationId", id).AppendBinary("payload", 0, payload).Build()
}

// start runs saslStart with a fresh client nonce and returns the server nonce and host.
func (c *rawConn) start() (nonce []byte, host string) {
	c.t.Helper()
	return c.startWith(gs2FlagN)
}

// startWith runs saslStart with the given gs2 flag.
func (c *rawConn) startWith(gs2 int32) (nonce []byte, host string) {
	c.t.Helper()
	r := newNonce(c.t)
	doc := c.command(externalDB, saslStartCmd(clientFirstDoc(r, gs2)))
	if ok, _ := doc.Lookup("ok").AsFloat64OK(); ok != 1 {
		c.t.Fatalf("saslStart: %s", doc)
	}
	_, payload, _ := doc.Lookup("payload").BinaryOK()
	sf := bsoncore.Document(payload)
	_, s, _ := sf.Lookup("s").BinaryOK()
	h, _ := sf.Lookup("h").StringValueOK()
	if len(s) != serverNonceLen || string(s[:clientNonceLen]) != string(r) {
		c.t.Fatalf("server nonce %x does not extend client nonce %x", s, r)
	}
	return s, h
}

// signing describes how the test client signs; the zero value is what a driver does.
type signing struct {
	region        string    // scope region; default us-east-1
	date          time.Time // X-Amz-Date; default now
	signedHeaders []string  // default: what drivers sign
	gs2           byte      // default 'n'
}

// signFinal signs GetCallerIdentity for (host, nonce) with creds, the way a
// driver does, using the sandbox's own SigV4 code.
func signFinal(t testing.TB, creds world.Credentials, host string, nonce []byte, o signing) (payload []byte, authorization string) {
	t.Helper()
	if o.region == "" {
		o.region = "us-east-1"
	}
	if o.date.IsZero() {
		o.date = time.Now()
	}
	if o.signedHeaders == nil {
		o.signedHeaders = []string{"content-length", "content-type", "host", "x-amz-date", "x-mongodb-gs2-cb-flag", "x-mongodb-server-nonce"}
		if creds.SessionToken != "" {
			o.signedHeaders = []string{"content-length", "content-type", "host", "x-amz-date", "x-amz-security-token", "x-mongodb-gs2-cb-flag", "x-mongodb-server-nonce"}
		}
	}
	if o.gs2 == 0 {
		o.gs2 = gs2FlagN
	}
	amzDate := o.date.UTC().Format(sigv4.AmzDateFormat)
	req := sigv4.MongoDBAWSRequest(host, nonce, o.gs2, amzDate, creds.SessionToken)
	a := sigv4.Authorization{AccessKeyID: creds.AccessKeyID, Date: amzDate[:8], Region: o.region, Service: "sts",
		Terminator: "aws4_request", SignedHeaders: o.signedHeaders}
	sig, _, err := sigv4.Expected(req, a, amzDate, creds.SecretAccessKey)
	if err != nil {
		t.Fatal(err)
	}
	authorization = fmt.Sprintf("%s Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		sigv4.Algorithm, creds.AccessKeyID, a.Scope(), strings.Join(o.signedHeaders, ";"), sig)
	return finalPayload(authorization, amzDate, creds.SessionToken), authorization
}

func finalPayload(authorization, amzDate, token string) []byte {
	b := bsoncore.NewDocumentBuilder().AppendString("a", authorization).AppendString("d", amzDate)
	if token != "" {
		b.AppendString("t", token)
	}
	return b.Build()
}
