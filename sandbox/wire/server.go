package wire

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// ErrServerClosed is returned by Serve after Close.
var ErrServerClosed = errors.New("wire server closed")

// Server serves one deployment (a world.Cluster) over the MongoDB wire protocol.
type Server struct {
	w         *world.World
	projectID string
	cluster   string

	connIDs atomic.Int32 // connectionId of the last accepted connection
	replyID atomic.Int32 // requestID of the last reply sent

	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	closed bool
	done   chan struct{} // closed by Close; interrupts latency sleeps
	wg     sync.WaitGroup
}

// New builds a server for the deployment cluster of project projectID. It serves
// nothing until Serve or Start.
func New(w *world.World, projectID, cluster string) (*Server, error) {
	if _, ok := w.Cluster(projectID, cluster); !ok {
		return nil, fmt.Errorf("new wire server: cluster %q in project %s: %w", cluster, projectID, world.ErrNotFound)
	}
	return &Server{w: w, projectID: projectID, cluster: cluster, conns: map[net.Conn]struct{}{}, done: make(chan struct{})}, nil
}

// Start listens on a random loopback port, records the address as the cluster's in
// the world, and serves in the background until ctx ends or Close is called.
func Start(ctx context.Context, w *world.World, projectID, cluster string) (*Server, error) {
	s, err := New(w, projectID, cluster)
	if err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("start wire server for %s: %w", cluster, err)
	}
	if err := w.AttachCluster(cluster, ln.Addr().String()); err != nil {
		ln.Close()
		return nil, fmt.Errorf("start wire server: %w", err)
	}
	s.mu.Lock()
	s.ln = ln
	s.mu.Unlock()
	go func() {
		if err := s.Serve(ctx, ln); err != nil && !errors.Is(err, ErrServerClosed) {
			w.Logf("wire", "server for %s stopped: %v", cluster, err)
		}
	}()
	return s, nil
}

// Serve accepts connections on ln until ctx ends or Close is called; it then
// returns nil. Each connection is served on its own goroutine.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	s.ln = ln
	s.mu.Unlock()
	stop := context.AfterFunc(ctx, func() { s.Close() })
	defer stop()
	for {
		nc, err := ln.Accept()
		if err != nil {
			if s.isClosed() {
				return nil
			}
			return fmt.Errorf("wire server %s: accept: %w", s.cluster, err)
		}
		if !s.track(nc) {
			nc.Close()
			return nil
		}
		go func() {
			defer s.wg.Done()
			defer s.untrack(nc)
			s.serveConn(nc)
		}()
	}
}

// Addr is the address the server listens on ("" before Serve or Start).
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Close stops accepting, closes every live connection and waits for their
// goroutines to end.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		s.wg.Wait()
		return nil
	}
	s.closed = true
	close(s.done)
	var err error
	if s.ln != nil {
		err = s.ln.Close()
	}
	for nc := range s.conns {
		nc.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("close wire server: %w", err)
	}
	return nil
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// track registers a connection; false once the server is closed.
func (s *Server) track(nc net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.conns[nc] = struct{}{}
	s.wg.Add(1)
	return true
}

func (s *Server) untrack(nc net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, nc)
	nc.Close()
}
