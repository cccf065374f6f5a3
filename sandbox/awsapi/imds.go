package awsapi

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// IMDSv2 headers and limits (EC2 configuring-instance-metadata-service.html).
const (
	imdsTTLHeader   = "X-Aws-Ec2-Metadata-Token-Ttl-Seconds"
	imdsTokenHeader = "X-Aws-Ec2-Metadata-Token"
	imdsMaxTTL      = 21600
)

// The instance the EC2 platform runs on.
const (
	availabilityZone = world.Region + "a"
	instanceType     = "t3.micro"
	instanceImageID  = "ami-0c02fb55956c7d316"
	instancePrivIP   = "10.0.1.23"
)

// InstanceProfileARN is the instance profile of the sandbox's EC2 instance; its
// role is world.RoleApp.
func InstanceProfileARN() string {
	return "arn:aws:iam::" + world.AccountID + ":instance-profile/" + world.InstanceProfile
}

// instanceProfileID is a stable AIPA… id derived from the profile ARN, so it reads
// the same on every request and every run.
func instanceProfileID() string {
	sum := sha256.Sum256([]byte(InstanceProfileARN()))
	return "AIPA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
}

// tokenStore keeps the IMDSv2 session tokens this server issued.
type tokenStore struct {
	mu     sync.Mutex
	tokens map[string]time.Time // token → expiry
}

func newTokenStore() *tokenStore { return &tokenStore{tokens: map[string]time.Time{}} }

func (ts *tokenStore) issue(now time.Time, ttl time.Duration) string {
	raw := make([]byte, 42)
	if _, err := rand.Read(raw); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	tok := "AQAEA" + base64.StdEncoding.EncodeToString(raw)
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for t, exp := range ts.tokens {
		if !now.Before(exp) {
			delete(ts.tokens, t)
		}
	}
	ts.tokens[tok] = now.Add(ttl)
	return tok
}

// check explains why a token is not accepted, or returns "".
func (ts *tokenStore) check(tok string, now time.Time) string {
	if tok == "" {
		return "no " + imdsTokenHeader + " header"
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	exp, ok := ts.tokens[tok]
	switch {
	case !ok:
		return "token was not issued by this IMDS"
	case !now.Before(exp):
		return "token expired at " + isoTime(exp)
	}
	return ""
}

// imdsToken is PUT /latest/api/token. The TTL header must be echoed: without it
// the Go SDK cannot use the token and silently falls back to IMDSv1.
func (s *server) imdsToken(w http.ResponseWriter, r *http.Request) {
	if len(r.Header.Values("X-Forwarded-For")) > 0 {
		// Real IMDS refuses token requests that went through a proxy; the exact
		// status (403) is the most plausible one, not verified.
		s.w.Logf("imds", "token request refused: it carries X-Forwarded-For (came through a proxy)")
		writeText(w, http.StatusForbidden, "403 - Forbidden")
		return
	}
	raw := r.Header.Get(imdsTTLHeader)
	ttl, err := strconv.Atoi(raw)
	if err != nil || ttl < 1 || ttl > imdsMaxTTL {
		s.w.Logf("imds", "token request refused: %s %q is not a number of seconds in 1..%d", imdsTTLHeader, raw, imdsMaxTTL)
		writeText(w, http.StatusBadRequest, "400 - Bad Request")
		return
	}
	tok := s.imds.issue(s.w.Now(), time.Duration(ttl)*time.Second)
	w.Header().Set(imdsTTLHeader, strconv.Itoa(ttl))
	writeText(w, http.StatusOK, tok)
}

// imdsRead serves GET /latest/… for holders of a valid token (IMDSv2 required,
// as on new instances).
func (s *server) imdsRead(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeText(w, http.StatusMethodNotAllowed, "405 - Method Not Allowed")
		return
	}
	if why := s.imds.check(r.Header.Get(imdsTokenHeader), s.w.Now()); why != "" {
		s.w.Logf("imds", "GET %s refused with 401: %s", r.URL.Path, why)
		writeText(w, http.StatusUnauthorized, "401 - Unauthorized")
		return
	}
	credsPrefix := "/latest/meta-data/iam/security-credentials/"
	switch p := r.URL.Path; {
	case p == credsPrefix:
		writeText(w, http.StatusOK, world.RoleApp)
	case strings.HasPrefix(p, credsPrefix):
		s.imdsRoleCredentials(w, strings.TrimPrefix(p, credsPrefix))
	case p == "/latest/meta-data/iam/info":
		s.imdsJSON(w, map[string]string{
			"Code": "Success", "LastUpdated": isoTime(s.w.Now().Add(-time.Hour)),
			"InstanceProfileArn": InstanceProfileARN(), "InstanceProfileId": instanceProfileID(),
		})
	case p == "/latest/dynamic/instance-identity/document":
		s.imdsJSON(w, map[string]any{
			"accountId": world.AccountID, "architecture": "x86_64", "availabilityZone": availabilityZone,
			"imageId": instanceImageID, "instanceId": world.EC2InstanceID, "instanceType": instanceType,
			"pendingTime": isoTime(s.w.Now().Add(-72 * time.Hour).Truncate(time.Hour)), "privateIp": instancePrivIP,
			"region": world.Region, "version": "2017-09-30",
		})
	case p == "/latest/meta-data/placement/region":
		writeText(w, http.StatusOK, world.Region)
	case p == "/latest/meta-data/placement/availability-zone":
		writeText(w, http.StatusOK, availabilityZone)
	case p == "/latest/meta-data/instance-id":
		writeText(w, http.StatusOK, world.EC2InstanceID)
	case p == "/latest/meta-data/instance-type":
		writeText(w, http.StatusOK, instanceType)
	default:
		writeText(w, http.StatusNotFound, "404 - Not Found")
	}
}

// imdsRoleCredentials is …/security-credentials/<role>: the instance profile's
// role session, named after the instance id as EC2 names it.
func (s *server) imdsRoleCredentials(w http.ResponseWriter, role string) {
	if role != world.RoleApp {
		s.w.Logf("imds", "credentials for role %q refused with 404: the instance profile holds %q", role, world.RoleApp)
		writeText(w, http.StatusNotFound, "404 - Not Found")
		return
	}
	c, err := s.w.ServiceSession("ec2.amazonaws.com", world.RoleApp, world.EC2InstanceID)
	if err != nil {
		s.w.Logf("imds", "instance profile session failed: %s", err.Message)
		s.imdsJSON(w, map[string]string{"Code": "AssumeRoleUnauthorizedAccess", "Message": err.Message, "LastUpdated": isoTime(s.w.Now())})
		return
	}
	s.imdsJSON(w, map[string]string{
		"Code": "Success", "LastUpdated": isoTime(c.Issued), "Type": "AWS-HMAC",
		"AccessKeyId": c.AccessKeyID, "SecretAccessKey": c.SecretAccessKey, "Token": c.SessionToken,
		"Expiration": isoTime(c.Expiration),
	})
}

// imdsJSON writes JSON the way IMDS does: pretty-printed, served as text/plain.
func (s *server) imdsJSON(w http.ResponseWriter, v any) {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		writeText(w, http.StatusInternalServerError, "500 - Internal Server Error")
		return
	}
	writeText(w, http.StatusOK, string(b))
}
