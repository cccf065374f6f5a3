package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/atlas-iam/atlas-iam/steps"
)

// The accessible Prompter methods: each prints the context as plain lines, then
// asks one field at a time with options computed beforehand.

func (a *accessiblePrompter) Begin(ctx context.Context, o steps.Overview) error {
	lines := []string{"", "Set up MongoDB Atlas access with AWS IAM", ""}
	lines = append(lines, foundText("Atlas", o.Atlas)...)
	lines = append(lines, foundText("AWS", o.AWS)...)
	platform := o.Platform.Title
	if platform == "" {
		platform = "not detected"
	}
	lines = append(lines, "Platform: "+platform)
	for _, e := range o.Platform.Evidence {
		lines = append(lines, "  Evidence: "+e)
	}
	if len(o.Plan) > 0 {
		lines = append(lines, "Plan:")
		for i, p := range o.Plan {
			lines = append(lines, fmt.Sprintf("  %d. %s", i+1, p))
		}
	}
	a.println(lines...)
	i, err := a.choose(ctx, "Begin the setup?", []string{"Begin", "Quit"}, 0, false)
	if err != nil {
		return err
	}
	if i == 1 {
		return steps.ErrAborted
	}
	return nil
}

func foundText(label string, f steps.Found) []string {
	state := "found"
	if !f.OK {
		state = "not found"
	}
	line := label + ": " + state
	if f.Detail != "" {
		line += ", " + f.Detail
	}
	if f.Source != "" {
		line += " (from " + f.Source + ")"
	}
	lines := []string{line}
	for _, n := range f.Notes {
		lines = append(lines, "  Note: "+n)
	}
	return lines
}

func (a *accessiblePrompter) AtlasCredentials(ctx context.Context, r steps.CredentialsRequest) (steps.AtlasCredentialsInput, error) {
	var none steps.AtlasCredentialsInput
	if r.Reason != "" {
		a.println("", r.Reason)
	}
	labels := make([]string, len(credentialKinds))
	for i, k := range credentialKinds {
		labels[i] = k.label
	}
	for {
		k, err := a.choose(ctx, "Which Atlas credentials will you enter?", labels, 0, true)
		if err != nil {
			return none, err
		}
		kind := credentialKinds[k]
		notEmpty := func(s string) error {
			if s == "" {
				return errors.New("enter a value")
			}
			return nil
		}
		id, err := a.text(ctx, strings.TrimSpace(kind.idLabel)+":", "", notEmpty)
		if err != nil {
			return none, err
		}
		secret, err := a.secret(ctx, strings.TrimSpace(kind.secretLabel)+" (not shown):")
		if err != nil {
			return none, err
		}
		in := steps.AtlasCredentialsInput{Kind: kind.kind}
		if kind.kind == "api-key" {
			in.PublicKey, in.PrivateKey = id, secret
		} else {
			in.ClientID, in.ClientSecret = id, secret
		}
		if r.Verify == nil {
			return in, nil
		}
		a.println("Checking the credentials with Atlas…")
		if err := r.Verify(ctx, in); err != nil {
			if ctx.Err() != nil {
				return none, steps.ErrAborted
			}
			a.println(errorText(err)...)
			a.println("Try again.")
			continue
		}
		a.println("The credentials work.")
		return in, nil
	}
}

// maxListed is how many projects a numbered list shows at once.
const maxListed = 20

func (a *accessiblePrompter) Project(ctx context.Context, r steps.ProjectRequest) (steps.ProjectOption, error) {
	var none steps.ProjectOption
	pl := newProjectLoader(r.Pages)
	go pl.run(ctx)
	pl.waitFirst(ctx, 2*time.Second)

	for {
		if pre, ok := pl.get(r.Preselected); ok && r.Preselected != "" {
			i, err := a.choose(ctx, "Project", []string{
				fmt.Sprintf("%s (%s), preselected", pre.Name, pre.ID),
				"Search for another project",
			}, 0, true)
			if err != nil {
				return none, err
			}
			if i == 0 {
				return pre, nil
			}
		}
		a.println(pl.status())
		q, err := a.text(ctx, "Search projects by name or id (empty lists all):", "", nil)
		if err != nil {
			return none, err
		}
		matches := pl.search(q)
		if len(matches) == 0 {
			a.println("No project matches. " + pl.status())
			continue
		}
		shown := matches[:min(len(matches), maxListed)]
		if len(matches) > len(shown) {
			a.println(fmt.Sprintf("%d projects match; showing the first %d. Search with more letters to narrow.", len(matches), len(shown)))
		}
		labels := make([]string, 0, len(shown)+1)
		for _, p := range shown {
			labels = append(labels, fmt.Sprintf("%s (%s)", p.Name, p.ID))
		}
		labels = append(labels, "Search again")
		i, err := a.choose(ctx, "Choose the project", labels, 0, true)
		if err != nil {
			return none, err
		}
		if i < len(shown) {
			return shown[i], nil
		}
	}
}

