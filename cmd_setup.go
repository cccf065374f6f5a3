package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/atlas-iam/atlas-iam/awsenv"
	"github.com/atlas-iam/atlas-iam/steps"
	"github.com/atlas-iam/atlas-iam/tui"
)

// projectFlags are shared by setup, check and doctor.
type projectFlags struct {
	profile, awsProfile, projectID, project string
	timeout                                 time.Duration
	json                                    bool
}

func (f *projectFlags) register(fs *pflag.FlagSet) {
	fs.StringVarP(&f.profile, "profile", "P", "", "Atlas CLI profile to read credentials and defaults from")
	fs.StringVar(&f.awsProfile, "aws-profile", "", "AWS profile for the credential chain (default: AWS_PROFILE, then default)")
	fs.StringVar(&f.projectID, "project-id", "", "Atlas project id (default: MONGODB_ATLAS_PROJECT_ID or the profile's)")
	fs.StringVar(&f.project, "project", "", "Atlas project name (instead of --project-id)")
	fs.DurationVar(&f.timeout, "timeout", steps.DefaultTimeout, "bound for the deployment wait and the live login")
	fs.BoolVar(&f.json, "json", false, "print a JSON document on stdout (no secrets)")
}

// setupFlags are the flags of setup (and of the root command and demo).
type setupFlags struct {
	projectFlags
	platform, arn, cluster                            string
	roles                                             []string
	scope, update, addAccessList, tempUser, noConnect bool
	yes, accessible                                   bool
}

func (f *setupFlags) register(fs *pflag.FlagSet, withPlatform bool) {
	f.projectFlags.register(fs)
	if withPlatform {
		fs.StringVar(&f.platform, "platform", "", "where the application runs: lambda|ecs|fargate|ec2|eks|eks-pod-identity|workstation (default: detected)")
	}
	fs.StringVar(&f.arn, "arn", "", "IAM user or role ARN to register (default: this machine's identity, normalised)")
	fs.StringArrayVar(&f.roles, "role", nil, "database role ROLE[@DB[.COLL]], repeatable (required to create the user)")
	fs.BoolVar(&f.scope, "scope", false, "limit the user to the target cluster")
	fs.StringVar(&f.cluster, "cluster", "", "target cluster, flex cluster or federated database instance")
	fs.BoolVar(&f.update, "update", false, "change an existing user's roles and scopes to these (headless)")
	fs.BoolVar(&f.addAccessList, "add-access-list", false, "add this machine's address to the project IP access list if missing")
	fs.BoolVar(&f.tempUser, "temporary-user", false, "workstation mode: prove the login with a temporary user for this machine's identity")
	fs.BoolVar(&f.noConnect, "no-connect", false, "skip the live login")
	fs.BoolVarP(&f.yes, "yes", "y", false, "run headless: never ask, take answers from flags and detection")
	fs.BoolVar(&f.accessible, "accessible", false, "plain line prompts for screen readers instead of the full-screen wizard")
}

func (f *setupFlags) inputs() steps.Inputs {
	return steps.Inputs{Profile: f.profile, AWSProfile: f.awsProfile, ProjectID: f.projectID, ProjectName: f.project,
		Platform: f.platform, ARN: f.arn, Roles: f.roles, Scope: f.scope, Cluster: f.cluster, Update: f.update,
		AddAccessList: f.addAccessList, TemporaryUser: f.tempUser, NoConnect: f.noConnect, Timeout: f.timeout, Yes: f.yes}
}

const setupLong = `Registers an AWS IAM principal as a MongoDB Atlas database user and proves it
with a live MONGODB-AWS login:

  1. finds Atlas API credentials (MONGODB_ATLAS_* variables or an Atlas CLI profile)
  2. checks the project for LDAP authorization (it blocks IAM users)
  3. detects the platform (Lambda, ECS, Fargate, EC2, EKS, workstation)
  4. finds the IAM ARN (STS GetCallerIdentity, normalised) or takes --arn
  5. creates the $external user, or shows how an existing one differs
  6. waits for the deployment, checks the IP access list
  7. logs in with MONGODB-AWS and prints the mongosh command and connection string

On a terminal it runs the interactive wizard; --yes runs it headless from flags.
Exit codes: 0 ok, 1 failed (a diagnosis was printed), 2 usage, 3 blocked (LDAP
authorization), 130 aborted.`

func newSetupCmd(s streams) *cobra.Command {
	var f setupFlags
	cmd := &cobra.Command{
		Use:     "setup",
		Short:   "Register an IAM principal as an Atlas database user and prove the login",
		Long:    setupLong,
		Args:    cobra.NoArgs,
		PreRunE: rejectEmptyValues,
		Example: "  atlas-iam setup\n  atlas-iam setup --yes --role readWrite@app --cluster Cluster0\n  atlas-iam setup --platform lambda --arn arn:aws:iam::123456789012:role/orders-api --role readWrite@orders --cluster Cluster0 --yes",
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runSetup(cmd.Context(), s, f)
		},
	}
	f.register(cmd.Flags(), true)
	return cmd
}

// runSetup runs the setup flow headless (--yes) or behind the wizard.
func runSetup(ctx context.Context, s streams, f setupFlags) error {
	in := f.inputs()
	engine := steps.DefaultEngine(awsenv.Env{Getenv: s.getenv}, version)
	var res *steps.Result
	var err error
	if f.yes {
		p := &textPresenter{w: s.errOut}
		res, err = engine.Setup(ctx, in, steps.Headless{In: in}, p.emit)
	} else {
		if !f.accessible && (!s.isTTYIn || !s.isTTYOut) {
			return usageErrorf("%v", tui.ErrNotTerminal)
		}
		opts := tui.Options{In: s.in, Out: s.errOut, Result: s.out, Accessible: f.accessible, NoColor: s.getenv("NO_COLOR") != ""}
		res, err = tui.Run(ctx, func(ctx context.Context, p steps.Prompter, emit steps.Emit) (*steps.Result, error) {
			return engine.Setup(ctx, in, p, emit)
		}, opts)
	}
	if f.json {
		if err != nil {
			writeJSON(s.out, struct {
				OK bool `json:"ok"`
				errorDoc
			}{false, errorDocOf(err)})
		} else {
			writeJSON(s.out, struct {
				OK bool `json:"ok"`
				*steps.Result
			}{true, res})
		}
	}
	if err != nil {
		return outcome(s, err)
	}
	if !f.json && f.yes {
		tui.PrintResult(s.out, res)
	}
	return nil
}
