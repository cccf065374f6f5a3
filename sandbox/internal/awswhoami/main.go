// Command awswhoami is an ordinary AWS SDK program: it resolves credentials
// through the SDK's default chain, calls STS GetCallerIdentity and prints who it
// is and where its credentials came from. It knows nothing about the sandbox; the
// sandbox tests run it in a shell that sourced `atlas-iam sandbox --env-file` to
// prove that an unmodified application picks up the emulated platform.
//
// Output (never a secret):
//
//	arn=arn:aws:sts::123456789012:assumed-role/app-irsa/1700000000000000000
//	source=WebIdentityCredentials
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "awswhoami:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context) error {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return fmt.Errorf("load AWS config: %w", err)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return fmt.Errorf("resolve credentials: %w", err)
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return fmt.Errorf("get caller identity: %w", err)
	}
	fmt.Printf("arn=%s\nsource=%s\n", aws.ToString(id.Arn), creds.Source)
	return nil
}
