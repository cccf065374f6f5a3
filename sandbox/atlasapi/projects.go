package atlasapi

import (
	"net/http"
	"net/url"
	"strings"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// listOrgs answers GET /orgs: the one organisation, filtered by the optional
// case-insensitive name prefix.
func (h *Handler) listOrgs(c *call) {
	p, e := parsePage(c.r.URL.Query())
	if e != nil {
		c.fail(e)
		return
	}
	org := h.world.Org()
	var orgs []admin.AtlasOrganization
	if hasPrefixFold(org.Name, c.r.URL.Query().Get("name")) {
		orgs = append(orgs, admin.AtlasOrganization{
			Id: admin.PtrString(org.ID), Name: org.Name, IsDeleted: admin.PtrBool(false),
			SkipDefaultAlertsSettings: admin.PtrBool(false), Links: c.self(base + "/orgs/" + org.ID),
		})
	}
	l := paginate(c, p, orgs)
	c.ok(http.StatusOK, admin.PaginatedOrganization{Results: &l.results, Links: &l.links, TotalCount: l.total})
}

// listGroups answers GET /groups: every project the credential can see, which in
// the sandbox is every project.
func (h *Handler) listGroups(c *call) {
	h.writeGroups(c, h.world.Projects())
}

// getOrgGroups answers GET /orgs/{orgId}/groups with the name-prefix filter.
func (h *Handler) getOrgGroups(c *call) {
	id := c.r.PathValue("orgId")
	if !isObjectID(id) {
		c.fail(newError(http.StatusNotFound, "INVALID_ORG_ID", "An invalid organization ID %s was specified.", id))
		return
	}
	if id != h.world.Org().ID {
		c.fail(newError(http.StatusNotFound, "ORG_NOT_FOUND", "No organization with ID %s exists.", id))
		return
	}
	name := c.r.URL.Query().Get("name")
	var ps []world.Project
	for _, p := range h.world.Projects() {
		if hasPrefixFold(p.Name, name) {
			ps = append(ps, p)
		}
	}
	h.writeGroups(c, ps)
}

func (h *Handler) writeGroups(c *call, ps []world.Project) {
	p, e := parsePage(c.r.URL.Query())
	if e != nil {
		c.fail(e)
		return
	}
	l := paginate(c, p, ps)
	groups := make([]admin.Group, 0, len(l.results))
	for _, proj := range l.results {
		groups = append(groups, h.groupModel(c, proj))
	}
	c.ok(http.StatusOK, admin.PaginatedAtlasGroup{Results: &groups, Links: &l.links, TotalCount: l.total})
}

// getGroup answers GET /groups/{groupId}; the project was resolved before.
func (h *Handler) getGroup(c *call) {
	c.ok(http.StatusOK, h.groupModel(c, c.project))
}

// getGroupByName answers GET /groups/byName/{groupName}.
func (h *Handler) getGroupByName(c *call) {
	name := c.r.PathValue("groupName")
	for _, p := range h.world.Projects() {
		if p.Name != name {
			continue
		}
		if !roleAccepted(h.world.Knobs().APIKeyRole, anyProjectRole) {
			c.fail(userUnauthorized())
			return
		}
		c.ok(http.StatusOK, h.groupModel(c, p))
		return
	}
	c.fail(newError(http.StatusNotFound, "GROUP_NAME_NOT_FOUND", "No group with name \"%s\" exists.", name))
}

func (h *Handler) groupModel(c *call, p world.Project) admin.Group {
	n := len(h.world.Clusters(p.ID, world.KindDedicated)) + len(h.world.Clusters(p.ID, world.KindFlex))
	return admin.Group{
		ClusterCount: int64(n), Created: p.Created, Id: admin.PtrString(p.ID),
		Name: p.Name, OrgId: p.OrgID, Tags: &[]admin.ResourceTag{},
		WithDefaultAlertsSettings: admin.PtrBool(true),
		Links:                     c.self(base + "/groups/" + url.PathEscape(p.ID)),
	}
}

func hasPrefixFold(s, prefix string) bool {
	return strings.HasPrefix(strings.ToLower(s), strings.ToLower(prefix))
}
