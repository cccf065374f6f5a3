package steps

import "context"

// Headless answers the engine from flags (--yes): it never waits for a person.
// Questions it cannot answer from the inputs are usage errors naming the flag.
type Headless struct{ In Inputs }

var _ Prompter = Headless{}

func (Headless) Begin(context.Context, Overview) error { return nil }

func (Headless) AtlasCredentials(context.Context, CredentialsRequest) (AtlasCredentialsInput, error) {
	return AtlasCredentialsInput{}, usagef("no Atlas API credentials: set MONGODB_ATLAS_PUBLIC_API_KEY and MONGODB_ATLAS_PRIVATE_API_KEY (or MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET), or pass --profile with an Atlas CLI profile")
}

func (Headless) Project(context.Context, ProjectRequest) (ProjectOption, error) {
	return ProjectOption{}, usagef("choose the project with --project-id or --project")
}

func (Headless) Platform(_ context.Context, r PlatformRequest) (string, error) {
	return r.Detected, nil
}

func (Headless) Principal(_ context.Context, r PrincipalRequest) (PrincipalView, error) {
	if r.Discovered != nil {
		return *r.Discovered, nil
	}
	return PrincipalView{}, usagef("pass the IAM ARN to register with --arn")
}

func (h Headless) Access(_ context.Context, r AccessRequest) (Access, error) {
	roles := h.In.Roles
	if len(roles) == 0 {
		roles = r.Current
	}
	return Access{Roles: roles, Cluster: r.Cluster, Scope: h.In.Scope}, nil
}

// Review approves creating a user; changing an existing one needs --update.
func (h Headless) Review(_ context.Context, r ReviewRequest) (bool, error) {
	return r.Action == "create" || h.In.Update, nil
}

func (h Headless) Network(context.Context, NetworkRequest) (bool, error) {
	return h.In.AddAccessList, nil
}

func (Headless) Failure(context.Context, FailureRequest) (Choice, error) { return ChoiceQuit, nil }
