// Package sigv4 rebuilds and checks AWS Signature Version 4 header signatures.
//
// It is the verifier side of SigV4: given the request a server received (or, for
// MONGODB-AWS, the request it rebuilds from its own state) and the secret it knows,
// it recomputes the canonical request, the string to sign and the signature. It
// never signs on behalf of a client; the sandbox only checks what real clients sent.
package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"
)

// Algorithm is the only signing algorithm the sandbox accepts.
const Algorithm = "AWS4-HMAC-SHA256"

// AmzDateFormat is the X-Amz-Date layout.
const AmzDateFormat = "20060102T150405Z"

// Header is one received header line; order and duplicates matter to SigV4.
type Header struct {
	Name  string
	Value string
}

// Request is what the verifier needs of a received request.
type Request struct {
	Method string
	// Path is the decoded request path ("/", "/example space/").
	Path string
	// RawQuery is the query string as received, without "?".
	RawQuery string
	Headers  []Header
	// PayloadHash is the hex SHA-256 of the body.
	PayloadHash string
	// Normalize removes dot segments and duplicate slashes from the path, as every
	// service except S3 does.
	Normalize bool
}

// Get returns the values of a header, in order, matched case-insensitively.
func (r Request) Get(name string) []string {
	var vs []string
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, name) {
			vs = append(vs, h.Value)
		}
	}
	return vs
}

// Authorization is a parsed `Authorization: AWS4-HMAC-SHA256 …` header value.
type Authorization struct {
	AccessKeyID   string
	Date          string // YYYYMMDD of the credential scope
	Region        string
	Service       string
	Terminator    string // always "aws4_request" when valid
	SignedHeaders []string
	Signature     string
}

// Scope is the credential scope, `DATE/REGION/SERVICE/aws4_request`.
func (a Authorization) Scope() string {
	return a.Date + "/" + a.Region + "/" + a.Service + "/" + a.Terminator
}

// ErrMalformed reports an Authorization value that cannot be parsed; STS calls this
// IncompleteSignature.
var ErrMalformed = errors.New("malformed authorization")

// ParseAuthorization parses `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
// Separators may be "," or ", " as real signers differ.
func ParseAuthorization(v string) (Authorization, error) {
	var a Authorization
	rest, ok := strings.CutPrefix(v, Algorithm+" ")
	if !ok {
		return a, fmt.Errorf("%w: algorithm is not %s", ErrMalformed, Algorithm)
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(rest, ",") {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, fmt.Errorf("%w: %q is not key=value", ErrMalformed, part)
		}
		if seen[k] {
			return a, fmt.Errorf("%w: %s given twice", ErrMalformed, k)
		}
		seen[k] = true
		switch k {
		case "Credential":
			f := strings.Split(val, "/")
			if len(f) != 5 || f[0] == "" {
				return a, fmt.Errorf("%w: credential %q is not AKID/DATE/REGION/SERVICE/aws4_request", ErrMalformed, val)
			}
			a.AccessKeyID, a.Date, a.Region, a.Service, a.Terminator = f[0], f[1], f[2], f[3], f[4]
		case "SignedHeaders":
			if val == "" {
				return a, fmt.Errorf("%w: empty SignedHeaders", ErrMalformed)
			}
			a.SignedHeaders = strings.Split(val, ";")
		case "Signature":
			a.Signature = val
		default:
			return a, fmt.Errorf("%w: unknown field %q", ErrMalformed, k)
		}
	}
	for _, k := range []string{"Credential", "SignedHeaders", "Signature"} {
		if !seen[k] {
			return a, fmt.Errorf("%w: missing %s", ErrMalformed, k)
		}
	}
	return a, nil
}

// HashHex is the lower-case hex SHA-256 of b.
func HashHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// CanonicalRequest builds the SigV4 canonical request over the given signed headers
// (lower-case names). A signed header the request does not carry yields an error:
// the signature can then never match.
func CanonicalRequest(r Request, signedHeaders []string) (string, error) {
	var b strings.Builder
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(r.Path, r.Normalize))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(r.RawQuery))
	b.WriteByte('\n')
	for _, name := range signedHeaders {
		vals := r.Get(name)
		if len(vals) == 0 {
			return "", fmt.Errorf("signed header %q is not in the request", name)
		}
		for i, v := range vals {
			vals[i] = trimAll(v)
		}
		b.WriteString(strings.ToLower(name))
		b.WriteByte(':')
		b.WriteString(strings.Join(vals, ","))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(strings.Join(signedHeaders, ";"))
	b.WriteByte('\n')
	b.WriteString(r.PayloadHash)
	return b.String(), nil
}

// StringToSign is the second SigV4 stage.
func StringToSign(amzDate, scope, canonicalRequest string) string {
	return Algorithm + "\n" + amzDate + "\n" + scope + "\n" + HashHex([]byte(canonicalRequest))
}

// SigningKey derives the HMAC chain key "AWS4"+secret → date → region → service → aws4_request.
func SigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

// Sign returns the hex signature of a string to sign.
func Sign(key []byte, stringToSign string) string {
	return hex.EncodeToString(hmacSHA256(key, stringToSign))
}

// Equal compares two hex signatures in constant time.
func Equal(a, b string) bool {
	return hmac.Equal([]byte(a), []byte(b))
}

// ParseAmzDate parses an X-Amz-Date value.
func ParseAmzDate(s string) (time.Time, error) {
	return time.Parse(AmzDateFormat, s)
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// trimAll trims a header value and folds inner runs of whitespace (including the
// line breaks of obsolete multi-line headers) into one space.
func trimAll(v string) string {
	return strings.Join(strings.Fields(v), " ")
}

func canonicalURI(p string, normalize bool) string {
	if p == "" {
		p = "/"
	}
	if normalize {
		trailing := strings.HasSuffix(p, "/")
		p = path.Clean("/" + strings.TrimLeft(p, "/"))
		if trailing && p != "/" {
			p += "/"
		}
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = uriEncode(s)
	}
	return strings.Join(segs, "/")
}

func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type kv struct{ k, v string }
	var pairs []kv
	for _, p := range strings.Split(raw, "&") {
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		pairs = append(pairs, kv{uriEncode(unescape(k)), uriEncode(unescape(v))})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// uriEncode percent-encodes every byte outside SigV4's unreserved set A-Z a-z 0-9 - _ . ~.
func uriEncode(s string) string {
	const hexdig = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexdig[c>>4])
		b.WriteByte(hexdig[c&15])
	}
	return b.String()
}

// Expected returns the signature that the holder of secret computes for r under the
// parsed Authorization a, and the canonical request it signed (for diagnosis logs).
func Expected(r Request, a Authorization, amzDate, secret string) (signature, canonical string, err error) {
	canonical, err = CanonicalRequest(r, a.SignedHeaders)
	if err != nil {
		return "", "", err
	}
	key := SigningKey(secret, a.Date, a.Region, a.Service)
	return Sign(key, StringToSign(amzDate, a.Scope(), canonical)), canonical, nil
}
