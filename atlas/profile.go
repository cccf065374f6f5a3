package atlas

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// The Atlas CLI's config file is os.UserConfigDir()/atlascli/config.toml: top-level
// settings (version, telemetry_enabled, …) and one table per profile.

// defaultProfile is the profile the Atlas CLI uses when none is named.
const defaultProfile = "default"

// secretProfileKeys are the profile keys the Atlas CLI treats as secrets (and moves
// to the OS keyring from config version 2 on).
var secretProfileKeys = []string{"public_api_key", "private_api_key", "access_token", "refresh_token", "client_id", "client_secret"}

// cliConfig is a parsed config.toml.
type cliConfig struct {
	path     string // as shown to people
	version  int64
	profiles map[string]map[string]any
}

// readCLIConfig parses the file at path; it returns nil, nil when there is no file.
// display is the path as shown to people (also in errors).
func readCLIConfig(path, display string) (*cliConfig, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read Atlas CLI config %s: %w", display, err)
	}
	return parseCLIConfig(display, string(data))
}

func parseCLIConfig(path, data string) (*cliConfig, error) {
	var raw map[string]any
	if _, err := toml.Decode(data, &raw); err != nil {
		return nil, syntaxError(path, data, err)
	}
	cfg := &cliConfig{path: path, profiles: map[string]map[string]any{}}
	for k, v := range raw {
		switch v := v.(type) {
		case map[string]any:
			cfg.profiles[k] = v
		case int64:
			if k == "version" {
				cfg.version = v
			}
		}
	}
	return cfg, nil
}

// syntaxError turns a TOML parse error into a ConfigSyntaxError that never quotes
// a secret: the parser echoes the offending text, so on a secret's line the
// message is replaced.
func syntaxError(path, data string, err error) error {
	var pe toml.ParseError
	if !errors.As(err, &pe) {
		return &ConfigSyntaxError{ConfigPath: path, Message: "cannot be parsed"}
	}
	// Position.Line counts a newline the parser stopped at as the next line; the
	// byte offset gives the line a person would look at.
	line := pe.Position.Line
	if start := pe.Position.Start; start >= 0 && start <= len(data) {
		line = strings.Count(data[:start], "\n") + 1
	}
	msg := pe.Message
	lastKey := pe.LastKey[strings.LastIndex(pe.LastKey, ".")+1:]
	if isSecretKey(lastKey) || isSecretKey(keyOnLine(data, line)) {
		msg = "the value on this line is malformed (not shown: it is a secret)"
	}
	return &ConfigSyntaxError{ConfigPath: path, Line: line, Column: pe.Position.Col, Message: msg}
}

