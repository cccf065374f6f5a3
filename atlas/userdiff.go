package atlas

import (
	"fmt"
	"slices"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

// Scope types of a database user.
const (
	ScopeCluster  = "CLUSTER"
	ScopeDataLake = "DATA_LAKE"
)

// Scopes limits a user to one deployment: CLUSTER for clusters and flex clusters,
// DATA_LAKE for federated instances. An empty name means no limit (nil).
func Scopes(name string, kind DeploymentKind) []admin.UserScope {
	if name == "" {
		return nil
	}
	t := ScopeCluster
	if kind == KindFederated {
		t = ScopeDataLake
	}
	return []admin.UserScope{{Name: name, Type: t}}
}

// RolesEqual compares role sets, ignoring order and duplicates.
func RolesEqual(a, b []admin.DatabaseUserRole) bool {
	added, removed := DiffRoles(a, b)
	return len(added) == 0 && len(removed) == 0
}

// DiffRoles returns the roles in want but not have (added) and in have but not want
// (removed), each sorted by FormatRole.
func DiffRoles(have, want []admin.DatabaseUserRole) (added, removed []admin.DatabaseUserRole) {
	return diffBy(have, want, FormatRole)
}

// ScopesEqual compares scope sets, ignoring order; no scopes equals empty scopes.
func ScopesEqual(a, b []admin.UserScope) bool {
	added, removed := DiffScopes(a, b)
	return len(added) == 0 && len(removed) == 0
}

// DiffScopes is DiffRoles for scopes.
func DiffScopes(have, want []admin.UserScope) (added, removed []admin.UserScope) {
	return diffBy(have, want, FormatScope)
}

// FormatScope is NAME:TYPE, as the Atlas CLI's --scope flag takes it.
func FormatScope(s admin.UserScope) string { return s.Name + ":" + s.Type }

func diffBy[T any](have, want []T, key func(T) string) (added, removed []T) {
	hk, wk := map[string]bool{}, map[string]bool{}
	for _, h := range have {
		hk[key(h)] = true
	}
	for _, w := range want {
		wk[key(w)] = true
	}
	for _, w := range want {
		if k := key(w); !hk[k] {
			added = append(added, w)
			hk[k] = true // report a duplicate once
		}
	}
	for _, h := range have {
		if k := key(h); !wk[k] {
			removed = append(removed, h)
			wk[k] = true
		}
	}
	sortBy := func(s []T) {
		slices.SortFunc(s, func(a, b T) int {
			switch ka, kb := key(a), key(b); {
			case ka < kb:
				return -1
			case ka > kb:
				return 1
			}
			return 0
		})
	}
	sortBy(added)
	sortBy(removed)
	return added, removed
}

// UserDiff is how an existing database user differs from the wanted one, in the
// fields atlas-iam manages.
type UserDiff struct {
	AddedRoles, RemovedRoles   []admin.DatabaseUserRole
	AddedScopes, RemovedScopes []admin.UserScope
	// IAMType, Description and DeleteAfter hold [have, want] when they differ.
	IAMType     *[2]string
	Description *[2]string
	DeleteAfter *[2]string
}

// Empty reports whether there is nothing to update.
func (d UserDiff) Empty() bool {
	return len(d.AddedRoles)+len(d.RemovedRoles)+len(d.AddedScopes)+len(d.RemovedScopes) == 0 &&
		d.IAMType == nil && d.Description == nil && d.DeleteAfter == nil
}

// Lines describes the difference for people, one change a line ("+ role read@admin").
func (d UserDiff) Lines() []string {
	var out []string
	for _, r := range d.AddedRoles {
		out = append(out, "+ role "+FormatRole(r))
	}
	for _, r := range d.RemovedRoles {
		out = append(out, "- role "+FormatRole(r))
	}
	for _, s := range d.AddedScopes {
		out = append(out, "+ scope "+FormatScope(s))
	}
	for _, s := range d.RemovedScopes {
		out = append(out, "- scope "+FormatScope(s))
	}
	for _, f := range []struct {
		name string
		v    *[2]string
	}{{"awsIAMType", d.IAMType}, {"description", d.Description}, {"deleteAfterDate", d.DeleteAfter}} {
		if f.v != nil {
			out = append(out, fmt.Sprintf("~ %s %q → %q", f.name, f.v[0], f.v[1]))
		}
	}
	return out
}

// DiffUser compares an existing user with the wanted one: roles and scopes as sets
// (no scopes = all deployments), awsIAMType, description and deleteAfterDate
// (compared to the second).
func DiffUser(have, want admin.CloudDatabaseUser) UserDiff {
	var d UserDiff
	d.AddedRoles, d.RemovedRoles = DiffRoles(have.GetRoles(), want.GetRoles())
	d.AddedScopes, d.RemovedScopes = DiffScopes(have.GetScopes(), want.GetScopes())
	pair := func(a, b string) *[2]string {
		if a == b {
			return nil
		}
		return &[2]string{a, b}
	}
	d.IAMType = pair(orNONE(have.GetAwsIAMType()), orNONE(want.GetAwsIAMType()))
	d.Description = pair(have.GetDescription(), want.GetDescription())
	d.DeleteAfter = pair(timeString(have.DeleteAfterDate), timeString(want.DeleteAfterDate))
	return d
}

func orNONE(s string) string {
	if s == "" {
		return string(IAMNone)
	}
	return s
}

func timeString(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}
