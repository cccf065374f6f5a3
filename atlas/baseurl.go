package atlas

import (
	"net"
	"net/url"
	"strings"
)

// validateBaseURL checks a configured Atlas base URL and returns it without a
// trailing slash. Plain http is accepted only for loopback hosts (the sandbox): a
// service account's client secret travels in the token request.
func validateBaseURL(raw, source string) (string, error) {
	fail := func(reason string) (string, error) {
		return "", &BaseURLError{Value: redactURL(raw), Source: source, Reason: reason}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fail("not a URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fail("it must start with https://")
	case u.Host == "" || u.Hostname() == "":
		return fail("it has no host name")
	case u.User != nil:
		return fail("it must not contain a user name or password")
	case u.RawQuery != "" || u.Fragment != "":
		return fail("it must not have a query or fragment")
	case u.Scheme == "http" && !isLoopbackHost(u.Hostname()):
		return fail("plain http is only allowed for a local (loopback) server; use https://")
	}
	return trimSlash(raw), nil
}

func trimSlash(u string) string { return strings.TrimRight(u, "/") }

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// redactURL hides a user-info part (which may hold a password) of a URL-ish string.
func redactURL(raw string) string {
	rest := raw
	prefix := ""
	if i := strings.Index(raw, "://"); i >= 0 {
		prefix, rest = raw[:i+3], raw[i+3:]
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	if i := strings.LastIndex(host, "@"); i >= 0 {
		return prefix + redacted + rest[i:]
	}
	return raw
}

// serviceBaseURL maps the Atlas CLI "service" setting to its API root.
func serviceBaseURL(service, source string) (string, error) {
	switch service {
	case "", "cloud":
		return CloudURL, nil
	case "cloudgov":
		return CloudGovURL, nil
	}
	return "", &BaseURLError{Value: service, Source: source, Reason: `the service must be "cloud" or "cloudgov"`}
}
