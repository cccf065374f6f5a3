package atlas

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	testPriv   = "1c0ffee0-aaaa-bbbb-cccc-secretprivate"
	testSecret = "mdb_sa_sk_topsecretclientsecretvalue"
)

// credEnv is a fake environment for LoadCredentials.
func credEnv(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// writeCLIConfig puts config.toml where CredentialOptions.ConfigDir expects it and
// returns the options (home = the temp dir, so paths display as ~/…).
func writeCLIConfig(t *testing.T, content string) CredentialOptions {
	t.Helper()
	home := t.TempDir()
	cfgDir := filepath.Join(home, ".config")
	if content != "" {
		if err := os.MkdirAll(filepath.Join(cfgDir, "atlascli"), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(cfgDir, "atlascli", "config.toml"), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return CredentialOptions{ConfigDir: cfgDir, HomeDir: home}
}

const cfgDisplay = "~/.config/atlascli/config.toml"

func TestLoadCredentials(t *testing.T) {
	apiEnv := map[string]string{EnvPublicKey: "envpub", EnvPrivateKey: testPriv}
	saEnv := map[string]string{EnvClientID: "mdb_sa_id_env", EnvClientSecret: testSecret}
	merge := func(ms ...map[string]string) map[string]string {
		out := map[string]string{}
		for _, m := range ms {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}
	defaultProfile := `
[default]
  public_api_key = "profpub"
  private_api_key = "` + testPriv + `"
  org_id = "org-from-profile"
  project_id = "proj-from-profile"
`
	tests := []struct {
		name    string
		env     map[string]string
		config  string
		profile string

		wantKind    CredentialKind
		wantID      string
		wantSecret  string
		wantBaseURL string
		wantSource  string
		wantOrg     string
		wantProject string
		wantProfile string

		wantErr            func(error) bool
		wantErrContains    []string
		wantErrNotContains []string
	}{
		{
			name: "service account env wins over API key env and profile",
			env:  merge(apiEnv, saEnv), config: defaultProfile,
			wantKind: ServiceAccount, wantID: "mdb_sa_id_env", wantSecret: testSecret, wantBaseURL: CloudURL,
			wantSource: "environment (MONGODB_ATLAS_CLIENT_ID)", wantOrg: "org-from-profile", wantProject: "proj-from-profile", wantProfile: "default",
		},
		{
			name: "API key env wins over profile",
			env:  apiEnv, config: defaultProfile,
			wantKind: APIKey, wantID: "envpub", wantSecret: testPriv, wantBaseURL: CloudURL,
			wantSource: "environment (MONGODB_ATLAS_PUBLIC_API_KEY)", wantOrg: "org-from-profile", wantProject: "proj-from-profile", wantProfile: "default",
		},
		{
			name:     "env org and project override the profile's",
			env:      merge(apiEnv, map[string]string{EnvOrgID: "org-env", EnvProjectID: "proj-env"}),
			config:   defaultProfile,
			wantKind: APIKey, wantID: "envpub", wantSecret: testPriv, wantBaseURL: CloudURL,
			wantSource: "environment (MONGODB_ATLAS_PUBLIC_API_KEY)", wantOrg: "org-env", wantProject: "proj-env", wantProfile: "default",
		},
		{
			name:            "client id without secret",
			env:             map[string]string{EnvClientID: "mdb_sa_id_x"},
			wantErr:         func(err error) bool { var e *HalfSetError; return errors.As(err, &e) && e.Missing == EnvClientSecret },
			wantErrContains: []string{"MONGODB_ATLAS_CLIENT_ID is set but MONGODB_ATLAS_CLIENT_SECRET is not"},
		},
		{
			name:               "private key without public key, even with a usable profile",
			env:                map[string]string{EnvPrivateKey: testPriv},
			config:             defaultProfile,
			wantErr:            func(err error) bool { var e *HalfSetError; return errors.As(err, &e) && e.Set == EnvPrivateKey },
			wantErrContains:    []string{"MONGODB_ATLAS_PRIVATE_API_KEY is set but MONGODB_ATLAS_PUBLIC_API_KEY is not"},
			wantErrNotContains: []string{testPriv},
		},
		{
			name: "blank env values count as unset",
			env:  map[string]string{EnvPublicKey: "  ", EnvPrivateKey: ""}, config: defaultProfile,
			wantKind: APIKey, wantID: "profpub", wantSecret: testPriv, wantBaseURL: CloudURL,
			wantSource: `Atlas CLI profile "default" in ` + cfgDisplay, wantOrg: "org-from-profile", wantProject: "proj-from-profile", wantProfile: "default",
		},
		{
			name: "the only profile is used when none is named default",
			config: `[work]
public_api_key = "workpub"
private_api_key = "` + testPriv + `"`,
			wantKind: APIKey, wantID: "workpub", wantSecret: testPriv, wantBaseURL: CloudURL,
			wantSource: `Atlas CLI profile "work" in ` + cfgDisplay, wantProfile: "work",
		},
		{
			name: "--profile picks a named profile over default",
			config: defaultProfile + `
[other]
auth_type = "service_account"
client_id = "mdb_sa_id_other"
client_secret = "` + testSecret + `"`,
			profile:  "other",
			wantKind: ServiceAccount, wantID: "mdb_sa_id_other", wantSecret: testSecret, wantBaseURL: CloudURL,
			wantSource: `Atlas CLI profile "other" in ` + cfgDisplay, wantProfile: "other",
		},
		{
			name: "MONGODB_ATLAS_PROFILE picks a profile",
			env:  map[string]string{EnvProfile: "other"},
			config: defaultProfile + `
[other]
public_api_key = "otherpub"
private_api_key = "` + testPriv + `"`,
			wantKind: APIKey, wantID: "otherpub", wantSecret: testPriv, wantBaseURL: CloudURL,
			wantSource: `Atlas CLI profile "other" in ` + cfgDisplay, wantProfile: "other",
		},
		{
			name:            "unknown --profile lists the profiles that exist",
			config:          defaultProfile + "\n[staging]\npublic_api_key = \"s\"\nprivate_api_key = \"p\"\n",
			profile:         "prod",
			wantErr:         func(err error) bool { var e *UnknownProfileError; return errors.As(err, &e) },
			wantErrContains: []string{`"prod"`, "default, staging", cfgDisplay},
		},
		{
			name:            "--profile without a config file",
			profile:         "prod",
			wantErr:         func(err error) bool { var e *UnknownProfileError; return errors.As(err, &e) && e.NoConfig },
			wantErrContains: []string{"does not exist"},
		},
		{
			name:            "several profiles, none default: no credentials, with the choices",
			config:          "[a]\npublic_api_key = \"x\"\nprivate_api_key = \"y\"\n[b]\npublic_api_key = \"x\"\nprivate_api_key = \"y\"\n",
			wantErr:         func(err error) bool { return errors.Is(err, ErrNoCredentials) },
			wantErrContains: []string{"--profile", "a, b"},
		},
		{
			name:            "nothing anywhere",
			wantErr:         func(err error) bool { return errors.Is(err, ErrNoCredentials) && IsCredentialsProblem(err) },
			wantErrContains: []string{"MONGODB_ATLAS_PUBLIC_API_KEY", "atlas config init"},
		},
		{
			name:            "garbled TOML names file and line",
			config:          "version = 2\n[default\norg_id = \"x\"\n",
			wantErr:         func(err error) bool { var e *ConfigSyntaxError; return errors.As(err, &e) && e.Line == 2 },
			wantErrContains: []string{cfgDisplay + ":2:"},
		},
		{
			name:               "garbled TOML on a secret's line does not echo it",
			config:             "[default]\npublic_api_key = \"p\"\nprivate_api_key = " + testPriv + "\n",
			wantErr:            func(err error) bool { var e *ConfigSyntaxError; return errors.As(err, &e) && e.Line == 3 },
			wantErrContains:    []string{"not shown"},
			wantErrNotContains: []string{"1c0ffee0", testPriv},
		},
		{
			name: "env credentials survive a garbled file when no profile is asked for",
			env:  apiEnv, config: "[default\n",
			wantKind: APIKey, wantID: "envpub", wantSecret: testPriv, wantBaseURL: CloudURL,
			wantSource: "environment (MONGODB_ATLAS_PUBLIC_API_KEY)",
		},
		{
			name:   "user_account profile is refused with an explanation",
			config: "version = 2\n[default]\nauth_type = \"user_account\"\norg_id = \"o\"\n",
			wantErr: func(err error) bool {
				var e *UnsupportedAuthError
				return errors.As(err, &e) && e.AuthType == "user_account"
			},
			wantErrContains: []string{"user_account", "API key or a service account"},
		},
		{
			name:               "legacy profile with only tokens is a user account",
			config:             "[default]\naccess_token = \"eyJtoken\"\nrefresh_token = \"r\"\n",
			wantErr:            func(err error) bool { var e *UnsupportedAuthError; return errors.As(err, &e) },
			wantErrNotContains: []string{"eyJtoken"},
		},
		{
			name:   "keyring-backed API key profile says how to export",
			config: "version = 2\n[default]\nauth_type = \"api_keys\"\norg_id = \"o\"\nservice = \"cloud\"\n",
			wantErr: func(err error) bool {
				var e *KeyringProfileError
				return errors.As(err, &e) && e.Kind == APIKey && len(e.Missing) == 2
			},
			wantErrContains: []string{"keyring", "export MONGODB_ATLAS_PUBLIC_API_KEY=", "export MONGODB_ATLAS_PRIVATE_API_KEY="},
		},
		{
			name:   "keyring-backed service account keeps the client id it has",
			config: "version = 2\n[default]\nauth_type = \"service_account\"\nclient_id = \"mdb_sa_id_k\"\n",
			wantErr: func(err error) bool {
				var e *KeyringProfileError
				return errors.As(err, &e) && e.Kind == ServiceAccount && len(e.Missing) == 1 && e.Missing[0] == "client_secret"
			},
			wantErrContains: []string{`export MONGODB_ATLAS_CLIENT_ID="mdb_sa_id_k"`, "export MONGODB_ATLAS_CLIENT_SECRET="},
		},
		{
			name:            "version 1 profile missing its private key",
			config:          "[default]\npublic_api_key = \"p\"\n",
			wantErr:         func(err error) bool { var e *IncompleteProfileError; return errors.As(err, &e) },
			wantErrContains: []string{"private_api_key"},
		},
		{
			name:            "unknown auth_type",
			config:          "[default]\nauth_type = \"magic\"\n",
			wantErr:         func(err error) bool { var e *UnsupportedAuthError; return errors.As(err, &e) && e.AuthType == "magic" },
			wantErrContains: []string{`"magic"`},
		},
		{
			name:     "base URL: OPS_MANAGER_URL beats BASE_URL and the profile",
			env:      merge(apiEnv, map[string]string{EnvOpsManagerURL: "https://om.example.com/", EnvBaseURL: "https://base.example.com"}),
			config:   defaultProfile + "ops_manager_url = \"https://profile.example.com\"\n",
			wantKind: APIKey, wantID: "envpub", wantSecret: testPriv, wantBaseURL: "https://om.example.com",
			wantSource: "environment (MONGODB_ATLAS_PUBLIC_API_KEY)", wantOrg: "org-from-profile", wantProject: "proj-from-profile", wantProfile: "default",
		},
		{
			name:     "base URL: BASE_URL beats the profile",
			env:      merge(apiEnv, map[string]string{EnvBaseURL: "https://base.example.com"}),
			config:   defaultProfile + "ops_manager_url = \"https://profile.example.com\"\n",
			wantKind: APIKey, wantID: "envpub", wantSecret: testPriv, wantBaseURL: "https://base.example.com",
			wantSource: "environment (MONGODB_ATLAS_PUBLIC_API_KEY)", wantOrg: "org-from-profile", wantProject: "proj-from-profile", wantProfile: "default",
		},
		{
			name:     "base URL: profile ops_manager_url beats base_url and service",
			config:   defaultProfile + "ops_manager_url = \"https://om.profile.example.com\"\nbase_url = \"https://b.example.com\"\nservice = \"cloudgov\"\n",
			wantKind: APIKey, wantID: "profpub", wantSecret: testPriv, wantBaseURL: "https://om.profile.example.com",
			wantSource: `Atlas CLI profile "default" in ` + cfgDisplay, wantOrg: "org-from-profile", wantProject: "proj-from-profile", wantProfile: "default",
		},
		{
			name:     "cloudgov service profile",
			config:   defaultProfile + "service = \"cloudgov\"\n",
			wantKind: APIKey, wantID: "profpub", wantSecret: testPriv, wantBaseURL: CloudGovURL,
			wantSource: `Atlas CLI profile "default" in ` + cfgDisplay, wantOrg: "org-from-profile", wantProject: "proj-from-profile", wantProfile: "default",
		},
		{
			name:     "MONGODB_ATLAS_SERVICE=cloudgov with env keys",
			env:      merge(apiEnv, map[string]string{EnvService: "cloudgov"}),
			wantKind: APIKey, wantID: "envpub", wantSecret: testPriv, wantBaseURL: CloudGovURL,
			wantSource: "environment (MONGODB_ATLAS_PUBLIC_API_KEY)",
		},
		{
			name:            "unknown service",
			config:          defaultProfile + "service = \"cloudx\"\n",
			wantErr:         func(err error) bool { var e *BaseURLError; return errors.As(err, &e) },
			wantErrContains: []string{"cloudgov"},
		},
		{
			name:            "invalid base URL scheme",
			env:             merge(apiEnv, map[string]string{EnvBaseURL: "ftp://cloud.mongodb.com"}),
			wantErr:         func(err error) bool { var e *BaseURLError; return errors.As(err, &e) && e.Source == EnvBaseURL },
			wantErrContains: []string{"https://"},
		},
		{
			name:               "base URL with a password is refused and redacted",
			env:                merge(apiEnv, map[string]string{EnvBaseURL: "https://bob:hunter2pw@cloud.mongodb.com"}),
			wantErr:            func(err error) bool { var e *BaseURLError; return errors.As(err, &e) },
			wantErrNotContains: []string{"hunter2pw"},
		},
		{
			name:            "plain http to a remote host is refused",
			env:             merge(apiEnv, map[string]string{EnvBaseURL: "http://cloud.mongodb.com"}),
			wantErr:         func(err error) bool { var e *BaseURLError; return errors.As(err, &e) },
			wantErrContains: []string{"loopback"},
		},
		{
			name:     "plain http to loopback is fine (sandbox)",
			env:      merge(saEnv, map[string]string{EnvBaseURL: "http://127.0.0.1:8080/"}),
			wantKind: ServiceAccount, wantID: "mdb_sa_id_env", wantSecret: testSecret, wantBaseURL: "http://127.0.0.1:8080",
			wantSource: "environment (MONGODB_ATLAS_CLIENT_ID)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := writeCLIConfig(t, tt.config)
			opts.Getenv = credEnv(tt.env)
			opts.Profile = tt.profile
			got, err := LoadCredentials(context.Background(), opts)
			if tt.wantErr != nil {
				if err == nil || !tt.wantErr(err) {
					t.Fatalf("err = %T %v; want a different error", err, err)
				}
				if !IsCredentialsProblem(err) {
					t.Errorf("IsCredentialsProblem(%T) = false", err)
				}
				for _, s := range tt.wantErrContains {
					if !strings.Contains(err.Error(), s) {
						t.Errorf("error %q lacks %q", err, s)
					}
				}
				for _, s := range append(tt.wantErrNotContains, testPriv, testSecret) {
					if strings.Contains(err.Error(), s) {
						t.Errorf("error %q contains %q", err, s)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadCredentials: %v", err)
			}
			checks := []struct{ field, got, want string }{
				{"Kind", string(got.Kind), string(tt.wantKind)},
				{"ID", got.ID(), tt.wantID},
				{"secret", got.secretString(), tt.wantSecret},
				{"BaseURL", got.BaseURL, tt.wantBaseURL},
				{"Source", got.Source, tt.wantSource},
				{"OrgID", got.OrgID, tt.wantOrg},
				{"ProjectID", got.ProjectID, tt.wantProject},
				{"Profile", got.Profile, tt.wantProfile},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
				}
			}
		})
	}
}

func TestLoadCredentialsHonoursCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	opts := writeCLIConfig(t, "")
	opts.Getenv = credEnv(map[string]string{EnvPublicKey: "p", EnvPrivateKey: testPriv})
	if _, err := LoadCredentials(ctx, opts); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
