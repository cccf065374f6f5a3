package atlasapi

import (
	"net/http"
	"testing"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

func TestRouterMatches(t *testing.T) {
	h := NewHandler(world.New(world.Options{}), Options{})
	for _, tc := range []struct {
		path, op string
		params   map[string]string
	}{
		{"/api/atlas/v2", "getSystemStatus", nil},
		{"/api/atlas/v2/groups/byName/userSecurity", "getGroupByName", map[string]string{"groupName": "userSecurity"}},
		{"/api/atlas/v2/groups/abc/userSecurity", "getUserSecurity", map[string]string{"groupId": "abc"}},
		{"/api/atlas/v2/groups/g/databaseUsers/$external/arn:aws:iam::1:role%2Fpath%2Fname", "getDatabaseUser",
			map[string]string{"groupId": "g", "databaseName": "$external", "username": "arn:aws:iam::1:role/path/name"}},
		{"/api/atlas/v2/groups/g/accessList/10.0.0.0%2F8/status", "getAccessListStatus", map[string]string{"entryValue": "10.0.0.0/8"}},
		// An escaped look-alike of a literal is a parameter value, not the literal.
		{"/api/atlas/v2/groups/%62yName/clusters", "listClusters", map[string]string{"groupId": "byName"}},
		{"/api/atlas/v2/groups/g/databaseUsers/$external/arn/extra", "", nil},
		{"/api/atlas/v2/groups/", "", nil},
		{"/api/atlas/v2//groups", "", nil},
		{"/api/atlas/v2/groups/%zz", "", nil},
		{"api/atlas/v2", "", nil},
	} {
		rt, params := h.routes.match(tc.path)
		if tc.op == "" {
			if rt != nil {
				t.Errorf("%s matched %s", tc.path, rt.ops[http.MethodGet].id)
			}
			continue
		}
		if rt == nil || rt.ops[http.MethodGet].id != tc.op {
			t.Errorf("%s: got route %v, want %s", tc.path, rt, tc.op)
			continue
		}
		for k, v := range tc.params {
			if params[k] != v {
				t.Errorf("%s: %s = %q, want %q", tc.path, k, params[k], v)
			}
		}
	}
}
