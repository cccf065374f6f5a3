package connect

import (
	"bytes"
	"embed"
	"fmt"
	"strings"
	"text/template"
)

// Language is a driver snippet's programming language.
type Language string

const (
	LangGo     Language = "go"
	LangNodeJS Language = "nodejs"
	LangPython Language = "python"
	LangJava   Language = "java"
)

// Languages lists every language Snippet writes, in display order.
func Languages() []Language { return []Language{LangGo, LangNodeJS, LangPython, LangJava} }

// File is the file name a snippet is meant to be saved as.
func (l Language) File() string {
	switch l {
	case LangGo:
		return "main.go"
	case LangNodeJS:
		return "login.js"
	case LangPython:
		return "login.py"
	case LangJava:
		return "AtlasIamLogin.java"
	}
	return ""
}

//go:embed snippets/*.tmpl
var snippetFiles embed.FS

// snippetData fills a template. URI and Profile are already string literals of
// the target language.
type snippetData struct {
	URI     string
	Profile string
	RunNote []string
}

// Snippet is a complete small program in the given language that logs in with
// MONGODB-AWS through the driver, pings, and prints the user connectionStatus
// reports. The connection string must be a credential-free MONGODB-AWS string
// (from ConnectionString); credentials come from the AWS SDK chain as c says.
func Snippet(lang Language, uri string, c Credentials) (string, error) {
	if err := checkOutputURI(uri); err != nil {
		return "", err
	}
	if err := c.validate(); err != nil {
		return "", err
	}
	if lang.File() == "" {
		return "", fmt.Errorf("no snippet for language %q", lang)
	}
	t, err := template.ParseFS(snippetFiles, "snippets/"+string(lang)+".tmpl")
	if err != nil {
		return "", fmt.Errorf("%s snippet: %w", lang, err)
	}
	d := snippetData{URI: quoteLiteral(uri), RunNote: runNote(lang, c)}
	if c.Mode == CredentialsProfile {
		d.Profile = quoteLiteral(c.Profile)
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return "", fmt.Errorf("%s snippet: %w", lang, err)
	}
	return b.String(), nil
}

// runNote tells, in the snippet's header, where the credentials must be. The
// first line is empty so the note stands apart.
func runNote(lang Language, c Credentials) []string {
	switch c.Mode {
	case CredentialsKeys:
		return []string{"", "Run it with the IAM user's keys exported: AWS_ACCESS_KEY_ID and", "AWS_SECRET_ACCESS_KEY (never in the connection string)."}
	case CredentialsSession:
		return []string{"", "Run it with the temporary keys exported: AWS_ACCESS_KEY_ID,", "AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (never in the connection string)."}
	case CredentialsProfile:
		how := "It reads the AWS profile named below"
		if lang != LangGo {
			how += " unless AWS_PROFILE is set"
		}
		return []string{"", how + "; for SSO run", "\"aws sso login\" first."}
	}
	return []string{"", "Run it on the compute platform (Lambda, ECS, EC2, EKS): the AWS SDK finds", "the role's temporary credentials by itself."}
}

// quoteLiteral writes s as a double-quoted string literal that Go, JavaScript,
// Python and Java all read the same way. checkOutputURI and validate already
// limit s to printable characters; only \ and " need escaping.
func quoteLiteral(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
