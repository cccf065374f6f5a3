package atlas

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

// projectPages serves n projects over GET /api/atlas/v2/groups with Atlas paging;
// totalCount can be shifted (it is only an estimate) or left out. It records
// the most pages served at once.
type projectPages struct {
	n          int
	countDelta int
	noCount    bool
	delay      time.Duration

	inFlight, maxInFlight atomic.Int32
	mu                    sync.Mutex
	counted               []int // pages asked with includeCount=true
}

func (p *projectPages) serve(w http.ResponseWriter, r *http.Request) {
	cur := p.inFlight.Add(1)
	defer p.inFlight.Add(-1)
	for {
		m := p.maxInFlight.Load()
		if cur <= m || p.maxInFlight.CompareAndSwap(m, cur) {
			break
		}
	}
	time.Sleep(p.delay)
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("pageNum"))
	size, _ := strconv.Atoi(q.Get("itemsPerPage"))
	var results []map[string]any
	for i := (page - 1) * size; i < page*size && i < p.n; i++ {
		results = append(results, map[string]any{"id": fmt.Sprintf("%024x", i), "name": fmt.Sprintf("project-%05d", i), "orgId": "org1", "clusterCount": 0, "created": "2024-01-01T00:00:00Z"})
	}
	body := map[string]any{"results": results, "links": []any{}}
	if q.Get("includeCount") == "true" {
		p.mu.Lock()
		p.counted = append(p.counted, page)
		p.mu.Unlock()
		if !p.noCount {
			body["totalCount"] = p.n + p.countDelta
		}
	}
	writeJSON(w, http.StatusOK, body)
}

func TestListProjectsAllPages(t *testing.T) {
	tests := []struct {
		name       string
		pages      *projectPages
		pageSize   int
		wantMaxReq int // requests at most
	}{
		{name: "exact count", pages: &projectPages{n: 2501, delay: 5 * time.Millisecond}, pageSize: 500, wantMaxReq: 6},
		{name: "count overestimates", pages: &projectPages{n: 1200, countDelta: 300}, pageSize: 500, wantMaxReq: 3},
		{name: "count underestimates", pages: &projectPages{n: 1700, countDelta: -600}, pageSize: 500, wantMaxReq: 5},
		{name: "no count", pages: &projectPages{n: 1050, noCount: true}, pageSize: 500, wantMaxReq: 3},
		{name: "exact multiple", pages: &projectPages{n: 1000}, pageSize: 500, wantMaxReq: 3},
		{name: "one short page", pages: &projectPages{n: 3}, pageSize: 0, wantMaxReq: 1},
		{name: "empty", pages: &projectPages{n: 0}, pageSize: 100, wantMaxReq: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pp := tt.pages
			f := newFakeAtlas(t, pp.serve)
			c, _ := f.client(t)
			var mu sync.Mutex
			var seen []int
			lastFetched := 0
			got, err := c.ListProjects(context.Background(), ListOptions[admin.Group]{
				PageSize: tt.pageSize, Concurrency: 4,
				OnPage: func(p Page[admin.Group]) {
					mu.Lock()
					defer mu.Unlock()
					seen = append(seen, p.Number)
					if p.Fetched < lastFetched || p.Fetched-lastFetched != len(p.Items) {
						t.Errorf("page %d: Fetched %d after %d with %d items", p.Number, p.Fetched, lastFetched, len(p.Items))
					}
					lastFetched = p.Fetched
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != pp.n {
				t.Fatalf("%d projects, want %d", len(got), pp.n)
			}
			for i, g := range got {
				if want := fmt.Sprintf("project-%05d", i); g.GetName() != want {
					t.Fatalf("projects[%d] = %s, want %s: not in order", i, g.GetName(), want)
				}
			}
			if n := len(f.log()); n > tt.wantMaxReq {
				t.Errorf("%d requests, want at most %d", n, tt.wantMaxReq)
			}
			if len(seen) != len(f.log()) || seen[0] != 1 {
				t.Errorf("OnPage saw pages %v over %d requests", seen, len(f.log()))
			}
			if len(pp.counted) != 1 || pp.counted[0] != 1 {
				t.Errorf("includeCount asked on pages %v, want only page 1", pp.counted)
			}
		})
	}
}

func TestListProjectsFetchesConcurrently(t *testing.T) {
	pp := &projectPages{n: 2501, delay: 30 * time.Millisecond}
	f := newFakeAtlas(t, pp.serve)
	c, _ := f.client(t)
	if _, err := c.ListProjects(context.Background(), ListOptions[admin.Group]{PageSize: 100, Concurrency: 4}); err != nil {
		t.Fatal(err)
	}
	if m := pp.maxInFlight.Load(); m < 2 || m > 4 {
		t.Errorf("at most %d pages in flight, want 2..4", m)
	}
}

func TestListProjectsStopsOnPageError(t *testing.T) {
	pp := &projectPages{n: 3000}
	f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("pageNum") == "4" {
			writeAPIError(w, http.StatusForbidden, CodeIPNotOnAccessList, "IP address 10.0.0.1 is not allowed to access this resource.", "10.0.0.1")
			return
		}
		pp.serve(w, r)
	})
	c, _ := f.client(t)
	_, err := c.ListProjects(context.Background(), ListOptions[admin.Group]{PageSize: 500})
	if !IsAccessListDenied(err) || !strings.HasPrefix(err.Error(), "list projects: HTTP 403") {
		t.Fatalf("err = %v", err)
	}
}

