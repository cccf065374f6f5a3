// Package atlasapi emulates the parts of the MongoDB Atlas Administration API v2
// that atlas-iam uses, over a sandbox world.World: digest and OAuth
// (client-credentials) authentication, per-resource versioned media types,
// pagination, and Atlas's error shapes and codes (notes/atlas-api.md).
//
// It serves /api/atlas/v2/..., GET /api/private/ipinfo, POST /api/oauth/token and
// POST /api/oauth/revoke. Every request waits Knobs().Latency first and lands in
// the world's API request log. Bodies are the SDK's own model types
// (go.mongodb.org/atlas-sdk/v20250312010/admin), so the SDK decodes them as it
// decodes real Atlas.
package atlasapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// Options tune the handler; the zero value is what the sandbox uses.
type Options struct {
	// MaxBodyBytes caps request bodies (default 1 MiB).
	MaxBodyBytes int64
	// NonceTTL is how long a digest nonce stays usable (default 1 minute). The SDK
	// answers a challenge at once, so a minute covers any latency knob.
	NonceTTL time.Duration
	// MaxNonces bounds unanswered challenges kept in memory (default 10000).
	MaxNonces int
}

func (o Options) withDefaults() Options {
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 1 << 20
	}
	if o.NonceTTL <= 0 {
		o.NonceTTL = time.Minute
	}
	if o.MaxNonces <= 0 {
		o.MaxNonces = 10000
	}
	return o
}

// Handler is the emulated Atlas Admin API. Create it with New or NewHandler.
type Handler struct {
	world   *world.World
	opts    Options
	routes  *router
	nonces  *nonceStore
	limiter *rateLimiter
}

// New returns the Atlas Admin API emulator for w with default options.
func New(w *world.World) http.Handler { return NewHandler(w, Options{}) }

// NewHandler returns the emulator with explicit options.
func NewHandler(w *world.World, opts Options) *Handler {
	opts = opts.withDefaults()
	h := &Handler{world: w, opts: opts, nonces: newNonceStore(opts.NonceTTL, opts.MaxNonces), limiter: newRateLimiter()}
	h.routes = h.buildRoutes()
	return h
}

// principal is who a request authenticated as.
type principal struct {
	id   string // API public key or service-account client id
	kind string
}

const (
	kindAPIKey         = "apiKey"
	kindServiceAccount = "serviceAccount"
)

// ServeHTTP answers every request with JSON (or an empty 204/200), never panics to
// the connection, and records the request in the world's log.
func (h *Handler) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: rw}
	c := &call{h: h, w: sw, r: r}
	defer func() {
		if p := recover(); p != nil {
			h.world.Logf("atlas", "BUG: panic serving %s %s: %v", r.Method, r.URL.Path, p)
			if sw.status == 0 {
				c.fail(unexpectedError())
			}
		}
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		h.world.RecordAPIRequest(world.APIRequest{Time: h.world.Now(), Method: r.Method, Path: r.URL.Path, Status: status, Principal: c.principal.id})
	}()
	if !sleep(r.Context(), h.world.Knobs().Latency) {
		c.fail(unexpectedError()) // the client left during the latency; only the log sees this
		return
	}
	if r.Body == nil {
		r.Body = http.NoBody
	}
	r.Body = http.MaxBytesReader(sw, r.Body, h.opts.MaxBodyBytes)
	switch r.URL.Path {
	case tokenPath:
		h.serveToken(c)
	case revokePath:
		h.serveRevoke(c)
	default:
		h.serveAPI(c)
	}
}

