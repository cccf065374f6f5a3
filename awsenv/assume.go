package awsenv

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// DefaultSessionName names the role sessions atlas-iam opens for the live test, so
// they are recognisable in CloudTrail.
const DefaultSessionName = "atlas-iam"

// AssumeRoleProvider returns credentials for a role, assumed with the chain's own
// credentials (stscreds), cached and refreshed like any SDK provider. roleARN must
// be the full ARN, path included.
func (c *Chain) AssumeRoleProvider(roleARN, sessionName string) aws.CredentialsProvider {
	client := sts.NewFromConfig(c.cfg)
	return aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(client, roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = sessionName
	}))
}

// AssumeRole assumes the role now, so a refusal surfaces before the live login, and
// reports who the session is. A refusal is *AccessDeniedError (diag.AssumeRoleDenied);
// failing base credentials are *CredentialError; other STS refusals *STSError.
func (c *Chain) AssumeRole(ctx context.Context, roleARN, sessionName string) (aws.CredentialsProvider, Identity, error) {
	if a, err := arn.Parse(roleARN); err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return nil, Identity{}, &ARNError{Input: roleARN, Reason: "not an IAM role ARN", Suggestion: "arn:aws:iam::ACCOUNT_ID:role/NAME"}
	}
	if reason := checkSessionName(sessionName); reason != "" {
		return nil, Identity{}, fmt.Errorf("assume role: %s", reason)
	}
	if _, err := c.Check(ctx); err != nil {
		return nil, Identity{}, err
	}
	p := c.AssumeRoleProvider(roleARN, sessionName)
	if _, err := p.Retrieve(ctx); err != nil {
		switch {
		case ctx.Err() != nil:
			return nil, Identity{}, fmt.Errorf("assume %s: %w", roleARN, ctx.Err())
		case isAccessDenied(err):
			return nil, Identity{}, accessDenied("sts:AssumeRole", roleARN, err)
		}
		return nil, Identity{}, ClassifySTSError(err)
	}
	id, err := c.callerIdentity(ctx, p)
	if err != nil {
		return nil, Identity{}, err
	}
	return p, id, nil
}
