package sigv4

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type vectorContext struct {
	Credentials struct {
		AccessKeyID     string `json:"access_key_id"`
		SecretAccessKey string `json:"secret_access_key"`
	} `json:"credentials"`
	Normalize bool   `json:"normalize"`
	Region    string `json:"region"`
	Service   string `json:"service"`
}

// parseSignedRequest reads an aws-c-auth `header-signed-request.txt`: a request line
// whose path is raw (may contain spaces), header lines with optional obsolete
// continuation lines, a blank line and the body.
func parseSignedRequest(t *testing.T, raw string) (Request, []byte) {
	t.Helper()
	head, body, _ := strings.Cut(raw, "\n\n")
	lines := strings.Split(head, "\n")
	first := lines[0]
	sp1 := strings.IndexByte(first, ' ')
	sp2 := strings.LastIndexByte(first, ' ')
	r := Request{Method: first[:sp1]}
	target := first[sp1+1 : sp2]
	r.Path, r.RawQuery, _ = strings.Cut(target, "?")
	for _, l := range lines[1:] {
		if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
			last := &r.Headers[len(r.Headers)-1]
			last.Value += " " + l
			continue
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("bad header line %q", l)
		}
		r.Headers = append(r.Headers, Header{name, value})
	}
	return r, []byte(body)
}

// TestAWSSigV4Suite checks that the verifier reproduces every header-signing case of
// the public AWS SigV4 test suite (awslabs/aws-c-auth, Apache-2.0).
func TestAWSSigV4Suite(t *testing.T) {
	dirs, err := filepath.Glob("testdata/aws-sigv4-suite/*/context.json")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no vectors found: %v", err)
	}
	if len(dirs) != 38 {
		t.Fatalf("found %d vectors, want the 38 of the suite", len(dirs))
	}
	for _, ctxFile := range dirs {
		dir := filepath.Dir(ctxFile)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			read := func(name string) string {
				b, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
			var c vectorContext
			if err := json.Unmarshal([]byte(read("context.json")), &c); err != nil {
				t.Fatal(err)
			}
			req, body := parseSignedRequest(t, read("header-signed-request.txt"))
			req.Normalize = c.Normalize
			req.PayloadHash = HashHex(body)
			if v := req.Get("X-Amz-Content-Sha256"); len(v) == 1 {
				req.PayloadHash = v[0]
			}
			authz := req.Get("Authorization")
			if len(authz) != 1 {
				t.Fatalf("want one Authorization header, got %d", len(authz))
			}
			a, err := ParseAuthorization(authz[0])
			if err != nil {
				t.Fatal(err)
			}
			if a.AccessKeyID != c.Credentials.AccessKeyID || a.Region != c.Region || a.Service != c.Service {
				t.Fatalf("credential scope %+v does not match context %+v", a, c)
			}
			amzDate := req.Get("X-Amz-Date")[0]
			sig, canonical, err := Expected(req, a, amzDate, c.Credentials.SecretAccessKey)
			if err != nil {
				t.Fatal(err)
			}
			if want := read("header-canonical-request.txt"); canonical != want {
				t.Errorf("canonical request\n got: %q\nwant: %q", canonical, want)
			}
			if want := strings.TrimSpace(read("header-signature.txt")); sig != want || a.Signature != want {
				t.Errorf("signature %s, header says %s, want %s", sig, a.Signature, want)
			}
			if got, want := StringToSign(amzDate, a.Scope(), canonical), read("header-string-to-sign.txt"); got != want {
				t.Errorf("string to sign\n got: %q\nwant: %q", got, want)
			}
			// A wrong secret must not verify.
			if bad, _, _ := Expected(req, a, amzDate, c.Credentials.SecretAccessKey+"x"); Equal(bad, a.Signature) {
				t.Error("a wrong secret produced the expected signature")
			}
		})
	}
}