func TestLDAP(t *testing.T) {
	tests := []struct {
		name      string
		respond   func(w http.ResponseWriter)
		want      LDAPState
		wantErr   func(error) bool
		detailHas string
	}{
		{
			name: "authorization on",
			respond: func(w http.ResponseWriter) {
				writeJSON(w, 200, map[string]any{"ldap": map[string]any{"authenticationEnabled": true, "authorizationEnabled": true, "hostname": "ldap.example.com"}})
			},
			want: LDAPState{AuthorizationEnabled: true, AuthenticationEnabled: true, Known: true}, detailHas: "ldap.example.com",
		},
		{
			name: "authentication only",
			respond: func(w http.ResponseWriter) {
				writeJSON(w, 200, map[string]any{"ldap": map[string]any{"authenticationEnabled": true}})
			},
			want: LDAPState{AuthenticationEnabled: true, Known: true}, detailHas: "can work",
		},
		{
			name:    "no ldap object reads as off",
			respond: func(w http.ResponseWriter) { writeJSON(w, 200, map[string]any{"customerX509": map[string]any{}}) },
			want:    LDAPState{Known: true}, detailHas: "not enabled",
		},
		{
			name: "key without Project Owner: unknown, not OK",
			respond: func(w http.ResponseWriter) {
				writeAPIError(w, 401, CodeUserUnauthorized, "Current user is not authorized to perform this action.")
			},
			want: LDAPState{Known: false}, detailHas: "unknown",
		},
		{
			name:    "access list rejection stays an error",
			respond: func(w http.ResponseWriter) { writeAPIError(w, 403, CodeIPNotOnAccessList, "no") },
			wantErr: IsAccessListDenied,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/api/atlas/v2/groups/p1/userSecurity" {
					t.Errorf("path %s", r.URL.Path)
				}
				tt.respond(w)
			})
			c, _ := f.client(t)
			got, err := c.LDAP(context.Background(), "p1")
			if tt.wantErr != nil {
				if !tt.wantErr(err) {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.AuthorizationEnabled != tt.want.AuthorizationEnabled || got.AuthenticationEnabled != tt.want.AuthenticationEnabled || got.Known != tt.want.Known {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if !strings.Contains(got.Detail, tt.detailHas) {
				t.Errorf("Detail %q lacks %q", got.Detail, tt.detailHas)
			}
		})
	}
}

// deploymentAPI answers the three families for one project like Atlas: a name
// lives in exactly one family.
func deploymentAPI(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		const p = "/api/atlas/v2/groups/p1/"
		if !strings.HasPrefix(r.URL.Path, p) {
			writeAPIError(w, 404, CodeGroupNotFound, "No group with ID exists.")
			return
		}
		rest := strings.TrimPrefix(r.URL.Path, p)
		switch rest {
		case "clusters":
			writeJSON(w, 200, map[string]any{"results": []any{clusterJSON()}, "totalCount": 1})
		case "flexClusters":
			writeJSON(w, 200, map[string]any{"results": []any{flexJSON()}, "totalCount": 1})
		case "dataFederation":
			if r.URL.Query().Get("type") != "USER" {
				t.Errorf("dataFederation type = %q", r.URL.Query().Get("type"))
			}
			writeJSON(w, 200, []any{fedJSON()})
		case "clusters/Cluster0":
			writeJSON(w, 200, clusterJSON())
		case "flexClusters/Flex0":
			writeJSON(w, 200, flexJSON())
		case "dataFederation/Fed0":
			writeJSON(w, 200, fedJSON())
		case "clusters/Flex0":
			writeAPIError(w, 400, CodeFlexInClusterAPI, "Flex cluster in cluster API")
		case "clusters/Cluster0/status":
			writeJSON(w, 200, map[string]any{"changeStatus": "PENDING"})
		default:
			if strings.HasPrefix(rest, "clusters/") {
				writeAPIError(w, 404, CodeClusterNotFound, "No cluster named X exists in group p1.")
			} else {
				writeAPIError(w, 404, "RESOURCE_NOT_FOUND", "not found")
			}
		}
	}
}

