package atlasapi

import (
	"errors"
	"net/http"
	"net/url"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// listDatabaseUsers answers GET /groups/{groupId}/databaseUsers.
func (h *Handler) listDatabaseUsers(c *call) {
	p, e := parsePage(c.r.URL.Query())
	if e != nil {
		c.fail(e)
		return
	}
	l := paginate(c, p, h.world.DBUsers(c.project.ID))
	out := make([]admin.CloudDatabaseUser, 0, len(l.results))
	for _, u := range l.results {
		out = append(out, c.presentUser(u))
	}
	c.ok(http.StatusOK, admin.PaginatedApiAtlasDatabaseUser{Results: &out, Links: &l.links, TotalCount: l.total})
}

// createDatabaseUser answers POST /groups/{groupId}/databaseUsers with 201.
func (h *Handler) createDatabaseUser(c *call) {
	var u admin.CloudDatabaseUser
	if e := decodeBody(c.r, &u, h.opts.MaxBodyBytes); e != nil {
		c.fail(e)
		return
	}
	rules := h.userRules(c.project.ID)
	rules.needPassword = true
	if e := rules.check(&u); e != nil {
		c.fail(e)
		return
	}
	if len(h.world.DBUsers(c.project.ID)) >= maxDBUsers {
		c.fail(newError(http.StatusForbidden, "GROUP_USERS_LIMIT_EXCEEDED", "Groups can contain at most %d database users.", maxDBUsers))
		return
	}
	stored, err := h.world.CreateDBUser(c.project.ID, storable(u, c.project.ID))
	if errors.Is(err, world.ErrExists) {
		// Unverified code (notes §11.1): the spec documents 409 for a duplicate;
		// USER_ALREADY_EXISTS is the Atlas/Ops Manager table's code for an existing
		// user. Clients should branch on the 409, not on the code.
		c.fail(newError(http.StatusConflict, "USER_ALREADY_EXISTS", "A user with username %s already exists.", u.Username))
		return
	}
	if err != nil {
		h.world.Logf("atlas", "create database user: %v", err)
		c.fail(unexpectedError())
		return
	}
	c.ok(http.StatusCreated, c.presentUser(stored))
}

// getDatabaseUser answers GET …/databaseUsers/{databaseName}/{username}; the
// username arrives %2F-escaped and PathValue has it unescaped.
func (h *Handler) getDatabaseUser(c *call) {
	u, ok := h.world.DBUser(c.project.ID, c.r.PathValue("databaseName"), c.r.PathValue("username"))
	if !ok {
		c.fail(usernameNotFound(c.r.PathValue("username")))
		return
	}
	c.ok(http.StatusOK, c.presentUser(u))
}

// updateDatabaseUser answers PATCH …/databaseUsers/{databaseName}/{username}: the
// body's fields replace the stored ones; identity and method cannot change.
func (h *Handler) updateDatabaseUser(c *call) {
	db, name := c.r.PathValue("databaseName"), c.r.PathValue("username")
	cur, ok := h.world.DBUser(c.project.ID, db, name)
	if !ok {
		c.fail(usernameNotFound(name))
		return
	}
	var patch admin.CloudDatabaseUser
	if e := decodeBody(c.r, &patch, h.opts.MaxBodyBytes); e != nil {
		c.fail(e)
		return
	}
	merged, e := mergeUser(cur, patch)
	if e != nil {
		c.fail(e)
		return
	}
	if e := h.userRules(c.project.ID).check(&merged); e != nil {
		c.fail(e)
		return
	}
	stored, err := h.world.UpdateDBUser(c.project.ID, db, name, storable(merged, c.project.ID))
	if errors.Is(err, world.ErrNotFound) { // deleted or expired meanwhile
		c.fail(usernameNotFound(name))
		return
	}
	if err != nil {
		h.world.Logf("atlas", "update database user: %v", err)
		c.fail(unexpectedError())
		return
	}
	c.ok(http.StatusOK, c.presentUser(stored))
}

// deleteDatabaseUser answers DELETE …/databaseUsers/{databaseName}/{username}.
func (h *Handler) deleteDatabaseUser(c *call) {
	name := c.r.PathValue("username")
	if err := h.world.DeleteDBUser(c.project.ID, c.r.PathValue("databaseName"), name); err != nil {
		c.fail(usernameNotFound(name))
		return
	}
	c.noContent()
}

// mergeUser applies a PATCH body. Changing the username, the authentication
// database or the authentication method is a 409, as in the Atlas error table.
func mergeUser(cur, patch admin.CloudDatabaseUser) (admin.CloudDatabaseUser, *apiError) {
	if patch.Username != "" && patch.Username != cur.Username {
		return cur, newError(http.StatusConflict, "DATABASE_USERNAME_CANNOT_BE_CHANGED", "Cannot modify the username of an existing database user.")
	}
	if patch.DatabaseName != "" && patch.DatabaseName != cur.DatabaseName {
		return cur, newError(http.StatusConflict, "DATABASE_NAME_CANNOT_BE_CHANGED", "Cannot modify the authentication database of an existing database user.")
	}
	for _, f := range []struct{ now, want *string }{
		{cur.AwsIAMType, patch.AwsIAMType}, {cur.LdapAuthType, patch.LdapAuthType},
		{cur.X509Type, patch.X509Type}, {cur.OidcAuthType, patch.OidcAuthType},
	} {
		now := "NONE"
		if f.now != nil {
			now = *f.now
		}
		if f.want != nil && *f.want != now {
			return cur, newError(http.StatusConflict, "AUTH_TYPE_CANNOT_BE_CHANGED", "Cannot modify the authentication type of an existing database user.")
		}
	}
	m := cur
	if patch.GroupId != "" {
		m.GroupId = patch.GroupId
	}
	if patch.Roles != nil {
		m.Roles = patch.Roles
	}
	if patch.Scopes != nil {
		m.Scopes = patch.Scopes
	}
	if patch.Labels != nil {
		m.Labels = patch.Labels
	}
	if patch.Description != nil {
		m.Description = patch.Description
	}
	if patch.DeleteAfterDate != nil {
		m.DeleteAfterDate = patch.DeleteAfterDate
	}
	m.Password = patch.Password
	return m, nil
}

// storable is what the world keeps: never the password (the sandbox's wire servers
// speak MONGODB-AWS only, so a SCRAM secret has no use), never links.
func storable(u admin.CloudDatabaseUser, projectID string) admin.CloudDatabaseUser {
	u.Password = nil
	u.Links = nil
	u.GroupId = projectID
	return u
}

// presentUser is a user as Atlas returns it: groupId, the four *Type fields,
// labels/scopes/roles as lists even when empty, a self link, no password.
func (c *call) presentUser(u admin.CloudDatabaseUser) admin.CloudDatabaseUser {
	u.Password = nil
	u.GroupId = c.project.ID
	for _, t := range []**string{&u.AwsIAMType, &u.LdapAuthType, &u.X509Type, &u.OidcAuthType} {
		if *t == nil {
			*t = admin.PtrString("NONE")
		}
	}
	if u.Labels == nil {
		u.Labels = &[]admin.ComponentLabel{}
	}
	if u.Scopes == nil {
		u.Scopes = &[]admin.UserScope{}
	}
	if u.Roles == nil {
		u.Roles = &[]admin.DatabaseUserRole{}
	}
	u.Links = c.self(userPath(c.project.ID, u.DatabaseName, u.Username))
	return u
}

// userPath is the escaped path of a database user; an ARN's "/" becomes %2F.
func userPath(projectID, db, username string) string {
	return base + "/groups/" + url.PathEscape(projectID) + "/databaseUsers/" + url.PathEscape(db) + "/" + url.PathEscape(username)
}

// userRules gathers what validating a user of the project needs.
func (h *Handler) userRules(projectID string) userRules {
	r := userRules{projectID: projectID, now: h.world.Now()}
	for _, k := range []world.ClusterKind{world.KindDedicated, world.KindFlex} {
		for _, cl := range h.world.Clusters(projectID, k) {
			r.clusters = append(r.clusters, cl.Name)
		}
	}
	for _, cl := range h.world.Clusters(projectID, world.KindFederated) {
		r.federated = append(r.federated, cl.Name)
	}
	for _, role := range h.world.CustomDBRoles(projectID) {
		r.customRoles = append(r.customRoles, role.RoleName)
	}
	r.ldapAuthz = h.world.UserSecurity(projectID).Ldap.GetAuthorizationEnabled()
	return r
}

// listCustomDBRoles answers GET /groups/{groupId}/customDBRoles/roles: a bare array.
func (h *Handler) listCustomDBRoles(c *call) {
	roles := h.world.CustomDBRoles(c.project.ID)
	if roles == nil {
		roles = []admin.UserCustomDBRole{}
	}
	c.ok(http.StatusOK, roles)
}
