package atlasapi

import (
	"net/http"
	"net/url"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

// getUserSecurity answers GET /groups/{groupId}/userSecurity (Project Owner only):
// the LDAP settings whose authorizationEnabled blocks AWS IAM users.
func (h *Handler) getUserSecurity(c *call) {
	c.ok(http.StatusOK, c.presentSecurity(h.world.UserSecurity(c.project.ID)))
}

// updateUserSecurity answers PATCH /groups/{groupId}/userSecurity with 202: the LDAP
// fields present in the body replace the current ones (Atlas then restarts the
// clusters; the sandbox has nothing to restart). customerX509 is accepted and
// ignored: the sandbox has no X.509 users.
func (h *Handler) updateUserSecurity(c *call) {
	var body admin.UserSecurity
	if e := decodeBody(c.r, &body, h.opts.MaxBodyBytes); e != nil {
		c.fail(e)
		return
	}
	sec := h.world.UserSecurity(c.project.ID)
	cur := sec.GetLdap()
	if p := body.Ldap; p != nil {
		merged := mergeLDAP(cur, *p)
		if e := checkLDAP(merged); e != nil {
			c.fail(e)
			return
		}
		h.world.SetLDAPSettings(c.project.ID, merged)
	}
	c.ok(http.StatusAccepted, c.presentSecurity(h.world.UserSecurity(c.project.ID)))
}

func mergeLDAP(cur, p admin.LDAPSecuritySettings) admin.LDAPSecuritySettings {
	m := cur
	set := func(dst **string, src *string) {
		if src != nil {
			*dst = src
		}
	}
	if p.AuthenticationEnabled != nil {
		m.AuthenticationEnabled = p.AuthenticationEnabled
	}
	if p.AuthorizationEnabled != nil {
		m.AuthorizationEnabled = p.AuthorizationEnabled
	}
	set(&m.AuthzQueryTemplate, p.AuthzQueryTemplate)
	set(&m.BindUsername, p.BindUsername)
	set(&m.CaCertificate, p.CaCertificate)
	set(&m.Hostname, p.Hostname)
	if p.Port != nil {
		m.Port = p.Port
	}
	if p.UserToDNMapping != nil {
		m.UserToDNMapping = p.UserToDNMapping
	}
	return m
}

// checkLDAP: enabling LDAP needs a host to bind to, and Atlas requires LDAP
// authentication before authorization can be on.
func checkLDAP(s admin.LDAPSecuritySettings) *apiError {
	if s.Port != nil && (*s.Port < 1 || *s.Port > 65535) {
		return invalidAttribute("ldap.port")
	}
	if s.GetAuthenticationEnabled() || s.GetAuthorizationEnabled() {
		if s.GetHostname() == "" {
			return missingAttribute("ldap.hostname")
		}
		if s.GetBindUsername() == "" {
			return missingAttribute("ldap.bindUsername")
		}
	}
	if s.GetAuthorizationEnabled() && !s.GetAuthenticationEnabled() {
		return newError(http.StatusBadRequest, "ATLAS_INVALID_AUTH_SETTINGS", "Invalid authentication settings. %s.",
			"LDAP authorization requires LDAP authentication to be enabled")
	}
	if s.UserToDNMapping != nil {
		for _, m := range *s.UserToDNMapping {
			if m.Match == "" {
				return missingAttribute("ldap.userToDNMapping.match")
			}
		}
	}
	return nil
}

// presentSecurity adds the self links Atlas puts on userSecurity and its parts and
// makes sure the write-only bind password never leaves.
func (c *call) presentSecurity(s admin.UserSecurity) admin.UserSecurity {
	path := base + "/groups/" + url.PathEscape(c.project.ID) + "/userSecurity"
	s.Links = c.self(path)
	if s.Ldap != nil {
		l := *s.Ldap
		l.BindPassword = nil
		s.Ldap = &l
	}
	return s
}