func clusterJSON() map[string]any {
	return map[string]any{"name": "Cluster0", "stateName": "IDLE", "paused": false, "mongoDBVersion": "8.0.15",
		"connectionStrings": map[string]any{
			"standard":    "mongodb://ac-1-shard-00-00.abcde.mongodb.net:27017,ac-1-shard-00-01.abcde.mongodb.net:27017/?ssl=true&authSource=admin",
			"standardSrv": "mongodb+srv://cluster0.abcde.mongodb.net",
		},
		"replicationSpecs": []any{map[string]any{"regionConfigs": []any{map[string]any{"providerName": "AWS", "regionName": "US_EAST_1"}}}},
	}
}

func flexJSON() map[string]any {
	return map[string]any{"name": "Flex0", "stateName": "CREATING", "mongoDBVersion": "8.0.4",
		"providerSettings":  map[string]any{"backingProviderName": "AWS", "regionName": "US_EAST_1"},
		"connectionStrings": map[string]any{"standardSrv": "mongodb+srv://flex0.abcde.mongodb.net"}}
}

func fedJSON() map[string]any {
	return map[string]any{"name": "Fed0", "state": "ACTIVE", "hostnames": []string{"fed0-abcde.a.query.mongodb.net"}}
}

func TestDeploymentResolution(t *testing.T) {
	f := newFakeAtlas(t, deploymentAPI(t))
	c, _ := f.client(t)
	ctx := context.Background()
	tests := []struct {
		name, project string
		want          Deployment
		wantErr       func(error) bool
		wantCalls     int
	}{
		{name: "Cluster0", project: "p1", wantCalls: 1, want: Deployment{Name: "Cluster0", Kind: KindCluster, StateName: "IDLE", MongoDBVersion: "8.0.15",
			StandardSrv: "mongodb+srv://cluster0.abcde.mongodb.net", Hostnames: []string{"ac-1-shard-00-00.abcde.mongodb.net:27017", "ac-1-shard-00-01.abcde.mongodb.net:27017"}}},
		{name: "Flex0", project: "p1", wantCalls: 2, want: Deployment{Name: "Flex0", Kind: KindFlex, StateName: "CREATING", MongoDBVersion: "8.0.4",
			StandardSrv: "mongodb+srv://flex0.abcde.mongodb.net", Hostnames: []string{"flex0.abcde.mongodb.net"}}},
		{name: "Fed0", project: "p1", wantCalls: 3, want: Deployment{Name: "Fed0", Kind: KindFederated, StateName: "ACTIVE", Hostnames: []string{"fed0-abcde.a.query.mongodb.net"}}},
		{name: "Nope", project: "p1", wantCalls: 3, wantErr: func(err error) bool {
			e, ok := asError(err)
			return IsNotFound(err) && ok && e.Code == CodeClusterNotFound && strings.Contains(err.Error(), "federated")
		}},
		{name: "Cluster0", project: "missing", wantCalls: 1, wantErr: func(err error) bool {
			e, ok := asError(err)
			return ok && e.Code == CodeGroupNotFound
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name+"@"+tt.project, func(t *testing.T) {
			before := len(f.log())
			got, err := c.Deployment(ctx, tt.project, tt.name)
			if calls := len(f.log()) - before; calls != tt.wantCalls {
				t.Errorf("%d API calls, want %d", calls, tt.wantCalls)
			}
			if tt.wantErr != nil {
				if !tt.wantErr(err) {
					t.Fatalf("err = %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got.Standard = "" // not listed in want
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
	all, err := c.ListDeployments(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range all {
		names = append(names, d.Name+":"+string(d.Kind))
	}
	if strings.Join(names, " ") != "Cluster0:cluster Flex0:flex Fed0:federated" {
		t.Errorf("ListDeployments = %v", names)
	}
	st, err := c.ClusterStatus(ctx, "p1", "Cluster0")
	if err != nil || st != "PENDING" {
		t.Errorf("ClusterStatus = %q, %v", st, err)
	}
}

func TestDatabaseUserPathAndNotFound(t *testing.T) {
	f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, 404, CodeUsernameNotFound, "No user with username arn:aws:iam::123456789012:role/app exists.")
	})
	c, _ := f.client(t)
	_, err := c.DatabaseUser(context.Background(), "p1", ExternalDB, "arn:aws:iam::123456789012:role/app")
	if !IsNotFound(err) {
		t.Fatalf("err = %v, want not found", err)
	}
	// The ARN's "/" travels as %2F in one path segment; "$" and ":" stay literal.
	if got := f.log()[0].EscapedPath; got != "/api/atlas/v2/groups/p1/databaseUsers/$external/arn:aws:iam::123456789012:role%2Fapp" {
		t.Errorf("path = %s", got)
	}
}

func TestUpdateDatabaseUserPatches(t *testing.T) {
	var body string
	f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPatch {
			t.Errorf("method %s", r.Method)
		}
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		writeJSON(w, 200, map[string]any{"username": "arn:aws:iam::123456789012:user/a", "databaseName": "$external", "groupId": "p1"})
	})
	c, _ := f.client(t)
	u := NewIAMUser("p1", "arn:aws:iam::123456789012:user/a", IAMUser, []admin.DatabaseUserRole{role("read", "admin")}, nil, nil, "")
	u.Links = &[]admin.Link{{Href: admin.PtrString("https://x")}}
	if _, err := c.UpdateDatabaseUser(context.Background(), "p1", u); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, `"scopes":[]`) || strings.Contains(body, "links") {
		t.Errorf("PATCH body %s", body)
	}
}

func TestCurrentIP(t *testing.T) {
	f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/private/ipinfo" || r.Header.Get("Accept") != "application/json" {
			t.Errorf("%s Accept=%q", r.URL.Path, r.Header.Get("Accept"))
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"currentIpv4Address":"198.51.100.23"}`))
	})
	c, _ := f.client(t)
	ip, err := c.CurrentIP(context.Background())
	if err != nil || ip.String() != "198.51.100.23" {
		t.Fatalf("CurrentIP = %v, %v", ip, err)
	}
	f.setHandler(func(w http.ResponseWriter, r *http.Request) {
		writeAPIError(w, 403, CodeIPNotOnAccessList, "IP address 198.51.100.23 is not allowed to access this resource.", "198.51.100.23")
	})
	if _, err := c.CurrentIP(context.Background()); !IsAccessListDenied(err) {
		t.Fatalf("err = %v", err)
	}
}

func TestAddAccessListEntry(t *testing.T) {
	var got string
	f := newFakeAtlas(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost:
			b, _ := io.ReadAll(r.Body)
			got = string(b)
			writeJSON(w, 200, map[string]any{"results": []any{}, "totalCount": 0})
		case strings.HasSuffix(r.URL.EscapedPath(), "/accessList/198.51.100.0%2F24/status"):
			writeJSON(w, 200, map[string]any{"STATUS": "PENDING"})
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL.EscapedPath())
		}
	})
	c, _ := f.client(t)
	del := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	v, err := c.AddAccessListEntry(context.Background(), "p1", AccessListEntry{CIDR: "198.51.100.7/24", Comment: "atlas-iam", DeleteAfter: &del})
	if err != nil || v != "198.51.100.0/24" {
		t.Fatalf("AddAccessListEntry = %q, %v", v, err)
	}
	if got != `[{"cidrBlock":"198.51.100.0/24","comment":"atlas-iam","deleteAfterDate":"2030-01-01T00:00:00Z"}]`+"\n" {
		t.Errorf("POST body %s", got)
	}
	st, err := c.AccessListStatus(context.Background(), "p1", v)
	if err != nil || st != "PENDING" {
		t.Errorf("status = %q, %v", st, err)
	}
	if _, err := c.AddAccessListEntry(context.Background(), "p1", AccessListEntry{CIDR: "not-an-ip"}); err == nil {
		t.Error("bad CIDR accepted")
	}
}

func TestNormalizeCIDR(t *testing.T) {
	for in, want := range map[string]string{
		"203.0.113.7": "203.0.113.7/32", "203.0.113.7/32": "203.0.113.7/32", "10.1.2.3/8": "10.0.0.0/8", "2001:db8::1": "2001:db8::1/128",
	} {
		if got, err := NormalizeCIDR(in); err != nil || got != want {
			t.Errorf("NormalizeCIDR(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "1.2.3", "1.2.3.4/33", "example.com"} {
		if _, err := NormalizeCIDR(bad); err == nil {
			t.Errorf("NormalizeCIDR(%q) accepted", bad)
		}
	}
}
