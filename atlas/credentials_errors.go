package atlas

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNoCredentials means no Atlas API credentials were found anywhere; the caller
// may ask for them. Returned wrapped in *NoCredentialsError.
var ErrNoCredentials = errors.New("no Atlas Admin API credentials found")

// IsCredentialsProblem reports whether err is one of the credential-resolution
// errors below (missing, half-set, unknown profile, unusable profile, bad config,
// bad base URL): all of them map to the ATLAS_CREDENTIALS diagnosis.
func IsCredentialsProblem(err error) bool {
	var p credentialsProblem
	return errors.As(err, &p)
}

type credentialsProblem interface {
	error
	credentialsProblem()
}

// NoCredentialsError lists where credentials were looked for.
type NoCredentialsError struct {
	// ConfigPath is the Atlas CLI config file that was checked ("" if unknown).
	ConfigPath string
	// Profiles are the profiles in it, if any; with several and none named
	// "default", the user has to pick one.
	Profiles []string
	// BaseURL, OrgID and ProjectID are the settings found without credentials
	// (environment), for credentials the user then types.
	BaseURL, OrgID, ProjectID string
}

func (e *NoCredentialsError) Error() string {
	var b strings.Builder
	b.WriteString(ErrNoCredentials.Error())
	b.WriteString(": set MONGODB_ATLAS_PUBLIC_API_KEY and MONGODB_ATLAS_PRIVATE_API_KEY (or MONGODB_ATLAS_CLIENT_ID and MONGODB_ATLAS_CLIENT_SECRET)")
	switch {
	case len(e.Profiles) > 1:
		fmt.Fprintf(&b, ", or choose one of the Atlas CLI profiles in %s with --profile (%s)", e.ConfigPath, strings.Join(e.Profiles, ", "))
	case e.ConfigPath != "":
		fmt.Fprintf(&b, ", or create an Atlas CLI profile (`atlas config init`, stored in %s)", e.ConfigPath)
	}
	return b.String()
}

func (e *NoCredentialsError) Unwrap() error     { return ErrNoCredentials }
func (*NoCredentialsError) credentialsProblem() {}

// HalfSetError is one variable of a credential pair set without the other.
type HalfSetError struct {
	Set, Missing string // variable names
}

func (e *HalfSetError) Error() string {
	return fmt.Sprintf("%s is set but %s is not: set both, or unset %s", e.Set, e.Missing, e.Set)
}
func (*HalfSetError) credentialsProblem() {}

// UnknownProfileError is a --profile that the config file does not have.
type UnknownProfileError struct {
	Name        string
	RequestedBy string // "--profile" or "MONGODB_ATLAS_PROFILE"
	ConfigPath  string
	NoConfig    bool     // the config file does not exist
	Available   []string // sorted
}

func (e *UnknownProfileError) Error() string {
	head := fmt.Sprintf("Atlas CLI profile %q (from %s) not found", e.Name, e.RequestedBy)
	switch {
	case e.NoConfig:
		return fmt.Sprintf("%s: %s does not exist (create profiles with `atlas config init`)", head, e.ConfigPath)
	case len(e.Available) == 0:
		return fmt.Sprintf("%s: %s has no profiles", head, e.ConfigPath)
	}
	return fmt.Sprintf("%s in %s; profiles there: %s", head, e.ConfigPath, strings.Join(e.Available, ", "))
}
func (*UnknownProfileError) credentialsProblem() {}

// ConfigSyntaxError is a config.toml that is not valid TOML.
type ConfigSyntaxError struct {
	ConfigPath   string
	Line, Column int
	// Message is the parser's explanation; blanked when the line holds a secret,
	// because the parser quotes the offending text.
	Message string
}

func (e *ConfigSyntaxError) Error() string {
	return fmt.Sprintf("%s:%d:%d: not valid TOML: %s", e.ConfigPath, e.Line, e.Column, e.Message)
}
func (*ConfigSyntaxError) credentialsProblem() {}

// UnsupportedAuthError is a profile whose auth_type atlas-iam cannot use, such as
// "user_account" (browser login tokens from `atlas auth login`).
type UnsupportedAuthError struct {
	Profile, ConfigPath, AuthType string
}

func (e *UnsupportedAuthError) Error() string {
	if e.AuthType == "user_account" {
		return fmt.Sprintf("Atlas CLI profile %q (%s) holds a user-account login (auth_type = \"user_account\", from `atlas auth login`); "+
			"atlas-iam needs an API key or a service account: create one in Atlas (Organization → Access Manager → Applications) "+
			"and set MONGODB_ATLAS_PUBLIC_API_KEY/MONGODB_ATLAS_PRIVATE_API_KEY or MONGODB_ATLAS_CLIENT_ID/MONGODB_ATLAS_CLIENT_SECRET, "+
			"or use a profile made with `atlas config init`", e.Profile, e.ConfigPath)
	}
	return fmt.Sprintf("Atlas CLI profile %q (%s) has auth_type %q; atlas-iam supports \"api_keys\" and \"service_account\"", e.Profile, e.ConfigPath, e.AuthType)
}
func (*UnsupportedAuthError) credentialsProblem() {}

// KeyringProfileError is a profile whose secrets the Atlas CLI moved to the OS
// keyring (config version 2). atlas-iam does not read the keyring; the user exports
// the values instead.
type KeyringProfileError struct {
	Profile, ConfigPath string
	Kind                CredentialKind // "" when the profile does not say
	// Missing are the profile keys absent from the file, e.g. "private_api_key".
	Missing []string
	// Exports are the lines to run, with placeholders (and, where known, the
	// command that reads the keyring entry), e.g.
	// `export MONGODB_ATLAS_PRIVATE_API_KEY="<private key>"`.
	Exports []string
}

func (e *KeyringProfileError) Error() string {
	return fmt.Sprintf("Atlas CLI profile %q keeps %s in the operating system's keyring, not in %s; atlas-iam does not read the keyring: export them instead:\n  %s",
		e.Profile, strings.Join(e.Missing, " and "), e.ConfigPath, strings.Join(e.Exports, "\n  "))
}
func (*KeyringProfileError) credentialsProblem() {}

// IncompleteProfileError is a profile (config version 1) that lacks part of its
// credentials in the file.
type IncompleteProfileError struct {
	Profile, ConfigPath string
	Missing             []string
}

func (e *IncompleteProfileError) Error() string {
	return fmt.Sprintf("Atlas CLI profile %q in %s lacks %s", e.Profile, e.ConfigPath, strings.Join(e.Missing, " and "))
}
func (*IncompleteProfileError) credentialsProblem() {}

// BaseURLError is an unusable base URL or service setting.
type BaseURLError struct {
	Value  string // redacted of any user:password part
	Source string // e.g. "MONGODB_ATLAS_BASE_URL", `profile "default" ops_manager_url`
	Reason string
}

func (e *BaseURLError) Error() string {
	return fmt.Sprintf("invalid Atlas base URL %q from %s: %s", e.Value, e.Source, e.Reason)
}
func (*BaseURLError) credentialsProblem() {}
