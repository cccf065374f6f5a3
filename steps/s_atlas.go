package steps

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/atlas-iam/atlas-iam/atlas"
	"github.com/atlas-iam/atlas-iam/awsenv"
	"github.com/atlas-iam/atlas-iam/diag"
)

// begin shows what was found before anything is asked or written.
func (s *setup) begin(ctx context.Context) error {
	o := Overview{}
	if c, err := s.credsF().wait(ctx); err == nil {
		o.Atlas = Found{OK: true, Source: c.Source, Detail: describeKey(c)}
	} else if ctx.Err() != nil {
		return ctx.Err()
	} else {
		o.Atlas = Found{Detail: firstLine(err.Error())}
	}
	d, err := s.detect.wait(ctx)
	if err != nil {
		return err
	}
	o.Platform = PlatformGuess{Platform: string(d.Platform), Title: d.Platform.Title(), Evidence: d.Evidence}
	a, err := s.aws.wait(ctx)
	if err != nil {
		return err
	}
	switch {
	case a.err != nil:
		o.AWS = Found{Source: a.info.Source, Detail: awsProblem(a.err)}
	default:
		o.AWS = Found{OK: true, Source: a.info.Source, Detail: a.identity.ARN, Notes: []string{"access key " + a.info.AccessKeyID}}
	}
	o.Plan = []string{
		"check the Atlas project for LDAP authorization (it blocks IAM users)",
		"choose the platform and the IAM principal to register",
		"create or update the $external database user and wait for deployment",
		"check the IP access list and log in with MONGODB-AWS",
		"print the mongosh command and the connection string",
	}
	return s.p.Begin(ctx, o)
}

func describeKey(c atlas.Credentials) string {
	if c.Kind == atlas.ServiceAccount {
		return "service account " + c.ID()
	}
	return "API key " + c.ID()
}