// TestMongoDBAWSVectors checks the two MONGODB-AWS signatures published in the C#
// driver's AwsSignatureVersion4Tests (Apache-2.0), see notes/mongodb-aws.md §1.5.
func TestMongoDBAWSVectors(t *testing.T) {
	nonce := []byte{64, 230, 20, 164, 223, 96, 92, 144, 3, 240, 27, 110, 97, 65, 200, 11, 157, 162, 141, 4, 149, 86, 91, 108, 189, 194, 100, 90, 249, 219, 155, 235}
	const (
		akid   = "permanentuser"
		secret = "FAKEFAKEFAKEFAKEFAKEfakefakefakefakefake"
		date   = "20200312T142346Z"
		host   = "sts.amazonaws.com"
		token  = "MXUpbuzwzPo67WKCNYtdBq47taFtIpt+SVx58hNx1/jSz37h9d67dtUOg0ejKrv83u8ai+VFZxMx="
	)
	for _, tc := range []struct {
		name, token, signed, want string
	}{
		{"long-term", "", "content-length;content-type;host;x-amz-date;x-mongodb-gs2-cb-flag;x-mongodb-server-nonce",
			"6872b9199b47dc983a95f9113a096c9b4e63bb6ddf39030161b1f092ab616df2"},
		{"session-token", token, "content-length;content-type;host;x-amz-date;x-amz-security-token;x-mongodb-gs2-cb-flag;x-mongodb-server-nonce",
			"d60ee7fe01c82631583a7534fe017e1840fd5975faf1593252e91c54573a93ae"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := MongoDBAWSRequest(host, nonce, 'n', date, tc.token)
			a := Authorization{AccessKeyID: akid, Date: date[:8], Region: RegionFromSTSHost(host), Service: "sts",
				Terminator: "aws4_request", SignedHeaders: strings.Split(tc.signed, ";")}
			sig, _, err := Expected(req, a, date, secret)
			if err != nil {
				t.Fatal(err)
			}
			if sig != tc.want {
				t.Errorf("signature %s, want %s", sig, tc.want)
			}
		})
	}
}

func TestRegionFromSTSHost(t *testing.T) {
	for host, want := range map[string]string{
		"sts.amazonaws.com":              "us-east-1",
		"sts.us-west-2.amazonaws.com":    "us-west-2",
		"sts.us-west-2.amazonaws.com.ch": "us-west-2",
		"example.com":                    "com",
		"localhost":                      "us-east-1",
		"first.second.third":             "second",
	} {
		if got := RegionFromSTSHost(host); got != want {
			t.Errorf("RegionFromSTSHost(%q) = %q, want %q", host, got, want)
		}
	}
}

func TestParseAuthorization(t *testing.T) {
	good := "AWS4-HMAC-SHA256 Credential=AKID/20200312/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc"
	a, err := ParseAuthorization(good)
	if err != nil {
		t.Fatal(err)
	}
	if a.AccessKeyID != "AKID" || a.Scope() != "20200312/us-east-1/sts/aws4_request" || len(a.SignedHeaders) != 2 || a.Signature != "abc" {
		t.Fatalf("parsed %+v", a)
	}
	for _, bad := range []string{
		"",
		"AWS4-HMAC-SHA1 Credential=A/B/C/D/E, SignedHeaders=h, Signature=s",
		"AWS4-HMAC-SHA256 Credential=A/B/C/D, SignedHeaders=h, Signature=s",
		"AWS4-HMAC-SHA256 SignedHeaders=h, Signature=s",
		"AWS4-HMAC-SHA256 Credential=A/B/C/D/E, Signature=s",
		"AWS4-HMAC-SHA256 Credential=A/B/C/D/E, SignedHeaders=h",
		"AWS4-HMAC-SHA256 Credential=A/B/C/D/E, SignedHeaders=h, Signature=s, Extra=1",
		"AWS4-HMAC-SHA256 Credential=A/B/C/D/E, SignedHeaders=, Signature=s",
	} {
		if _, err := ParseAuthorization(bad); err == nil {
			t.Errorf("ParseAuthorization(%q) succeeded", bad)
		}
	}
}
