package connect

import (
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// How a MONGODB-AWS server names the caller, and how Atlas names the database
// user it looks for (notes: mongodb-aws §2.2–2.4):
//   - an IAM user is its ARN, path included;
//   - a role session arn:aws:sts::A:assumed-role/NAME/SESSION becomes
//     arn:aws:sts::A:assumed-role/NAME/*: STS session ARNs never carry a path;
//   - Atlas turns a registered ROLE arn:aws:iam::A:role/PATH/NAME into
//     arn:aws:sts::A:assumed-role/PATH/NAME/*, so a path can never match.

// serverPrincipal simplifies a caller ARN the way the server does.
func serverPrincipal(callerARN string) string {
	a, err := arn.Parse(callerARN)
	if err != nil || a.Service != "sts" || !strings.HasPrefix(a.Resource, "assumed-role/") {
		return callerARN
	}
	i := strings.LastIndex(a.Resource, "/")
	if i <= len("assumed-role") {
		return callerARN
	}
	a.Resource = a.Resource[:i] + "/*"
	return a.String()
}

// AtlasPrincipal is the principal an Atlas $external user answers to: the server
// side of a login must produce exactly this string.
func AtlasPrincipal(username, iamType string) string {
	if !strings.EqualFold(iamType, "ROLE") {
		return username
	}
	p := strings.Replace(username, "arn:aws:iam::", "arn:aws:sts::", 1)
	p = strings.Replace(p, ":role/", ":assumed-role/", 1)
	return p + "/*"
}

// roleARN is the IAM role ARN (no path) to register for a role-session
// principal, or "" when the principal is not a role session.
func roleARN(principal string) string {
	a, err := arn.Parse(principal)
	if err != nil || a.Service != "sts" || !strings.HasPrefix(a.Resource, "assumed-role/") {
		return ""
	}
	name, _, _ := strings.Cut(strings.TrimPrefix(a.Resource, "assumed-role/"), "/")
	return "arn:" + a.Partition + ":iam::" + a.AccountID + ":role/" + name
}

// rolePath splits a role ARN into its path ("/service-role/") and name.
func rolePath(roleARN string) (path, name string, ok bool) {
	a, err := arn.Parse(roleARN)
	if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return "", "", false
	}
	rest := strings.TrimPrefix(a.Resource, "role")
	i := strings.LastIndex(rest, "/")
	return rest[:i+1], rest[i+1:], true
}

// withoutPath drops a role ARN's path.
func withoutPath(roleARN string) string {
	path, name, ok := rolePath(roleARN)
	if !ok || path == "/" {
		return roleARN
	}
	return strings.TrimSuffix(roleARN, path[1:]+name) + name
}

// The principal a server names when no user matches: the server's own
// UserNotFound, and the Atlas proxy's (shared tiers) "bad auth" form.
var (
	notFoundServer = regexp.MustCompile(`Could not find user "([^"]+)"`)
	notFoundProxy  = regexp.MustCompile(`user (\S+) is not found`)
)

func principalInMessage(msg string) string {
	for _, re := range []*regexp.Regexp{notFoundServer, notFoundProxy} {
		if m := re.FindStringSubmatch(msg); m != nil {
			return strings.TrimSuffix(m[1], "@$external")
		}
	}
	return ""
}