// describeKeyRoles summarises a key's roles: organisation roles by name, project
// roles by name and how many projects hold them ("GROUP_OWNER on 3 projects").
func describeKeyRoles(roles []atlas.RoleAssignment) string {
	var org []string
	projects := map[string]int{}
	var order []string
	for _, r := range roles {
		if r.GroupID == "" {
			org = append(org, r.RoleName+" (organisation)")
			continue
		}
		if projects[r.RoleName] == 0 {
			order = append(order, r.RoleName)
		}
		projects[r.RoleName]++
	}
	parts := org
	for _, name := range order {
		n := projects[name]
		unit := "projects"
		if n == 1 {
			unit = "project"
		}
		parts = append(parts, fmt.Sprintf("%s on %d %s", name, n, unit))
	}
	return strings.Join(parts, ", ")
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func awsProblem(err error) string {
	var ce *awsenv.CredentialError
	if errors.As(err, &ce) {
		return ce.Summary()
	}
	var se *awsenv.STSError
	if errors.As(err, &se) {
		return se.Error()
	}
	return err.Error()
}

// atlasStep finds the Atlas credentials (asking for them when none are
// configured) and verifies them with the cheapest authenticated call.
func (s *setup) atlasStep(ctx context.Context) error {
	r := s.start(StepAtlas, "Atlas API access")
	c, err := s.credsF().wait(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !errors.Is(err, atlas.ErrNoCredentials) {
			// Half-set variables, a garbled or unknown profile: fix the input.
			r.fail(diag.New(diag.AtlasCredentials, firstLine(err.Error())))
			return &UsageError{Msg: err.Error()}
		}
		if c, err = s.askCredentials(ctx, err); err != nil {
			return err
		}
	}
	id, err := s.keyF().wait(ctx)
	if err != nil {
		return r.fail(atlasAccessDiagnosis(err, c))
	}
	s.api, _ = s.clientF().wait(ctx)
	s.identity = id
	details := []string{"base URL " + c.BaseURL}
	if roles := describeKeyRoles(id.Roles); roles != "" {
		details = append(details, "roles: "+roles)
	}
	r.done(StatusOK, fmt.Sprintf("%s (%s) verified", describeKey(c), c.Source), details...)
	return nil
}

// askCredentials asks the user for an API key or service account; the prompt
// verifies them before returning.
func (s *setup) askCredentials(ctx context.Context, cause error) (atlas.Credentials, error) {
	// Settings found without credentials (base URL, project) still apply.
	var found atlas.NoCredentialsError
	if nc := (*atlas.NoCredentialsError)(nil); errors.As(cause, &nc) {
		found = *nc
	}
	baseURL := found.BaseURL
	var verified atlas.Credentials
	req := CredentialsRequest{
		Reason: firstLine(cause.Error()),
		Verify: func(ctx context.Context, in AtlasCredentialsInput) error {
			c, err := credentialsFromInput(in, baseURL)
			if err != nil {
				return err
			}
			api, err := s.e.OpenAtlas(ctx, c)
			if err != nil {
				return err
			}
			if _, err := api.Verify(ctx); err != nil {
				return errors.New(atlasAccessDiagnosis(err, c).Summary)
			}
			c.OrgID, c.ProjectID = found.OrgID, found.ProjectID
			verified = c
			return nil
		},
	}
	s.asked[StepAtlas] = true
	in, err := s.p.AtlasCredentials(ctx, req)
	if err != nil {
		return atlas.Credentials{}, err
	}
	if verified.ID() == "" || verified.ID() != inputID(in) {
		// The prompter returned without a successful Verify: verify now.
		if err := req.Verify(ctx, in); err != nil {
			return atlas.Credentials{}, &UsageError{Msg: err.Error()}
		}
	}
	s.openAtlas(ctx, resolved(verified, nil))
	return verified, nil
}

func inputID(in AtlasCredentialsInput) string {
	if in.Kind == "service-account" {
		return in.ClientID
	}
	return in.PublicKey
}

func credentialsFromInput(in AtlasCredentialsInput, baseURL string) (atlas.Credentials, error) {
	switch in.Kind {
	case "service-account":
		if in.ClientID == "" || in.ClientSecret == "" {
			return atlas.Credentials{}, errors.New("enter both the client id and the client secret")
		}
		return atlas.NewServiceAccountCredentials(in.ClientID, in.ClientSecret, baseURL), nil
	case "api-key", "":
		if in.PublicKey == "" || in.PrivateKey == "" {
			return atlas.Credentials{}, errors.New("enter both the public and the private key")
		}
		return atlas.NewAPIKeyCredentials(in.PublicKey, in.PrivateKey, baseURL), nil
	}
	return atlas.Credentials{}, fmt.Errorf("unknown credential kind %q", in.Kind)
}

// atlasAccessDiagnosis explains why Atlas refused or could not be reached.
func atlasAccessDiagnosis(err error, c atlas.Credentials) *diag.Diagnosis {
	var d *diag.Diagnosis
	if errors.As(err, &d) {
		return d
	}
	who := describeKey(c)
	switch {
	case atlas.IsUnauthorized(err):
		return diag.New(diag.AtlasCredentials, "Atlas rejected the "+who).
			WithEvidence("source: "+c.Source, "Atlas answered: "+firstLine(err.Error())).
			WithFix("Check the key pair (or client id and secret) in Atlas: Organization Access Manager → API Keys / Service Accounts.",
				"Make sure MONGODB_ATLAS_* variables are not overriding the Atlas CLI profile you meant to use.")
	case atlas.IsAccessListDenied(err):
		ip := ""
		var ae *atlas.Error
		if errors.As(err, &ae) && len(ae.Parameters) > 0 {
			ip = fmt.Sprint(ae.Parameters[0])
		}
		return diag.New(diag.AtlasAccessList, "this machine ("+orUnknown(ip)+") is not on the API access list of the "+who).
			WithEvidence("Atlas answered: "+firstLine(err.Error())).
			WithFix("Add "+orUnknown(ip)+" to the key's API access list: Organization Access Manager → API Keys → Edit Permissions → Add Access List Entry.",
				"Or run atlas-iam from a machine already on that list.")
	case atlas.IsForbiddenRole(err):
		return diag.New(diag.AtlasKeyRole, "the "+who+" lacks the role this needs").
			WithEvidence("Atlas answered: " + firstLine(err.Error())).
			WithFix("Give the key the Project Owner role on the project (Project Access Manager → Applications → API Keys).")
	case atlas.IsUnreachable(err):
		return diag.New(diag.AtlasUnreachable, "the Atlas Admin API at "+c.BaseURL+" cannot be reached").
			WithEvidence(firstLine(err.Error())).
			WithFix("Check the network path and proxy settings to "+c.BaseURL+".",
				"If MONGODB_ATLAS_BASE_URL or MONGODB_ATLAS_OPS_MANAGER_URL is set, check its value.")
	case atlas.IsRateLimited(err):
		return diag.New(diag.AtlasUnreachable, "Atlas keeps rate-limiting the "+who).
			WithEvidence(firstLine(err.Error())).
			WithFix("Wait a minute and retry; other automation may be using the same key.")
	}
	return diag.New(diag.AtlasUnreachable, "the Atlas Admin API failed").WithEvidence(firstLine(err.Error())).
		WithFix("Retry; if it persists, check https://status.mongodb.com.")
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown address"
	}
	return s
}
