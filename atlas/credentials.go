package atlas

import (
	"encoding/json"
	"fmt"
	"log/slog"
)

// CredentialKind is how a client authenticates to the Atlas Admin API.
type CredentialKind string

const (
	// APIKey is a programmatic API key pair, sent with HTTP digest authentication.
	APIKey CredentialKind = "api_key"
	// ServiceAccount is an OAuth client (client-credentials flow).
	ServiceAccount CredentialKind = "service_account"
)

// Default Atlas Admin API base URLs.
const (
	CloudURL    = "https://cloud.mongodb.com"
	CloudGovURL = "https://cloud.mongodbgov.com"
)

// Credentials are resolved Atlas Admin API credentials with their settings.
//
// The secret half (private key or client secret) is unexported and redacted from
// String, GoString, JSON and slog output; only this package's client reads it.
type Credentials struct {
	Kind CredentialKind
	// PublicKey is the API key's public key (Kind APIKey). Not a secret.
	PublicKey string
	// ClientID is the service account's client id (Kind ServiceAccount). Not a secret.
	ClientID string
	// BaseURL is the Atlas Admin API root, without a trailing slash.
	BaseURL string
	// Source tells a person where the credentials came from, e.g.
	// `environment (MONGODB_ATLAS_PUBLIC_API_KEY)`.
	Source string
	// Profile is the Atlas CLI profile read, if any (also when only its settings were used).
	Profile string
	// OrgID and ProjectID are the defaults from the environment or the profile.
	OrgID, ProjectID string

	// secret is behind a pointer so that even a reflective dump of a struct holding
	// Credentials in an unexported field prints an address, not the value.
	secret *secretValue
}

type secretValue struct{ v string }

const redacted = "[REDACTED]"

// NewAPIKeyCredentials builds API-key credentials (for callers that already hold
// the pair, e.g. the sandbox). baseURL "" means CloudURL.
func NewAPIKeyCredentials(publicKey, privateKey, baseURL string) Credentials {
	return Credentials{Kind: APIKey, PublicKey: publicKey, BaseURL: baseURLOrDefault(baseURL), Source: "given", secret: &secretValue{privateKey}}
}

// NewServiceAccountCredentials builds service-account credentials. baseURL "" means CloudURL.
func NewServiceAccountCredentials(clientID, clientSecret, baseURL string) Credentials {
	return Credentials{Kind: ServiceAccount, ClientID: clientID, BaseURL: baseURLOrDefault(baseURL), Source: "given", secret: &secretValue{clientSecret}}
}

func baseURLOrDefault(u string) string {
	if u == "" {
		return CloudURL
	}
	return trimSlash(u)
}

// ID is the non-secret identifier: the public key or the client id.
func (c Credentials) ID() string {
	if c.Kind == ServiceAccount {
		return c.ClientID
	}
	return c.PublicKey
}

// HasSecret reports whether the secret half is present.
func (c Credentials) HasSecret() bool { return c.secret != nil && c.secret.v != "" }

func (c Credentials) secretString() string {
	if c.secret == nil {
		return ""
	}
	return c.secret.v
}

// String describes the credentials without the secret.
func (c Credentials) String() string {
	id := "public key " + c.PublicKey
	if c.Kind == ServiceAccount {
		id = "client id " + c.ClientID
	}
	return fmt.Sprintf("%s %s (secret %s) for %s from %s", c.Kind, id, redacted, c.BaseURL, c.Source)
}

// GoString keeps %#v from dumping the secret.
func (c Credentials) GoString() string {
	return fmt.Sprintf("atlas.Credentials{Kind:%q, PublicKey:%q, ClientID:%q, BaseURL:%q, Source:%q, Profile:%q, OrgID:%q, ProjectID:%q, secret:%s}",
		c.Kind, c.PublicKey, c.ClientID, c.BaseURL, c.Source, c.Profile, c.OrgID, c.ProjectID, redacted)
}

// credentialsJSON is the public JSON shape (what `--json` may show).
type credentialsJSON struct {
	Kind      CredentialKind `json:"kind"`
	PublicKey string         `json:"publicKey,omitempty"`
	ClientID  string         `json:"clientId,omitempty"`
	BaseURL   string         `json:"baseUrl"`
	Source    string         `json:"source"`
	Profile   string         `json:"profile,omitempty"`
	OrgID     string         `json:"orgId,omitempty"`
	ProjectID string         `json:"projectId,omitempty"`
}

// MarshalJSON leaves the secret out.
func (c Credentials) MarshalJSON() ([]byte, error) {
	return json.Marshal(credentialsJSON{c.Kind, c.PublicKey, c.ClientID, c.BaseURL, c.Source, c.Profile, c.OrgID, c.ProjectID})
}

// LogValue keeps the secret out of slog records.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("kind", string(c.Kind)),
		slog.String("id", c.ID()),
		slog.String("baseUrl", c.BaseURL),
		slog.String("source", c.Source),
	)
}

func (s *secretValue) String() string   { return redacted }
func (s *secretValue) GoString() string { return redacted }

// MarshalJSON keeps the value out even if a secretValue is ever serialised.
func (s *secretValue) MarshalJSON() ([]byte, error) { return json.Marshal(redacted) }
