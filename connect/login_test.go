package connect

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/wiremessage"

	"github.com/atlas-iam/atlas-iam/diag"
)

// TestLoginCredentialStage: a failing provider stops the login before any
// connection (the driver would otherwise silently use its own chain).
func TestLoginCredentialStage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- struct{}{}
			c.Close()
		}
	}()
	failing := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, errors.New("failed to refresh cached credentials, no EC2 IMDS role found")
	})
	uri := "mongodb://" + ln.Addr().String() + "/?authSource=%24external&authMechanism=MONGODB-AWS"
	var stages []Stage
	_, err = Login(context.Background(), LoginRequest{URI: uri, Provider: failing, Timeout: time.Second,
		Progress: func(s Stage, _ string) { stages = append(stages, s) }})
	var le *LoginError
	if !errors.As(err, &le) || le.Stage != StageCredentials {
		t.Fatalf("err = %v, want a LoginError at the credentials stage", err)
	}
	if len(stages) != 1 {
		t.Errorf("stages %v, want only credentials", stages)
	}
	select {
	case <-accepted:
		t.Error("Login connected although it had no credentials")
	case <-time.After(100 * time.Millisecond):
	}
	if d := Diagnose(err, DiagnoseContext{}); d == nil || d.Code != diag.NoAWSCredentials {
		t.Errorf("Diagnose = %+v, want NO_AWS_CREDENTIALS", d)
	}
	if _, err := Login(context.Background(), LoginRequest{URI: uri}); err == nil {
		t.Error("Login without a provider succeeded")
	}
}

func TestLoginDirectConnection(t *testing.T) {
	tests := []struct {
		uri    string
		direct bool
	}{
		{"mongodb://127.0.0.1:27017/?authMechanism=MONGODB-AWS", true},
		{"mongodb://x.a.query.mongodb.net/?ssl=true&authMechanism=MONGODB-AWS", true},
		{"mongodb://h1:27017,h2:27017/?authMechanism=MONGODB-AWS", false},
		{"mongodb://h1:27017/?replicaSet=rs0&authMechanism=MONGODB-AWS", false},
		{"mongodb://h1:27017/?loadBalanced=true&authMechanism=MONGODB-AWS", false},
		{"mongodb://h1:27017/?directConnection=false&authMechanism=MONGODB-AWS", false},
	}
	for _, tc := range tests {
		cs, err := parseURI(tc.uri)
		if err != nil {
			t.Fatal(err)
		}
		opts := loginOptions(tc.uri, cs, time.Second, nil)
		if got := opts.Direct != nil && *opts.Direct; got != tc.direct {
			t.Errorf("%s: direct = %v, want %v", tc.uri, got, tc.direct)
		}
	}
}

// TestAWSProvider: the adapter hands every field to the driver; what Login hands
// over never looks expired to the driver's clock.
func TestAWSProvider(t *testing.T) {
	exp := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	in := aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "s", SessionToken: "t", Source: "test", CanExpire: true, Expires: exp, AccountID: "123456789012"}
	got, err := awsProvider{aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return in, nil })}.Retrieve(context.Background())
	if err != nil || got.AccessKeyID != in.AccessKeyID || got.SecretAccessKey != "s" || got.SessionToken != "t" || !got.CanExpire || !got.Expires.Equal(exp) || got.AccountID != in.AccountID {
		t.Errorf("adapter gave %+v, %v", got, err)
	}
	fixed, _ := awsProvider{retrieved(in)}.Retrieve(context.Background())
	if fixed.CanExpire || fixed.SessionToken != "t" {
		t.Errorf("retrieved() = %+v: want the same keys, CanExpire off", fixed)
	}
	if _, err := (awsProvider{aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, errors.New("boom")
	})}).Retrieve(context.Background()); err == nil {
		t.Error("provider error lost")
	}
}

// TestClockConn reads localTime off the first reply, whether it arrives whole or
// in pieces, as OP_REPLY or OP_MSG, and ignores what is not a wire reply (TLS).
func TestClockConn(t *testing.T) {
	when := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	doc := bsoncore.NewDocumentBuilder().AppendBoolean("isWritablePrimary", true).AppendDateTime("localTime", when.UnixMilli()).Build()
	var reply []byte
	idx, reply := wiremessage.AppendHeaderStart(reply, 7, 1, wiremessage.OpReply)
	reply = wiremessage.AppendReplyFlags(reply, 0)
	reply = wiremessage.AppendReplyCursorID(reply, 0)
	reply = wiremessage.AppendReplyStartingFrom(reply, 0)
	reply = wiremessage.AppendReplyNumberReturned(reply, 1)
	reply = append(reply, doc...)
	reply = bsoncore.UpdateLength(reply, idx, int32(len(reply)))
	var msg []byte
	idx, msg = wiremessage.AppendHeaderStart(msg, 8, 2, wiremessage.OpMsg)
	msg = wiremessage.AppendMsgFlags(msg, 0)
	msg = wiremessage.AppendMsgSectionType(msg, wiremessage.SingleDocument)
	msg = append(msg, doc...)
	msg = bsoncore.UpdateLength(msg, idx, int32(len(msg)))
	tlsRecord := append([]byte{0x16, 0x03, 0x03, 0x00, 0x59}, make([]byte, 0x59)...)

	tests := []struct {
		name   string
		chunks [][]byte
		want   bool
	}{
		{"OP_REPLY in one read", [][]byte{reply}, true},
		{"OP_MSG split in three reads", [][]byte{msg[:3], msg[3:20], msg[20:]}, true},
		{"TLS bytes", [][]byte{tlsRecord}, false},
	}
	for _, tc := range tests {
		var got time.Time
		c := &clockConn{seen: func(server, _ time.Time) { got = server }}
		for _, chunk := range tc.chunks {
			if !c.done {
				c.observe(chunk)
			}
		}
		if tc.want != got.Equal(when) || !c.done {
			t.Errorf("%s: got %v (done %v)", tc.name, got, c.done)
		}
	}
}

func TestServerVersion(t *testing.T) {
	for wire, want := range map[int32]string{25: "8.0", 21: "7.0", 17: "6.0", 13: "5.0", 30: "newer than 8.2 (wire version 30)", 0: ""} {
		if got := serverVersion(wire); got != want {
			t.Errorf("serverVersion(%d) = %q, want %q", wire, got, want)
		}
	}
}
