// Package awsapi serves the AWS side of the sandbox on one loopback HTTP server:
// IMDSv2, ECS container credentials and task metadata v4, the EKS Pod Identity
// agent, STS (GetCallerIdentity, AssumeRole, AssumeRoleWithWebIdentity) and the
// read-only part of IAM the wizard uses (ListRoles, GetRole).
//
// Every endpoint reads and changes the shared world.World, so credentials handed
// out here are the ones STS and the MONGODB-AWS wire server later recognise. The
// package also writes the environment each compute platform would give an
// application (PlatformEnv), pointed at this server.
package awsapi

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"time"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// Options configure the server.
type Options struct {
	// Region is the region the STS endpoint serves; requests signed for another
	// region are rejected as a real regional STS endpoint rejects them. Default
	// world.Region (us-east-1).
	Region string
}

// server holds the per-process state of the endpoints; everything durable lives
// in the world.
type server struct {
	w      *world.World
	region string
	imds   *tokenStore
	// podSession is the random tail of the Pod Identity role session name. The
	// real agent gets one per association from EKS Auth; here one per server, so
	// the session (and its keys) is reused like the real agent's cache.
	podSession string
}

// New returns the handler for every emulated AWS endpoint with default options.
func New(w *world.World) http.Handler { return NewWithOptions(w, Options{}) }

// NewWithOptions returns the handler for every emulated AWS endpoint.
func NewWithOptions(w *world.World, o Options) http.Handler {
	if o.Region == "" {
		o.Region = world.Region
	}
	s := &server{w: w, region: o.Region, imds: newTokenStore(), podSession: newUUID()}
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /latest/api/token", s.imdsToken)
	mux.HandleFunc("/latest/", s.imdsRead)
	mux.HandleFunc("GET /v2/credentials/{id}", s.ecsCredentials)
	mux.HandleFunc("GET /v4/{id}", s.ecsContainerMetadata)
	mux.HandleFunc("GET /v4/{id}/task", s.ecsTaskMetadata)
	mux.HandleFunc("GET /v1/credentials", s.podIdentityCredentials)
	// awsQuery services (STS, IAM) accept both POST bodies and GET query strings.
	mux.HandleFunc("POST /{$}", s.query)
	mux.HandleFunc("GET /{$}", s.query)
	return mux
}

// newUUID returns a random version-4 UUID, used for request ids and session names.
func newUUID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// isoTime is the ISO 8601 form AWS metadata services and the query protocol use.
func isoTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}