func keyOnLine(data string, line int) string {
	lines := strings.Split(data, "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	k, _, ok := strings.Cut(lines[line-1], "=")
	if !ok {
		return ""
	}
	return strings.Trim(strings.TrimSpace(k), `"'`)
}

func isSecretKey(k string) bool { return slices.Contains(secretProfileKeys, k) }

// names returns the profile names, sorted.
func (c *cliConfig) names() []string {
	out := make([]string, 0, len(c.profiles))
	for n := range c.profiles {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// selectProfile applies the Atlas CLI's rules: the requested name, else "default",
// else the only profile. It returns "" when nothing is selected.
func (c *cliConfig) selectProfile(requested, requestedBy string) (string, error) {
	if requested != "" {
		if _, ok := c.profiles[requested]; !ok {
			return "", &UnknownProfileError{Name: requested, RequestedBy: requestedBy, ConfigPath: c.path, Available: c.names()}
		}
		return requested, nil
	}
	if _, ok := c.profiles[defaultProfile]; ok {
		return defaultProfile, nil
	}
	if len(c.profiles) == 1 {
		return c.names()[0], nil
	}
	return "", nil
}

// get returns a profile's string setting, trimmed; non-strings read as "".
func (c *cliConfig) get(profile, key string) string {
	s, _ := c.profiles[profile][key].(string)
	return strings.TrimSpace(s)
}

// profileCredentials reads the credentials of one profile, in the Atlas CLI's
// auth_type terms, and explains precisely why a profile cannot be used.
func (c *cliConfig) profileCredentials(name string) (kind CredentialKind, id, secret string, err error) {
	authType := c.get(name, "auth_type")
	has := func(k string) bool { return c.get(name, k) != "" }
	if authType == "" { // older profiles: infer from what is there
		switch {
		case has("client_id") || has("client_secret"):
			authType = "service_account"
		case has("public_api_key") || has("private_api_key"):
			authType = "api_keys"
		case has("access_token") || has("refresh_token"):
			authType = "user_account"
		}
	}
	var idKey, secretKey string
	switch authType {
	case "api_keys":
		kind, idKey, secretKey = APIKey, "public_api_key", "private_api_key"
	case "service_account":
		kind, idKey, secretKey = ServiceAccount, "client_id", "client_secret"
	case "":
		// Nothing in the file says how to log in.
		if c.version >= 2 {
			return "", "", "", c.keyringError(name, "", nil)
		}
		return "", "", "", &IncompleteProfileError{Profile: name, ConfigPath: c.path, Missing: []string{"public_api_key and private_api_key (or client_id and client_secret)"}}
	default:
		return "", "", "", &UnsupportedAuthError{Profile: name, ConfigPath: c.path, AuthType: authType}
	}
	var missing []string
	for _, k := range []string{idKey, secretKey} {
		if !has(k) {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		if c.version >= 2 {
			return "", "", "", c.keyringError(name, kind, missing)
		}
		return "", "", "", &IncompleteProfileError{Profile: name, ConfigPath: c.path, Missing: missing}
	}
	return kind, c.get(name, idKey), c.get(name, secretKey), nil
}

// keyringError explains how to export what the keyring holds. The Atlas CLI stores
// each secret under keyring service "atlascli_<profile>", user "<property>"
// (zalando/go-keyring); the read commands below follow that layout (unverified on
// a live keyring).
func (c *cliConfig) keyringError(name string, kind CredentialKind, missing []string) error {
	type pair struct{ env, prop, placeholder string }
	apiKeys := []pair{{"MONGODB_ATLAS_PUBLIC_API_KEY", "public_api_key", "<public key>"}, {"MONGODB_ATLAS_PRIVATE_API_KEY", "private_api_key", "<private key>"}}
	sa := []pair{{"MONGODB_ATLAS_CLIENT_ID", "client_id", "<client id>"}, {"MONGODB_ATLAS_CLIENT_SECRET", "client_secret", "<client secret>"}}
	var exports []string
	add := func(ps []pair) {
		for _, p := range ps {
			secret := p.prop == "private_api_key" || p.prop == "client_secret"
			exports = append(exports, exportLine(p.env, c.get(name, p.prop), secret, name, p.prop, p.placeholder))
		}
	}
	switch kind {
	case APIKey:
		add(apiKeys)
	case ServiceAccount:
		add(sa)
	default:
		missing = []string{"public_api_key", "private_api_key"}
		add(apiKeys)
		exports = append(exports, "# or, for a service account:")
		add(sa)
	}
	return &KeyringProfileError{Profile: name, ConfigPath: c.path, Kind: kind, Missing: missing, Exports: exports}
}

// keyringReadCommand is the shell command that prints a keyring entry, where the
// platform has a standard one.
func keyringReadCommand(profile, prop string) string {
	service := "atlascli_" + profile
	switch runtime.GOOS {
	case "linux":
		return fmt.Sprintf("secret-tool lookup service %s username %s", service, prop)
	case "darwin":
		return fmt.Sprintf("security find-generic-password -s %s -a %s -w", service, prop)
	}
	return ""
}

// exportLine shows a non-secret value as is (it is in the file), and otherwise a
// placeholder or the command that reads it from the keyring.
func exportLine(env, value string, secret bool, profile, prop, placeholder string) string {
	if value != "" && !secret {
		return fmt.Sprintf("export %s=%q", env, value)
	}
	if cmd := keyringReadCommand(profile, prop); cmd != "" {
		return fmt.Sprintf(`export %s="$(%s)"`, env, cmd)
	}
	return fmt.Sprintf("export %s=%q", env, placeholder)
}
