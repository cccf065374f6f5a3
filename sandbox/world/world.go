// Package world holds the state of the sandbox's emulated Atlas organisation and AWS
// account: projects, clusters, database users and their deployment, access lists,
// LDAP settings, Atlas API credentials, IAM users, roles, trust policies and every
// credential the emulated AWS endpoints hand out.
//
// Every component of the sandbox (Atlas Admin API, MongoDB wire server, AWS
// endpoints) reads and changes the same World, so a user created through the API is
// the user the wire server later authenticates. All methods are safe for concurrent
// use; values returned are copies.
package world

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// Knobs switch on the failure modes of the diagnosis catalogue. They can be changed
// while the sandbox runs (SetKnobs); each comment says when a change takes effect.
type Knobs struct {
	// LDAPAuthorization turns on LDAP authorization for the primary project.
	// Read by Atlas API requests at the time they are served.
	LDAPAuthorization bool
	// APIKeyRole is the project role of the API key and the service account:
	// RoleProjectOwner (default) or RoleProjectReadOnly.
	APIKeyRole string
	// APIAccessListDeny rejects every authenticated Atlas API call with 403
	// IP_ADDRESS_NOT_ON_ACCESS_LIST (OAuth token creation still works, as in Atlas).
	APIAccessListDeny bool
	// DeployDelay is how long a database-user or access-list change stays PENDING.
	DeployDelay time.Duration
	// StuckPending keeps every change PENDING forever.
	StuckPending bool
	// Latency is added to every Atlas API request and every wire round trip.
	Latency time.Duration
	// RateLimit answers 429 after this many Atlas API requests in a minute (0: off).
	RateLimit int
	// ClockSkew shifts the sandbox's clock (and so every server-side time check)
	// against the machine's: a client's X-Amz-Date then looks skewed by -ClockSkew.
	ClockSkew time.Duration
	// ExpireCredentials issues every temporary AWS credential already expired.
	ExpireCredentials bool
}

// Options configure a new World.
type Options struct {
	Knobs
	// ExtraProjects adds this many empty projects after the primary one, for paging.
	ExtraProjects int
	// NetworkBlocked leaves the machine's address off the project IP access list, so
	// the wire servers' firewall drops its connections until an entry is added.
	NetworkBlocked bool
	// Clock replaces time.Now (tests); ClockSkew is applied on top of it.
	Clock func() time.Time
	// Log receives one line per event (rejections with their real reason, changes).
	Log io.Writer
}

// Event is one line of the sandbox log: what happened and, for rejections, why.
type Event struct {
	Time      time.Time
	Component string // "atlas", "wire", "sts", "iam", "imds", "ecs", "eks"
	Message   string
}

// World is the emulated world. Create it with New.
type World struct {
	mu     sync.Mutex
	knobs  Knobs
	clock  func() time.Time
	log    io.Writer
	events []Event
	seq    int // id counter

	atlas atlasState
	aws   awsState
}

// New builds the world: one org with a primary project (and opts.ExtraProjects more),
// Cluster0, a flex cluster, a federated database instance, API credentials, and the
// AWS account 123456789012 with its user, roles and trust policies.
func New(opts Options) *World {
	w := &World{knobs: opts.Knobs, clock: opts.Clock, log: opts.Log}
	if w.clock == nil {
		w.clock = time.Now
	}
	if w.knobs.APIKeyRole == "" {
		w.knobs.APIKeyRole = RoleProjectOwner
	}
	w.initAtlas(opts)
	w.initAWS()
	return w
}

// Knobs returns the current knobs.
func (w *World) Knobs() Knobs {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.knobs
}

// SetKnobs changes knobs while the sandbox runs.
func (w *World) SetKnobs(change func(*Knobs)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	change(&w.knobs)
}

// Now is the sandbox's clock: the machine's clock plus ClockSkew.
func (w *World) Now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now()
}

func (w *World) now() time.Time { return w.clock().Add(w.knobs.ClockSkew).UTC() }

// Logf records an event and writes it to the log writer, if any. Callers must never
// pass secrets (secret keys, session tokens, private keys, client secrets).
func (w *World) Logf(component, format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.logLocked(component, format, args...)
}

// Events returns every event so far.
func (w *World) Events() []Event {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Event(nil), w.events...)
}

// nextID returns a deterministic 24-hex-digit ObjectId-like identifier.
func (w *World) nextID(prefix uint32) string {
	w.seq++
	return fmt.Sprintf("%08x%016x", prefix, w.seq)
}
