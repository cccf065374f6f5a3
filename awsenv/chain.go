package awsenv

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// DefaultRegion is used for STS when nothing configures a region, because STS
// refuses requests without one (notes §1, "Missing Region").
const DefaultRegion = "us-east-1"

// imdsRegionTimeout bounds the region lookup from instance metadata.
const imdsRegionTimeout = 2 * time.Second

// ChainOptions choose how the AWS default credential chain is loaded.
type ChainOptions struct {
	// Profile is the AWS profile (from --aws-profile), not an Atlas CLI profile.
	// Set, it wins over environment keys as in the AWS CLI; empty, the SDK uses
	// AWS_PROFILE, then "default".
	Profile string
	// Region overrides AWS_REGION, AWS_DEFAULT_REGION and the profile's region.
	Region string
	// Platform is where the application runs: on EC2 a missing region is read from
	// the instance metadata, and error messages name the platform's role.
	Platform Platform
	// HTTPClient, if set, carries every AWS request made through the chain.
	HTTPClient *http.Client
}

// Chain is the one AWS configuration the wizard uses: its credentials provider
// answers STS and IAM here and is handed, unchanged, to the MongoDB driver.
type Chain struct {
	cfg      aws.Config
	profile  string
	platform Platform
	// Region is the region STS and IAM calls are signed for.
	Region string
	// RegionNote says where Region came from when it was not configured ("" when it was).
	RegionNote string
	// listRolesPageSize sets iam:ListRoles MaxItems (0: the service default); tests
	// lower it to exercise paging.
	listRolesPageSize int32
}

// LoadChain resolves the default credential chain once (config.LoadDefaultConfig).
// It does not fetch credentials; call Check next. Load failures (a missing profile,
// IRSA without AWS_ROLE_ARN, a container credentials URL on a forbidden host) come
// back as *CredentialError.
func LoadChain(ctx context.Context, opts ChainOptions) (*Chain, error) {
	base := []func(*config.LoadOptions) error{}
	if opts.Profile != "" {
		base = append(base, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.Region != "" {
		base = append(base, config.WithRegion(opts.Region))
	}
	if opts.HTTPClient != nil {
		base = append(base, config.WithHTTPClient(opts.HTTPClient))
	}
	load := func(ctx context.Context, extra ...func(*config.LoadOptions) error) (aws.Config, error) {
		return config.LoadDefaultConfig(ctx, append(append([]func(*config.LoadOptions) error{}, base...), extra...)...)
	}

	cfg, err := load(ctx)
	if err != nil {
		return nil, loadError(err, opts)
	}
	c := &Chain{platform: opts.Platform}
	if cfg.Region == "" && opts.Platform == EC2 {
		// Nothing sets a region on EC2 by default. The SDK reads it from IMDS only
		// when asked, and a failing lookup fails the whole load: so try, and on
		// failure fall through to the default.
		rctx, cancel := context.WithTimeout(ctx, imdsRegionTimeout)
		withIMDS, err := load(rctx, config.WithEC2IMDSRegion())
		cancel()
		if err == nil && withIMDS.Region != "" {
			cfg = withIMDS
			c.RegionNote = "region " + cfg.Region + " read from the EC2 instance metadata"
		}
	}
	if cfg.Region == "" {
		// Reload rather than patch cfg.Region: providers built during loading (web
		// identity, profile role_arn) hold their own STS client with the region.
		cfg, err = load(ctx, config.WithRegion(DefaultRegion))
		if err != nil {
			return nil, loadError(err, opts)
		}
		c.RegionNote = "no region configured (AWS_REGION, AWS_DEFAULT_REGION or the profile); using " + DefaultRegion + " for STS"
	}
	c.cfg, c.Region, c.profile = cfg, cfg.Region, effectiveProfile(cfg, opts.Profile)
	return c, nil
}

// effectiveProfile is the profile the SDK used, for messages such as
// "aws sso login --profile X".
func effectiveProfile(cfg aws.Config, explicit string) string {
	if explicit != "" {
		return explicit
	}
	for _, s := range cfg.ConfigSources {
		if sc, ok := s.(config.SharedConfig); ok && sc.Profile != "" {
			return sc.Profile
		}
	}
	return "default"
}

// Config returns the loaded configuration, for building AWS clients that must use
// the same credentials.
func (c *Chain) Config() aws.Config { return c.cfg.Copy() }

// Provider is the credentials provider to share with STS, IAM and the driver.
func (c *Chain) Provider() aws.CredentialsProvider { return c.cfg.Credentials }

// Profile is the AWS profile the chain read ("default" unless one was chosen).
func (c *Chain) Profile() string { return c.profile }

// Sources is the chain's breadcrumb trail, known before any credentials are
// fetched, e.g. ["ProfileSSO", "SSO"].
func (c *Chain) Sources() []string { return sourceNamesOf(providerSources(c.cfg.Credentials)) }

// CredentialInfo describes retrieved credentials without their secret parts.
type CredentialInfo struct {
	Source      string    `json:"source"`            // Retrieve().Source, e.g. "SharedConfigCredentials: /home/u/.aws/credentials"
	Sources     []string  `json:"sources,omitempty"` // ProviderSources() by name
	AccessKeyID string    `json:"accessKeyId"`       // never the secret
	Temporary   bool      `json:"temporary"`         // has a session token
	Expires     time.Time `json:"expires,omitzero"`  // zero when they do not expire or it is unknown
	AccountID   string    `json:"accountId,omitempty"`
	Profile     string    `json:"profile,omitempty"` // set when the credentials come from an AWS profile
}

// Check retrieves the credentials, as the driver will, and describes them. It must
// run before anything else uses the provider: the driver silently falls back to its
// own chain when a custom provider fails. Failures are *CredentialError.
func (c *Chain) Check(ctx context.Context) (CredentialInfo, error) {
	return c.retrieve(ctx, c.cfg.Credentials)
}

func (c *Chain) retrieve(ctx context.Context, p aws.CredentialsProvider) (CredentialInfo, error) {
	srcs := providerSources(p)
	if p == nil {
		return CredentialInfo{}, &CredentialError{Problem: NoCredentials, Source: "the AWS default chain", Profile: c.profile,
			Err: errors.New("no credentials provider was configured")}
	}
	creds, err := p.Retrieve(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return CredentialInfo{}, fmt.Errorf("retrieve AWS credentials: %w", ctx.Err())
		}
		return CredentialInfo{}, classifyRetrieveError(err, srcs, c.profile, c.platform)
	}
	info := CredentialInfo{
		Source:      creds.Source,
		Sources:     sourceNamesOf(srcs),
		AccessKeyID: creds.AccessKeyID,
		Temporary:   creds.SessionToken != "",
		AccountID:   creds.AccountID,
	}
	if fromProfile(srcs) {
		info.Profile = c.profile
	}
	if creds.CanExpire {
		info.Expires = creds.Expires
	}
	return info, nil
}
