package world

import (
	"slices"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

// SetLDAPSettings stores a project's LDAP settings, as PATCH userSecurity leaves them
// (the API merges the request into the current settings first). The bind password is
// never stored: nothing in the sandbox binds to an LDAP server. For the primary
// project, authorizationEnabled also sets the LDAPAuthorization knob, so the API,
// the wire servers and the knob keep telling the same story.
func (w *World) SetLDAPSettings(projectID string, s admin.LDAPSecuritySettings) {
	w.mu.Lock()
	defer w.mu.Unlock()
	s.BindPassword = nil
	s.Links = nil
	if s.UserToDNMapping != nil {
		m := slices.Clone(*s.UserToDNMapping)
		s.UserToDNMapping = &m
	}
	if w.atlas.ldap == nil {
		w.atlas.ldap = map[string]admin.LDAPSecuritySettings{}
	}
	w.atlas.ldap[projectID] = s
	if projectID == w.atlas.projects[0].ID && s.AuthorizationEnabled != nil {
		w.knobs.LDAPAuthorization = *s.AuthorizationEnabled
	}
	w.logLocked("atlas", "LDAP settings of project %s changed (authentication %t, authorization %t)",
		projectID, s.GetAuthenticationEnabled(), s.GetAuthorizationEnabled())
}

// ldapOverrideLocked replaces the knob-derived LDAP settings with stored ones. On the
// primary project the knob still decides authorizationEnabled: it can be switched
// after a PATCH, and the knob is what every component reads.
func (w *World) ldapOverrideLocked(projectID string, derived admin.LDAPSecuritySettings) admin.LDAPSecuritySettings {
	s, ok := w.atlas.ldap[projectID]
	if !ok {
		return derived
	}
	if s.UserToDNMapping != nil {
		m := slices.Clone(*s.UserToDNMapping)
		s.UserToDNMapping = &m
	}
	if projectID == w.atlas.projects[0].ID {
		s.AuthorizationEnabled = admin.PtrBool(w.knobs.LDAPAuthorization)
	}
	return s
}

// CustomDBRoles returns the project's custom database roles. The primary project has
// two, so the wizard has custom roles to offer: ordersReader (find on app.orders)
// and appWriter (read on app plus insert, update and remove on every collection of
// app). Other projects have none.
func (w *World) CustomDBRoles(projectID string) []admin.UserCustomDBRole {
	w.mu.Lock()
	primary := w.atlas.projects[0].ID
	w.mu.Unlock()
	if projectID != primary {
		return nil
	}
	on := func(db, coll string) *[]admin.DatabasePermittedNamespaceResource {
		return &[]admin.DatabasePermittedNamespaceResource{{Db: db, Collection: coll}}
	}
	return []admin.UserCustomDBRole{
		{
			RoleName:       "ordersReader",
			Actions:        &[]admin.DatabasePrivilegeAction{{Action: "FIND", Resources: on("app", "orders")}},
			InheritedRoles: &[]admin.DatabaseInheritedRole{},
		},
		{
			RoleName: "appWriter",
			Actions: &[]admin.DatabasePrivilegeAction{
				{Action: "INSERT", Resources: on("app", "")},
				{Action: "UPDATE", Resources: on("app", "")},
				{Action: "REMOVE", Resources: on("app", "")},
			},
			InheritedRoles: &[]admin.DatabaseInheritedRole{{Db: "app", Role: "read"}},
		},
	}
}
