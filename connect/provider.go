package connect

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// awsProvider hands an aws-sdk-go-v2 credentials provider to the driver
// (options.Credential.AWSCredentialsProvider). The official adapter, module
// go.mongodb.org/mongo-driver/ext/awsauth, is not released; the two credential
// structs have the same fields, so the adapter is a conversion.
type awsProvider struct{ p aws.CredentialsProvider }

func (a awsProvider) Retrieve(ctx context.Context) (options.AWSCredentials, error) {
	c, err := a.p.Retrieve(ctx)
	if err != nil {
		return options.AWSCredentials{}, err
	}
	return options.AWSCredentials(c), nil
}

// retrieved is a provider that returns credentials already fetched. Login hands
// the driver what it checked itself, with CanExpire off: the driver discards
// credentials its clock calls expired and silently tries its own chain
// (environment, IMDS…) instead, which would test someone else. The server is
// the judge of expiry; Diagnose explains its answer.
func retrieved(c aws.Credentials) aws.CredentialsProvider {
	c.CanExpire, c.Expires = false, time.Time{}
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return c, nil })
}
