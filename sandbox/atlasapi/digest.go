package atlasapi

import (
	"crypto/md5" //nolint:gosec // HTTP digest (RFC 7616) as Atlas speaks it is MD5
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// digestRealm is the realm of every real Atlas challenge.
const digestRealm = "MMS Public API"

// nonceStore issues digest nonces and accepts each one once, within its TTL. The
// SDK's digest transport asks for a fresh challenge on every request, so single-use
// nonces cost nothing and make a replayed Authorization header worthless.
type nonceStore struct {
	mu     sync.Mutex
	ttl    time.Duration
	max    int
	issued map[string]time.Time
	order  []string // issue order, oldest first; may still hold consumed nonces
}

func newNonceStore(ttl time.Duration, max int) *nonceStore {
	return &nonceStore{ttl: ttl, max: max, issued: map[string]time.Time{}}
}

// issue returns a new 32-character nonce, like Atlas's.
func (s *nonceStore) issue(now time.Time) string {
	n := randomToken(32)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pruneLocked(now)
	s.issued[n] = now
	s.order = append(s.order, n)
	return n
}

// pruneLocked forgets expired nonces and, when challenges come faster than they
// are answered, the oldest ones, so unanswered challenges cannot grow memory.
func (s *nonceStore) pruneLocked(now time.Time) {
	for len(s.order) > 0 {
		oldest := s.order[0]
		t, live := s.issued[oldest]
		if live && now.Sub(t) <= s.ttl && len(s.issued) < s.max {
			break
		}
		delete(s.issued, oldest)
		s.order = s.order[1:]
	}
	if len(s.order) > 2*s.max { // consumed nonces pile up in order: compact
		kept := make([]string, 0, len(s.issued))
		for _, n := range s.order {
			if _, ok := s.issued[n]; ok {
				kept = append(kept, n)
			}
		}
		s.order = kept
	}
}

// consume reports whether n was issued, is unexpired and unused; it is used up
// either way.
func (s *nonceStore) consume(n string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.issued[n]
	delete(s.issued, n)
	return ok && now.Sub(t) <= s.ttl && now.Sub(t) >= 0
}

// challenge is the WWW-Authenticate value, byte for byte the shape Atlas sends (the
// SDK's digest parser splits on exactly ", " and knows only these keys).
func (s *nonceStore) challenge(now time.Time) string {
	return fmt.Sprintf(`Digest realm="%s", domain="", nonce="%s", algorithm=MD5, qop="auth", stale=false`, digestRealm, s.issue(now))
}

// verifyDigest checks an "Authorization: Digest …" header (MD5, qop=auth) against
// the API key. It returns the public key, or a reason for the log. The digest URI
// must be the request-target exactly as sent (r.RequestURI), escapes included.
func (h *Handler) verifyDigest(r *http.Request, header string, now time.Time) (string, string) {
	p, ok := parseDigest(header)
	if !ok {
		return "", "unparsable digest header"
	}
	for _, k := range []string{"username", "realm", "nonce", "uri", "response", "qop", "nc", "cnonce"} {
		if p[k] == "" {
			return "", "digest header lacks " + k
		}
	}
	if a := p["algorithm"]; a != "" && !strings.EqualFold(a, "MD5") {
		return "", "digest algorithm " + a + " not offered"
	}
	if p["qop"] != "auth" || p["realm"] != digestRealm {
		return "", "digest qop or realm differs from the challenge"
	}
	if !h.nonces.consume(p["nonce"], now) {
		return "", "digest nonce unknown, expired or already used"
	}
	if p["uri"] != r.RequestURI {
		return "", fmt.Sprintf("digest uri %q is not the request-target %q", p["uri"], r.RequestURI)
	}
	key := h.world.APIKey()
	if p["username"] != key.PublicKey {
		return "", fmt.Sprintf("unknown API public key %q", p["username"])
	}
	ha1 := md5hex(key.PublicKey + ":" + digestRealm + ":" + key.PrivateKey)
	ha2 := md5hex(r.Method + ":" + p["uri"])
	want := md5hex(strings.Join([]string{ha1, p["nonce"], p["nc"], p["cnonce"], p["qop"], ha2}, ":"))
	if subtle.ConstantTimeCompare([]byte(strings.ToLower(p["response"])), []byte(want)) != 1 {
		return "", fmt.Sprintf("wrong digest response for API key %s (wrong private key?)", key.PublicKey)
	}
	return key.PublicKey, ""
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s)) //nolint:gosec // see import
	return hex.EncodeToString(sum[:])
}

// parseDigest splits the parameters of a Digest credentials header: key=value or
// key="quoted value" (with backslash escapes), separated by commas.
func parseDigest(header string) (map[string]string, bool) {
	scheme, rest, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Digest") {
		return nil, false
	}
	out := map[string]string{}
	s := rest
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			return out, len(out) > 0
		}
		eq := strings.IndexByte(s, '=')
		if eq <= 0 {
			return nil, false
		}
		key := strings.ToLower(strings.TrimSpace(s[:eq]))
		s = strings.TrimLeft(s[eq+1:], " \t")
		var val string
		if strings.HasPrefix(s, `"`) {
			var b strings.Builder
			i, closed := 1, false
			for ; i < len(s); i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
					b.WriteByte(s[i])
					continue
				}
				if s[i] == '"' {
					closed = true
					break
				}
				b.WriteByte(s[i])
			}
			if !closed {
				return nil, false
			}
			val, s = b.String(), s[i+1:]
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			val, s = strings.TrimSpace(s[:end]), s[end:]
		}
		if _, dup := out[key]; dup {
			return nil, false
		}
		out[key] = val
	}
}

// randomToken returns n random alphanumerics from crypto/rand.
func randomToken(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	rand.Read(b) // never fails on supported platforms (Go ≥1.24 panics instead)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
