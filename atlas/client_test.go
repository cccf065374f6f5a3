package atlas

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

func systemStatus(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, map[string]any{
		"apiKey": map[string]any{"id": "key-id-1", "publicKey": fakePubKey, "roles": []map[string]string{
			{"orgId": "org1", "roleName": "ORG_MEMBER"}, {"groupId": "proj1", "roleName": "GROUP_OWNER"},
		}},
		"appName": "MongoDB Atlas", "build": "x", "throttling": false,
	})
}

func TestRetryHonoursRetryAfterOn429(t *testing.T) {
	var calls atomic.Int32
	f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			w.Header().Set("Retry-After", "7")
			writeAPIError(w, http.StatusTooManyRequests, "RATE_LIMITED", "Rate limit exceeded")
			return
		}
		systemStatus(w)
	})
	c, sl := f.client(t)
	id, err := c.Verify(context.Background())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if id.PublicKey != fakePubKey || len(id.ProjectRoles("proj1")) != 1 {
		t.Errorf("identity = %+v", id)
	}
	if got := sl.got(); len(got) != 2 || got[0] != 7*time.Second || got[1] != 7*time.Second {
		t.Errorf("waits = %v, want [7s 7s]", got)
	}
	if n := len(f.log()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

func TestRetryAfterIsCapped(t *testing.T) {
	var calls atomic.Int32
	f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "600")
			writeAPIError(w, http.StatusTooManyRequests, "RATE_LIMITED_TOKEN_BUCKET", "Please retry after 600 seconds.")
			return
		}
		systemStatus(w)
	})
	c, sl := f.client(t)
	if _, err := c.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := sl.got(); len(got) != 1 || got[0] != 30*time.Second {
		t.Errorf("waits = %v, want [30s] (default cap)", got)
	}
}

func TestRetryBacksOffOn503(t *testing.T) {
	var calls atomic.Int32
	f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			writeAPIError(w, http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE", "try later")
			return
		}
		systemStatus(w)
	})
	c, sl := f.client(t)
	if _, err := c.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Jitter pinned to 0: half of 500ms, then half of 1s.
	if got := sl.got(); len(got) != 2 || got[0] != 250*time.Millisecond || got[1] != 500*time.Millisecond {
		t.Errorf("waits = %v, want [250ms 500ms]", got)
	}
}

func TestRetryGivesUpAfterMaxAttempts(t *testing.T) {
	f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, http.StatusBadGateway, "BAD_GATEWAY", "upstream")
	})
	c, _ := f.client(t)
	_, err := c.Verify(context.Background())
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusBadGateway {
		t.Fatalf("err = %v, want *Error 502", err)
	}
	if n := len(f.log()); n != 4 {
		t.Errorf("%d requests, want 4 (default MaxAttempts)", n)
	}
}

func TestNoRetryOnWrites(t *testing.T) {
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			writeAPIError(w, status, "X", "no")
		})
		c, sl := f.client(t)
		u := NewIAMUser("p1", "arn:aws:iam::123456789012:role/app", IAMRole, []admin.DatabaseUserRole{{RoleName: "read", DatabaseName: "admin"}}, nil, nil, "")
		if _, err := c.CreateDatabaseUser(context.Background(), "p1", u); err == nil {
			t.Fatal("want an error")
		}
		if n := len(f.log()); n != 1 || len(sl.got()) != 0 {
			t.Errorf("status %d: %d POSTs and waits %v, want exactly one POST and no wait", status, n, sl.got())
		}
		if err := c.DeleteDatabaseUser(context.Background(), "p1", ExternalDB, "x"); err == nil {
			t.Fatal("want an error")
		}
		if n := len(f.log()); n != 2 {
			t.Errorf("status %d: DELETE was retried (%d requests)", status, n)
		}
	}
}

func TestContextCancelStopsRetries(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "20")
		writeAPIError(w, http.StatusTooManyRequests, "RATE_LIMITED", "slow down")
		cancel() // the client is now waiting 20s before its retry
	})
	creds := NewServiceAccountCredentials(fakeClientID, testSecret, f.srv.URL)
	c, err := NewClient(context.Background(), creds, ClientOptions{Version: "1.2.3"}) // real sleeps
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = c.Verify(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v: the wait was not interrupted", d)
	}
	if n := len(f.log()); n != 1 {
		t.Errorf("%d requests after cancel, want 1", n)
	}
}

