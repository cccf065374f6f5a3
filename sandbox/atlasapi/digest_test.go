package atlasapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// realChallenge is the WWW-Authenticate shape recorded from Atlas (notes §1.3).
var realChallenge = regexp.MustCompile(`^Digest realm="MMS Public API", domain="", nonce="([A-Za-z0-9]{32})", algorithm=MD5, qop="auth", stale=false$`)

// digestAuth computes an RFC 7616 MD5/qop=auth Authorization header the way the
// SDK's digest transport does.
func digestAuth(user, pass, method, uri, nonce, cnonce string) string {
	ha1 := md5hex(user + ":" + digestRealm + ":" + pass)
	ha2 := md5hex(method + ":" + uri)
	resp := md5hex(ha1 + ":" + nonce + ":00000001:" + cnonce + ":auth:" + ha2)
	return fmt.Sprintf(`Digest username="%s", realm="%s", nonce="%s", uri="%s", response="%s", algorithm="MD5", qop=auth, nc=00000001, cnonce="%s"`,
		user, digestRealm, nonce, uri, resp, cnonce)
}

// challenge makes an unauthenticated request and returns the nonce of the
// challenge, checking the challenge is exactly what Atlas sends.
func challenge(t *testing.T, url string) string {
	t.Helper()
	code, hdr, body := rawDo(t, http.DefaultClient, "GET", url, nil, nil)
	if code != http.StatusUnauthorized {
		t.Fatalf("unauthenticated request: %d %s", code, body)
	}
	m := realChallenge.FindStringSubmatch(hdr.Get("Www-Authenticate"))
	if m == nil {
		t.Fatalf("challenge %q is not Atlas's", hdr.Get("Www-Authenticate"))
	}
	var got, want map[string]any
	json.Unmarshal(body, &got)
	json.Unmarshal([]byte(`{"error":401,"reason":"Unauthorized","detail":"You are not authorized for this resource.","errorCode":"UNEXPECTED_ERROR"}`), &want)
	if !reflect.DeepEqual(got, want) || hdr.Get("Content-Type") != "application/json" || hdr.Get("X-Error-Code") != "UNEXPECTED_ERROR" {
		t.Fatalf("challenge body %s / %v", body, hdr)
	}
	return m[1]
}

func TestDigestHandshake(t *testing.T) {
	s := newSandbox(t, world.Options{})
	key := s.world.APIKey()
	root := s.srv.URL + "/api/atlas/v2"
	send := func(url, auth string) int {
		t.Helper()
		code, hdr, _ := rawDo(t, http.DefaultClient, "GET", url, http.Header{"Authorization": {auth}, "Accept": {"application/vnd.atlas.2023-01-01+json"}}, nil)
		if code == http.StatusUnauthorized {
			m := realChallenge.FindStringSubmatch(hdr.Get("Www-Authenticate"))
			if m == nil || strings.Contains(auth, m[1]) {
				t.Errorf("a rejected answer must carry a fresh challenge, got %q", hdr.Get("Www-Authenticate"))
			}
		}
		return code
	}

	n1 := challenge(t, root)
	ok := digestAuth(key.PublicKey, key.PrivateKey, "GET", "/api/atlas/v2", n1, "0a4f113b")
	if code := send(root, ok); code != 200 {
		t.Fatalf("second round trip: %d", code)
	}
	if n2 := challenge(t, root); n2 == n1 {
		t.Fatal("nonce reused across challenges")
	}

	for _, tc := range []struct {
		name string
		auth func(nonce string) string
	}{
		{"replayed header", func(string) string { return ok }},
		{"wrong private key", func(n string) string {
			return digestAuth(key.PublicKey, "wrong", "GET", "/api/atlas/v2", n, "1")
		}},
		{"unknown public key", func(n string) string {
			return digestAuth("abcdefgh", key.PrivateKey, "GET", "/api/atlas/v2", n, "1")
		}},
		{"nonce never issued", func(string) string {
			return digestAuth(key.PublicKey, key.PrivateKey, "GET", "/api/atlas/v2", strings.Repeat("A", 32), "1")
		}},
		{"signed for another URI", func(n string) string {
			return digestAuth(key.PublicKey, key.PrivateKey, "GET", "/api/atlas/v2/groups", n, "1")
		}},
		{"signed for another method", func(n string) string {
			return digestAuth(key.PublicKey, key.PrivateKey, "DELETE", "/api/atlas/v2", n, "1")
		}},
		{"forged response", func(n string) string {
			return strings.Replace(digestAuth(key.PublicKey, key.PrivateKey, "GET", "/api/atlas/v2", n, "1"), `response="`, `response="0`, 1)
		}},
		{"basic auth", func(string) string { return "Basic YWJjOmRlZg==" }},
	} {
		n := challenge(t, root)
		if code := send(root, tc.auth(n)); code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", tc.name, code)
		}
	}

	// The digest URI is the escaped request-target: an ARN's %2F included.
	path := "/api/atlas/v2/groups/" + s.project + "/databaseUsers/$external/arn:aws:iam::123456789012:role%2Fnobody"
	n := challenge(t, escapedURL(s.srv.URL, path))
	if code := send(escapedURL(s.srv.URL, path), digestAuth(key.PublicKey, key.PrivateKey, "GET", path, n, "2")); code != http.StatusNotFound {
		t.Errorf("escaped URI: %d, want 404 USERNAME_NOT_FOUND (authenticated)", code)
	}
}

