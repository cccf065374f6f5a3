package main

import (
	"github.com/spf13/cobra"

	"github.com/atlas-iam/atlas-iam/awsenv"
	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/atlas-iam/atlas-iam/steps"
)

func newCheckCmd(s streams) *cobra.Command {
	var (
		f       projectFlags
		cluster string
		uri     string
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Read-only live MONGODB-AWS login with a diagnosis when it fails",
		Long: `Logs in to a deployment with MONGODB-AWS using this machine's AWS credential
chain, runs ping and connectionStatus, and says who logged in with which roles.
When the login fails it explains why (cause, evidence, fix). It never changes
anything. Run it where the application runs (EC2 shell, kubectl exec, ECS Exec).

Give the deployment with --cluster (and the project, as for setup), or a
connection string with --uri (then no Atlas API credentials are needed).`,
		PreRunE: rejectEmptyValues,
		Example: "  atlas-iam check --cluster Cluster0\n  atlas-iam check --uri 'mongodb+srv://cluster0.abcde.mongodb.net/?authSource=%24external&authMechanism=MONGODB-AWS' --json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			engine := steps.DefaultEngine(awsenv.Env{Getenv: s.getenv}, version)
			in := steps.CheckInputs{Profile: f.profile, AWSProfile: f.awsProfile, ProjectID: f.projectID, ProjectName: f.project, Cluster: cluster, URI: uri, Timeout: f.timeout}
			var emit steps.Emit
			if !f.json {
				emit = (&textPresenter{w: s.errOut}).emit
			}
			rep, err := engine.Check(cmd.Context(), in, emit)
			if f.json && rep != nil {
				// A failure without a diagnosis (bad input found mid-way, such as
				// half-set Atlas credentials) still says why, and the exit code.
				doc := errorDocOf(err)
				writeJSON(s.out, struct {
					*steps.CheckReport
					Error    string `json:"error,omitempty"`
					ExitCode int    `json:"exitCode"`
				}{rep, doc.Error, doc.ExitCode})
			} else if f.json {
				writeJSON(s.out, struct {
					OK bool `json:"ok"`
					errorDoc
				}{false, errorDocOf(err)})
			}
			if err == nil && !f.json {
				s.printLine("logged in as " + rep.Login.User)
			}
			return outcome(s, err)
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().StringVar(&cluster, "cluster", "", "deployment to log in to")
	cmd.Flags().StringVar(&uri, "uri", "", "connection string to log in with (instead of --cluster)")
	return cmd
}

func newDoctorCmd(s streams) *cobra.Command {
	var (
		f       projectFlags
		cluster string
	)
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Run every read-only check, each explained, with fixes",
		Long: `Checks, without changing anything: the AWS credential chain and whether its
source fits the platform, the Atlas API key, the project, LDAP authorization, the
identity and the database user it must land on (including a role registered with
its IAM path), the deployment's change status, the IP access list and the live
MONGODB-AWS login. Every problem comes with its evidence and fix.`,
		Args:    cobra.NoArgs,
		PreRunE: rejectEmptyValues,
		RunE: func(cmd *cobra.Command, _ []string) error {
			engine := steps.DefaultEngine(awsenv.Env{Getenv: s.getenv}, version)
			in := steps.CheckInputs{Profile: f.profile, AWSProfile: f.awsProfile, ProjectID: f.projectID, ProjectName: f.project, Cluster: cluster, Timeout: f.timeout}
			var emit steps.Emit
			if !f.json {
				emit = (&textPresenter{w: s.errOut}).emit
			}
			rep, err := engine.Doctor(cmd.Context(), in, emit)
			if f.json && rep != nil {
				writeJSON(s.out, rep)
			}
			if err != nil {
				return outcome(s, err)
			}
			if !rep.OK {
				return silent(doctorExitCode(rep))
			}
			return nil
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().StringVar(&cluster, "cluster", "", "deployment to check (default: the project's only one)")
	return cmd
}

// doctorExitCode is 3 when a failed check is a precondition that blocks IAM users
// altogether (LDAP authorization), as for setup; else 1.
func doctorExitCode(rep *steps.DoctorReport) int {
	for _, c := range rep.Checks {
		if c.Status == steps.StatusFailed && c.Diagnosis != nil && c.Diagnosis.Code == diag.LDAPAuthorization {
			return exitBlocked
		}
	}
	return exitFailed
}
