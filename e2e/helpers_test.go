package e2e

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// The sandbox account's principals, as ARNs users type and Atlas registers.
const (
	appRoleARN        = "arn:aws:iam::" + world.AccountID + ":role/" + world.RoleApp
	lambdaRoleARN     = "arn:aws:iam::" + world.AccountID + ":role/" + world.RoleLambda
	lambdaRoleFullARN = "arn:aws:iam::" + world.AccountID + ":role/service-role/" + world.RoleLambda
	devUserARN        = "arn:aws:iam::" + world.AccountID + ":user/" + world.UserDev
	appSessionPrefix  = "arn:aws:sts::" + world.AccountID + ":assumed-role/" + world.RoleApp + "/"
	appSessionsUser   = appSessionPrefix + "*" // how Atlas names every session of the app role
)

// diagnosisDoc is a diagnosis as the --json documents carry it.
type diagnosisDoc struct {
	Code     string   `json:"code"`
	Summary  string   `json:"summary"`
	Evidence []string `json:"evidence"`
	Fix      []string `json:"fix"`
}

// setupDoc is the part of the `setup --json` document (success or failure) the
// tests rely on. It is declared here, not taken from steps, so a renamed field
// breaks the test as it would break a user's script.
type setupDoc struct {
	OK        bool `json:"ok"`
	Principal struct {
		ARN         string `json:"arn"`
		FullRoleARN string `json:"fullRoleArn"`
	} `json:"principal"`
	User struct {
		Action string `json:"action"`
	} `json:"user"`
	Tested *struct {
		ARN string `json:"arn"`
		Via string `json:"via"`
	} `json:"tested"`
	Login *struct {
		User string `json:"user"`
		DB   string `json:"db"`
	} `json:"login"`
	ConnectionString string `json:"connectionString"`
	Snippets         []struct {
		Lang string `json:"lang"`
		Code string `json:"code"`
	} `json:"snippets"`
	CheckCommand string          `json:"checkCommand"`
	Warnings     []*diagnosisDoc `json:"warnings"`
	// Failure documents.
	Diagnosis *diagnosisDoc `json:"diagnosis"`
	ExitCode  *int          `json:"exitCode"`
}

// snippet returns the driver snippet for lang ("go", "nodejs", …).
func (d setupDoc) snippet(t *testing.T, lang string) string {
	t.Helper()
	for _, s := range d.Snippets {
		if s.Lang == lang {
			return s.Code
		}
	}
	t.Fatalf("setup --json has no %s snippet", lang)
	return ""
}

// warning returns the warning with the code, or nil.
func (d setupDoc) warning(code string) *diagnosisDoc {
	for _, w := range d.Warnings {
		if w != nil && w.Code == code {
			return w
		}
	}
	return nil
}

// decode parses a command's stdout as one JSON document.
func decode(t *testing.T, o outcome, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(o.stdout))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("stdout is not a JSON document: %v\n%s", err, o)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON document:\n%s", o)
	}
}

// writeAttempts counts every Atlas API write request, served or not (a digest
// challenge is the first half of an attempted write): "nothing was written"
// means nothing was even tried.
func (e *env) writeAttempts() int {
	n := 0
	for _, r := range e.sb.World().APIRequests() {
		if r.Write() {
			n++
		}
	}
	return n
}

// servedWrites returns the Atlas API write requests that were served after the
// first `from` requests of the log.
func (e *env) servedWrites(from int) []world.APIRequest {
	var out []world.APIRequest
	for _, r := range e.sb.World().APIRequests()[from:] {
		if r.Write() && r.Principal != "" {
			out = append(out, r)
		}
	}
	return out
}

// dbUser returns the primary project's $external user, failing if it is missing.
func (e *env) dbUser(username string) admin.CloudDatabaseUser {
	e.t.Helper()
	u, ok := e.sb.World().DBUser(e.sb.World().PrimaryProject().ID, "$external", username)
	if !ok {
		e.t.Fatalf("no $external user %s; users: %v", username, e.users())
	}
	return u
}

// roleSpecs renders a user's roles as ROLE@DB, sorted.
func roleSpecs(u admin.CloudDatabaseUser) []string {
	var out []string
	for _, r := range u.GetRoles() {
		out = append(out, r.RoleName+"@"+r.DatabaseName)
	}
	slices.Sort(out)
	return out
}

// sameSet reports whether got holds exactly the strings of want, in any order.
func sameSet(got, want []string) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}

// secretForms are the ways a secret can show up in output: as is and
// URL-escaped (a secret key's "/" and "+", a token's "=" in a connection string).
// JSON escaping is undone by decoding the documents.
func secretForms(s string) []string {
	return []string{s, url.QueryEscape(s), url.PathEscape(s)}
}

// leakedSecret returns a description of the first world secret text holds, in
// any of its forms, or "".
func (e *env) leakedSecret(text string) string {
	for _, s := range e.sb.World().Secrets() {
		if len(s) < 8 {
			continue
		}
		for _, f := range secretForms(s) {
			if strings.Contains(text, f) {
				return fmt.Sprintf("a secret (%d chars, starting %q)", len(s), s[:4])
			}
		}
	}
	return ""
}

// noSecretsInTree fails the test if any file under dir holds a world secret.
// It returns how many files it read.
func (e *env) noSecretsInTree(dir string) int {
	e.t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		if leak := e.leakedSecret(string(b)); leak != "" {
			e.t.Errorf("%s holds %s", path, leak)
		}
		return nil
	})
	if err != nil {
		e.t.Fatalf("walk %s: %v", dir, err)
	}
	return n
}
