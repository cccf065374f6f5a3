package wire

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/wiremessage"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// BenchmarkMongoDBAWSLogin measures whole logins with the real Go driver on
// loopback. One iteration is what a short-lived client does: mongo.Connect (its
// monitor opens one connection and runs hello), Ping (the pool opens a second
// connection: hello, saslStart, saslContinue, then ping), Disconnect. Allocations
// are the client's and the server's together (same process).
func BenchmarkMongoDBAWSLogin(b *testing.B) {
	w, srv := startServer(b, world.Options{})
	createIAMUser(b, w, devARN, "USER")
	k, _ := w.UserCredentials(world.UserDev)
	cred := keyCredential(k)
	benchConnectPing(b, srv, &cred, "logins/s")
}

// BenchmarkConnectWithoutAuth is the baseline of BenchmarkMongoDBAWSLogin: the
// same connect, ping and disconnect against the same server without
// authentication (ping needs none), so the ratio of the two is what MONGODB-AWS
// costs on top of a connection.
func BenchmarkConnectWithoutAuth(b *testing.B) {
	_, srv := startServer(b, world.Options{})
	benchConnectPing(b, srv, nil, "connects/s")
}

func benchConnectPing(b *testing.B, srv *Server, cred *options.Credential, unit string) {
	opts := options.Client().ApplyURI("mongodb://" + srv.Addr() + "/?directConnection=true").
		SetServerSelectionTimeout(2 * time.Second)
	if cred != nil {
		opts.SetAuth(*cred)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		c, err := mongo.Connect(opts)
		if err != nil {
			b.Fatal(err)
		}
		if err := c.Ping(ctx, nil); err != nil {
			b.Fatal(err)
		}
		if err := c.Disconnect(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), unit)
}

// BenchmarkMongoDBAWSLoginServer isolates the server's share of a login: the
// messages of one authenticating connection (OP_QUERY isMaster, saslStart,
// saslContinue, ping) decoded, dispatched and answered, including the local STS
// check and the user lookup, without sockets. The client's signing is excluded
// (timer stopped), so allocations are the server's alone.
func BenchmarkMongoDBAWSLoginServer(b *testing.B) {
	w := world.New(world.Options{})
	createIAMUser(b, w, devARN, "USER")
	creds, _ := w.UserCredentials(world.UserDev)
	s, err := New(w, w.PrimaryProject().ID, world.ClusterName)
	if err != nil {
		b.Fatal(err)
	}
	withDB := func(d bsoncore.Document, db string) bsoncore.Document {
		d = bsoncore.Document(append([]byte(nil), d[:len(d)-1]...))
		d = bsoncore.AppendStringElement(d, "$db", db)
		return bsoncore.UpdateLength(append(d, 0), 0, int32(len(d)+1))
	}
	isMaster := query(1, "admin.$cmd", bsoncore.NewDocumentBuilder().AppendInt32("isMaster", 1).AppendBoolean("helloOk", true).Build())
	nonce := newNonce(b)
	start := msg(2, 0, withDB(saslStartCmd(clientFirstDoc(nonce, gs2FlagN)), externalDB))
	ping := msg(4, 0, withDB(cmd("ping", 1), "admin"))
	must := func(sess *session, wm []byte) []byte {
		r, err := s.handle(sess, wm)
		if err != nil || r == nil {
			b.Fatalf("handle: %v", err)
		}
		return r
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		sess := &session{connID: int32(i), remote: "bench"}
		must(sess, isMaster)
		r := must(sess, start)

		b.StopTimer()
		_, _, _, _, rest, _ := wiremessage.ReadHeader(r)
		doc, _, _ := wiremessage.ReadMsgSectionSingleDocument(rest[5:])
		_, sf, _ := doc.Lookup("payload").BinaryOK()
		_, serverNonce, _ := bsoncore.Document(sf).Lookup("s").BinaryOK()
		final, _ := signFinal(b, creds, stsHost, serverNonce, signing{})
		cont := msg(3, 0, withDB(saslContinueCmd(1, final), externalDB))
		b.StartTimer()

		must(sess, cont)
		if sess.user == nil {
			b.Fatal("login failed")
		}
		must(sess, ping)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logins/s")
}