// projectLoader collects the engine's project pages in the background while the
// user is asked to search.
type projectLoader struct {
	pages  <-chan steps.ProjectPage
	mu     sync.Mutex
	index  *projectIndex
	loaded int
	total  int
	done   bool
	err    error
	first  chan struct{}
	once   sync.Once
}

func newProjectLoader(pages <-chan steps.ProjectPage) *projectLoader {
	return &projectLoader{pages: pages, index: newProjectIndex(), first: make(chan struct{})}
}

func (l *projectLoader) run(ctx context.Context) {
	defer l.once.Do(func() { close(l.first) })
	if l.pages == nil {
		l.mu.Lock()
		l.done = true
		l.mu.Unlock()
		return
	}
	for {
		select {
		case pg, ok := <-l.pages:
			l.mu.Lock()
			if ok {
				l.index.add(pg.Projects)
				l.loaded, l.total = max(pg.Loaded, len(l.index.items)), pg.Total
				l.err = pg.Err
			}
			end := !ok || pg.Done || pg.Err != nil
			l.done = end
			l.mu.Unlock()
			l.once.Do(func() { close(l.first) })
			if end {
				return
			}
		case <-ctx.Done():
			return
		}
	}
}

// waitFirst waits a little for the first page, so the first search has data.
func (l *projectLoader) waitFirst(ctx context.Context, d time.Duration) {
	select {
	case <-l.first:
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func (l *projectLoader) get(id string) (steps.ProjectOption, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	i, ok := l.index.byID[id]
	if !ok {
		return steps.ProjectOption{}, false
	}
	return l.index.items[i], true
}

func (l *projectLoader) search(q string) []steps.ProjectOption {
	l.mu.Lock()
	defer l.mu.Unlock()
	idx, _ := l.index.filter(q, nil)
	out := make([]steps.ProjectOption, len(idx))
	for i, j := range idx {
		out[i] = l.index.items[j]
	}
	return out
}

func (l *projectLoader) status() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case l.err != nil:
		return fmt.Sprintf("Loaded %s projects; loading stopped: %v", commaInt(l.loaded), l.err)
	case l.done:
		return fmt.Sprintf("All %s projects loaded.", commaInt(len(l.index.items)))
	case l.total > 0:
		return fmt.Sprintf("Loaded %s of %s projects; more are loading.", commaInt(l.loaded), commaInt(l.total))
	default:
		return fmt.Sprintf("Loaded %s projects; more are loading.", commaInt(l.loaded))
	}
}

func (a *accessiblePrompter) Platform(ctx context.Context, r steps.PlatformRequest) (string, error) {
	if len(r.Options) == 0 {
		return "", errors.New("prompt: no platform to choose from")
	}
	def := 0
	labels := make([]string, len(r.Options))
	for i, o := range r.Options {
		labels[i] = o.Title
		if o.ID == r.Detected {
			def = i
			labels[i] += " (detected)"
			lines := []string{"", "Detected platform: " + o.Title}
			for _, e := range r.Evidence {
				lines = append(lines, "  Evidence: "+e)
			}
			a.println(lines...)
		}
	}
	i, err := a.choose(ctx, "Where does the application run?", labels, def, true)
	if err != nil {
		return "", err
	}
	o := r.Options[i]
	if len(o.Checklist) > 0 {
		lines := []string{"Checklist for " + o.Title + ":"}
		for _, c := range o.Checklist {
			lines = append(lines, "  - "+c)
		}
		a.println(lines...)
	}
	return o.ID, nil
}

