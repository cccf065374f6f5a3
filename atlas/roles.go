package atlas

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

// AdminDB is the database roles default to, as in the Atlas CLI.
const AdminDB = "admin"

// BuiltinRoles returns the Atlas built-in database roles (spec DatabaseUserRole
// enum), for pickers and help text.
func BuiltinRoles() []string { return slices.Clone(builtinRoles) }

var builtinRoles = []string{
	"atlasAdmin", "backup", "clusterMonitor", "dbAdmin", "dbAdminAnyDatabase",
	"enableSharding", "read", "readAnyDatabase", "readWrite", "readWriteAnyDatabase",
}

// adminOnlyRoles are granted on the admin database only: they apply to the whole
// cluster. (enableSharding, backup and clusterMonitor are Atlas cluster-wide roles;
// their admin-only rule is as the Atlas UI offers them, unverified against the API.)
var adminOnlyRoles = []string{
	"atlasAdmin", "backup", "clusterMonitor", "dbAdminAnyDatabase",
	"enableSharding", "readAnyDatabase", "readWriteAnyDatabase",
}

// collectionRoles may be narrowed to one collection (Atlas UI "specific privileges").
var collectionRoles = []string{"read", "readWrite"}

// invalidDBChars are the characters MongoDB forbids in database names.
const invalidDBChars = "/\\. \"$*<>:|?"

// ParseRoles parses Atlas CLI role specs, ROLE[@DB[.COLLECTION]] (a spec may hold
// several, comma-separated). The database defaults to admin. Role names are the
// built-ins plus the customRoles given (a project's custom roles, granted on
// admin). Duplicates are dropped; order is kept.
func ParseRoles(specs []string, customRoles ...string) ([]admin.DatabaseUserRole, error) {
	var out []admin.DatabaseUserRole
	seen := map[string]bool{}
	for _, spec := range specs {
		for _, one := range strings.Split(spec, ",") {
			r, err := parseRole(strings.TrimSpace(one), customRoles)
			if err != nil {
				return nil, err
			}
			if k := FormatRole(r); !seen[k] {
				seen[k] = true
				out = append(out, r)
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("at least one role is required, e.g. readWrite@mydb")
	}
	return out, nil
}

func parseRole(spec string, customRoles []string) (admin.DatabaseUserRole, error) {
	fail := func(format string, args ...any) (admin.DatabaseUserRole, error) {
		return admin.DatabaseUserRole{}, fmt.Errorf("role %q: %s", spec, fmt.Sprintf(format, args...))
	}
	if spec == "" {
		return admin.DatabaseUserRole{}, errors.New("empty role: write ROLE[@DB[.COLLECTION]], e.g. readWrite@mydb")
	}
	name, target, hasAt := strings.Cut(spec, "@")
	if strings.Contains(target, "@") {
		return fail("more than one @")
	}
	if name == "" {
		return fail("the role name before @ is missing")
	}
	custom := slices.Contains(customRoles, name)
	builtin := slices.Contains(builtinRoles, name)
	if !custom && !builtin {
		if bad := strings.IndexFunc(name, func(r rune) bool { return !isRoleNameRune(r) }); bad >= 0 {
			r, _ := utf8.DecodeRuneInString(name[bad:])
			return fail("the role name has a character that is not allowed: %q", r)
		}
		for _, b := range builtinRoles {
			if strings.EqualFold(b, name) {
				return fail("unknown role; did you mean %s? (role names are case-sensitive)", b)
			}
		}
		msg := "unknown role; built-in roles: " + strings.Join(builtinRoles, ", ")
		if len(customRoles) > 0 {
			msg += "; this project's custom roles: " + strings.Join(customRoles, ", ")
		} else {
			msg += "; the project has no custom roles"
		}
		return fail("%s", msg)
	}

	db, coll, hasColl := AdminDB, "", false
	if hasAt {
		if target == "" {
			return fail("nothing after @: give a database, e.g. %s@mydb", name)
		}
		db, coll, hasColl = strings.Cut(target, ".")
		switch {
		case db == "":
			return fail("a collection needs a database before it: %s@DB.COLLECTION", name)
		case hasColl && coll == "":
			return fail("the collection name after %q. is empty", db)
		}
	}
	if db == ExternalDB {
		return fail("%s is where IAM users authenticate, not a database roles can be granted on", ExternalDB)
	}
	if i := strings.IndexAny(db, invalidDBChars); i >= 0 {
		return fail("the database name %q has a character that is not allowed: %q", db, db[i:i+1])
	}
	if len(db) > 64 {
		return fail("the database name is longer than 64 characters")
	}
	if hasColl && strings.ContainsAny(coll, "$\x00") {
		return fail("the collection name %q must not contain $", coll)
	}

	switch {
	case custom && !builtin:
		if db != AdminDB || hasColl {
			return fail("custom roles are granted on the admin database only: write %s or %s@admin", name, name)
		}
	case slices.Contains(adminOnlyRoles, name) && db != AdminDB:
		return fail("%s applies to every database and is granted on admin only: write %s", name, name)
	case slices.Contains(adminOnlyRoles, name) && hasColl:
		return fail("%s cannot be limited to a collection", name)
	case hasColl && !slices.Contains(collectionRoles, name):
		return fail("only read and readWrite can be limited to a collection")
	}

	r := admin.DatabaseUserRole{RoleName: name, DatabaseName: db}
	if hasColl {
		r.CollectionName = admin.PtrString(coll)
	}
	return r, nil
}

func isRoleNameRune(r rune) bool {
	return r == '_' || r == '-' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
}

// FormatRole is the inverse of ParseRoles for one role: ROLE@DB or ROLE@DB.COLL.
func FormatRole(r admin.DatabaseUserRole) string {
	s := r.RoleName + "@" + r.DatabaseName
	if c := r.GetCollectionName(); c != "" {
		s += "." + c
	}
	return s
}

// FormatRoles formats each role, sorted, for display and comparison.
func FormatRoles(roles []admin.DatabaseUserRole) []string {
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		out = append(out, FormatRole(r))
	}
	slices.Sort(out)
	return out
}
