package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/atlas-iam/atlas-iam/sandbox"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// sandboxFlags are the knobs shared by `sandbox` and `demo`.
type sandboxFlags struct {
	platform       string
	ldapAuthz      bool
	apiKeyRole     string
	apiDeny        bool
	deployDelay    time.Duration
	stuckPending   bool
	latency        time.Duration
	rateLimit      int
	networkBlocked bool
	projects       int
	clockSkew      time.Duration
	expireCreds    bool
}

func (f *sandboxFlags) register(fs *pflag.FlagSet, defaultPlatform string) {
	names := make([]string, 0, len(awsapi.Platforms()))
	for _, p := range awsapi.Platforms() {
		names = append(names, string(p))
	}
	fs.StringVar(&f.platform, "platform", defaultPlatform, "where the application runs: "+strings.Join(names, "|"))
	fs.BoolVar(&f.ldapAuthz, "ldap-authz", false, "turn on LDAP authorization in the project (blocks IAM users)")
	fs.StringVar(&f.apiKeyRole, "api-key-role", "owner", "project role of the API key and service account: owner|read-only")
	fs.BoolVar(&f.apiDeny, "api-access-list-deny", false, "reject every Atlas API call with 403 IP_ADDRESS_NOT_ON_ACCESS_LIST")
	fs.DurationVar(&f.deployDelay, "deploy-delay", 2*time.Second, "how long database-user and access-list changes stay PENDING")
	fs.BoolVar(&f.stuckPending, "stuck-pending", false, "keep every change PENDING forever")
	fs.DurationVar(&f.latency, "latency", 0, "added to every Atlas API request and every wire round trip")
	fs.IntVar(&f.rateLimit, "rate-limit", 0, "answer 429 RATE_LIMITED after N Atlas API requests a minute (0: off)")
	fs.BoolVar(&f.networkBlocked, "network-blocked", false, "leave this machine off the project IP access list (the cluster drops its connections)")
	fs.IntVar(&f.projects, "projects", 0, "add N extra projects to the organisation (paging)")
	fs.DurationVar(&f.clockSkew, "clock-skew", 0, "shift the sandbox clock against this machine's (over 15m breaks SigV4)")
	fs.BoolVar(&f.expireCreds, "expire-credentials", false, "issue every temporary AWS credential already expired")
}

func (f *sandboxFlags) options() (sandbox.Options, sandbox.Platform, error) {
	p, err := awsapi.ParsePlatform(f.platform)
	if err != nil {
		return sandbox.Options{}, "", usageErrorf("--platform: %v", err)
	}
	role := map[string]string{"owner": world.RoleProjectOwner, "read-only": world.RoleProjectReadOnly}[f.apiKeyRole]
	if role == "" {
		return sandbox.Options{}, "", usageErrorf("--api-key-role %q: want owner or read-only", f.apiKeyRole)
	}
	switch {
	case f.deployDelay < 0, f.latency < 0:
		return sandbox.Options{}, "", usageErrorf("--deploy-delay and --latency must not be negative")
	case f.rateLimit < 0, f.projects < 0:
		return sandbox.Options{}, "", usageErrorf("--rate-limit and --projects must not be negative")
	}
	return sandbox.Options{
		Knobs: world.Knobs{
			LDAPAuthorization: f.ldapAuthz, APIKeyRole: role, APIAccessListDeny: f.apiDeny,
			DeployDelay: f.deployDelay, StuckPending: f.stuckPending, Latency: f.latency,
			RateLimit: f.rateLimit, ClockSkew: f.clockSkew, ExpireCredentials: f.expireCreds,
		},
		ExtraProjects:  f.projects,
		NetworkBlocked: f.networkBlocked,
	}, p, nil
}

func newSandboxCmd(s streams) *cobra.Command {
	var (
		knobs   sandboxFlags
		envFile string
		auth    string
		quiet   bool
	)
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run the emulated Atlas + AWS world on loopback and print its environment",
		Long: `Starts an emulated Atlas Admin API, a MongoDB server speaking MONGODB-AWS for
Cluster0 (plus a flex cluster and a federated database instance) and the AWS
credential endpoints (IMDSv2, ECS, EKS Pod Identity, STS, IAM) on random loopback
ports, and prints the environment an application on --platform would have, as
export lines: the Atlas CLI variables, the AWS SDK endpoint overrides and the
platform's own variables, and ATLAS_IAM_SANDBOX_URI (Cluster0's connection
string for MONGODB-AWS). Runs until interrupted; rejections are logged on stderr
with their real reason.

  atlas-iam sandbox --platform eks --env-file /tmp/sb.env
  # then, in another shell, once it says "sandbox running":
  . /tmp/sb.env && mongosh "$ATLAS_IAM_SANDBOX_URI"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, platform, err := knobs.options()
			if err != nil {
				return err
			}
			if !quiet {
				opts.Log = s.errOut
			}
			sb, err := sandbox.Start(cmd.Context(), opts)
			if err != nil {
				return &exitError{code: exitFailed, err: fmt.Errorf("start sandbox: %w", err)}
			}
			defer sb.Close()
			vars, err := sb.Env(platform, sandbox.EnvOptions{Auth: sandbox.AtlasAuth(auth)})
			if err != nil {
				return usageErrorf("%v", err)
			}
			block := "# atlas-iam sandbox: platform " + string(platform) + "\n" + sandbox.ExportBlock(vars)
			if envFile != "" {
				if err := writeSecretFile(envFile, []byte(block)); err != nil {
					return &exitError{code: exitFailed, err: fmt.Errorf("write --env-file: %w", err)}
				}
				fmt.Fprintf(s.errOut, "environment written to %s (mode 0600; it holds sandbox secrets)\n", envFile)
			}
			fmt.Fprint(s.out, block)
			fmt.Fprintf(s.errOut, "sandbox running: Atlas API %s, AWS endpoints %s, Cluster0 %s — Ctrl-C to stop\n",
				sb.AtlasURL(), sb.AWSURL(), sb.ClusterURI(world.ClusterName))
			<-cmd.Context().Done()
			fmt.Fprintln(s.errOut, "sandbox stopped")
			return nil
		},
	}
	knobs.register(cmd.Flags(), string(awsapi.Workstation))
	cmd.Flags().StringVar(&envFile, "env-file", "", "also write the export lines to this file (mode 0600)")
	cmd.Flags().StringVar(&auth, "atlas-auth", string(sandbox.AuthAPIKey), "Atlas credentials in the environment: api-key|service-account")
	cmd.Flags().BoolVar(&quiet, "quiet", false, "do not log sandbox events on stderr")
	return cmd
}

// writeSecretFile replaces path with data, mode 0600, atomically: a shell that
// sources the file never sees half of it, and a file left from an earlier run
// (say, `atlas-iam sandbox > /tmp/sb.env` under umask 022) does not keep its
// wider mode, which os.WriteFile would.
func writeSecretFile(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*") // mode 0600
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
