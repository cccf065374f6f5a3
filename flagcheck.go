package main

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// rejectEmptyValues fails when a string flag was given explicitly but empty, as
// `--arn "$ROLE_ARN"` with the variable unset: falling back to the default
// (discovery, MONGODB_ATLAS_PROJECT_ID, the default profile) would act on
// something other than what the user named.
func rejectEmptyValues(cmd *cobra.Command, _ []string) error {
	var err error
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if err == nil && f.Value.Type() == "string" && strings.TrimSpace(f.Value.String()) == "" {
			err = usageErrorf("--%s was given an empty value (an unset shell variable?): pass a value or leave the flag out", f.Name)
		}
	})
	return err
}
