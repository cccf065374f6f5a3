package steps

import (
	"context"
	"fmt"
	"os"
	"strings"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/atlas"
	"github.com/atlas-iam/atlas-iam/awsenv"
	"github.com/atlas-iam/atlas-iam/diag"
)

// projectStep settles the project: --project-id, --project, the environment or
// profile default, the only project the key sees, or the user's pick.
func (s *setup) projectStep(ctx context.Context) error {
	r := s.start(StepProject, "Project")
	c, _ := s.credsF().wait(ctx)
	id, name := s.in.ProjectID, s.in.ProjectName
	from := "--project-id"
	switch {
	case name != "":
		from = "--project"
	case id == "" && c.ProjectID != "":
		id, from = c.ProjectID, projectIDSource(s.e.Env, c)
	}
	var g *admin.Group
	var err error
	switch {
	case s.revisit[StepProject] || (id == "" && name == ""):
		s.revisit[StepProject] = false
		g, err = s.pickProject(ctx, r, id)
	case name != "":
		g, err = s.api.ProjectByName(ctx, name)
	default:
		if !objectID.MatchString(id) {
			return &UsageError{Msg: fmt.Sprintf("project id %q from %s is not a project id (24 hexadecimal digits)", id, from)}
		}
		g, err = s.prefetch(ctx, id).project.wait(ctx)
	}
	if err != nil {
		if atlas.IsNotFound(err) {
			what := id
			if name != "" {
				what = "named " + name
			}
			return r.fail(diag.New(diag.ProjectNotFound, "no project "+what+" is visible to this key").
				WithEvidence("from "+from, "Atlas answered: "+firstLine(err.Error())).
				WithFix("Check the project id in Atlas (Project Settings), or run without --project-id to pick one."))
		}
		if ctx.Err() != nil || isPromptError(err) {
			return err
		}
		cr, _ := s.credsF().wait(ctx)
		return r.fail(atlasAccessDiagnosis(err, cr))
	}
	s.project = ProjectOption{ID: g.GetId(), Name: g.Name, OrgID: g.OrgId}
	s.prefetch(ctx, s.project.ID)
	r.done(StatusOK, fmt.Sprintf("%s (%s)", s.project.Name, s.project.ID))
	return nil
}

// pickProject streams every project of the organisation to the prompter while it
// loads; a key that sees exactly one project needs no question in headless mode.
func (s *setup) pickProject(ctx context.Context, r *stepReport, preselected string) (*admin.Group, error) {
	pages := make(chan ProjectPage, 64)
	lctx, stop := context.WithCancel(ctx)
	defer stop()
	all := make(chan []admin.Group, 1)
	go func() {
		defer close(pages)
		loaded := 0
		list, err := s.api.ListProjects(lctx, atlas.ListOptions[admin.Group]{OnPage: func(p atlas.Page[admin.Group]) {
			opts := make([]ProjectOption, len(p.Items))
			for i, g := range p.Items {
				opts[i] = ProjectOption{ID: g.GetId(), Name: g.Name, OrgID: g.OrgId}
			}
			loaded += len(opts)
			total := max(p.Total, loaded)
			select {
			case pages <- ProjectPage{Projects: opts, Loaded: loaded, Total: total}:
			case <-lctx.Done():
			}
		}})
		all <- list
		select {
		case pages <- ProjectPage{Loaded: loaded, Total: loaded, Done: true, Err: err}:
		case <-lctx.Done():
		}
	}()
	if s.in.Yes {
		// Headless: with no project given, only an unambiguous one is acceptable.
		for range pages {
		}
		list := <-all
		if len(list) == 1 {
			r.progress("the key sees one project: %s", list[0].Name)
			return &list[0], nil
		}
		return nil, &UsageError{Msg: fmt.Sprintf("the key sees %d projects: choose one with --project-id or --project (or MONGODB_ATLAS_PROJECT_ID)", len(list))}
	}
	s.asked[StepProject] = true
	opt, err := s.p.Project(ctx, ProjectRequest{Preselected: preselected, Pages: pages})
	if err != nil {
		return nil, err
	}
	return s.prefetch(ctx, opt.ID).project.wait(ctx)
}

func isPromptError(err error) bool {
	return err == ErrBack || err == ErrAborted
}

// projectIDSource names where the default project id came from, for messages:
// MONGODB_ATLAS_PROJECT_ID wins over the profile's project_id (as in
// atlas.LoadCredentials); c.Source only says where the key came from.
func projectIDSource(env awsenv.Env, c atlas.Credentials) string {
	getenv := env.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if strings.TrimSpace(getenv(atlas.EnvProjectID)) != "" {
		return atlas.EnvProjectID
	}
	if c.Profile != "" {
		return fmt.Sprintf("project_id of Atlas CLI profile %q", c.Profile)
	}
	return c.Source
}
