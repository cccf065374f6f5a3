package connect

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Severity grades a connection-string finding.
type Severity string

const (
	SeverityError   Severity = "error"   // the login cannot work with this string
	SeverityWarning Severity = "warning" // it may work here, but breaks elsewhere or leaks
)

// URIFinding is one problem with a user's connection string.
type URIFinding struct {
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Fix      string   `json:"fix,omitempty"`
}

// URIReport is what CheckURI found. It never holds a secret: only the access
// key id of embedded credentials.
type URIReport struct {
	Findings []URIFinding `json:"findings,omitempty"`
	SRV      bool         `json:"srv"`
	Hosts    []string     `json:"hosts,omitempty"` // as written (the SRV name, or the seed list)
	// EmbeddedKeyID is the access key id of credentials embedded in the string.
	EmbeddedKeyID string `json:"embeddedKeyId,omitempty"`
	// Suggested is the same deployment as a clean MONGODB-AWS string, when
	// something was found and the string can be rebuilt.
	Suggested string `json:"suggested,omitempty"`
}

// OK reports whether nothing stops a MONGODB-AWS login with the string.
func (r URIReport) OK() bool {
	for _, f := range r.Findings {
		if f.Severity == SeverityError {
			return false
		}
	}
	return true
}

func (r *URIReport) add(s Severity, fix, format string, args ...any) {
	r.Findings = append(r.Findings, URIFinding{Severity: s, Message: fmt.Sprintf(format, args...), Fix: fix})
}

// CheckURI validates a user-given connection string (check mode's --uri) for
// MONGODB-AWS: the mechanism, authSource=$external, credentials in the string and
// their escaping, then the driver's own parser.
func CheckURI(uri string) URIReport {
	var r URIReport
	p, err := splitURI(uri)
	if err != nil {
		r.add(SeverityError, "", "%v", err)
		return r
	}
	r.SRV, r.Hosts = p.scheme == "mongodb+srv", strings.Split(p.hosts, ",")
	specific := checkCredentials(&r, p)

	switch mech, ok := p.option("authMechanism"); {
	case !ok:
		r.add(SeverityError, "add authMechanism=MONGODB-AWS",
			"no authMechanism: the driver would not use AWS IAM (SCRAM with a username, or no login at all)")
		specific = true
	case !strings.EqualFold(mech, mechanismAWS):
		r.add(SeverityError, "use authMechanism=MONGODB-AWS", "authMechanism is %s, not MONGODB-AWS", mech)
		specific = true
	}
	if src, ok := p.option("authSource"); ok && src != sourceExternal {
		why := ""
		if strings.EqualFold(src, "admin") {
			why = " (the Atlas \"standard\" string's authSource=admin is for password users)"
		}
		r.add(SeverityError, "use authSource=%24external",
			"authSource is %q%s: IAM users live in $external; the Go driver refuses the string, Node reports \"Invalid source\"", src, why)
		specific = true
	}

	if _, err := parseURI(uri); err != nil && !specific {
		r.add(SeverityError, "", "the MongoDB driver rejects the string: %v", err)
	}
	if s := p.awsURI(""); len(r.Findings) > 0 && s != uri {
		if _, err := parseURI(s); err == nil {
			r.Suggested = s
		}
	}
	return r
}

// checkCredentials reports credentials embedded in the string and the escaping
// mistakes that break them (notes: mongodb-aws §3.3, §5 #6 and #13). It returns
// whether it reported an error, which then explains any driver parse error.
func checkCredentials(r *URIReport, p uriParts) bool {
	isErr := false
	if p.userinfo != "" {
		user, pass, _ := strings.Cut(p.userinfo, ":")
		if id, err := url.PathUnescape(user); err == nil {
			r.EmbeddedKeyID = id
		}
		r.add(SeverityWarning, `remove them and export AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), or use mongosh --username "$AWS_ACCESS_KEY_ID" --password "$AWS_SECRET_ACCESS_KEY"`,
			"the string embeds AWS credentials: Node.js driver 7 rejects them for MONGODB-AWS, and secrets in a connection string end up in shell history and logs")
		if bad := unescaped(pass, "/:@+"); bad != "" {
			r.add(SeverityError, "percent-encode the secret (/ as %2F, : as %3A, @ as %40, + as %2B), or better, take it out of the string",
				"the secret key has unescaped %s: drivers fail to parse the string or read a different secret (\"+\" becomes a space in Python)", bad)
			isErr = true
		}
		if strings.Contains(user, "@") {
			r.add(SeverityError, "percent-encode @ as %40", "the user part has an unescaped @")
			isErr = true
		}
	}
	for _, o := range p.options {
		if !strings.EqualFold(o.key, "authMechanismProperties") {
			continue
		}
		if strings.Contains(o.value, "AWS_SESSION_TOKEN") {
			r.add(SeverityWarning, "export AWS_SESSION_TOKEN instead (mongosh: --awsIamSessionToken \"$AWS_SESSION_TOKEN\")",
				"the string embeds a session token (authMechanismProperties=AWS_SESSION_TOKEN:…); newer drivers no longer accept it")
		}
		if strings.Contains(o.value, "+") {
			r.add(SeverityError, "percent-encode + as %2B", "the session token has an unescaped \"+\", which drivers decode as a space: authentication fails")
			isErr = true
		}
	}
	return isErr
}

// unescaped lists which of chars occur raw in s, e.g. `"/" and "+"`.
func unescaped(s, chars string) string {
	var found []string
	for _, c := range chars {
		if strings.ContainsRune(s, c) {
			found = append(found, fmt.Sprintf("%q", string(c)))
		}
	}
	return strings.Join(found, " and ")
}

// CredentialsFromURI returns the AWS credentials embedded in a connection string
// (user = access key id, password = secret, AWS_SESSION_TOKEN property) as a
// provider, so check mode can test exactly the keys the user's string carries.
// ok is false when the string embeds none.
func CredentialsFromURI(uri string) (p aws.CredentialsProvider, ok bool, err error) {
	cs, err := parseURI(uri)
	if err != nil {
		return nil, false, err
	}
	if !cs.UsernameSet || cs.Username == "" {
		return nil, false, nil
	}
	c := aws.Credentials{AccessKeyID: cs.Username, SecretAccessKey: cs.Password, SessionToken: cs.AuthMechanismProperties["AWS_SESSION_TOKEN"], Source: "connection string"}
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return c, nil }), true, nil
}
