package atlasapi

import (
	"net/http"
	"strings"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

// getSystemStatus answers GET /api/atlas/v2: the "who am I" of a credential, with
// its organisation role and its role on every project.
func (h *Handler) getSystemStatus(c *call) {
	org := h.world.Org()
	role := h.world.Knobs().APIKeyRole
	roles := []admin.CloudAccessRoleAssignment{{OrgId: admin.PtrString(org.ID), RoleName: admin.PtrString(orgRole)}}
	for _, p := range h.world.Projects() {
		roles = append(roles, admin.CloudAccessRoleAssignment{GroupId: admin.PtrString(p.ID), RoleName: admin.PtrString(role)})
	}
	key := admin.ApiKey{
		Roles: &roles,
		// The sandbox key may be used from this machine only.
		AccessList: &[]admin.AccessListItem{{IpAddress: "127.0.0.1", CidrBlock: admin.PtrString("127.0.0.1/32")}},
	}
	if c.principal.kind == kindAPIKey {
		k := h.world.APIKey()
		key.Id, key.PublicKey = k.ID, k.PublicKey
	} else {
		// Unverified: what Atlas reports here for a service account is not
		// recorded. The spec's ApiKey needs a 24-hex id and an 8-character public
		// key, so report the id inside the client id and its last 8 characters.
		id := strings.TrimPrefix(c.principal.id, "mdb_sa_id_")
		key.Id, key.PublicKey = id, id[max(len(id)-8, 0):]
	}
	c.ok(http.StatusOK, admin.SystemStatus{
		ApiKey:     key,
		AppName:    "MongoDB Atlas",
		Build:      "sandbox-" + admin.Version,
		Throttling: false,
		Links:      c.self(base),
	})
}

// ipInfo is the body of the undocumented GET /api/private/ipinfo.
type ipInfo struct {
	CurrentIPv4Address string `json:"currentIpv4Address"`
}

// getIPInfo tells the caller its address as Atlas sees it (the CLI uses it for
// "add my current IP").
func (h *Handler) getIPInfo(c *call) {
	writeJSON(c.w, http.StatusOK, ipInfo{CurrentIPv4Address: clientIP(c.r)})
}
