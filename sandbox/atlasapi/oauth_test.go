package atlasapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/auth"
	"go.mongodb.org/atlas-sdk/v20250312010/auth/clientcredentials"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// The client-credentials flow with the SDK's own OAuth code: a token, API calls
// with it, revocation, and then refusal.
func TestServiceAccountTokenLifecycle(t *testing.T) {
	s := newSandbox(t, world.Options{})
	sa := s.world.ServiceAccount()
	ctx := context.WithValue(context.Background(), auth.HTTPClient, &http.Client{Transport: s.srv.Client().Transport})
	conf := clientcredentials.NewConfig(sa.ClientID, sa.Secret)
	conf.TokenURL = s.srv.URL + clientcredentials.TokenAPIPath
	conf.RevokeURL = s.srv.URL + clientcredentials.RevokeAPIPath
	tok, err := conf.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tok.TokenType != "Bearer" || time.Until(tok.Expiry) < 59*time.Minute {
		t.Fatalf("token type %q expires %v", tok.TokenType, tok.Expiry)
	}
	root := s.srv.URL + "/api/atlas/v2"
	bearer := http.Header{"Authorization": {"Bearer " + tok.AccessToken}}
	if code, _, body := rawDo(t, http.DefaultClient, "GET", root, bearer, nil); code != 200 {
		t.Fatalf("with a fresh token: %d %s", code, body)
	}
	if err := conf.RevokeToken(ctx, tok); err != nil { // the SDK sends this with http.DefaultClient
		t.Fatal(err)
	}
	code, hdr, _ := rawDo(t, http.DefaultClient, "GET", root, bearer, nil)
	if code != http.StatusUnauthorized || !realChallenge.MatchString(hdr.Get("Www-Authenticate")) {
		t.Fatalf("revoked token: %d %q", code, hdr.Get("Www-Authenticate"))
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	s := newSandbox(t, world.Options{})
	sa := s.world.ServiceAccount()
	basic := func(id, secret string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(id)+":"+url.QueryEscape(secret)))
	}
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for _, tc := range []struct {
		name, auth, body, wantErr string
		status                    int
	}{
		{"good", basic(sa.ClientID, sa.Secret), "grant_type=client_credentials", "", 200},
		{"wrong secret", basic(sa.ClientID, "mdb_sa_sk_wrong"), "grant_type=client_credentials", "invalid_client", 401},
		{"unknown client", basic("mdb_sa_id_nobody", sa.Secret), "grant_type=client_credentials", "invalid_client", 401},
		{"no credentials", "", "grant_type=client_credentials", "invalid_request", 400},
		{"wrong grant", basic(sa.ClientID, sa.Secret), "grant_type=password", "unsupported_grant_type", 400},
		{"credentials in the form", "", "grant_type=client_credentials&client_id=" + url.QueryEscape(sa.ClientID) + "&client_secret=" + url.QueryEscape(sa.Secret), "", 200},
	} {
		hdr := form.Clone()
		if tc.auth != "" {
			hdr.Set("Authorization", tc.auth)
		}
		code, h, body := rawDo(t, http.DefaultClient, "POST", s.srv.URL+tokenPath, hdr, []byte(tc.body))
		var got map[string]any
		if code != tc.status || json.Unmarshal(body, &got) != nil || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
			t.Errorf("%s: %d %s", tc.name, code, body)
			continue
		}
		if tc.wantErr != "" && got["error"] != tc.wantErr {
			t.Errorf("%s: error %v, want %s", tc.name, got["error"], tc.wantErr)
		}
		if tc.status == 200 && (got["token_type"] != "Bearer" || got["expires_in"] != float64(3600) || got["access_token"] == "") {
			t.Errorf("%s: token body %s", tc.name, body)
		}
	}
	if code, _, _ := rawDo(t, http.DefaultClient, "POST", s.srv.URL+revokePath, form, []byte("token=x")); code != http.StatusBadRequest {
		t.Errorf("revoke without client credentials: %d", code)
	}
}

// Every request waits the latency knob, digest challenges too, and lands in the
// request log with method, path, status and principal.
func TestLatencyAndRequestLog(t *testing.T) {
	const latency = 60 * time.Millisecond
	s := newSandbox(t, world.Options{Knobs: world.Knobs{Latency: latency}})
	c := s.digestClient(t)
	start := time.Now()
	if _, _, err := c.DatabaseUsersApi.ListDatabaseUsers(context.Background(), s.project).Execute(); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took < 2*latency { // challenge + answer
		t.Fatalf("two round trips took %v, want ≥ %v", took, 2*latency)
	}
	log := s.world.APIRequests()
	if len(log) != 2 {
		t.Fatalf("request log %+v, want the challenge and the answer", log)
	}
	path := "/api/atlas/v2/groups/" + s.project + "/databaseUsers"
	want := []world.APIRequest{
		{Method: "GET", Path: path, Status: 401, Principal: ""},
		{Method: "GET", Path: path, Status: 200, Principal: s.world.APIKey().PublicKey},
	}
	for i, r := range log {
		r.Time = time.Time{}
		if r != want[i] {
			t.Errorf("log[%d] = %+v, want %+v", i, r, want[i])
		}
	}
}
