package atlas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// Secrets must not leak through any way a caller might print or serialise
// credentials, including when they sit inside another value.
func TestCredentialsNeverShowSecrets(t *testing.T) {
	api := NewAPIKeyCredentials("pubkey1", testPriv, "")
	sa := NewServiceAccountCredentials("mdb_sa_id_1", testSecret, "https://cloud.mongodb.com/")
	type holder struct {
		Exported Credentials
		hidden   Credentials
		Ptr      *Credentials
	}
	for _, c := range []Credentials{api, sa} {
		var outputs []string
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
			outputs = append(outputs, fmt.Sprintf(verb, c), fmt.Sprintf(verb, &c))
		}
		h := holder{Exported: c, hidden: c, Ptr: &c}
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			outputs = append(outputs, fmt.Sprintf(verb, h), fmt.Sprintf(verb, []Credentials{c}), fmt.Sprintf(verb, map[string]Credentials{"k": c}))
		}
		for _, v := range []any{c, &c, h, []Credentials{c}} {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			outputs = append(outputs, string(b))
		}
		var logBuf bytes.Buffer
		slog.New(slog.NewJSONHandler(&logBuf, nil)).Info("creds", "c", c)
		slog.New(slog.NewTextHandler(&logBuf, nil)).Info("creds", "c", c)
		outputs = append(outputs, logBuf.String())

		for _, out := range outputs {
			for _, secret := range []string{testPriv, testSecret} {
				if strings.Contains(out, secret) {
					t.Errorf("secret leaked in %q", out)
				}
			}
		}
		// The non-secret id must still be visible: redaction must not hide everything.
		if s := fmt.Sprint(c); !strings.Contains(s, c.ID()) {
			t.Errorf("String() = %q lacks the id %q", s, c.ID())
		}
		if !c.HasSecret() {
			t.Error("HasSecret() = false")
		}
	}
	if sa.BaseURL != CloudURL {
		t.Errorf("BaseURL = %q, want trailing slash trimmed", sa.BaseURL)
	}
}
