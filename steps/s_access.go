package steps

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/atlas"
	"github.com/atlas-iam/atlas-iam/diag"
)

// roleDescriptions explain the built-in roles, least privilege first.
var roleDescriptions = []RoleOption{
	{Name: "read", Description: "read one database"},
	{Name: "readWrite", Description: "read and write one database"},
	{Name: "readAnyDatabase", Description: "read every database"},
	{Name: "readWriteAnyDatabase", Description: "read and write every database"},
	{Name: "dbAdmin", Description: "schema and index administration of one database"},
	{Name: "dbAdminAnyDatabase", Description: "schema and index administration of every database"},
	{Name: "clusterMonitor", Description: "read-only monitoring of the cluster"},
	{Name: "enableSharding", Description: "shard collections"},
	{Name: "backup", Description: "back up data"},
	{Name: "atlasAdmin", Description: "full administration (avoid for applications)"},
}

// accessStep settles the target deployment, the roles and the scope. Existing
// users keep roles and scopes the user did not ask to change.
func (s *setup) accessStep(ctx context.Context) error {
	r := s.start(StepAccess, "Access")
	fail := func(err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		c, _ := s.credsF().wait(ctx)
		return r.fail(atlasAccessDiagnosis(err, c))
	}
	deps, err := s.reads.deployments.wait(ctx)
	if err != nil {
		return fail(err)
	}
	existing, err := s.reads.user(ctx, s, s.view.ARN).wait(ctx)
	if err != nil {
		return fail(err)
	}
	s.existing = existing
	custom, err := s.reads.customRoles.wait(ctx)
	if err != nil && !atlas.IsForbiddenRole(err) {
		return fail(err)
	}
	customNames := atlas.CustomRoleNames(custom)

	cluster, scope, roles := s.in.Cluster, s.in.Scope, slices.Clone(s.in.Roles)
	if cluster == "" && len(deps) == 1 {
		cluster = deps[0].Name
	}
	var current []string
	if existing != nil {
		current = atlas.FormatRoles(existing.GetRoles())
	}
	if !s.in.Yes && (len(roles) == 0 || cluster == "" || s.revisit[StepAccess]) {
		s.revisit[StepAccess] = false
		s.asked[StepAccess] = true
		scoped := scope || (existing != nil && len(existing.GetScopes()) > 0)
		req := AccessRequest{BuiltIn: roleDescriptions, Current: current, Cluster: cluster, Scope: scoped,
			Suggested: suggestedRoles(roles, current),
			Validate: func(specs []string) error {
				_, err := atlas.ParseRoles(specs, customNames...)
				return err
			}}
		for _, c := range custom {
			req.Custom = append(req.Custom, RoleOption{Name: c.RoleName, Description: describeCustomRole(c), Custom: true})
		}
		for _, d := range deps {
			req.Clusters = append(req.Clusters, ClusterOption{Name: d.Name, Kind: string(d.Kind), State: d.StateName})
		}
		a, err := s.p.Access(ctx, req)
		if err != nil {
			return err
		}
		roles, cluster, scope = a.Roles, a.Cluster, a.Scope
	}

	if cluster == "" {
		return &UsageError{Msg: "--cluster is required: project " + s.project.Name + " has " + deploymentList(deps)}
	}
	idx := slices.IndexFunc(deps, func(d atlas.Deployment) bool { return d.Name == cluster })
	if idx < 0 {
		return r.fail(diag.New(diag.ClusterNotFound, "project "+s.project.Name+" has no cluster, flex cluster or federated database instance named "+cluster).
			WithEvidence("deployments: " + deploymentList(deps)).
			WithFix("Pass one of them with --cluster."))
	}
	s.deployment = deps[idx]

	switch {
	case len(roles) > 0:
		parsed, err := atlas.ParseRoles(roles, customNames...)
		if err != nil {
			return &UsageError{Msg: "--role: " + err.Error()}
		}
		s.roles = parsed
	case existing != nil:
		s.roles = existing.GetRoles()
	default:
		return &UsageError{Msg: "--role is required to create the database user (e.g. --role readWrite@mydb; built-in roles: " + strings.Join(atlas.BuiltinRoles(), ", ") + ")"}
	}
	s.scope = scope
	summary := fmt.Sprintf("%s on %s", strings.Join(atlas.FormatRoles(s.roles), ", "), s.deployment.Name)
	if scope {
		summary += " (scoped to it)"
	}
	r.done(StatusOK, summary)
	return nil
}

// describeCustomRole says what a custom role grants, e.g. "FIND on app.orders;
// inherits read@app", so it can be chosen without opening Atlas.
func describeCustomRole(r admin.UserCustomDBRole) string {
	var parts []string
	for _, a := range r.GetActions() {
		var on []string
		for _, res := range a.GetResources() {
			switch {
			case res.Cluster:
				on = append(on, "cluster")
			case res.Collection != "":
				on = append(on, res.Db+"."+res.Collection)
			default:
				on = append(on, res.Db+".*")
			}
		}
		parts = append(parts, a.Action+" on "+strings.Join(on, ", "))
	}
	for _, ir := range r.GetInheritedRoles() {
		parts = append(parts, "inherits "+ir.Role+"@"+ir.Db)
	}
	if len(parts) == 0 {
		return "custom role"
	}
	return strings.Join(parts, "; ")
}

func suggestedRoles(flags, current []string) []string {
	switch {
	case len(flags) > 0:
		return flags
	case len(current) > 0:
		return current
	}
	return []string{"readWrite@app"}
}

func deploymentList(deps []atlas.Deployment) string {
	if len(deps) == 0 {
		return "no deployments"
	}
	names := make([]string, len(deps))
	for i, d := range deps {
		names[i] = fmt.Sprintf("%s (%s)", d.Name, d.Kind)
	}
	return fmt.Sprintf("%d deployments: %s", len(deps), strings.Join(names, ", "))
}

// wantedUser is the user definition this run asks for. Scoping limits the user to
// the target deployment; without it an existing user keeps its scopes (atlas-iam
// never silently widens access) and a new one reaches every deployment. What
// atlas-iam does not manage (description, expiry) is kept.
func (s *setup) wantedUser() admin.CloudDatabaseUser {
	var scopes []admin.UserScope
	desc := "atlas-iam: " + string(s.platform)
	var expiry = s.existing
	switch {
	case s.scope:
		scopes = atlas.Scopes(s.deployment.Name, s.deployment.Kind)
	case s.existing != nil:
		scopes = s.existing.GetScopes()
	}
	if s.existing != nil {
		desc = s.existing.GetDescription()
	}
	u := atlas.NewIAMUser(s.project.ID, s.view.ARN, atlas.IAMType(s.view.Type), s.roles, scopes, nil, desc)
	if expiry != nil {
		u.DeleteAfterDate = expiry.DeleteAfterDate
	}
	return u
}
