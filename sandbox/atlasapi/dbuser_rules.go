package atlasapi

import (
	"net/http"
	"regexp"
	"slices"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

// Limits Atlas states for database users (spec createDatabaseUser, CloudDatabaseUser).
const (
	maxDBUsers        = 100
	maxUsernameLen    = 1024
	maxDescriptionLen = 100
	maxLabelLen       = 255
	minPasswordLen    = 8
	maxTemporaryLife  = 7 * 24 * time.Hour
)

// Enumerations of CloudDatabaseUser (raw spec).
var (
	awsIAMTypes   = []string{"NONE", "USER", "ROLE"}
	ldapAuthTypes = []string{"NONE", "GROUP", "USER"}
	x509Types     = []string{"NONE", "CUSTOMER", "MANAGED"}
	oidcAuthTypes = []string{"NONE", "IDP_GROUP", "USER"}
	scopeTypes    = []string{"CLUSTER", "DATA_LAKE", "STREAM"}
)

// Built-in roles a database user may hold; the admin-only ones exist only on the
// admin database (ATLAS_INVALID_ROLE_DATABASE otherwise).
var (
	builtinRoles   = []string{"atlasAdmin", "backup", "clusterMonitor", "dbAdmin", "dbAdminAnyDatabase", "enableSharding", "read", "readAnyDatabase", "readWrite", "readWriteAnyDatabase"}
	adminOnlyRoles = []string{"atlasAdmin", "backup", "clusterMonitor", "dbAdminAnyDatabase", "enableSharding", "readAnyDatabase", "readWriteAnyDatabase"}
)

// iamARN is an IAM user or role ARN of any partition: 12-digit account, an optional
// path of printable ASCII, and a name of IAM's name characters. An STS
// assumed-role ARN is not one. (Atlas's own rule is not published; this is IAM's.)
// The lengths (path ≤ 512, name ≤ 64) are checked apart: counted repetitions of
// character classes make the compiled program, and the start-up, needlessly big.
var iamARN = regexp.MustCompile(`^arn:aws(?:-[a-z]+)*:iam::\d{12}:(user|role)(/|/[\x21-\x7e]+/)([\w+=,.@-]+)$`)

// matchIAMARN returns the resource type ("user" or "role"), or "" for no IAM ARN.
func matchIAMARN(s string) string {
	m := iamARN.FindStringSubmatch(s)
	if m == nil || len(m[2]) > 512 || len(m[3]) > 64 {
		return ""
	}
	return m[1]
}

// userRules is what validating a database user needs to know about its project.
type userRules struct {
	projectID    string
	clusters     []string // dedicated and flex deployments: CLUSTER scopes
	federated    []string // federated database instances: DATA_LAKE scopes
	customRoles  []string
	ldapAuthz    bool
	now          time.Time
	needPassword bool // creating a SCRAM user
}

// check validates a database user as Atlas would before storing it, and fills the
// defaults (every *Type NONE).
func (rules userRules) check(u *admin.CloudDatabaseUser) *apiError {
	if u.GroupId != "" && u.GroupId != rules.projectID {
		return newError(http.StatusBadRequest, "GROUP_MISMATCH", "The specified group ID %s does not match the URL.", u.GroupId)
	}
	if u.Username == "" {
		return missingAttribute("username")
	}
	if len(u.Username) > maxUsernameLen {
		return invalidAttribute("username")
	}
	if u.DatabaseName == "" {
		return missingAttribute("databaseName")
	}
	if u.DatabaseName != "admin" && u.DatabaseName != "$external" {
		return newError(http.StatusBadRequest, "INVALID_DATABASE_NAME", "Invalid database name specified: %s.", u.DatabaseName)
	}
	for _, f := range []struct {
		v       **string
		allowed []string
	}{{&u.AwsIAMType, awsIAMTypes}, {&u.LdapAuthType, ldapAuthTypes}, {&u.X509Type, x509Types}, {&u.OidcAuthType, oidcAuthTypes}} {
		if *f.v == nil {
			*f.v = admin.PtrString("NONE")
		}
		if !slices.Contains(f.allowed, **f.v) {
			return invalidEnum(**f.v)
		}
	}
	if e := rules.checkAuthMethod(u); e != nil {
		return e
	}
	if e := rules.checkRoles(u); e != nil {
		return e
	}
	if e := rules.checkScopes(u); e != nil {
		return e
	}
	if u.Description != nil && len(*u.Description) > maxDescriptionLen {
		return invalidAttribute("description")
	}
	if u.Labels != nil {
		for _, l := range *u.Labels {
			if n, m := len(l.GetKey()), len(l.GetValue()); n == 0 || n > maxLabelLen || m == 0 || m > maxLabelLen {
				return invalidAttribute("labels")
			}
		}
	}
	return rules.checkDeleteAfter(u.DeleteAfterDate)
}

// checkAuthMethod ties the authentication method to its database, its password
// rule and, for AWS IAM, to a well-formed ARN of the declared type.
func (rules userRules) checkAuthMethod(u *admin.CloudDatabaseUser) *apiError {
	iam, ldap, x509, oidc := *u.AwsIAMType, *u.LdapAuthType, *u.X509Type, *u.OidcAuthType
	set := 0
	for _, t := range []string{iam, ldap, x509, oidc} {
		if t != "NONE" {
			set++
		}
	}
	if set > 1 {
		return newError(http.StatusBadRequest, "ATLAS_INVALID_AUTH_SETTINGS", "Invalid authentication settings. %s.",
			"Only one of awsIAMType, ldapAuthType, oidcAuthType and x509Type may be set")
	}
	scram := set == 0
	external := iam != "NONE" || x509 != "NONE" || ldap == "USER" || oidc == "USER"
	switch {
	case external && u.DatabaseName != "$external":
		return newError(http.StatusBadRequest, "DATABASE_NAME_INVALID_EXTERNAL", "Database name invalid. Externally authenticated users can only be created on the $external database.")
	case !external && u.DatabaseName != "admin":
		what := "SCRAM users"
		if !scram {
			what = "LDAP groups and OIDC identity-provider groups"
		}
		return newError(http.StatusBadRequest, "DATABASE_NAME_INVALID_ADMIN", "Database name invalid. %s can only be created on the admin database.", what)
	}
	if u.Password != nil {
		// Unverified code: Atlas's answer to a password on a non-SCRAM user is not
		// recorded; the Atlas CLI refuses it client-side ("can't supply both
		// $external authentication and password").
		if !scram {
			return invalidAttribute("password")
		}
		if len(*u.Password) < minPasswordLen {
			return invalidAttribute("password")
		}
	} else if scram && rules.needPassword {
		return missingAttribute("password")
	}
	if iam != "NONE" {
		kind := matchIAMARN(u.Username)
		if kind == "" || (iam == "USER") != (kind == "user") {
			return newError(http.StatusBadRequest, "ATLAS_INVALID_AWS_IAM_ARN",
				"The ARN specified in the username field, %s, is not valid for AWS IAM type %s.", u.Username, iam)
		}
		// Unverified: no server answer is recorded for an IAM user in a project
		// with LDAP authorization on. The Atlas docs say IAM authentication cannot
		// be set up then, so the emulator refuses with the table's generic
		// "invalid authentication settings" code and the docs' reason.
		if rules.ldapAuthz {
			return newError(http.StatusBadRequest, "ATLAS_INVALID_AUTH_SETTINGS", "Invalid authentication settings. %s.",
				"You can't set up authentication for AWS IAM principals when LDAP authorization is enabled for the project")
		}
	}
	return nil
}

func (rules userRules) checkRoles(u *admin.CloudDatabaseUser) *apiError {
	if u.Roles == nil || len(*u.Roles) == 0 {
		return missingAttribute("roles")
	}
	seen := map[string]bool{}
	for _, r := range *u.Roles {
		if r.RoleName == "" {
			return missingAttribute("roles.roleName")
		}
		if r.DatabaseName == "" {
			return missingAttribute("roles.databaseName")
		}
		builtin := slices.Contains(builtinRoles, r.RoleName)
		custom := slices.Contains(rules.customRoles, r.RoleName)
		switch {
		case !builtin && !custom:
			return newError(http.StatusBadRequest, "ATLAS_INVALID_ROLE", "The specified role %s@%s does not exist.", r.RoleName, r.DatabaseName)
		case (custom || slices.Contains(adminOnlyRoles, r.RoleName)) && r.DatabaseName != "admin":
			return newError(http.StatusBadRequest, "ATLAS_INVALID_ROLE_DATABASE", "The specified role %s only exists for database %s.", r.RoleName, "admin")
		}
		key := r.RoleName + "@" + r.DatabaseName + "." + r.GetCollectionName()
		if seen[key] {
			return newError(http.StatusBadRequest, "DUPLICATE_DATABASE_ROLES", "Duplicate database roles specified for user %s: %s.", u.Username, r.RoleName+"@"+r.DatabaseName)
		}
		seen[key] = true
	}
	return nil
}

// checkScopes requires every scope to name a deployment of its type in the
// project. Unverified code: Atlas's answer for an unknown scope is not recorded.
func (rules userRules) checkScopes(u *admin.CloudDatabaseUser) *apiError {
	if u.Scopes == nil {
		return nil
	}
	for _, s := range *u.Scopes {
		if s.Name == "" {
			return missingAttribute("scopes.name")
		}
		if !slices.Contains(scopeTypes, s.Type) {
			return invalidEnum(s.Type)
		}
		var known []string
		switch s.Type {
		case "CLUSTER":
			known = rules.clusters
		case "DATA_LAKE":
			known = rules.federated
		} // STREAM: the sandbox has no stream processing workspaces
		if !slices.Contains(known, s.Name) {
			return invalidAttribute("scopes")
		}
	}
	return nil
}

// checkDeleteAfter allows temporary users to live at most a week, as Atlas
// documents. The codes are the Atlas table's expiration-date ones (unverified for
// database users).
func (rules userRules) checkDeleteAfter(t *time.Time) *apiError {
	if t == nil {
		return nil
	}
	if !t.After(rules.now) {
		return newError(http.StatusBadRequest, "EXPIRATION_DATE_IN_PAST", "The specified expiration date must be in the future.")
	}
	if t.Sub(rules.now) > maxTemporaryLife {
		return newError(http.StatusBadRequest, "EXPIRATION_DATE_EXCEEDS_MAX", "The specified expiration date can be at most %d days in the future.", 7)
	}
	return nil
}
