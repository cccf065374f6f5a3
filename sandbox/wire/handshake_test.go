package wire

import (
	"context"
	"errors"
	"hash/crc32"
	"net"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/topology"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/wiremessage"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

func cmd(name string, v any) bsoncore.Document {
	b := bsoncore.NewDocumentBuilder()
	switch x := v.(type) {
	case string:
		b.AppendString(name, x)
	default:
		b.AppendInt32(name, 1)
	}
	return b.Build()
}

// TestHandshake checks the first message of every driver (OP_QUERY isMaster) and
// the OP_MSG hello that follows, including the sandbox clock in localTime.
func TestHandshake(t *testing.T) {
	skew := time.Hour
	w, srv := startServer(t, world.Options{Knobs: world.Knobs{ClockSkew: skew}})
	if c, _ := w.Cluster(w.PrimaryProject().ID, world.ClusterName); c.Addr != srv.Addr() {
		t.Errorf("world has %s at %q, server listens on %s", world.ClusterName, c.Addr, srv.Addr())
	}
	c := dialRaw(t, srv.Addr())

	c.send(query(7, "admin.$cmd", bsoncore.NewDocumentBuilder().
		AppendInt32("ismaster", 1).AppendBoolean("helloOk", true).AppendString("backpressure", "2").Build()))
	r, err := c.read()
	if err != nil {
		t.Fatal(err)
	}
	if r.opcode != wiremessage.OpReply || r.responseTo != 7 {
		t.Fatalf("reply opcode %s to %d, want OP_REPLY to 7", r.opcode, r.responseTo)
	}
	legacy := r.doc
	if v, _ := legacy.Lookup("ismaster").BooleanOK(); !v {
		t.Errorf("ismaster not true: %s", legacy)
	}
	for key, want := range map[string]int64{
		"maxWireVersion": 25, "minWireVersion": 0, "maxBsonObjectSize": 16777216, "maxMessageSizeBytes": 48000000,
		"maxWriteBatchSize": 100000, "logicalSessionTimeoutMinutes": 30, "connectionId": 1,
	} {
		if got, ok := legacy.Lookup(key).AsInt64OK(); !ok || got != want {
			t.Errorf("%s = %v, want %d", key, legacy.Lookup(key), want)
		}
	}
	if ok, _ := legacy.Lookup("helloOk").BooleanOK(); !ok {
		t.Error("helloOk not true")
	}
	if _, err := legacy.LookupErr("topologyVersion"); err == nil {
		t.Error("topologyVersion present: drivers would stream hello")
	}
	lt, _ := legacy.Lookup("localTime").DateTimeOK()
	if d := time.UnixMilli(lt).Sub(time.Now().Add(skew)); d < -time.Minute || d > time.Minute {
		t.Errorf("localTime %v is not the skewed sandbox clock", time.UnixMilli(lt))
	}

	hello := c.command("admin", bsoncore.NewDocumentBuilder().AppendInt32("hello", 1).Build())
	if v, _ := hello.Lookup("isWritablePrimary").BooleanOK(); !v {
		t.Errorf("hello: isWritablePrimary not true: %s", hello)
	}
	requireOK(t, hello)
}

// TestCommands checks every command the server answers itself and the clean
// errors for the rest, before and after login, as mongosh probes them.
func TestCommands(t *testing.T) {
	w, srv, creds := rawWorld(t)
	c := dialRaw(t, srv.Addr())
	probe := func(db string, doc bsoncore.Document) bsoncore.Document { return c.command(db, doc) }

	// Before login.
	requireOK(t, probe("admin", cmd("ping", 1)))
	requireOK(t, probe("admin", cmd("endSessions", 1)))
	st := probe("admin", cmd("connectionStatus", 1))
	users, _ := st.Lookup("authInfo", "authenticatedUsers").ArrayOK()
	if vals, err := users.Values(); err != nil || len(vals) != 0 {
		t.Errorf("connectionStatus before login: %s", st)
	}
	bi := probe("admin", cmd("buildInfo", 1))
	if v, _ := bi.Lookup("version").StringValueOK(); v != "8.0.15" {
		t.Errorf("buildInfo version %q", v)
	}
	if m, _ := bi.Lookup("modules", "0").StringValueOK(); m != "enterprise" {
		t.Errorf("buildInfo modules: %s", bi)
	}
	requireError(t, probe("admin", cmd("atlasVersion", 1)), 59, "CommandNotFound", "no such command: 'atlasVersion'")
	requireError(t, probe("admin", cmd("getParameter", 1)), 13, "Unauthorized", "command getParameter requires authentication")
	requireError(t, probe("admin", cmd("listDatabases", 1)), 13, "Unauthorized", "command listDatabases requires authentication")
	requireError(t, probe("app", cmd("find", "orders")), 13, "Unauthorized", "command find requires authentication")

	// Log in as dev (readWrite@app).
	nonce, host := c.start()
	final, _ := signFinal(t, creds, host, nonce, signing{})
	requireOK(t, probe(externalDB, saslContinueCmd(1, final)))

	requireError(t, probe("admin", cmd("atlasVersion", 1)), 59, "CommandNotFound", "no such command: 'atlasVersion'")
	requireError(t, probe("admin", bsoncore.NewDocumentBuilder().AppendInt32("getParameter", 1).AppendInt32("featureCompatibilityVersion", 1).Build()),
		13, "Unauthorized", `not authorized on admin to execute command { getParameter: 1, featureCompatibilityVersion: 1, $db: "admin" }`)
	requireError(t, probe("admin", cmd("getParameter", "foo")),
		13, "Unauthorized", `not authorized on admin to execute command { getParameter: "foo", $db: "admin" }`)
	requireError(t, probe("admin", cmd("getLog", "startupWarnings")),
		13, "Unauthorized", `not authorized on admin to execute command { getLog: "startupWarnings", $db: "admin" }`)
	atlascli := bsoncore.NewDocumentBuilder().AppendString("aggregate", "atlascli").
		AppendArray("pipeline", bsoncore.NewArrayBuilder().Build()).
		AppendDocument("cursor", bsoncore.NewDocumentBuilder().Build()).Build()
	requireError(t, probe("admin", atlascli), 13, "Unauthorized",
		`not authorized on admin to execute command { aggregate: "atlascli", pipeline: [], cursor: {}, $db: "admin" }`)
	requireError(t, probe("app", cmd("insert", "orders")), 115, "CommandNotSupported",
		"command insert is not supported by the atlas-iam sandbox, which holds no data")
	found := probe("app", cmd("find", "orders"))
	if ns, _ := found.Lookup("cursor", "ns").StringValueOK(); ns != "app.orders" {
		t.Errorf("find on app.orders: %s", found)
	}
	requireError(t, probe("app", cmd("noSuchCommand", 1)), 59, "CommandNotFound", "no such command: 'noSuchCommand'")
	requireError(t, probe("app", cmd("listDatabases", 1)), 13, "Unauthorized", "listDatabases may only be run against the admin database.")
	requireNoSecrets(t, w)
}

// TestMessageHandling pins framing behaviour: OP_QUERY restrictions, $db,
// moreToCome, checksums, noop compression, and closing on malformed input.
func TestMessageHandling(t *testing.T) {
	w, srv := startServer(t, world.Options{})
	ping := bsoncore.NewDocumentBuilder().AppendInt32("ping", 1).AppendString("$db", "admin").Build()

	t.Run("OP_QUERY only for the handshake", func(t *testing.T) {
		c := dialRaw(t, srv.Addr())
		c.send(query(1, "admin.$cmd", cmd("ping", 1)))
		r, err := c.read()
		if err != nil {
			t.Fatal(err)
		}
		requireError(t, r.doc, 352, "UnsupportedOpQueryCommand",
			"Unsupported OP_QUERY command: ping. The client driver may require an upgrade. For more details see https://dochub.mongodb.org/core/legacy-opcode-removal")
	})
	t.Run("OP_MSG without $db", func(t *testing.T) {
		c := dialRaw(t, srv.Addr())
		c.send(msg(1, 0, cmd("ping", 1)))
		r, err := c.read()
		if err != nil {
			t.Fatal(err)
		}
		requireError(t, r.doc, 40571, "Location40571", "OP_MSG requests require a $db argument")
	})
	t.Run("moreToCome gets no reply", func(t *testing.T) {
		c := dialRaw(t, srv.Addr())
		c.send(msg(1, wiremessage.MoreToCome, ping))
		c.send(msg(2, 0, ping))
		r, err := c.read()
		if err != nil || r.responseTo != 2 {
			t.Fatalf("first reply answers %d (%v), want 2", r.responseTo, err)
		}
	})
	t.Run("document sequence and exhaustAllowed are tolerated", func(t *testing.T) {
		c := dialRaw(t, srv.Addr())
		wm := msg(1, wiremessage.ExhaustAllowed, ping)
		wm = wiremessage.AppendMsgSectionType(wm, wiremessage.DocumentSequence)
		idx, wm := bsoncore.ReserveLength(wm)
		wm = append(wm, "documents\x00"...)
		wm = append(wm, cmd("x", 1)...)
		wm = bsoncore.UpdateLength(wm, idx, int32(len(wm)-int(idx)))
		wm = bsoncore.UpdateLength(wm, 0, int32(len(wm)))
		c.send(wm)
		r, err := c.read()
		if err != nil {
			t.Fatal(err)
		}
		requireOK(t, r.doc)
	})
	t.Run("checksum verified", func(t *testing.T) {
		c := dialRaw(t, srv.Addr())
		wm := withChecksum(msg(1, wiremessage.ChecksumPresent, ping))
		c.send(wm)
		if r, err := c.read(); err != nil || r.responseTo != 1 {
			t.Fatalf("valid checksum: %v", err)
		}
		wm[len(wm)-1] ^= 0xff
		c.send(wm)
		c.expectClosed()
		requireLogged(t, w, "checksum")
	})
	t.Run("noop OP_COMPRESSED", func(t *testing.T) {
		c := dialRaw(t, srv.Addr())
		c.send(compressed(msg(3, 0, ping), wiremessage.CompressorNoOp))
		r, err := c.read()
		if err != nil || r.responseTo != 3 {
			t.Fatalf("reply to %d, %v", r.responseTo, err)
		}
		requireOK(t, r.doc)
	})
	t.Run("un-negotiated compressor closes", func(t *testing.T) {
		c := dialRaw(t, srv.Addr())
		c.send(compressed(msg(3, 0, ping), wiremessage.CompressorZLib))
		c.expectClosed()
		requireLogged(t, w, "was not negotiated")
	})
	for name, header := range map[string][]byte{
		"length below a header":            {5, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xdd, 7, 0, 0},
		"length above maxMessageSizeBytes": {0xff, 0xff, 0xff, 0x7f, 1, 0, 0, 0, 0, 0, 0, 0, 0xdd, 7, 0, 0},
		"negative length":                  {0, 0, 0, 0x80, 1, 0, 0, 0, 0, 0, 0, 0, 0xdd, 7, 0, 0},
	} {
		t.Run(name, func(t *testing.T) {
			c := dialRaw(t, srv.Addr())
			c.send(header)
			c.expectClosed()
			requireLogged(t, w, "outside 16..48000000")
		})
	}
	t.Run("unknown opcode closes", func(t *testing.T) {
		c := dialRaw(t, srv.Addr())
		c.send(wiremessage.AppendHeader(nil, 16, 1, 0, wiremessage.OpCode(9999)))
		c.expectClosed()
		requireLogged(t, w, "unsupported opcode 9999")
	})
}

func withChecksum(wm []byte) []byte {
	wm = append(wm, 0, 0, 0, 0)
	wm = bsoncore.UpdateLength(wm, 0, int32(len(wm)))
	sum := crc32.Checksum(wm[:len(wm)-4], castagnoli)
	copy(wm[len(wm)-4:], []byte{byte(sum), byte(sum >> 8), byte(sum >> 16), byte(sum >> 24)})
	return wm
}

func compressed(wm []byte, id wiremessage.CompressorID) []byte {
	_, reqID, _, op, body, _ := wiremessage.ReadHeader(wm)
	idx, out := wiremessage.AppendHeaderStart(nil, reqID, 0, wiremessage.OpCompressed)
	out = wiremessage.AppendCompressedOriginalOpCode(out, op)
	out = wiremessage.AppendCompressedUncompressedSize(out, int32(len(body)))
	out = wiremessage.AppendCompressedCompressorID(out, id)
	out = wiremessage.AppendCompressedCompressedMessage(out, body)
	return bsoncore.UpdateLength(out, idx, int32(len(out)-int(idx)))
}

// TestLatencyKnob checks that every round trip waits the Latency knob.
func TestLatencyKnob(t *testing.T) {
	const latency = 60 * time.Millisecond
	_, srv := startServer(t, world.Options{Knobs: world.Knobs{Latency: latency}})
	c := dialRaw(t, srv.Addr())
	begin := time.Now()
	requireOK(t, c.command("admin", cmd("ping", 1)))
	requireOK(t, c.command("admin", cmd("ping", 1)))
	if took := time.Since(begin); took < 2*latency {
		t.Fatalf("two round trips took %v, want at least %v", took, 2*latency)
	}
}

// TestFirewall: a client the IP access list does not admit gets a server selection
// timeout from the driver, and the server log says why.
func TestFirewall(t *testing.T) {
	cleanAWSEnv(t)
	w, srv := startServer(t, world.Options{NetworkBlocked: true})
	client := connect(t, srv.Addr(), nil, time.Second)
	err := client.Ping(context.Background(), nil)
	var sse topology.ServerSelectionError
	if !errors.As(err, &sse) || !strings.Contains(err.Error(), "server selection error") {
		t.Fatalf("ping error %v, want a server selection error", err)
	}
	requireLogged(t, w, "blocked", "127.0.0.1 is not on the IP access list")

	// Once the address is on the list (deploy delay 0), new connections are served.
	w.AddAccessListEntries(w.PrimaryProject().ID, []admin.NetworkPermissionEntry{{CidrBlock: admin.PtrString("127.0.0.1/32")}})
	requireOK(t, dialRaw(t, srv.Addr()).command("admin", cmd("ping", 1)))
}

// TestCloseEndsConnections: Close ends live connections, blocked ones included,
// and returns promptly.
func TestCloseEndsConnections(t *testing.T) {
	for _, blocked := range []bool{false, true} {
		_, srv := startServer(t, world.Options{NetworkBlocked: blocked})
		c := dialRaw(t, srv.Addr())
		c.send(msg(1, 0, bsoncore.NewDocumentBuilder().AppendInt32("ping", 1).AppendString("$db", "admin").Build()))
		if !blocked {
			if _, err := c.read(); err != nil {
				t.Fatal(err)
			}
		}
		done := make(chan error, 1)
		go func() { done <- srv.Close() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("blocked=%t: Close did not return", blocked)
		}
		c.nc.SetReadDeadline(time.Now().Add(time.Second))
		// EOF, or a reset when the server closed with the client's bytes unread.
		_, err := c.nc.Read(make([]byte, 1))
		var ne net.Error
		if err == nil || errors.As(err, &ne) && ne.Timeout() {
			t.Fatalf("blocked=%t: read after Close: %v, want the connection closed", blocked, err)
		}
	}
}
