package awsenv

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Identity is who the credentials are, as STS GetCallerIdentity reports it.
type Identity struct {
	ARN       string `json:"arn"` // a user ARN, or arn:P:sts::A:assumed-role/NAME/SESSION
	Account   string `json:"account"`
	UserID    string `json:"userId"` // AIDA… for users, AROA…:SESSION for role sessions
	Partition string `json:"partition"`
}

// CallerIdentity asks STS who the chain's credentials are. Credential failures come
// back as *CredentialError (the credentials are fetched first, so the SDK's
// signing step cannot hide them), STS refusals as *STSError.
func (c *Chain) CallerIdentity(ctx context.Context) (Identity, error) {
	return c.callerIdentity(ctx, c.cfg.Credentials)
}

func (c *Chain) callerIdentity(ctx context.Context, p aws.CredentialsProvider) (Identity, error) {
	info, err := c.retrieve(ctx, p)
	if err != nil {
		return Identity{}, err
	}
	client := sts.NewFromConfig(c.cfg, func(o *sts.Options) { o.Credentials = p })
	out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		if ctx.Err() != nil {
			return Identity{}, fmt.Errorf("sts GetCallerIdentity: %w", ctx.Err())
		}
		se := ClassifySTSError(err)
		se.AccessKeyID = info.AccessKeyID
		return Identity{}, se
	}
	id := Identity{ARN: aws.ToString(out.Arn), Account: aws.ToString(out.Account), UserID: aws.ToString(out.UserId)}
	parsed, err := arn.Parse(id.ARN)
	if err != nil {
		return Identity{}, fmt.Errorf("sts GetCallerIdentity returned %q: %w", id.ARN, err)
	}
	id.Partition = parsed.Partition
	return id, nil
}
