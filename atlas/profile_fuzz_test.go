package atlas

import (
	"strings"
	"testing"
)

// The config parser never panics, and its syntax errors point at a real line.
func FuzzParseCLIConfig(f *testing.F) {
	for _, s := range []string{
		"version = 2\n[default]\nauth_type = \"api_keys\"\n",
		"[default\n",
		"[a]\npublic_api_key = x\n",
		"[a]\n[a]\n",
		"version = \"two\"\n[p]\nservice = 1\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		cfg, err := parseCLIConfig("config.toml", data)
		if err != nil {
			se, ok := err.(*ConfigSyntaxError)
			if !ok {
				t.Fatalf("error %T", err)
			}
			if se.Line < 1 || se.Line > strings.Count(data, "\n")+1 {
				t.Fatalf("line %d outside the %q", se.Line, data)
			}
			return
		}
		for _, name := range cfg.names() {
			_, _, _, _ = cfg.profileCredentials(name)
		}
		_, _ = cfg.selectProfile("", "")
	})
}
