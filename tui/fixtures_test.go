package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/atlas-iam/atlas-iam/steps"
)

// Long strings that must never be truncated on any screen.
const (
	longSessionARN  = "arn:aws:sts::123456789012:assumed-role/atlas-iam-application-runtime-role-for-orders/i-0123456789abcdef0-session-with-a-long-name"
	longRoleARN     = "arn:aws:iam::123456789012:role/atlas-iam-application-runtime-role-for-orders"
	longPathRoleARN = "arn:aws:iam::123456789012:role/service-role/team-payments/production/atlas-iam-application-runtime-role-for-orders"
	longConnString  = "mongodb+srv://orders-production-cluster-0.abcde.mongodb.net/?authSource=%24external&authMechanism=MONGODB-AWS&retryWrites=true&w=majority&appName=atlas-iam-orders-production-application"
	longMongosh     = `mongosh "mongodb+srv://orders-production-cluster-0.abcde.mongodb.net/?authSource=%24external&authMechanism=MONGODB-AWS&retryWrites=true&w=majority&appName=atlas-iam-orders-production-application" --apiVersion 1`
	longAtlasCLI    = "atlas dbusers create --projectId 5f1a2b3c4d5e6f7a8b9c0d1e --username arn:aws:iam::123456789012:role/atlas-iam-application-runtime-role-for-orders --awsIAMType ROLE --role readWrite@orders --scope orders-production-cluster-0"
	longCheckCmd    = "atlas-iam check --project 5f1a2b3c4d5e6f7a8b9c0d1e --cluster orders-production-cluster-0 --principal arn:aws:iam::123456789012:role/atlas-iam-application-runtime-role-for-orders"
)

func overviewFixture() steps.Overview {
	return steps.Overview{
		Atlas: steps.Found{OK: true, Source: "environment (MONGODB_ATLAS_PUBLIC_API_KEY)", Detail: "API key abcdefgh"},
		AWS:   steps.Found{OK: true, Source: "EC2RoleProvider", Detail: longSessionARN},
		Platform: steps.PlatformGuess{Platform: "ec2", Title: "EC2 instance",
			Evidence: []string{"IMDSv2 answered with an instance identity", "no ECS, Lambda or EKS variables"}},
		Plan: []string{"Verify the Atlas API key", "Pick the project and check LDAP authorization",
			"Register the role as a MONGODB-AWS database user", "Wait for the deployment", "Log in for real"},
	}
}

func platformFixture() steps.PlatformRequest {
	return steps.PlatformRequest{
		Options: []steps.PlatformOption{
			{ID: "lambda", Title: "AWS Lambda", Checklist: []string{"Register the function's execution role", "Use the function's environment credentials"}},
			{ID: "ecs", Title: "Amazon ECS (EC2 launch type)", Checklist: []string{"Register the task role, not the execution role"}},
			{ID: "fargate", Title: "Amazon ECS on Fargate", Checklist: []string{"Register the task role, not the execution role"}},
			{ID: "ec2", Title: "EC2 instance", Checklist: []string{"Register the instance profile's role", "IMDSv2 must be reachable from the application"}},
			{ID: "eks-irsa", Title: "EKS with IRSA", Checklist: []string{"Register the service account's role"}},
			{ID: "workstation", Title: "A workstation (IAM user, profile or SSO)", Checklist: []string{"Set up a role for somewhere else"}},
		},
		Detected: "ec2",
		Evidence: []string{"IMDSv2 answered with an instance identity"},
	}
}

func discoveredFixture() *steps.PrincipalView {
	return &steps.PrincipalView{
		Input: longSessionARN, ARN: longRoleARN, Type: "ROLE",
		Source:      "STS GetCallerIdentity (EC2RoleProvider)",
		FullRoleARN: longPathRoleARN,
		Changes:     []string{"an assumed-role session becomes its role; Atlas matches the role without its path"},
	}
}

// validateARN is a stand-in for the engine's Validate: it only accepts role and
// user ARNs and says why otherwise.
func validateARN(in string) (steps.PrincipalView, error) {
	switch {
	case strings.HasPrefix(in, "arn:aws:iam::") && strings.Contains(in, ":role/"):
		name := in[strings.LastIndex(in, "/")+1:]
		arn := in[:strings.Index(in, ":role/")] + ":role/" + name
		v := steps.PrincipalView{Input: in, ARN: arn, Type: "ROLE", Source: "typed"}
		if arn != in {
			v.FullRoleARN = in
			v.Changes = []string{"the role path is dropped: Atlas matches the role without it"}
		}
		return v, nil
	case strings.HasPrefix(in, "arn:aws:iam::") && strings.Contains(in, ":user/"):
		return steps.PrincipalView{Input: in, ARN: in, Type: "USER", Source: "typed"}, nil
	}
	return steps.PrincipalView{}, diag.New(diag.InvalidARN, "this is not an IAM role or user ARN").
		WithFix("use the form arn:aws:iam::ACCOUNT:role/NAME")
}