// A nonce is usable for NonceTTL of sandbox time only.
func TestDigestNonceExpires(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	w := world.New(world.Options{Clock: clock})
	srv := httptest.NewServer(NewHandler(w, Options{NonceTTL: time.Minute}))
	defer srv.Close()
	key := w.APIKey()
	n := challenge(t, srv.URL+"/api/atlas/v2")
	mu.Lock()
	now = now.Add(61 * time.Second)
	mu.Unlock()
	auth := digestAuth(key.PublicKey, key.PrivateKey, "GET", "/api/atlas/v2", n, "3")
	if code, _, _ := rawDo(t, http.DefaultClient, "GET", srv.URL+"/api/atlas/v2", http.Header{"Authorization": {auth}}, nil); code != http.StatusUnauthorized {
		t.Fatalf("expired nonce: %d, want 401", code)
	}
}

// Unanswered challenges cannot grow memory without bound.
func TestNonceStoreIsBounded(t *testing.T) {
	st := newNonceStore(time.Minute, 100)
	now := time.Now()
	first := st.issue(now)
	for i := 0; i < 1000; i++ {
		st.issue(now.Add(time.Duration(i+1) * time.Millisecond))
	}
	if len(st.issued) > 100 {
		t.Fatalf("%d nonces kept, want ≤ 100", len(st.issued))
	}
	if st.consume(first, now) {
		t.Fatal("the oldest nonce survived pruning")
	}
}

func TestParseDigest(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want map[string]string
	}{
		{`Digest username="a", realm="MMS Public API", qop=auth, nc=00000001`, map[string]string{"username": "a", "realm": "MMS Public API", "qop": "auth", "nc": "00000001"}},
		{`digest uri="/x?a=1,2", response="ab"`, map[string]string{"uri": "/x?a=1,2", "response": "ab"}},
		{`Digest username="a\"b"`, map[string]string{"username": `a"b`}},
		{`Digest username="unterminated`, nil},
		{`Digest username="a", username="b"`, nil},
		{`Digest =x`, nil},
		{`Bearer abc`, nil},
		{`Digest`, nil},
	} {
		got, ok := parseDigest(tc.in)
		if (tc.want == nil) == ok || (ok && !reflect.DeepEqual(got, tc.want)) {
			t.Errorf("parseDigest(%q) = %v, %v; want %v", tc.in, got, ok, tc.want)
		}
	}
}
