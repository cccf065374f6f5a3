package atlas

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeAtlas is a small Atlas Admin API double for this package's unit tests:
// OAuth (or digest) authentication, a request log, and a per-test handler. The
// full emulator lives in sandbox/atlasapi; this one lets a test script each
// response exactly.
type fakeAtlas struct {
	t      *testing.T
	srv    *httptest.Server
	digest bool // require digest auth instead of OAuth

	mu       sync.Mutex
	requests []fakeRequest
	handler  http.HandlerFunc
}

type fakeRequest struct {
	Method, Path, EscapedPath, Query, UserAgent, Accept string
}

const (
	fakeClientID = "mdb_sa_id_fake"
	fakePubKey   = "fakepub"
	fakeToken    = "eyJfaketoken"
	fakeRealm    = "MMS Public API"
	fakeNonce    = "0123456789abcdef0123456789abcdef"
	wantUA       = "atlas-iam/1.2.3"
)

func newFakeAtlas(t *testing.T, handler http.HandlerFunc) *fakeAtlas {
	t.Helper()
	f := &fakeAtlas{t: t, handler: handler}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeAtlas) serve(w http.ResponseWriter, r *http.Request) {
	if ua := r.Header.Get("User-Agent"); ua != wantUA {
		f.t.Errorf("%s %s: User-Agent %q, want %q", r.Method, r.URL.Path, ua, wantUA)
	}
	if r.URL.Path == "/api/oauth/token" {
		f.serveToken(w, r)
		return
	}
	if !f.authenticated(w, r) {
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, fakeRequest{r.Method, r.URL.Path, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("User-Agent"), r.Header.Get("Accept")})
	h := f.handler
	f.mu.Unlock()
	h(w, r)
}

func (f *fakeAtlas) serveToken(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if r.Method != http.MethodPost || !ok || id != fakeClientID || secret != testSecret {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":"invalid_client","error_description":"Invalid client credentials"}`))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"access_token":"` + fakeToken + `","token_type":"Bearer","expires_in":3600}`))
}

func (f *fakeAtlas) authenticated(w http.ResponseWriter, r *http.Request) bool {
	authz := r.Header.Get("Authorization")
	if !f.digest {
		if authz == "Bearer "+fakeToken {
			return true
		}
		writeAPIError(w, http.StatusUnauthorized, "UNAUTHORIZED", "Invalid token")
		return false
	}
	if strings.HasPrefix(authz, "Digest ") && validDigest(authz[len("Digest "):], r.Method, r.RequestURI) {
		return true
	}
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Digest realm="%s", domain="", nonce="%s", algorithm=MD5, qop="auth", stale=false`, fakeRealm, fakeNonce))
	writeAPIError(w, http.StatusUnauthorized, "UNEXPECTED_ERROR", "You are not authorized for this resource.")
	return false
}

// validDigest checks an RFC 2617 qop=auth response for fakePubKey/testPriv.
func validDigest(params, method, uri string) bool {
	kv := map[string]string{}
	for _, p := range strings.Split(params, ", ") {
		k, v, _ := strings.Cut(p, "=")
		kv[k] = strings.Trim(v, `"`)
	}
	md := func(s string) string { h := md5.Sum([]byte(s)); return hex.EncodeToString(h[:]) }
	ha1 := md(kv["username"] + ":" + fakeRealm + ":" + testPriv)
	ha2 := md(method + ":" + kv["uri"])
	want := md(strings.Join([]string{ha1, kv["nonce"], kv["nc"], kv["cnonce"], "auth", ha2}, ":"))
	return kv["username"] == fakePubKey && kv["uri"] == uri && kv["response"] == want
}

func (f *fakeAtlas) log() []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]fakeRequest(nil), f.requests...)
}

func (f *fakeAtlas) setHandler(h http.HandlerFunc) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.handler = h
}

// sleepLog records retry waits without waiting.
type sleepLog struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleepLog) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepLog) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// client returns a service-account client for the fake, with instant retries
// (waits recorded in the returned log) and jitter pinned to 0.
func (f *fakeAtlas) client(t *testing.T) (*Client, *sleepLog) {
	t.Helper()
	sl := &sleepLog{}
	creds := NewServiceAccountCredentials(fakeClientID, testSecret, f.srv.URL)
	if f.digest {
		creds = NewAPIKeyCredentials(fakePubKey, testPriv, f.srv.URL)
	}
	c, err := NewClient(context.Background(), creds, ClientOptions{
		Version: "1.2.3",
		Retry:   RetryPolicy{Sleep: sl.sleep, Jitter: func() float64 { return 0 }},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c, sl
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/vnd.atlas.2023-01-01+json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeAPIError(w http.ResponseWriter, status int, code, detail string, params ...any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Error-Code", code)
	w.WriteHeader(status)
	if params == nil {
		params = []any{}
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"error": status, "errorCode": code, "detail": detail, "reason": http.StatusText(status), "parameters": params,
	})
}
