package connect

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const testURI = "mongodb+srv://cluster0.abcde.mongodb.net/?authSource=%24external&authMechanism=MONGODB-AWS&appName=atlas-iam"

func TestMongoshCommand(t *testing.T) {
	q := "'" + testURI + "'"
	tests := []struct {
		c    Credentials
		want string
	}{
		{Credentials{Mode: CredentialsPlatform}, "mongosh " + q},
		{Credentials{Mode: CredentialsKeys}, "mongosh " + q + ` --username "$AWS_ACCESS_KEY_ID" --password "$AWS_SECRET_ACCESS_KEY"`},
		{Credentials{Mode: CredentialsSession}, "mongosh " + q + ` --username "$AWS_ACCESS_KEY_ID" --password "$AWS_SECRET_ACCESS_KEY" --awsIamSessionToken "$AWS_SESSION_TOKEN"`},
		{Credentials{Mode: CredentialsProfile, Profile: "dev-sso"}, "AWS_PROFILE=dev-sso mongosh " + q},
		{Credentials{Mode: CredentialsProfile, Profile: "o'brien$(x)"}, `AWS_PROFILE='o'\''brien$(x)' mongosh ` + q},
	}
	for _, tc := range tests {
		got, err := MongoshCommand(testURI, tc.c)
		if err != nil {
			t.Fatalf("%+v: %v", tc.c, err)
		}
		if got != tc.want {
			t.Errorf("%+v:\ngot  %s\nwant %s", tc.c, got, tc.want)
		}
		if strings.Contains(got, "--awsAccessKeyId") || strings.Contains(got, "--awsSecretAccessKey") {
			t.Errorf("%s uses the FLE/KMS flags", got)
		}
	}
}

func TestMongoshCommandRefuses(t *testing.T) {
	for name, tc := range map[string]struct {
		uri string
		c   Credentials
	}{
		"credentials in the URI": {"mongodb+srv://AKIAEXAMPLE:c2VjcmV0@cluster0.abcde.mongodb.net/?authMechanism=MONGODB-AWS", Credentials{Mode: CredentialsKeys}},
		"session token in the URI": {"mongodb://AKIAEXAMPLE:c2VjcmV0@h.example.net/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:tok",
			Credentials{Mode: CredentialsSession}},
		"not MONGODB-AWS":           {"mongodb+srv://cluster0.abcde.mongodb.net/", Credentials{Mode: CredentialsPlatform}},
		"profile without a name":    {testURI, Credentials{Mode: CredentialsProfile}},
		"profile name with a space": {testURI, Credentials{Mode: CredentialsProfile, Profile: "a b"}},
		"unknown mode":              {testURI, Credentials{Mode: "magic"}},
		"raw space in the string":   {"mongodb://h.example.net/?authMechanism=MONGODB-AWS&appName=a b", Credentials{Mode: CredentialsPlatform}},
	} {
		if got, err := MongoshCommand(tc.uri, tc.c); err == nil {
			t.Errorf("%s: got %s, want an error", name, got)
		}
	}
}

// TestMongoshCommandInShell runs each command through a real POSIX shell with a
// fake mongosh that prints what it receives: the URI must arrive intact, the
// secrets only by expansion of the variables, and the profile as AWS_PROFILE.
func TestMongoshCommandInShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	fake := "#!/bin/sh\nprintf '%s\\n' \"profile=$AWS_PROFILE\"\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n"
	if err := os.WriteFile(filepath.Join(dir, "mongosh"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	const secret, token = "wJalr/K7MDENG+bPx'$(id)\"", "IQoJ+tok/en=="
	env := append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"), "AWS_ACCESS_KEY_ID=ASIAEXAMPLE",
		"AWS_SECRET_ACCESS_KEY="+secret, "AWS_SESSION_TOKEN="+token, "AWS_PROFILE=")
	uri := testURI + "&readPreferenceTags=dc:ny,rack:1"
	tests := []struct {
		c    Credentials
		want []string
	}{
		{Credentials{Mode: CredentialsPlatform}, []string{"profile=", uri}},
		{Credentials{Mode: CredentialsSession}, []string{"profile=", uri, "--username", "ASIAEXAMPLE", "--password", secret, "--awsIamSessionToken", token}},
		{Credentials{Mode: CredentialsProfile, Profile: "o'brien$(x)"}, []string{"profile=o'brien$(x)", uri}},
	}
	for _, tc := range tests {
		cmd, err := MongoshCommand(uri, tc.c)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(cmd, secret) || strings.Contains(cmd, token) {
			t.Fatalf("command holds a secret: %s", cmd)
		}
		run := exec.Command(sh, "-c", cmd)
		run.Env = env
		out, err := run.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", cmd, err, out)
		}
		if got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n"); !slices.Equal(got, tc.want) {
			t.Errorf("%s\nreceived %q\nwant     %q", cmd, got, tc.want)
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"arn:aws:iam::123456789012:role/app": "arn:aws:iam::123456789012:role/app",
		"readWrite@app.orders":               "readWrite@app.orders",
		"":                                   "''",
		"a b":                                "'a b'",
		"it's":                               `'it'\''s'`,
		"$HOME":                              "'$HOME'",
		"=cmd":                               "'=cmd'",
		"x?y&z":                              "'x?y&z'",
		"~root":                              "'~root'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}
