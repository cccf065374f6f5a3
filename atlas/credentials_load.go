package atlas

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Environment variables read, as the Atlas CLI names them.
const (
	EnvClientID       = "MONGODB_ATLAS_CLIENT_ID"
	EnvClientSecret   = "MONGODB_ATLAS_CLIENT_SECRET"
	EnvPublicKey      = "MONGODB_ATLAS_PUBLIC_API_KEY"
	EnvPrivateKey     = "MONGODB_ATLAS_PRIVATE_API_KEY"
	EnvOpsManagerURL  = "MONGODB_ATLAS_OPS_MANAGER_URL"
	EnvBaseURL        = "MONGODB_ATLAS_BASE_URL"
	EnvService        = "MONGODB_ATLAS_SERVICE"
	EnvOrgID          = "MONGODB_ATLAS_ORG_ID"
	EnvProjectID      = "MONGODB_ATLAS_PROJECT_ID"
	EnvProfile        = "MONGODB_ATLAS_PROFILE"
	cliConfigDirName  = "atlascli"
	cliConfigFileName = "config.toml"
)

// CredentialOptions say where to look. Zero values mean the real environment.
type CredentialOptions struct {
	// Profile is the --profile value ("" = the Atlas CLI's default rules).
	Profile string
	// Getenv replaces os.Getenv (tests).
	Getenv func(string) string
	// ConfigDir replaces os.UserConfigDir(); the file is ConfigDir/atlascli/config.toml.
	ConfigDir string
	// HomeDir shortens paths shown to people to "~/…"; default os.UserHomeDir().
	HomeDir string
}

