package wire

import (
	"bytes"
	"testing"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/wiremessage"

	"github.com/atlas-iam/atlas-iam/sandbox/sigv4"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// fuzzServer is a server over a fresh world, used without a listener.
func fuzzServer(t *testing.T) *Server {
	w := world.New(world.Options{})
	s, err := New(w, w.PrimaryProject().ID, world.ClusterName)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// FuzzWireMessage feeds arbitrary bytes, as a stream of messages, through the
// framing, the parsers and the command dispatcher of one connection. It must never
// panic, and every reply must be one well-formed message carrying valid BSON.
// Seeds: testdata/fuzz/FuzzWireMessage.
func FuzzWireMessage(f *testing.F) {
	hello := bsoncore.NewDocumentBuilder().AppendInt32("hello", 1).AppendString("$db", "admin").Build()
	f.Add(msg(1, 0, hello))
	f.Add(query(1, "admin.$cmd", cmd("isMaster", 1)))
	f.Add(compressed(msg(2, 0, hello), wiremessage.CompressorNoOp))
	f.Add(withChecksum(msg(3, wiremessage.ChecksumPresent, hello)))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := fuzzServer(t)
		sess := &session{connID: 1, remote: "fuzz"}
		r := bytes.NewReader(data)
		for {
			wm, err := readMessage(r, nil)
			if err != nil {
				return
			}
			reply, err := s.handle(sess, wm)
			if err != nil {
				return
			}
			if reply == nil {
				continue
			}
			length, _, _, op, rest, ok := wiremessage.ReadHeader(reply)
			if !ok || int(length) != len(reply) {
				t.Fatalf("reply header length %d for %d bytes", length, len(reply))
			}
			var doc bsoncore.Document
			switch op {
			case wiremessage.OpMsg:
				doc, _, ok = wiremessage.ReadMsgSectionSingleDocument(rest[5:])
			case wiremessage.OpReply:
				doc, _, ok = wiremessage.ReadReplyDocument(rest[20:])
			default:
				t.Fatalf("reply opcode %s", op)
			}
			if !ok || validateDocument(doc) != nil {
				t.Fatalf("reply carries invalid BSON: %x", reply)
			}
		}
	})
}

// FuzzSASLPayload feeds arbitrary bytes to the client-first and client-final
// parsers, to the SignedHeaders rules behind them, and as payloads of real
// saslStart/saslContinue commands. Seeds: testdata/fuzz/FuzzSASLPayload.
func FuzzSASLPayload(f *testing.F) {
	f.Add([]byte(clientFirstDoc(make([]byte, 32), gs2FlagN)))
	f.Add(finalPayload("AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/sts/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date;x-mongodb-gs2-cb-flag;x-mongodb-server-nonce, Signature=00", "20260101T000000Z", ""))
	f.Fuzz(func(t *testing.T, data []byte) {
		if cf, err := parseClientFirst(data); err == nil && cf.gs2Flag != gs2FlagN && cf.gs2Flag != gs2FlagY {
			t.Fatalf("accepted gs2 flag %q", cf.gs2Flag)
		}
		if cf, err := parseClientFinal(data); err == nil {
			if a, err := sigv4.ParseAuthorization(cf.authorization); err == nil {
				checkSignedHeaders(a.SignedHeaders)
			}
		}
		s := fuzzServer(t)
		sess := &session{connID: 1, remote: "fuzz"}
		run := func(body bsoncore.Document) bsoncore.Document {
			body = bsoncore.Document(append([]byte(nil), body[:len(body)-1]...))
			body = bsoncore.AppendStringElement(body, "$db", externalDB)
			body = bsoncore.UpdateLength(append(body, 0), 0, int32(len(body)+1))
			doc := s.run(sess, request{opcode: wiremessage.OpMsg, db: externalDB, body: body})
			if validateDocument(doc) != nil {
				t.Fatalf("invalid reply %x", doc)
			}
			return doc
		}
		run(saslStartCmd(data))
		// A valid start, then the input as client-final.
		run(saslStartCmd(clientFirstDoc(make([]byte, 32), gs2FlagN)))
		if doc := run(saslContinueCmd(1, data)); sess.user != nil {
			t.Fatalf("arbitrary client-final logged in: %s", doc)
		}
	})
}