func TestRetryDoesNotOutwaitTheDeadline(t *testing.T) {
	f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "10")
		writeAPIError(w, http.StatusTooManyRequests, "RATE_LIMITED", "slow down")
	})
	c, sl := f.client(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err := c.Verify(ctx)
	if !IsRateLimited(err) {
		t.Fatalf("err = %v, want rate limited", err)
	}
	var e *Error
	if errors.As(err, &e); e.RetryAfter != 10*time.Second || !strings.Contains(err.Error(), "retry after 10s") {
		t.Errorf("RetryAfter = %v, message %q", e.RetryAfter, err)
	}
	if len(sl.got()) != 0 || len(f.log()) != 1 {
		t.Errorf("waited %v over %d requests; want to give up at once", sl.got(), len(f.log()))
	}
}

func TestRetryOnDroppedConnection(t *testing.T) {
	var calls atomic.Int32
	f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close() // the client sees EOF
			}
			return
		}
		systemStatus(w)
	})
	// Fresh connections only: net/http itself replays a GET whose reused
	// connection died, which would hide our retry.
	f.srv.Config.SetKeepAlivesEnabled(false)
	c, sl := f.client(t)
	if _, err := c.Verify(context.Background()); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if len(sl.got()) != 1 {
		t.Errorf("waits = %v, want one retry", sl.got())
	}
}

func TestUnreachableNamesBaseURL(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	ln.Close() // nothing listens here now: connection refused
	sl := &sleepLog{}
	c, err := NewClient(context.Background(), NewAPIKeyCredentials(fakePubKey, testPriv, base), ClientOptions{Retry: RetryPolicy{MaxAttempts: 3, Sleep: sl.sleep}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Verify(context.Background())
	var u *UnreachableError
	if !errors.As(err, &u) || !IsUnreachable(err) {
		t.Fatalf("err = %T %v, want *UnreachableError", err, err)
	}
	if u.BaseURL != base || u.Reason != "connection refused" || !strings.Contains(err.Error(), base) {
		t.Errorf("err = %v (reason %q)", err, u.Reason)
	}
	if len(sl.got()) != 2 {
		t.Errorf("waits = %v, want 2 retries of a refused GET", sl.got())
	}
	if strings.Contains(err.Error(), testPriv) {
		t.Error("secret in error")
	}
}

func TestDigestAuthWithOurTransport(t *testing.T) {
	f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) { systemStatus(w) })
	f.digest = true
	c, _ := f.client(t)
	id, err := c.Verify(context.Background())
	if err != nil {
		t.Fatalf("Verify with digest: %v", err)
	}
	if id.ID != "key-id-1" {
		t.Errorf("id = %+v", id)
	}
}

func TestOAuthLeavesDefaultClientAlone(t *testing.T) {
	before := http.DefaultClient.Transport
	f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) { systemStatus(w) })
	c, _ := f.client(t)
	if _, err := c.Verify(context.Background()); err != nil {
		t.Fatal(err)
	}
	if http.DefaultClient.Transport != before {
		t.Fatal("NewClient changed http.DefaultClient.Transport")
	}
}

