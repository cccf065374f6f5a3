package connect

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// The two options every MONGODB-AWS connection string carries, in the form Atlas
// documents ("$" percent-encoded so no shell or template expands it).
const (
	mechanismAWS     = "MONGODB-AWS"
	sourceExternal   = "$external"
	authSourceOption = "authSource=%24external"
	mechanismOption  = "authMechanism=" + mechanismAWS
)

// Deployment is where to connect, as the Atlas Admin API describes it. The first
// non-empty field wins.
type Deployment struct {
	// StandardSrv is connectionStrings.standardSrv of a cluster or flex cluster
	// (or a private endpoint's srvConnectionString when the user picked private
	// networking).
	StandardSrv string
	// Standard is connectionStrings.standard: a seed list that embeds
	// ssl=true, authSource=admin (removed here) and replicaSet.
	Standard string
	// Host is a federated database instance's hostname (hostnames[0]), optionally
	// with a port; such instances are reached with mongodb://HOST/?ssl=true.
	Host string
}

// ConnectionString builds the MONGODB-AWS connection string for a deployment:
// authSource=$external and authMechanism=MONGODB-AWS, no credentials, the base
// string's other options kept in order, and appName when one is given (replacing
// any in the base). The result is checked with the driver's own parser.
func ConnectionString(d Deployment, appName string) (string, error) {
	base := d.StandardSrv
	if base == "" {
		base = d.Standard
	}
	if base == "" && d.Host != "" {
		if strings.ContainsAny(d.Host, "/?@,") || strings.Contains(d.Host, "://") {
			return "", fmt.Errorf("federated host %q: want a bare host name", d.Host)
		}
		base = "mongodb://" + d.Host + "/?ssl=true"
	}
	if base == "" {
		return "", errors.New("deployment has no connection string and no host name")
	}
	p, err := splitURI(base)
	if err != nil {
		return "", err
	}
	uri := p.awsURI(appName)
	if _, err := parseURI(uri); err != nil {
		return "", fmt.Errorf("connection string for %s: %w", p.hosts, err)
	}
	return uri, nil
}

// uriParts is a connection string cut into its raw (still percent-encoded) pieces.
type uriParts struct {
	scheme   string // "mongodb" or "mongodb+srv"
	userinfo string // "" when absent; never copied into an output
	hosts    string // comma-separated seed list, or the SRV name
	db       string // the path after the first "/"
	options  []uriOption
}

type uriOption struct{ key, value string }

// splitURI cuts a connection string the way the driver does, leniently: it never
// fails on the credential part (which it only sets aside), so a URI with a
// badly-escaped secret can still be turned into a clean one.
func splitURI(s string) (uriParts, error) {
	var p uriParts
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok || (scheme != "mongodb" && scheme != "mongodb+srv") {
		return p, errors.New(`connection string must start with "mongodb://" or "mongodb+srv://"`)
	}
	p.scheme = scheme
	head, query, _ := strings.Cut(rest, "?")
	if at := strings.LastIndex(head, "@"); at >= 0 {
		p.userinfo, head = head[:at], head[at+1:]
	}
	p.hosts, p.db, _ = strings.Cut(head, "/")
	if p.hosts == "" {
		return p, errors.New("connection string has no host")
	}
	for _, pair := range strings.FieldsFunc(query, func(r rune) bool { return r == '&' || r == ';' }) {
		k, v, _ := strings.Cut(pair, "=")
		p.options = append(p.options, uriOption{k, v})
	}
	return p, nil
}

// option returns the decoded value of the last occurrence of key (case-insensitive).
func (p uriParts) option(key string) (string, bool) {
	var val string
	var found bool
	for _, o := range p.options {
		if strings.EqualFold(o.key, key) {
			v, err := url.QueryUnescape(o.value)
			if err != nil {
				v = o.value
			}
			val, found = v, true
		}
	}
	return val, found
}

// awsURI rebuilds the parts as a MONGODB-AWS connection string. Auth options are
// dropped (authSource=admin from a standard string, another mechanism, an
// AWS_SESSION_TOKEN property, which is a secret) and so are credentials.
func (p uriParts) awsURI(appName string) string {
	var b strings.Builder
	b.WriteString(p.scheme + "://" + p.hosts + "/" + p.db + "?")
	for _, o := range p.options {
		switch strings.ToLower(o.key) {
		case "authsource", "authmechanism", "authmechanismproperties":
			continue
		case "appname":
			if appName != "" {
				continue
			}
		}
		b.WriteString(o.key + "=" + o.value + "&")
	}
	b.WriteString(authSourceOption + "&" + mechanismOption)
	if appName != "" {
		b.WriteString("&appName=" + queryEscape(appName))
	}
	return b.String()
}

// queryEscape percent-encodes a query value with %20 for spaces: drivers differ
// on whether "+" means a space.
func queryEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
