package connect

import (
	"context"
	"encoding/binary"
	"net"
	"time"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/wiremessage"
)

// The server's clock matters for one diagnosis: MONGODB-AWS fails when the
// client's clock is more than 15 minutes off (STS "Signature expired"). The hello
// reply carries the server's localTime, but the driver keeps it to itself (not in
// event.ServerDescription; the handshake is not command-monitored), and reading it
// with another hello would cost a round trip. So on plaintext connections the
// dialer reads it off the first reply of each connection, which is always the
// hello. Under TLS the bytes are encrypted; Login then asks a separate hello only
// when authentication failed (see serverClock).

// maxHelloReply bounds what is buffered: hello replies are well under 2 KB.
const maxHelloReply = 64 << 10

// clockDialer dials like net.Dialer and watches each connection's first reply.
type clockDialer struct {
	dialer net.Dialer
	seen   func(server, local time.Time)
}

func (d *clockDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := d.dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &clockConn{Conn: c, seen: d.seen}, nil
}

// clockConn passes every byte through untouched and keeps a copy of the first
// wire message the server sends, until it is complete or is not a reply.
type clockConn struct {
	net.Conn
	seen func(server, local time.Time)
	buf  []byte
	done bool
}

func (c *clockConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if !c.done && n > 0 {
		c.observe(p[:n])
	}
	return n, err
}

func (c *clockConn) observe(b []byte) {
	c.buf = append(c.buf, b...)
	if len(c.buf) < 16 {
		return
	}
	length := int(int32(binary.LittleEndian.Uint32(c.buf)))
	op := wiremessage.OpCode(int32(binary.LittleEndian.Uint32(c.buf[12:])))
	if length < 16 || length > maxHelloReply || (op != wiremessage.OpReply && op != wiremessage.OpMsg) {
		c.stop()
		return
	}
	if len(c.buf) < length {
		return
	}
	if t, ok := helloLocalTime(c.buf[:length]); ok {
		c.seen(t, time.Now())
	}
	c.stop()
}

func (c *clockConn) stop() { c.done, c.buf = true, nil }

// helloLocalTime reads localTime from an OP_REPLY or OP_MSG hello reply.
func helloLocalTime(wm []byte) (time.Time, bool) {
	_, _, _, op, rem, ok := wiremessage.ReadHeader(wm)
	if !ok {
		return time.Time{}, false
	}
	var doc bsoncore.Document
	switch op {
	case wiremessage.OpReply:
		if _, rem, ok = wiremessage.ReadReplyFlags(rem); !ok {
			return time.Time{}, false
		}
		if _, rem, ok = wiremessage.ReadReplyCursorID(rem); !ok {
			return time.Time{}, false
		}
		if _, rem, ok = wiremessage.ReadReplyStartingFrom(rem); !ok {
			return time.Time{}, false
		}
		if _, rem, ok = wiremessage.ReadReplyNumberReturned(rem); !ok {
			return time.Time{}, false
		}
		doc, _, ok = wiremessage.ReadReplyDocument(rem)
	case wiremessage.OpMsg:
		if _, rem, ok = wiremessage.ReadMsgFlags(rem); !ok {
			return time.Time{}, false
		}
		var st wiremessage.SectionType
		if st, rem, ok = wiremessage.ReadMsgSectionType(rem); !ok || st != wiremessage.SingleDocument {
			return time.Time{}, false
		}
		doc, _, ok = wiremessage.ReadMsgSectionSingleDocument(rem)
	default:
		return time.Time{}, false
	}
	if !ok || doc.Validate() != nil {
		return time.Time{}, false
	}
	v, err := doc.LookupErr("localTime")
	if err != nil {
		return time.Time{}, false
	}
	ms, ok := v.DateTimeOK()
	if !ok {
		return time.Time{}, false
	}
	return time.UnixMilli(ms).UTC(), true
}