func TestOAuthTokenOutlivesConstructionContext(t *testing.T) {
	f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) { systemStatus(w) })
	ctx, cancel := context.WithCancel(context.Background())
	c, err := NewClient(ctx, NewServiceAccountCredentials(fakeClientID, testSecret, f.srv.URL), ClientOptions{Version: "1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	cancel() // e.g. the setup step that built the client finished
	if _, err := c.Verify(context.Background()); err != nil {
		t.Fatalf("Verify after the construction context ended: %v", err)
	}
}

func TestErrorClassification(t *testing.T) {
	type pred struct {
		name string
		fn   func(error) bool
	}
	preds := []pred{
		{"IsNotFound", IsNotFound}, {"IsUnauthorized", IsUnauthorized}, {"IsForbiddenRole", IsForbiddenRole},
		{"IsAccessListDenied", IsAccessListDenied}, {"IsConflict", IsConflict}, {"IsRateLimited", IsRateLimited},
		{"IsInvalidARN", IsInvalidARN}, {"IsUnreachable", IsUnreachable},
	}
	tests := []struct {
		name     string
		status   int
		code     string
		rawBody  string // instead of an Atlas error body
		wantTrue []string
		post     bool
	}{
		{name: "bad API key", status: 401, code: "UNEXPECTED_ERROR", wantTrue: []string{"IsUnauthorized"}},
		{name: "bad token", status: 401, code: "UNAUTHORIZED", wantTrue: []string{"IsUnauthorized"}},
		{name: "key lacks role", status: 401, code: "USER_UNAUTHORIZED", wantTrue: []string{"IsForbiddenRole"}},
		{name: "forbidden", status: 403, code: "FORBIDDEN", wantTrue: []string{"IsForbiddenRole"}},
		{name: "IP not on API access list", status: 403, code: "IP_ADDRESS_NOT_ON_ACCESS_LIST", wantTrue: []string{"IsAccessListDenied"}},
		{name: "org requires access list", status: 403, code: "ORG_REQUIRES_ACCESS_LIST", wantTrue: []string{"IsAccessListDenied"}},
		{name: "project not found", status: 404, code: "GROUP_NOT_FOUND", wantTrue: []string{"IsNotFound"}},
		{name: "user not found", status: 404, code: "USERNAME_NOT_FOUND", wantTrue: []string{"IsNotFound"}},
		{name: "duplicate user, code unverified", status: 409, code: "SOMETHING_ELSE", wantTrue: []string{"IsConflict"}, post: true},
		{name: "rate limited", status: 429, code: "RATE_LIMITED", wantTrue: []string{"IsRateLimited"}, post: true},
		{name: "invalid ARN", status: 400, code: "ATLAS_INVALID_AWS_IAM_ARN", wantTrue: []string{"IsInvalidARN"}, post: true},
		{name: "validation", status: 400, code: "INVALID_ATTRIBUTE", post: true},
		{name: "proxy HTML error", status: 502, rawBody: "<html>bad gateway</html>", post: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.rawBody != "" {
					w.Header().Set("Content-Type", "text/html")
					w.WriteHeader(tt.status)
					_, _ = w.Write([]byte(tt.rawBody))
					return
				}
				writeAPIError(w, tt.status, tt.code, "detail for "+tt.code, "p1")
			})
			c, _ := f.client(t)
			var err error
			if tt.post {
				u := NewIAMUser("p1", "arn:aws:iam::123456789012:role/app", IAMRole, []admin.DatabaseUserRole{{RoleName: "read", DatabaseName: "admin"}}, nil, nil, "")
				_, err = c.CreateDatabaseUser(context.Background(), "p1", u)
			} else {
				_, err = c.Project(context.Background(), "p1")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err = %T %v, want *Error", err, err)
			}
			if e.Status != tt.status || e.Code != tt.code {
				t.Errorf("Status, Code = %d, %q; want %d, %q", e.Status, e.Code, tt.status, tt.code)
			}
			if tt.code != "" && (e.Detail != "detail for "+tt.code || len(e.Parameters) != 1) {
				t.Errorf("Detail, Parameters = %q, %v", e.Detail, e.Parameters)
			}
			for _, p := range preds {
				want := false
				for _, w := range tt.wantTrue {
					want = want || w == p.name
				}
				if got := p.fn(err); got != want {
					t.Errorf("%s = %v, want %v (err %v)", p.name, got, want, err)
				}
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, e.Op+": HTTP ") || strings.Contains(msg, testSecret) {
				t.Errorf("message %q", msg)
			}
		})
	}
}

func TestBadClientSecretIsUnauthorized(t *testing.T) {
	f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) { systemStatus(w) })
	c, err := NewClient(context.Background(), NewServiceAccountCredentials(fakeClientID, "wrong-secret-value", f.srv.URL), ClientOptions{Version: "1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Verify(context.Background())
	if !IsUnauthorized(err) || IsForbiddenRole(err) {
		t.Fatalf("err = %v, want unauthorized", err)
	}
	var e *Error
	if errors.As(err, &e); e.Code != "invalid_client" || e.Status != 401 {
		t.Errorf("Code, Status = %q, %d", e.Code, e.Status)
	}
	if strings.Contains(err.Error(), "wrong-secret-value") {
		t.Error("secret in error")
	}
}

func TestNewClientRejectsMissingSecret(t *testing.T) {
	if _, err := NewClient(context.Background(), Credentials{Kind: APIKey, PublicKey: "p"}, ClientOptions{}); !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("err = %v", err)
	}
}
