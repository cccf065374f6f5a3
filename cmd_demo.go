package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/atlas-iam/atlas-iam/sandbox"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

func newDemoCmd(s streams) *cobra.Command {
	var (
		knobs   sandboxFlags
		setup   setupFlags
		envFile string
		keep    bool
	)
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the wizard against an in-process sandbox: no accounts, no configuration",
		Long: `Starts the sandbox (an emulated Atlas project with Cluster0 and the AWS endpoints
of --platform) inside this process, points this process's environment at it and
runs the setup wizard, exactly as it would run on that platform against real
Atlas and AWS. Every sandbox knob is available, so each failure the wizard can
diagnose can be tried: --ldap-authz, --network-blocked, --expire-credentials, …

With --keep the sandbox keeps running after the wizard, so the printed mongosh
command can be tried from another shell after sourcing --env-file.`,
		Example: "  atlas-iam demo\n  atlas-iam demo --platform eks\n  atlas-iam demo --network-blocked\n  atlas-iam demo --platform lambda --yes",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts, platform, err := knobs.options()
			if err != nil {
				return err
			}
			dir, err := os.MkdirTemp("", "atlas-iam-demo-")
			if err != nil {
				return &exitError{code: exitFailed, err: err}
			}
			defer os.RemoveAll(dir)
			logPath := filepath.Join(dir, "sandbox.log")
			logFile, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
			if err != nil {
				return &exitError{code: exitFailed, err: err}
			}
			defer logFile.Close()
			opts.Dir, opts.Log = dir, logFile
			sb, err := sandbox.Start(cmd.Context(), opts)
			if err != nil {
				return &exitError{code: exitFailed, err: fmt.Errorf("start sandbox: %w", err)}
			}
			defer sb.Close()
			vars, err := sb.Env(platform, sandbox.EnvOptions{})
			if err != nil {
				return usageErrorf("%v", err)
			}
			applyDemoEnv(vars)
			if envFile != "" {
				if err := os.WriteFile(envFile, []byte(sandbox.ExportBlock(vars)), 0o600); err != nil {
					return &exitError{code: exitFailed, err: fmt.Errorf("write --env-file: %w", err)}
				}
			}
			if setup.yes {
				if len(setup.roles) == 0 {
					setup.roles = []string{"readWrite@app"}
				}
				if setup.cluster == "" {
					setup.cluster = world.ClusterName
				}
			}
			runErr := runSetup(cmd.Context(), s, setup)
			fmt.Fprintf(s.errOut, "sandbox log (every rejection with its real reason): %s\n", logPath)
			if keep && cmd.Context().Err() == nil {
				if envFile != "" {
					fmt.Fprintf(s.errOut, "sandbox still running; in another shell: . %s — Ctrl-C here to stop\n", envFile)
				} else {
					fmt.Fprintln(s.errOut, "sandbox still running — Ctrl-C to stop")
				}
				<-cmd.Context().Done()
			}
			return runErr
		},
	}
	// --platform is the sandbox's: the wizard detects it like on a real host.
	knobs.register(cmd.Flags(), "ec2")
	setup.register(cmd.Flags(), false)
	cmd.Flags().StringVar(&envFile, "env-file", "", "write the sandbox environment as export lines to this file (mode 0600)")
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the sandbox running after the wizard until interrupted")
	return cmd
}

// applyDemoEnv replaces this process's AWS, Atlas and platform variables with the
// sandbox's, so the wizard runs exactly as it would on that platform.
func applyDemoEnv(vars []sandbox.Var) {
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		for _, p := range []string{"AWS_", "ECS_", "KUBERNETES_", "MONGODB_ATLAS_", "MCLI_", "LAMBDA_"} {
			if strings.HasPrefix(k, p) {
				os.Unsetenv(k)
			}
		}
	}
	for _, v := range vars {
		os.Setenv(v.Name, v.Value)
	}
}
