package atlasapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// fuzzTarget is a world and its handler, rebuilt now and then so that the
// request log and event list of a long fuzzing run stay small.
type fuzzTarget struct {
	w     *world.World
	h     http.Handler
	token string
	calls int
}

func (f *fuzzTarget) get(t *testing.T) *fuzzTarget {
	if f.h == nil || f.calls >= 5000 {
		f.w = world.New(world.Options{})
		f.h = New(f.w)
		sa := f.w.ServiceAccount()
		tok, err := f.w.IssueToken(sa.ClientID, sa.Secret, 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		f.token, f.calls = tok, 0
		u := admin.NewCloudDatabaseUser("$external", f.w.PrimaryProject().ID, "arn:aws:iam::123456789012:role/fuzz")
		u.AwsIAMType = admin.PtrString("ROLE")
		u.Roles = &[]admin.DatabaseUserRole{{RoleName: "read", DatabaseName: "app"}}
		if _, err := f.w.CreateDBUser(f.w.PrimaryProject().ID, *u); err != nil {
			t.Fatal(err)
		}
	}
	f.calls++
	return f
}

// fuzzRequest builds a server-side request the way net/http would hand it over;
// targets net/http itself would refuse are skipped.
func fuzzRequest(method, target string, body []byte) (*http.Request, bool) {
	if !strings.HasPrefix(target, "/") {
		target = "/" + target
	}
	r, err := http.NewRequest(method, "http://sandbox.test"+target, bytes.NewReader(body))
	if err != nil {
		return nil, false
	}
	r.RequestURI = r.URL.RequestURI()
	r.RemoteAddr = "127.0.0.1:40000"
	return r, true
}

// checkAnswer asserts what every answer must be: never a 500 (the handler turns a
// panic into one), a JSON content type the SDK accepts, a body that is empty or
// JSON, and for errors an ApiError whose errorCode is the X-Error-Code header.
func checkAnswer(t *testing.T, w *world.World, rec *httptest.ResponseRecorder) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("status %d: %s (events %v)", rec.Code, rec.Body.Bytes(), lastEvents(w))
	}
	if ct := rec.Header().Get("Content-Type"); !jsonType.MatchString(ct) {
		t.Fatalf("status %d with content type %q", rec.Code, ct)
	}
	body := rec.Body.Bytes()
	if len(body) > 0 && !json.Valid(body) {
		t.Fatalf("status %d with a body that is not JSON: %q", rec.Code, body)
	}
	if len(body) == 0 && rec.Code != http.StatusNoContent && rec.Code != http.StatusOK {
		t.Fatalf("status %d without a body", rec.Code)
	}
	if rec.Code >= 400 && rec.Header().Get("X-Error-Code") != "" {
		var e admin.ApiError
		if err := json.Unmarshal(body, &e); err != nil || e.ErrorCode != rec.Header().Get("X-Error-Code") || e.Error != rec.Code {
			t.Fatalf("status %d: error body %s does not match X-Error-Code %q", rec.Code, body, rec.Header().Get("X-Error-Code"))
		}
	}
}

func lastEvents(w *world.World) []world.Event {
	ev := w.Events()
	return ev[max(len(ev)-3, 0):]
}

// FuzzAtlasPath sends arbitrary methods, paths and Accept headers, authenticated,
// through the whole handler.
func FuzzAtlasPath(f *testing.F) {
	for _, s := range []struct{ method, target, accept string }{
		{"GET", "/api/atlas/v2", "application/vnd.atlas.2023-01-01+json"},
		{"GET", "/api/atlas/v2/groups/65a1b2c30000000000000002/databaseUsers/$external/arn:aws:iam::123456789012:role%2Ffuzz", ""},
		{"DELETE", "/api/atlas/v2/groups/65a1b2c30000000000000002/accessList/127.0.0.1%2F32", ""},
		{"GET", "/api/atlas/v2/groups/byName/sandbox-project", "*/*"},
		{"PUT", "/api/atlas/v2/groups", "application/vnd.atlas.1999-01-01+json"},
		{"GET", "/api/atlas/v2//groups/../orgs", ""},
		{"GET", "/api/atlas/v2/groups?pageNum=-1&itemsPerPage=99999999999999999999", ""},
		{"GET", "/api/private/ipinfo", ""},
		{"GET", "/api/oauth/token", ""},
	} {
		f.Add(s.method, s.target, s.accept)
	}
	var ft fuzzTarget
	f.Fuzz(func(t *testing.T, method, target, accept string) {
		x := ft.get(t)
		r, ok := fuzzRequest(method, target, nil)
		if !ok {
			return
		}
		r.Header.Set("Authorization", "Bearer "+x.token)
		if accept != "" {
			r.Header.Set("Accept", accept)
		}
		rec := httptest.NewRecorder()
		x.h.ServeHTTP(rec, r)
		checkAnswer(t, x.w, rec)
	})
}

// FuzzAtlasBody sends arbitrary bodies to every endpoint that reads one.
func FuzzAtlasBody(f *testing.F) {
	f.Add(uint8(0), []byte(`{"databaseName":"$external","username":"arn:aws:iam::123456789012:role/x","awsIAMType":"ROLE","roles":[{"roleName":"read","databaseName":"app"}]}`))
	f.Add(uint8(1), []byte(`{"roles":[{"roleName":"readWrite","databaseName":"app"}],"deleteAfterDate":"2000-01-01T00:00:00Z"}`))
	f.Add(uint8(2), []byte(`[{"ipAddress":"198.51.100.7","comment":"x"},{"cidrBlock":"10.0.0.0/8"}]`))
	f.Add(uint8(3), []byte(`{"ldap":{"authenticationEnabled":true,"authorizationEnabled":true,"hostname":"ldap.example.com","bindUsername":"CN=b,DC=x"}}`))
	f.Add(uint8(4), []byte(`grant_type=client_credentials`))
	f.Add(uint8(5), []byte(`token=abc&token_type_hint=access_token`))
	f.Add(uint8(0), []byte(`{"unknown":1}`))
	f.Add(uint8(2), []byte(`{"ipAddress":"1.2.3.4"}`))
	var ft fuzzTarget
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		x := ft.get(t)
		p := x.w.PrimaryProject().ID
		targets := []struct{ method, path string }{
			{"POST", "/api/atlas/v2/groups/" + p + "/databaseUsers"},
			{"PATCH", "/api/atlas/v2/groups/" + p + "/databaseUsers/$external/arn:aws:iam::123456789012:role%2Ffuzz"},
			{"POST", "/api/atlas/v2/groups/" + p + "/accessList"},
			{"PATCH", "/api/atlas/v2/groups/" + p + "/userSecurity"},
			{"POST", tokenPath},
			{"POST", revokePath},
		}
		tg := targets[int(which)%len(targets)]
		r, _ := fuzzRequest(tg.method, tg.path, body)
		if strings.HasPrefix(tg.path, "/api/oauth/") {
			sa := x.w.ServiceAccount()
			r.SetBasicAuth(url.QueryEscape(sa.ClientID), url.QueryEscape(sa.Secret))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			r.Header.Set("Authorization", "Bearer "+x.token)
			r.Header.Set("Content-Type", "application/vnd.atlas.2023-01-01+json")
		}
		rec := httptest.NewRecorder()
		x.h.ServeHTTP(rec, r)
		checkAnswer(t, x.w, rec)
	})
}