func (a *accessiblePrompter) Principal(ctx context.Context, r steps.PrincipalRequest) (steps.PrincipalView, error) {
	var none steps.PrincipalView
	if r.Note != "" {
		a.println("", "Note: "+r.Note)
	}
	if d := r.Discovered; d != nil {
		a.println(append([]string{"", "Discovered principal:"}, principalText(*d)...)...)
	}
	for {
		var labels []string
		var kinds []string // "discovered", "candidate", "type"
		var cands []steps.RoleCandidate
		if r.Discovered != nil {
			labels = append(labels, "Use the discovered principal "+r.Discovered.ARN)
			kinds = append(kinds, "discovered")
			cands = append(cands, steps.RoleCandidate{})
		}
		for _, c := range r.Candidates {
			l := "Role " + c.ARN
			if c.TrustsYou {
				l += " (trusts you: the live login can test it)"
			}
			labels = append(labels, l)
			kinds = append(kinds, "candidate")
			cands = append(cands, c)
		}
		if r.Validate != nil {
			labels = append(labels, "Type an ARN")
			kinds = append(kinds, "type")
			cands = append(cands, steps.RoleCandidate{})
		}
		i, err := a.choose(ctx, "Which IAM principal will log in to Atlas?", labels, 0, true)
		if err != nil {
			return none, err
		}
		switch kinds[i] {
		case "discovered":
			return *r.Discovered, nil
		case "candidate":
			v, err := r.Validate(cands[i].ARN)
			if err != nil {
				a.println(errorText(err)...)
				continue
			}
			a.println(principalText(v)...)
			return v, nil
		case "type":
			check := func(s string) error {
				_, err := r.Validate(s)
				return validationError(err)
			}
			in, err := a.text(ctx, "IAM role or user ARN:", "", check)
			if err != nil {
				if errors.Is(err, steps.ErrAborted) {
					return none, err
				}
				a.println(errorText(err)...)
				continue
			}
			v, err := r.Validate(in) // again: huh drops errors
			if err != nil {
				a.println(errorText(err)...)
				continue
			}
			a.println(principalText(v)...)
			return v, nil
		}
	}
}

func principalText(v steps.PrincipalView) []string {
	var lines []string
	if v.Input != "" && v.Input != v.ARN {
		lines = append(lines, "  Found: "+v.Input)
	}
	if v.Source != "" {
		lines = append(lines, "  Source: "+v.Source)
	}
	lines = append(lines, fmt.Sprintf("  Register: %s (%s)", v.ARN, v.Type))
	if v.FullRoleARN != "" && v.FullRoleARN != v.ARN {
		lines = append(lines, "  Role with its path: "+v.FullRoleARN)
	}
	for _, c := range v.Changes {
		lines = append(lines, "  Why: "+c)
	}
	return lines
}

func (a *accessiblePrompter) Access(ctx context.Context, r steps.AccessRequest) (steps.Access, error) {
	var none steps.Access
	lines := []string{""}
	if len(r.Current) > 0 {
		lines = append(lines, "The user has now: "+strings.Join(r.Current, ", "))
	}
	lines = append(lines, "Roles you can grant:")
	for _, s := range r.Suggested {
		lines = append(lines, "  "+s+" (suggested: least privilege)")
	}
	for _, ro := range r.BuiltIn {
		lines = append(lines, "  "+ro.Name+"@DB: "+ro.Description)
	}
	for _, ro := range r.Custom {
		lines = append(lines, "  "+ro.Name+" (custom): "+ro.Description)
	}
	a.println(lines...)
	def := strings.Join(r.Suggested, ", ")
	title := "Roles as ROLE@DB[.COLLECTION], comma-separated"
	if def != "" {
		title += " [" + def + "]"
	}
	title += ":"
	validate := func(s string) error {
		if r.Validate == nil {
			return nil
		}
		return validationError(r.Validate(splitRoles(s)))
	}
	for {
		in, err := a.text(ctx, title, def, validate)
		if err != nil {
			if errors.Is(err, steps.ErrAborted) {
				return none, err
			}
			a.println(errorText(err)...)
			continue
		}
		roles := splitRoles(in)
		if r.Validate != nil {
			if err := r.Validate(roles); err != nil { // again: huh drops errors
				a.println(errorText(err)...)
				continue
			}
		}
		cluster, err := a.chooseCluster(ctx, r)
		if errors.Is(err, steps.ErrBack) {
			continue // back to the roles
		}
		if err != nil {
			return none, err
		}
		target := cluster
		if target == "" {
			target = "the target deployment"
		}
		def := 1
		if r.Scope {
			def = 0
		}
		i, err := a.choose(ctx, "Scope", []string{"Limit the user to " + target, "All clusters of the project"}, def, true)
		if errors.Is(err, steps.ErrBack) {
			continue // back to the roles
		}
		if err != nil {
			return none, err
		}
		return steps.Access{Roles: roles, Cluster: cluster, Scope: i == 0}, nil
	}
}

// chooseCluster asks for the target deployment when the request offers more
// than one; a single one is shown, and no list passes the request's own through.
func (a *accessiblePrompter) chooseCluster(ctx context.Context, r steps.AccessRequest) (string, error) {
	switch len(r.Clusters) {
	case 0:
		return r.Cluster, nil
	case 1:
		a.println("Deployment: " + clusterLabel(r.Clusters[0]))
		return r.Clusters[0].Name, nil
	}
	labels := make([]string, len(r.Clusters))
	def := 0
	for i, c := range r.Clusters {
		labels[i] = clusterLabel(c)
		if c.Name == r.Cluster {
			def = i
		}
	}
	i, err := a.choose(ctx, "Which deployment will the application use?", labels, def, true)
	if err != nil {
		return "", err
	}
	return r.Clusters[i].Name, nil
}