func accessFixture() steps.AccessRequest {
	return steps.AccessRequest{
		BuiltIn: []steps.RoleOption{
			{Name: "read", Description: "read all non-system collections"},
			{Name: "readWrite", Description: "read and write all non-system collections"},
			{Name: "dbAdmin", Description: "schema and indexes, no data"},
		},
		Custom:    []steps.RoleOption{{Name: "ordersWriter", Description: "insert and update in orders.*", Custom: true}},
		Suggested: []string{"readWrite@orders"},
		Clusters: []steps.ClusterOption{
			{Name: "analytics-flex", Kind: "flex", State: "IDLE"},
			{Name: "orders-production-cluster-0", Kind: "cluster", State: "IDLE"},
			{Name: "orders-federated", Kind: "federated"},
		},
		Cluster: "orders-production-cluster-0",
		Scope:   true,
		Validate: func(roles []string) error {
			if len(roles) == 0 {
				return diag.New(diag.InvalidARN, "choose at least one role").WithFix("for example readWrite@orders")
			}
			for _, r := range roles {
				if strings.HasSuffix(r, "@") {
					return fmt.Errorf("%q needs a database after @", r)
				}
			}
			return nil
		},
	}
}

func reviewFixture(action string) steps.ReviewRequest {
	r := steps.ReviewRequest{
		Action: action,
		Wanted: steps.UserView{Username: longRoleARN, IAMType: "ROLE", Roles: []string{"readWrite@orders"},
			Scopes: []string{"orders-production-cluster-0"}},
		AtlasCLICommand: longAtlasCLI,
	}
	if action == "update" {
		r.Current = &steps.UserView{Username: longRoleARN, IAMType: "ROLE", Roles: []string{"read@orders"}}
		r.Diff = []string{"- role read@orders", "+ role readWrite@orders", "+ scope orders-production-cluster-0"}
	}
	return r
}

func networkFixture() steps.NetworkRequest {
	return steps.NetworkRequest{CurrentIP: "203.0.113.7", Entries: []string{"10.0.0.0/8", "198.51.100.0/24"}, Suggested: "203.0.113.7/32"}
}

func resultFixture() *steps.Result {
	return &steps.Result{
		Project:   steps.ProjectOption{ID: "5f1a2b3c4d5e6f7a8b9c0d1e", Name: "orders"},
		Platform:  "ec2",
		Principal: *discoveredFixture(),
		User:      steps.UserOutcome{Action: "created", User: steps.UserView{Username: longRoleARN, IAMType: "ROLE", Roles: []string{"readWrite@orders"}}},
		Tested:    &steps.TestedIdentity{ARN: longSessionARN, Via: "platform credentials (EC2RoleProvider)"},
		Login: &steps.LoginView{User: longRoleARN, DB: "$external", Roles: []string{"readWrite@orders"},
			ServerVersion: "8.0.4", Elapsed: 420 * time.Millisecond},
		ConnectionString: longConnString,
		Mongosh:          longMongosh,
		CheckCommand:     longCheckCmd,
		AtlasCLICommand:  longAtlasCLI,
		Snippets: []steps.Snippet{
			{Lang: "go", Title: "Go", Code: "client, err := mongo.Connect(options.Client().ApplyURI(\"" + longConnString + "\"))\nif err != nil {\n\treturn err\n}"},
			{Lang: "node", Title: "Node.js", Code: "const client = new MongoClient(\"" + longConnString + "\");\nawait client.connect();"},
			{Lang: "python", Title: "Python", Code: "client = MongoClient(\"" + longConnString + "\")"},
			{Lang: "java", Title: "Java", Code: "MongoClient client = MongoClients.create(\"" + longConnString + "\");"},
		},
	}
}

func ldapBlockedFixture() steps.FailureRequest {
	return steps.FailureRequest{
		Step: steps.StepLDAP,
		Diagnosis: diag.New(diag.LDAPAuthorization, "LDAP authorization is enabled on project orders").
			WithEvidence("GET /groups/5f1a2b3c4d5e6f7a8b9c0d1e/userSecurity: ldap.authorizationEnabled = true").
			WithFix("move the clusters to a project without LDAP authorization", "or pick another project"),
		CanBack: true,
	}
}

func authFailureFixture() steps.FailureRequest {
	return steps.FailureRequest{
		Step: steps.StepLogin,
		Diagnosis: diag.New(diag.UserNotFound, "no $external user matches "+longRoleARN).
			WithEvidence("the server answered: Authentication failed.", "the session ARN was "+longSessionARN).
			WithFix("register "+longRoleARN+" as a database user", "then run "+longCheckCmd),
		CanRetry: true,
		CanBack:  true,
	}
}

// makeProjects returns n projects named proj-0000… with distinct ids.
func makeProjects(n int) []steps.ProjectOption {
	ps := make([]steps.ProjectOption, n)
	for i := range ps {
		ps[i] = steps.ProjectOption{ID: fmt.Sprintf("%024x", 0x5f1a000000+i), Name: fmt.Sprintf("proj-%04d", i), OrgID: "org1"}
	}
	return ps
}

// streamProjects sends projects in pages of size on a new channel; release
// gates each page after the first when not nil.
func streamProjects(ctx context.Context, ps []steps.ProjectOption, size int, release <-chan struct{}) <-chan steps.ProjectPage {
	ch := make(chan steps.ProjectPage)
	go func() {
		defer close(ch)
		for i := 0; i < len(ps); i += size {
			if i > 0 && release != nil {
				select {
				case <-release:
				case <-ctx.Done():
					return
				}
			}
			end := min(i+size, len(ps))
			pg := steps.ProjectPage{Projects: ps[i:end], Loaded: end, Total: len(ps), Done: end == len(ps)}
			select {
			case ch <- pg:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

var errRejected = errors.New("Atlas rejected this API key (HTTP 401)")