// serveAPI runs an Admin API request through authentication, the rate limit, the
// API access list, routing, version negotiation, project lookup and the role check.
func (h *Handler) serveAPI(c *call) {
	r := c.r
	now := h.world.Now()
	p, why := h.authenticate(r, now)
	if why != "" {
		if r.Header.Get("Authorization") != "" { // a bare first round trip is no news
			h.world.Logf("atlas", "%s %s rejected (401): %s", r.Method, r.URL.Path, why)
		}
		c.fail(challengeError(h.nonces.challenge(now)))
		return
	}
	c.principal = p
	knobs := h.world.Knobs()
	if knobs.RateLimit > 0 {
		left, wait, ok := h.limiter.allow(p.id, knobs.RateLimit, now)
		c.w.Header().Set("Ratelimit-Limit", strconv.Itoa(knobs.RateLimit))
		c.w.Header().Set("Ratelimit-Remaining", strconv.Itoa(left))
		if !ok {
			secs := int((wait + time.Second - 1) / time.Second)
			h.world.Logf("atlas", "%s %s rejected (429): %s exceeded %d requests per minute", r.Method, r.URL.Path, p.id, knobs.RateLimit)
			c.fail(rateLimited(strings.TrimPrefix(r.URL.Path, "/"), knobs.RateLimit, secs))
			return
		}
	}
	if knobs.APIAccessListDeny {
		ip := clientIP(r)
		h.world.Logf("atlas", "%s %s rejected (403): %s is not on the API access list of %s (knob)", r.Method, r.URL.Path, ip, p.id)
		c.fail(ipNotOnAccessList(ip))
		return
	}
	rt, params := h.routes.match(r.URL.EscapedPath())
	if rt == nil {
		c.fail(resourceNotFound(r.URL.Path))
		return
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	op := rt.ops[method]
	if op == nil {
		c.fail(methodNotAllowed(r.Method, rt.allowed()))
		return
	}
	for k, v := range params {
		r.SetPathValue(k, v)
	}
	c.mediaType = "application/json"
	if op.version != "" {
		mt, verr := negotiate(r.Header.Get("Accept"), op.version)
		if verr != nil {
			c.fail(verr)
			return
		}
		c.mediaType = mt
	}
	if op.orgRole != "" && !orgRoleAtLeast(orgRole, op.orgRole) {
		c.fail(userUnauthorized())
		return
	}
	if op.projectRoles != nil {
		if e := h.lookupProject(c, op.projectRoles, knobs.APIKeyRole); e != nil {
			c.fail(e)
			return
		}
	}
	op.handle(c)
}

// authenticate accepts a digest response to one of our challenges or a bearer
// token of the service account; anything else gets a fresh challenge.
func (h *Handler) authenticate(r *http.Request, now time.Time) (principal, string) {
	auth := r.Header.Get("Authorization")
	scheme, _, _ := strings.Cut(strings.TrimSpace(auth), " ")
	switch {
	case auth == "":
		return principal{}, "no credentials (digest handshake, first round trip)"
	case strings.EqualFold(scheme, "Digest"):
		id, why := h.verifyDigest(r, auth, now)
		return principal{id: id, kind: kindAPIKey}, why
	case strings.EqualFold(scheme, "Bearer"):
		id, why := h.bearerClient(auth)
		return principal{id: id, kind: kindServiceAccount}, why
	}
	return principal{}, "unsupported authorization scheme " + strconv.Quote(scheme)
}

// lookupProject resolves {groupId}: 404 INVALID_GROUP_ID when malformed, 404
// GROUP_NOT_FOUND when unknown, then 401 USER_UNAUTHORIZED when the credential's
// project role is not one the operation accepts.
func (h *Handler) lookupProject(c *call, accepted []string, role string) *apiError {
	id := c.r.PathValue("groupId")
	if !isObjectID(id) {
		return invalidGroupID(id)
	}
	p, ok := h.world.Project(id)
	if !ok {
		return groupNotFound(id)
	}
	if !roleAccepted(role, accepted) {
		h.world.Logf("atlas", "%s %s rejected (401): %s holds %s; the operation needs one of %s", c.r.Method, c.r.URL.Path, c.principal.id, role, strings.Join(accepted, ", "))
		return userUnauthorized()
	}
	c.project = p
	return nil
}

// isObjectID reports whether s is 24 lowercase hex digits, like every Atlas id.
func isObjectID(s string) bool {
	if len(s) != 24 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// clientIP is the address the request came from, as Atlas sees it.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// sleep waits d unless ctx ends first; it reports whether the wait completed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// errBodyTooLarge reports whether err came from http.MaxBytesReader.
func errBodyTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