func clusterLabel(c steps.ClusterOption) string {
	if d := strings.Trim(c.Kind+", "+c.State, ", "); d != "" {
		return c.Name + " (" + d + ")"
	}
	return c.Name
}

// splitRoles splits "a@x, b@y" into grants.
func splitRoles(s string) []string {
	var roles []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if f = strings.TrimSpace(f); f != "" {
			roles = append(roles, f)
		}
	}
	return roles
}

func (a *accessiblePrompter) Review(ctx context.Context, r steps.ReviewRequest) (bool, error) {
	u := r.Wanted
	lines := []string{"", "Review: " + r.Action + " the database user", "  User: " + u.Username + " (" + u.IAMType + ")",
		"  Roles: " + strings.Join(u.Roles, ", ")}
	if len(u.Scopes) > 0 {
		lines = append(lines, "  Scope: "+strings.Join(u.Scopes, ", "))
	}
	if r.Action == "update" {
		for _, d := range r.Diff {
			lines = append(lines, "  Change: "+d)
		}
	}
	if r.AtlasCLICommand != "" {
		lines = append(lines, "  Atlas CLI equivalent: "+r.AtlasCLICommand)
	}
	a.println(lines...)
	labels, values := reviewChoices(r.Action)
	i, err := a.choose(ctx, "Apply?", labels, 0, true)
	if err != nil {
		return false, err
	}
	return values[i], nil
}

// reviewChoices are the review's choices, shared with the review screen.
func reviewChoices(action string) ([]string, []bool) {
	switch action {
	case "create":
		return []string{"Create the user", "Don't create"}, []bool{true, false}
	case "update":
		return []string{"Update the user", "Keep it as it is"}, []bool{true, false}
	default:
		return []string{"Continue"}, []bool{true}
	}
}

func (a *accessiblePrompter) Network(ctx context.Context, r steps.NetworkRequest) (bool, error) {
	lines := []string{"", "Network access: this machine is " + r.CurrentIP}
	if r.Allowed {
		lines = append(lines, "  The project's IP access list allows this address.")
	} else {
		lines = append(lines, "  The project's IP access list does not include this address.")
	}
	for _, e := range r.Entries {
		lines = append(lines, "  Entry: "+e)
	}
	a.println(lines...)
	labels, values, def := networkChoices(r)
	i, err := a.choose(ctx, "IP access list", labels, def, true)
	if err != nil {
		return false, err
	}
	return values[i], nil
}

// networkChoices are the network question's choices and the default, shared
// with the network screen: the safe "don't add" has the focus.
func networkChoices(r steps.NetworkRequest) ([]string, []bool, int) {
	if !r.Allowed && r.Suggested != "" {
		return []string{"Add " + r.Suggested, "Don't add"}, []bool{true, false}, 1
	}
	return []string{"Continue"}, []bool{false}, 0
}

func (a *accessiblePrompter) Failure(ctx context.Context, r steps.FailureRequest) (steps.Choice, error) {
	lines := []string{""}
	if r.Diagnosis != nil {
		if isBlocked(r.Diagnosis) {
			lines = append(lines, "Blocked: this project uses LDAP authorization; AWS IAM database users cannot work in it.")
		} else {
			lines = append(lines, stepName(r.Step)+" failed.")
		}
		lines = append(lines, diagnosisText(r.Diagnosis)...)
	} else {
		lines = append(lines, stepName(r.Step)+" failed.")
	}
	a.println(lines...)
	labels, values := failureChoices(r)
	i, err := a.choose(ctx, "What next?", labels, 0, false)
	if err != nil {
		return "", err
	}
	return values[i], nil
}

// printResult shows the outcome on the UI stream; PrintResult puts the commands
// on stdout.
func (a *accessiblePrompter) printResult(r *steps.Result) {
	lines := []string{"", "Setup complete."}
	if r.Login != nil {
		lines = append(lines, "Logged in as "+r.Login.User+" with roles "+strings.Join(r.Login.Roles, ", "))
	}
	if r.Tested != nil {
		lines = append(lines, "Tested as "+r.Tested.ARN+" via "+r.Tested.Via)
	}
	for _, d := range r.Warnings {
		if d != nil {
			lines = append(lines, "Warning: "+string(d.Code)+": "+d.Summary)
		}
	}
	for _, sn := range r.Snippets {
		lines = append(lines, "", snippetTitle(sn)+":", strings.TrimRight(sn.Code, "\n"))
	}
	a.println(lines...)
}
