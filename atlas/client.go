package atlas

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/mongodb-forks/digest"
	"go.mongodb.org/atlas-sdk/v20250312010/admin"
	"go.mongodb.org/atlas-sdk/v20250312010/auth"
)

// ClientOptions tune a Client. The zero value is ready to use.
type ClientOptions struct {
	// Version goes into the User-Agent, "atlas-iam/<version>". Default "dev".
	Version string
	// Retry bounds retries of idempotent requests.
	Retry RetryPolicy
	// Transport is the network transport under authentication (tests, proxies).
	// Default: a clone of http.DefaultTransport.
	Transport http.RoundTripper
	// TokenTimeout bounds one OAuth token request. Default 30s. (The oauth2 library
	// fetches tokens with the client's construction context, not the request's.)
	TokenTimeout time.Duration
}

// Client is an authenticated Atlas Admin API client. Its methods are thin wrappers
// over the SDK; errors come back as *Error or *UnreachableError wrapped with the
// operation. Safe for concurrent use.
type Client struct {
	sdk     *admin.APIClient
	http    *http.Client // the authenticated, retrying client the SDK uses
	baseURL string
	ua      string
}

// NewClient builds a client for creds. ctx only supplies values (never its
// cancellation) to the OAuth token source, which outlives this call.
func NewClient(ctx context.Context, creds Credentials, opts ClientOptions) (*Client, error) {
	if !creds.HasSecret() || creds.ID() == "" {
		return nil, fmt.Errorf("atlas client: %w", &NoCredentialsError{})
	}
	baseURL, err := validateBaseURL(baseURLOrDefault(creds.BaseURL), "credentials")
	if err != nil {
		return nil, err
	}
	version := opts.Version
	if version == "" {
		version = "dev"
	}
	c := &Client{baseURL: baseURL, ua: "atlas-iam/" + version}
	base := opts.Transport
	if base == nil {
		base = http.DefaultTransport.(*http.Transport).Clone()
	}
	base = &userAgentTransport{next: base, userAgent: c.ua}

	mods := []admin.ClientModifier{admin.UseBaseURL(baseURL), admin.UseUserAgent(c.ua)}
	switch creds.Kind {
	case APIKey:
		mods = append(mods, admin.UseDigestAuth(creds.PublicKey, creds.secretString()), func(cfg *admin.Configuration) error {
			// UseDigestAuth puts http.DefaultTransport under digest; use ours.
			dt, ok := cfg.HTTPClient.Transport.(*digest.Transport)
			if !ok {
				return errors.New("unexpected digest transport")
			}
			dt.Transport = base
			return nil
		})
	case ServiceAccount:
		// Carrying our own HTTP client in the context stops UseOAuthAuth from
		// replacing http.DefaultClient's transport; WithoutCancel keeps token
		// refreshes working after the caller's context ends.
		tokenTimeout := opts.TokenTimeout
		if tokenTimeout <= 0 {
			tokenTimeout = 30 * time.Second
		}
		tokenClient := &http.Client{Transport: base, Timeout: tokenTimeout}
		octx := context.WithValue(context.WithoutCancel(ctx), auth.HTTPClient, tokenClient)
		mods = append(mods, admin.UseOAuthAuth(octx, creds.ClientID, creds.secretString()))
	default:
		return nil, fmt.Errorf("atlas client: unknown credential kind %q", creds.Kind)
	}
	policy := opts.Retry.withDefaults()
	mods = append(mods, func(cfg *admin.Configuration) error {
		if cfg.HTTPClient == nil || cfg.HTTPClient.Transport == nil {
			return errors.New("authentication transport missing")
		}
		c.http = &http.Client{Transport: &retryTransport{next: cfg.HTTPClient.Transport, policy: policy}}
		cfg.HTTPClient = c.http
		return nil
	})
	if c.sdk, err = admin.NewClient(mods...); err != nil {
		return nil, fmt.Errorf("atlas client: %w", err)
	}
	return c, nil
}

// BaseURL is the API root the client talks to.
func (c *Client) BaseURL() string { return c.baseURL }

// SDK exposes the underlying atlas-sdk client for operations not wrapped here.
func (c *Client) SDK() *admin.APIClient { return c.sdk }
