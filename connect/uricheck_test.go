package connect

import (
	"context"
	"strings"
	"testing"
)

func TestCheckURI(t *testing.T) {
	const (
		host   = "mongodb+srv://cluster0.abcde.mongodb.net/"
		good   = host + "?authSource=%24external&authMechanism=MONGODB-AWS"
		secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
		token  = "IQoJb3JpZ2luX2Vj+abc/def=="
	)
	tests := []struct {
		name      string
		uri       string
		ok        bool
		mentions  []string // each in some finding
		suggested string
		keyID     string
	}{
		{name: "good", uri: good, ok: true},
		{name: "authSource missing is fine (defaults to $external)", uri: host + "?authMechanism=MONGODB-AWS", ok: true},
		{name: "authSource=admin from the standard string", uri: host + "?authSource=admin&authMechanism=MONGODB-AWS",
			mentions: []string{`authSource is "admin"`, "standard"}, suggested: good},
		{name: "no authMechanism", uri: host + "?authSource=%24external&retryWrites=true",
			mentions: []string{"no authMechanism"}, suggested: host + "?retryWrites=true&authSource=%24external&authMechanism=MONGODB-AWS"},
		{name: "another mechanism", uri: host + "?authMechanism=SCRAM-SHA-256", mentions: []string{"SCRAM-SHA-256"}, suggested: good},
		{name: "escaped embedded keys only warn", uri: "mongodb+srv://AKIAEXAMPLE:" + strings.NewReplacer("/", "%2F", "+", "%2B").Replace(secret) + "@cluster0.abcde.mongodb.net/?authMechanism=MONGODB-AWS",
			ok: true, mentions: []string{"Node.js driver 7"}, suggested: good, keyID: "AKIAEXAMPLE"},
		{name: "unescaped / and + in the secret", uri: "mongodb+srv://AKIAEXAMPLE:" + secret + "@cluster0.abcde.mongodb.net/?authMechanism=MONGODB-AWS",
			mentions: []string{`unescaped "/" and "+"`}, suggested: good, keyID: "AKIAEXAMPLE"},
		{name: "unescaped : in the secret", uri: "mongodb://AKIAEXAMPLE:ab:cd@h.example.net/?authMechanism=MONGODB-AWS",
			mentions: []string{`unescaped ":"`}, keyID: "AKIAEXAMPLE",
			suggested: "mongodb://h.example.net/?authSource=%24external&authMechanism=MONGODB-AWS"},
		{name: "raw + in the session token", uri: "mongodb://AKIAEXAMPLE:abc@h.example.net/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:" + token,
			mentions: []string{"embeds a session token", `unescaped "+"`}, keyID: "AKIAEXAMPLE",
			suggested: "mongodb://h.example.net/?authSource=%24external&authMechanism=MONGODB-AWS"},
		{name: "driver rule: SRV with a port", uri: "mongodb+srv://cluster0.abcde.mongodb.net:27017/?authMechanism=MONGODB-AWS",
			mentions: []string{"must not include a port"}},
		{name: "not a MongoDB string", uri: "https://cloud.mongodb.com", mentions: []string{"must start with"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := CheckURI(tc.uri)
			if r.OK() != tc.ok {
				t.Errorf("OK = %v, want %v; findings %+v", r.OK(), tc.ok, r.Findings)
			}
			var all strings.Builder
			for _, f := range r.Findings {
				all.WriteString(f.Message + " | " + f.Fix + "\n")
			}
			for _, m := range tc.mentions {
				if !strings.Contains(all.String(), m) {
					t.Errorf("no finding mentions %q:\n%s", m, all.String())
				}
			}
			if r.Suggested != tc.suggested {
				t.Errorf("suggested %q, want %q", r.Suggested, tc.suggested)
			}
			if r.EmbeddedKeyID != tc.keyID {
				t.Errorf("key id %q, want %q", r.EmbeddedKeyID, tc.keyID)
			}
			for _, s := range []string{secret, token, "ab:cd"} {
				if strings.Contains(all.String()+r.Suggested, s) {
					t.Errorf("report repeats the secret %q", s)
				}
			}
		})
	}
}

func TestCredentialsFromURI(t *testing.T) {
	p, ok, err := CredentialsFromURI("mongodb://AKIAEXAMPLE:s%2Fe%2Bc@h.example.net/?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:t%2Bk")
	if err != nil || !ok {
		t.Fatalf("ok %v err %v", ok, err)
	}
	c, err := p.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.AccessKeyID != "AKIAEXAMPLE" || c.SecretAccessKey != "s/e+c" || c.SessionToken != "t+k" {
		t.Errorf("got %s / %s / %s", c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
	}
	if _, ok, err := CredentialsFromURI("mongodb://h.example.net/?authMechanism=MONGODB-AWS"); ok || err != nil {
		t.Errorf("no credentials: ok %v err %v", ok, err)
	}
}
