package atlasapi

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// 1201 projects page as Atlas pages them: 500 per page at most, totalCount,
// self and next links with absolute hrefs, nothing past the end.
func TestProjectPagination(t *testing.T) {
	ctx := context.Background()
	s := newSandbox(t, world.Options{ExtraProjects: 1200})
	c := s.digestClient(t)
	groupsURL := s.srv.URL + "/api/atlas/v2/groups"

	seen := map[string]bool{}
	for page, want := range []int{500, 500, 201, 0} {
		num := page + 1
		res, _, err := c.ProjectsApi.ListGroups(ctx).ItemsPerPage(500).PageNum(num).Execute()
		if err != nil {
			t.Fatal(err)
		}
		if len(res.GetResults()) != want || res.GetTotalCount() != 1201 {
			t.Fatalf("page %d: %d results, totalCount %d", num, len(res.GetResults()), res.GetTotalCount())
		}
		for _, g := range res.GetResults() {
			if seen[g.GetId()] {
				t.Fatalf("project %s on two pages", g.GetId())
			}
			seen[g.GetId()] = true
		}
		links := linkMap(res.GetLinks())
		wantSelf := groupsURL + "?includeCount=true&pageNum=" + strconv.Itoa(num) + "&itemsPerPage=500"
		if links["self"] != wantSelf {
			t.Errorf("page %d self = %q, want %q", num, links["self"], wantSelf)
		}
		wantNext := ""
		if num < 3 {
			wantNext = groupsURL + "?includeCount=true&itemsPerPage=500&pageNum=" + strconv.Itoa(num+1)
		}
		if links["next"] != wantNext {
			t.Errorf("page %d next = %q, want %q", num, links["next"], wantNext)
		}
	}
	if len(seen) != 1201 {
		t.Fatalf("pages held %d distinct projects, want 1201", len(seen))
	}

	res, _, err := c.ProjectsApi.ListGroups(ctx).IncludeCount(false).Execute()
	if err != nil {
		t.Fatal(err)
	}
	if res.TotalCount != nil || len(res.GetResults()) != 100 || linkMap(res.GetLinks())["next"] == "" {
		t.Fatalf("includeCount=false, default page: totalCount %v, %d results", res.TotalCount, len(res.GetResults()))
	}

	og, _, err := c.OrganizationsApi.GetOrgGroups(ctx, s.world.Org().ID).Name("PROJECT-0110").ItemsPerPage(5).Execute()
	if err != nil {
		t.Fatal(err)
	}
	if og.GetTotalCount() != 10 || len(og.GetResults()) != 5 || linkMap(og.GetLinks())["next"] == "" {
		t.Fatalf("name prefix PROJECT-0110: total %d, %d results", og.GetTotalCount(), len(og.GetResults()))
	}

	sa := s.world.ServiceAccount()
	tok, err := s.world.IssueToken(sa.ClientID, sa.Secret, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"itemsPerPage=501", "itemsPerPage=0", "pageNum=0", "includeCount=maybe", "pageNum=x"} {
		code, hdr, _ := rawDo(t, http.DefaultClient, "GET", groupsURL+"?"+q, http.Header{"Authorization": {"Bearer " + tok}}, nil)
		if code != http.StatusBadRequest || hdr.Get("X-Error-Code") != "INVALID_QUERY_PARAMETER" {
			t.Errorf("%s: %d %s", q, code, hdr.Get("X-Error-Code"))
		}
	}
	code, _, body := rawDo(t, http.DefaultClient, "GET", groupsURL+"?pageNum=9223372036854775807&itemsPerPage=500", http.Header{"Authorization": {"Bearer " + tok}}, nil)
	if code != http.StatusOK {
		t.Errorf("huge pageNum: %d %s", code, body)
	}
}

func linkMap(links []admin.Link) map[string]string {
	m := map[string]string{}
	for _, l := range links {
		m[l.GetRel()] = l.GetHref()
	}
	return m
}
