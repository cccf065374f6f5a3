package atlas

import (
	"context"
	"fmt"
)

// LDAPState is what a project's LDAP settings mean for AWS IAM users. With Known
// false the settings could not be read and nothing may be concluded ("unknown",
// never "OK").
type LDAPState struct {
	// AuthorizationEnabled blocks AWS IAM database users in the project.
	AuthorizationEnabled bool
	// AuthenticationEnabled alone does not block them.
	AuthenticationEnabled bool
	Known                 bool
	// Detail explains the state for people, e.g. why it is unknown.
	Detail string
}

// LDAP reads GET /groups/{id}/userSecurity. That needs Project Owner: a weaker key
// gets 401 USER_UNAUTHORIZED (or a 403), which yields Known=false and no error.
func (c *Client) LDAP(ctx context.Context, projectID string) (LDAPState, error) {
	us, resp, err := c.sdk.LDAPConfigurationApi.GetUserSecurity(ctx, projectID).Execute()
	if err != nil {
		err = c.classify("read LDAP settings of project "+projectID, resp, err)
		if IsForbiddenRole(err) {
			return LDAPState{Detail: "the API credentials may not read the project's LDAP settings (that needs the Project Owner role), so whether LDAP authorization is on is unknown"}, nil
		}
		return LDAPState{}, err
	}
	l := us.GetLdap() // a missing ldap object or missing flags read as off
	st := LDAPState{AuthorizationEnabled: l.GetAuthorizationEnabled(), AuthenticationEnabled: l.GetAuthenticationEnabled(), Known: true}
	switch {
	case st.AuthorizationEnabled:
		st.Detail = fmt.Sprintf("LDAP authorization is enabled (server %s): Atlas does not allow AWS IAM database users in this project", orNone(l.GetHostname()))
	case st.AuthenticationEnabled:
		st.Detail = "LDAP authentication is enabled, LDAP authorization is not: AWS IAM users can work"
	default:
		st.Detail = "LDAP is not enabled"
	}
	return st, nil
}

func orNone(s string) string {
	if s == "" {
		return "not set"
	}
	return s
}