// LoadCredentials finds Atlas Admin API credentials with the Atlas CLI's
// precedence: service-account env vars, then API-key env vars, then the Atlas CLI
// profile (--profile, else MONGODB_ATLAS_PROFILE, else "default", else the only
// profile). Base URL, service, org and project come from the environment first,
// then from the selected profile (also when the credentials came from the
// environment, as the Atlas CLI merges settings key by key).
//
// Errors are typed (see IsCredentialsProblem); none of them contains a secret.
func LoadCredentials(ctx context.Context, opts CredentialOptions) (Credentials, error) {
	if err := ctx.Err(); err != nil {
		return Credentials{}, err
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	env := func(k string) string { return strings.TrimSpace(getenv(k)) }

	creds, fromEnv, err := envCredentials(env)
	if err != nil {
		return Credentials{}, err
	}

	requested, requestedBy := opts.Profile, "--profile"
	if requested == "" {
		// Inferred from the Atlas CLI's viper AutomaticEnv binding (unverified).
		requested, requestedBy = env(EnvProfile), EnvProfile
	}

	path, display := cliConfigPath(opts)
	var cfg *cliConfig
	if path != "" {
		cfg, err = readCLIConfig(path, display)
		// Complete credentials in the environment do not need the file: unless a
		// profile was asked for, a broken file only means its settings (org,
		// project, base URL) are not applied.
		if err != nil && (!fromEnv || requested != "") {
			return Credentials{}, err
		}
	}

	profile := ""
	switch {
	case cfg != nil:
		if profile, err = cfg.selectProfile(requested, requestedBy); err != nil {
			return Credentials{}, err
		}
	case requested != "":
		return Credentials{}, &UnknownProfileError{Name: requested, RequestedBy: requestedBy, ConfigPath: display, NoConfig: true}
	}

	if !fromEnv {
		if profile == "" {
			nc := &NoCredentialsError{ConfigPath: display, OrgID: env(EnvOrgID), ProjectID: env(EnvProjectID)}
			if cfg != nil {
				nc.Profiles = cfg.names()
			}
			if nc.BaseURL, err = resolveBaseURL(env, cfg, ""); err != nil {
				return Credentials{}, err
			}
			return Credentials{}, nc
		}
		kind, id, secret, err := cfg.profileCredentials(profile)
		if err != nil {
			return Credentials{}, err
		}
		creds = Credentials{Kind: kind, secret: &secretValue{secret}}
		if kind == ServiceAccount {
			creds.ClientID = id
		} else {
			creds.PublicKey = id
		}
		creds.Source = fmt.Sprintf("Atlas CLI profile %q in %s", profile, display)
	}
	if profile != "" {
		creds.Profile = profile
	}

	setting := func(envKey, profileKey string) string {
		if v := env(envKey); v != "" {
			return v
		}
		if profile != "" {
			return cfg.get(profile, profileKey)
		}
		return ""
	}
	creds.OrgID = setting(EnvOrgID, "org_id")
	creds.ProjectID = setting(EnvProjectID, "project_id")
	if creds.BaseURL, err = resolveBaseURL(env, cfg, profile); err != nil {
		return Credentials{}, err
	}
	return creds, nil
}

// envCredentials reads the two env pairs; a half-set pair is an error rather than a
// silent fall-through to the next source.
func envCredentials(env func(string) string) (Credentials, bool, error) {
	pairs := []struct {
		kind          CredentialKind
		idVar, secVar string
		setID         func(*Credentials, string)
	}{
		{ServiceAccount, EnvClientID, EnvClientSecret, func(c *Credentials, v string) { c.ClientID = v }},
		{APIKey, EnvPublicKey, EnvPrivateKey, func(c *Credentials, v string) { c.PublicKey = v }},
	}
	for _, p := range pairs {
		id, sec := env(p.idVar), env(p.secVar)
		switch {
		case id != "" && sec == "":
			return Credentials{}, false, &HalfSetError{Set: p.idVar, Missing: p.secVar}
		case id == "" && sec != "":
			return Credentials{}, false, &HalfSetError{Set: p.secVar, Missing: p.idVar}
		case id != "":
			c := Credentials{Kind: p.kind, Source: "environment (" + p.idVar + ")", secret: &secretValue{sec}}
			p.setID(&c, id)
			return c, true, nil
		}
	}
	return Credentials{}, false, nil
}

// resolveBaseURL: MONGODB_ATLAS_OPS_MANAGER_URL, MONGODB_ATLAS_BASE_URL, the
// profile's ops_manager_url / base_url, then the service (env, profile).
func resolveBaseURL(env func(string) string, cfg *cliConfig, profile string) (string, error) {
	type candidate struct{ value, source string }
	cands := []candidate{{env(EnvOpsManagerURL), EnvOpsManagerURL}, {env(EnvBaseURL), EnvBaseURL}}
	if profile != "" {
		cands = append(cands,
			candidate{cfg.get(profile, "ops_manager_url"), fmt.Sprintf("profile %q ops_manager_url", profile)},
			candidate{cfg.get(profile, "base_url"), fmt.Sprintf("profile %q base_url", profile)})
	}
	for _, c := range cands {
		if c.value != "" {
			return validateBaseURL(c.value, c.source)
		}
	}
	if s := env(EnvService); s != "" {
		return serviceBaseURL(s, EnvService)
	}
	if profile != "" {
		return serviceBaseURL(cfg.get(profile, "service"), fmt.Sprintf("profile %q service", profile))
	}
	return CloudURL, nil
}

// cliConfigPath returns the config file path and its "~/…" form for people.
func cliConfigPath(opts CredentialOptions) (path, display string) {
	dir := opts.ConfigDir
	if dir == "" {
		d, err := os.UserConfigDir()
		if err != nil {
			return "", ""
		}
		dir = d
	}
	path = filepath.Join(dir, cliConfigDirName, cliConfigFileName)
	home := opts.HomeDir
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	display = path
	if home != "" {
		if rel, err := filepath.Rel(home, path); err == nil && !strings.HasPrefix(rel, "..") {
			display = filepath.Join("~", rel)
		}
	}
	return path, display
}
