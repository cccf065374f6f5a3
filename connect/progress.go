package connect

import (
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/event"
)

// Stage is one step of a live login, in order.
type Stage string

const (
	StageCredentials      Stage = "credentials"      // asking the AWS credential provider
	StageConnect          Stage = "connect"          // reaching a server (TCP, TLS, hello)
	StageAuthenticate     Stage = "MONGODB-AWS"      // a server answered; saslStart/saslContinue
	StagePing             Stage = "ping"             // authenticated; ping
	StageConnectionStatus Stage = "connectionStatus" // who are we, with which roles
)

var stageOrder = map[Stage]int{StageCredentials: 1, StageConnect: 2, StageAuthenticate: 3, StagePing: 4, StageConnectionStatus: 5}

// tracker follows a login through the driver's monitoring events, which arrive on
// driver goroutines: it only ever moves forward, and calls Progress one call at a
// time, in stage order.
type tracker struct {
	mu       sync.Mutex
	progress func(Stage, string)
	stage    Stage

	addr        string // the server whose hello succeeded first
	maxWire     int32
	serverTime  time.Time // a hello's localTime
	localTime   time.Time // our clock when that hello arrived
	lastNetwork error     // the last failed heartbeat, for the evidence
}

func newTracker(progress func(Stage, string)) *tracker {
	return &tracker{progress: progress}
}

// advance enters stage s unless the login is already there or further.
func (t *tracker) advance(s Stage, format string, args ...any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if stageOrder[s] <= stageOrder[t.stage] {
		return
	}
	t.stage = s
	if t.progress != nil {
		t.progress(s, fmt.Sprintf(format, args...))
	}
}

func (t *tracker) current() Stage {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stage
}

func (t *tracker) sawClock(server, local time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.serverTime, t.localTime = server, local
}

func (t *tracker) clock() (server, local time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.serverTime, t.localTime
}

func (t *tracker) server() (addr string, maxWire int32, lastNetwork error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.addr, t.maxWire, t.lastNetwork
}

// A heartbeat is the monitor's hello: the server is reachable. Its connection
// never authenticates, so "connected" and "authenticated" are told apart by it
// and by the pool's ConnectionReady, which comes after the handshake and
// MONGODB-AWS conversation of an application connection.
func (t *tracker) serverMonitor() *event.ServerMonitor {
	return &event.ServerMonitor{
		ServerHeartbeatSucceeded: func(e *event.ServerHeartbeatSucceededEvent) {
			t.mu.Lock()
			if t.addr == "" {
				t.addr, t.maxWire = e.Reply.Addr.String(), e.Reply.MaxWireVersion
			}
			t.mu.Unlock()
			t.advance(StageAuthenticate, "%s answered hello in %s", e.Reply.Addr, e.Duration.Round(time.Millisecond))
		},
		ServerHeartbeatFailed: func(e *event.ServerHeartbeatFailedEvent) {
			t.mu.Lock()
			t.lastNetwork = e.Failure
			t.mu.Unlock()
		},
	}
}

func (t *tracker) poolMonitor() *event.PoolMonitor {
	return &event.PoolMonitor{Event: func(e *event.PoolEvent) {
		if e.Type == event.ConnectionReady {
			t.advance(StagePing, "authenticated on %s", e.Address)
		}
	}}
}
