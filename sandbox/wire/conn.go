package wire

import (
	"errors"
	"io"
	"net"
	"time"
)

// writeTimeout bounds a reply write to a client that stopped reading.
const writeTimeout = 30 * time.Second

// session is the per-connection state: who is logged in and any SASL
// conversation in progress.
type session struct {
	connID int32
	remote string
	conv   *conversation
	user   *authUser
}

// serveConn runs one connection until the client leaves, the server closes, or the
// client sends something that cannot be framed or parsed.
func (s *Server) serveConn(nc net.Conn) {
	remote := nc.RemoteAddr().String()
	defer func() {
		// Last resort: a bug must cost one connection, never the sandbox.
		if r := recover(); r != nil {
			s.w.Logf("wire", "connection from %s closed after an internal error: %v", remote, r)
		}
	}()
	if ip := remoteIP(nc.RemoteAddr()); !s.w.AccessAllowed(s.projectID, ip) {
		s.w.Logf("wire", "connection from %s blocked: %s is not on the IP access list of project %s; the connection is held open and never answered", remote, ip, s.projectID)
		io.Copy(io.Discard, nc) // until the client gives up or Close
		return
	}
	sess := &session{connID: s.connIDs.Add(1), remote: remote}
	var buf []byte
	for {
		wm, err := readMessage(nc, buf)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) && !s.isClosed() {
				s.w.Logf("wire", "conn%d from %s closed: %v", sess.connID, remote, err)
			}
			return
		}
		buf = wm[:0]
		reply, err := s.handle(sess, wm)
		if err != nil {
			s.w.Logf("wire", "conn%d from %s closed: %v", sess.connID, remote, err)
			return
		}
		if reply == nil {
			continue
		}
		if !s.sleepLatency() {
			return
		}
		nc.SetWriteDeadline(time.Now().Add(writeTimeout))
		if _, err := nc.Write(reply); err != nil {
			if !s.isClosed() {
				s.w.Logf("wire", "conn%d from %s closed: write reply: %v", sess.connID, remote, err)
			}
			return
		}
	}
}

// sleepLatency waits the Latency knob before a reply; false if the server closed.
func (s *Server) sleepLatency() bool {
	d := s.w.Knobs().Latency
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return false
	}
}

func remoteIP(a net.Addr) net.IP {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return nil
	}
	return net.ParseIP(host)
}
