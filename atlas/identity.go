package atlas

import (
	"context"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

// Identity is who the credentials are, as GET /api/atlas/v2 reports it.
type Identity struct {
	// ID and PublicKey identify the API key (for a service account, whatever
	// Atlas reports in the same place; possibly empty).
	ID, PublicKey string
	Roles         []RoleAssignment
	AppName       string
	Throttling    bool
}

// RoleAssignment is one Atlas (not database) role of the credentials: an org role
// has OrgID, a project role GroupID.
type RoleAssignment struct {
	OrgID, GroupID, RoleName string
}

// Verify checks the credentials with the cheapest authenticated call and returns
// the key's identity and roles.
func (c *Client) Verify(ctx context.Context) (Identity, error) {
	st, err := c.SystemStatus(ctx)
	if err != nil {
		return Identity{}, err
	}
	id := Identity{ID: st.ApiKey.Id, PublicKey: st.ApiKey.PublicKey, AppName: st.AppName, Throttling: st.Throttling}
	for _, r := range st.ApiKey.GetRoles() {
		id.Roles = append(id.Roles, RoleAssignment{OrgID: r.GetOrgId(), GroupID: r.GetGroupId(), RoleName: r.GetRoleName()})
	}
	return id, nil
}

// SystemStatus is GET /api/atlas/v2 as the SDK model.
func (c *Client) SystemStatus(ctx context.Context) (*admin.SystemStatus, error) {
	st, resp, err := c.sdk.RootApi.GetSystemStatus(ctx).Execute()
	if err != nil {
		return nil, c.classify("verify Atlas credentials", resp, err)
	}
	return st, nil
}

// ProjectRoles returns the role names the identity holds on one project.
func (id Identity) ProjectRoles(projectID string) []string {
	var out []string
	for _, r := range id.Roles {
		if r.GroupID == projectID {
			out = append(out, r.RoleName)
		}
	}
	return out
}
