package awsenv

import (
	"fmt"
	"strings"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
)

// Origin is where an ARN came from, which decides how forgiving Normalize is.
type Origin int

const (
	// Discovered ARNs come from STS GetCallerIdentity: a role session is turned
	// into its role.
	Discovered Origin = iota + 1
	// Typed ARNs come from the user: a role session is rejected with the role ARN
	// as a suggestion, because the user may have meant another role.
	Typed
)

// IAMType is Atlas's awsIAMType.
type IAMType string

// The two principal types Atlas accepts.
const (
	TypeUser IAMType = "USER"
	TypeRole IAMType = "ROLE"
)

// Principal is the IAM identity to register as an Atlas database user.
type Principal struct {
	ARN       string   `json:"arn"`  // the username to register
	Type      IAMType  `json:"type"` // awsIAMType
	Input     string   `json:"input"`
	Changes   []string `json:"changes,omitempty"` // why ARN differs from Input
	Account   string   `json:"account"`
	Partition string   `json:"partition"`
	Name      string   `json:"name"`
	// Path is the IAM path seen in the input ("/" when none). It is "" for a role
	// session, which never carries the path. Roles are registered without it.
	Path string `json:"path"`
}

// ARNError explains why an ARN cannot be registered, with a suggestion (often the
// ARN that would work). Error() never repeats the input, which could be anything
// the user pasted.
type ARNError struct {
	Input      string
	Reason     string
	Suggestion string
}

func (e *ARNError) Error() string {
	if e.Suggestion == "" {
		return "invalid ARN: " + e.Reason
	}
	return "invalid ARN: " + e.Reason + " (" + e.Suggestion + ")"
}

// Diagnosis turns the error into diag.InvalidARN.
func (e *ARNError) Diagnosis() *diag.Diagnosis {
	d := diag.New(diag.InvalidARN, e.Reason)
	if e.Suggestion != "" {
		d.WithFix(e.Suggestion)
	}
	return d
}

// Partitions are the AWS partitions (aws-sdk-go-v2 internal/endpoints/awsrulesfn/partitions.json).
var partitions = []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}

// Normalize turns an ARN into the principal Atlas must register:
//   - an IAM user is kept as is, path included (GetCallerIdentity reports user
//     paths and the server matches the user ARN unchanged);
//   - an IAM role loses its path: role sessions (assumed-role/NAME/SESSION) never
//     carry it, and Atlas maps role/PATH/NAME to assumed-role/PATH/NAME/*, which
//     no session matches (notes/mongodb-aws.md §2.4);
//   - a discovered role session arn:P:sts::A:assumed-role/NAME/SESSION becomes
//     arn:P:iam::A:role/NAME; a typed one is rejected with that suggestion.
//
// Everything else is an *ARNError with a specific reason.
func Normalize(input string, origin Origin) (Principal, error) {
	s, changes, aerr := cleanARNText(input)
	if aerr != nil {
		return Principal{}, aerr
	}
	a, aerr := splitARN(input, s)
	if aerr != nil {
		return Principal{}, aerr
	}
	if aerr := checkARNHeader(input, a); aerr != nil {
		return Principal{}, aerr
	}
	fail := func(reason, suggestion string) (Principal, error) {
		return Principal{}, &ARNError{Input: input, Reason: reason, Suggestion: suggestion}
	}
	typ, rest, _ := strings.Cut(a.Resource, "/")
	p := Principal{Input: input, Changes: changes, Account: a.AccountID, Partition: a.Partition}
	roleARN := func(name string) string { return iamARN(a.Partition, a.AccountID, "role/"+name) }

	switch a.Service + ":" + typ {
	case "iam:user", "iam:role":
		path, name, aerr := splitPathName(input, a, typ)
		if aerr != nil {
			return Principal{}, aerr
		}
		p.Name, p.Path = name, path
		if typ == "user" {
			p.Type, p.ARN = TypeUser, iamARN(a.Partition, a.AccountID, "user"+path+name)
			return p, nil
		}
		p.Type, p.ARN = TypeRole, roleARN(name)
		if path != "/" {
			p.Changes = append(p.Changes, fmt.Sprintf("Dropped the role path %s: role sessions (assumed-role/%s/SESSION) never carry it, and Atlas would expect sessions named assumed-role%s%s/*, which never exist.", path, name, path, name))
		}
		return p, nil

	case "sts:assumed-role":
		name, session, ok := strings.Cut(rest, "/")
		if !ok || name == "" || session == "" || strings.Contains(session, "/") {
			return fail("a role session ARN has the form assumed-role/ROLE_NAME/SESSION_NAME", "")
		}
		if reason := checkName(name, "role"); reason != "" {
			return fail(reason, "")
		}
		if origin == Typed {
			if session == "*" {
				return fail("this is the name MongoDB gives every session of a role, not the role itself", "register the role ARN "+roleARN(name))
			}
			return fail("this is an STS role session (what GetCallerIdentity reports), not the role; Atlas registers the role, and then every session of it can log in", "register the role ARN "+roleARN(name))
		}
		if reason := checkSessionName(session); reason != "" {
			return fail(reason, "")
		}
		p.Type, p.Name, p.ARN = TypeRole, name, roleARN(name)
		p.Changes = append(p.Changes, fmt.Sprintf("Converted the role session %s (what STS reports) to the role ARN %s: Atlas registers the role, and every session of it matches.", s, p.ARN))
		return p, nil
	}
	return fail(rejectResource(a, typ, rest))
}

// cleanARNText trims what a paste adds around an ARN (spaces, newlines, one pair of
// quotes) and rejects what cannot belong inside one.
func cleanARNText(input string) (string, []string, *ARNError) {
	var changes []string
	s := strings.TrimSpace(input)
	for _, q := range [][2]string{{`"`, `"`}, {`'`, `'`}, {"`", "`"}, {"“", "”"}, {"‘", "’"}} {
		if len(s) >= len(q[0])+len(q[1]) && strings.HasPrefix(s, q[0]) && strings.HasSuffix(s, q[1]) {
			s = strings.TrimSpace(s[len(q[0]) : len(s)-len(q[1])])
			changes = append(changes, "Removed the quotes around the ARN.")
			break
		}
	}
	if s == "" {
		return "", nil, &ARNError{Input: input, Reason: "no ARN was given", Suggestion: "paste the ARN, e.g. arn:aws:iam::123456789012:role/my-app"}
	}
	for i, r := range s {
		var what string
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\u00a0':
			what = "whitespace"
		case strings.ContainsRune("\"'`“”‘’", r):
			what = "a quote character"
		case r < 0x21 || r > 0x7e:
			what = fmt.Sprintf("the character %U", r)
		}
		if what == "" {
			continue
		}
		reason := fmt.Sprintf("the ARN contains %s at position %d", what, i+1)
		fixed := strings.Map(func(r rune) rune {
			if r < 0x21 || r > 0x7e || strings.ContainsRune("\"'`", r) {
				return -1
			}
			return r
		}, s)
		suggestion := ""
		if strings.HasPrefix(fixed, "arn:") {
			suggestion = "without it: " + fixed
		}
		return "", nil, &ARNError{Input: input, Reason: reason, Suggestion: suggestion}
	}
	return s, changes, nil
}

// splitARN parses the six ARN sections, explaining the usual paste mistakes.
func splitARN(input, s string) (arn.ARN, *ARNError) {
	fail := func(reason, suggestion string) (arn.ARN, *ARNError) {
		return arn.ARN{}, &ARNError{Input: input, Reason: reason, Suggestion: suggestion}
	}
	if !strings.HasPrefix(s, "arn:") {
		switch {
		case strings.HasPrefix(strings.ToLower(s), "arn:"):
			return fail(`an ARN starts with lowercase "arn:"`, "arn:"+s[4:])
		case len(s) == 12 && isDigits(s):
			return fail("this is an AWS account ID, not an ARN", "arn:aws:iam::"+s+":role/ROLE_NAME or arn:aws:iam::"+s+":user/USER_NAME")
		case len(s) == 20 && (strings.HasPrefix(s, "AKIA") || strings.HasPrefix(s, "ASIA")):
			return fail("this is an access key ID, not an ARN", "let atlas-iam discover the ARN from these credentials, or run aws sts get-caller-identity")
		case checkName(s, "") == "":
			return fail("this is a name, not an ARN", "arn:aws:iam::ACCOUNT_ID:role/"+s+" or arn:aws:iam::ACCOUNT_ID:user/"+s)
		}
		return fail(`not an ARN: an ARN starts with "arn:"`, "e.g. arn:aws:iam::123456789012:role/my-app")
	}
	a, err := arn.Parse(s)
	if err != nil {
		parts := strings.Split(s, ":")
		// arn:aws:iam:123456789012:role/x — the empty region was dropped.
		if len(parts) == 5 && (parts[2] == "iam" || parts[2] == "sts") && isDigits(parts[3]) {
			return fail("the ARN has 5 parts instead of 6: IAM ARNs have an empty region, written as two colons (::)",
				strings.Join(append(parts[:3:3], append([]string{""}, parts[3:]...)...), ":"))
		}
		return fail(fmt.Sprintf("an ARN has 6 parts (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE); this one has %d", len(parts)), "")
	}
	return a, nil
}

// checkARNHeader checks partition, service, region and account.
func checkARNHeader(input string, a arn.ARN) *ARNError {
	fail := func(reason, suggestion string) *ARNError {
		return &ARNError{Input: input, Reason: reason, Suggestion: suggestion}
	}
	if !contains(partitions, a.Partition) {
		if a.Partition == "" {
			return fail("the partition is empty", "use aws (or aws-cn, aws-us-gov, …): arn:aws:"+a.Service+":"+a.Region+":"+a.AccountID+":"+a.Resource)
		}
		return fail(fmt.Sprintf("%q is not an AWS partition", a.Partition), "valid partitions: "+strings.Join(partitions, ", "))
	}
	switch a.Service {
	case "iam", "sts":
	case "":
		return fail("the service is empty", "IAM users and roles use iam: arn:"+a.Partition+":iam::ACCOUNT_ID:role/NAME")
	case "lambda":
		return fail("this is a Lambda function, not an IAM principal", "register the function's execution role: aws lambda get-function-configuration --function-name NAME --query Role")
	case "ecs":
		return fail("this is an ECS resource, not an IAM principal", "register the task role: the taskRoleArn of the task definition (not executionRoleArn)")
	case "ec2":
		return fail("this is an EC2 resource, not an IAM principal", "register the role inside the instance profile attached to the instance")
	case "eks":
		return fail("this is an EKS resource, not an IAM principal", "register the role of the service account (eks.amazonaws.com/role-arn annotation) or of its pod identity association")
	default:
		return fail(fmt.Sprintf("service %q: only IAM users and roles (iam) and STS role sessions (sts) can log in to Atlas", a.Service), "")
	}
	if a.Region != "" {
		b := a
		b.Region = ""
		return fail(fmt.Sprintf("IAM and STS ARNs have no region, this one has %q", a.Region), b.String())
	}
	if a.AccountID == "" {
		return fail("the account ID is missing", "copy it from aws sts get-caller-identity --query Account")
	}
	if len(a.AccountID) != 12 || !isDigits(a.AccountID) {
		reason := fmt.Sprintf("the account ID %q is not 12 digits", a.AccountID)
		b := a
		switch digits := strings.ReplaceAll(a.AccountID, "-", ""); {
		case len(digits) == 12 && isDigits(digits):
			b.AccountID = digits
			return fail(reason, "without dashes: "+b.String())
		case len(a.AccountID) < 12 && isDigits(a.AccountID):
			b.AccountID = strings.Repeat("0", 12-len(a.AccountID)) + a.AccountID
			return fail(reason, "if leading zeros were lost: "+b.String())
		}
		return fail(reason, "copy it from aws sts get-caller-identity --query Account")
	}
	return nil
}

// splitPathName splits "user/PATH/NAME" or "role/PATH/NAME" into "/PATH/" and NAME.
func splitPathName(input string, a arn.ARN, typ string) (path, name string, _ *ARNError) {
	fail := func(reason, suggestion string) (string, string, *ARNError) {
		return "", "", &ARNError{Input: input, Reason: reason, Suggestion: suggestion}
	}
	rest := strings.TrimPrefix(a.Resource, typ) // "/NAME" or "/PATH/NAME"
	i := strings.LastIndex(rest, "/")
	path, name = rest[:i+1], rest[i+1:]
	if name == "" {
		if trimmed := strings.TrimRight(rest, "/"); strings.Contains(trimmed, "/") {
			b := a
			b.Resource = typ + trimmed
			return fail("the ARN ends with \"/\": the "+typ+" name is missing", b.String())
		}
		return fail("the "+typ+" name is missing", "")
	}
	if reason := checkName(name, typ); reason != "" {
		return fail(reason, "")
	}
	if len(path) > 512 {
		return fail(fmt.Sprintf("the path is %d characters; IAM paths have at most 512", len(path)), "")
	}
	if strings.Contains(path, "//") {
		b := a
		for strings.Contains(path, "//") {
			path = strings.ReplaceAll(path, "//", "/")
		}
		b.Resource = typ + path + name
		return fail("the path has an empty segment (//)", b.String())
	}
	return path, name, nil
}

// checkName applies IAM's user/role name rules; it returns "" when the name is valid.
func checkName(name, what string) string {
	if what != "" {
		what += " "
	}
	if len(name) > 64 {
		return fmt.Sprintf("the %sname is %d characters; IAM names have at most 64", what, len(name))
	}
	for _, r := range name {
		if !isNameRune(r) {
			return fmt.Sprintf("the %sname contains %q; IAM names use letters, digits and + = , . @ _ -", what, r)
		}
	}
	if name == "" {
		return "the " + what + "name is empty"
	}
	return ""
}

func isNameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("+=,.@_-", r)
}

// checkSessionName applies STS's role-session-name rules: 2–64 of [\w+=,.@-].
func checkSessionName(s string) string {
	if len(s) < 2 || len(s) > 64 {
		return fmt.Sprintf("the role session name is %d characters; STS allows 2 to 64", len(s))
	}
	for _, r := range s {
		if !isNameRune(r) {
			return fmt.Sprintf("the role session name contains %q", r)
		}
	}
	return ""
}

// rejectResource explains IAM and STS resources that are not users or roles.
func rejectResource(a arn.ARN, typ, rest string) (reason, suggestion string) {
	switch a.Service + ":" + typ {
	case "iam:root":
		return "the account root user cannot log in to Atlas", "create an IAM user or role and register its ARN; never use root access keys"
	case "sts:federated-user":
		return "a federated user session (GetFederationToken) cannot log in to Atlas: MONGODB-AWS accepts IAM users and role sessions", "use the IAM user's own keys, or assume a role and register the role ARN"
	case "iam:instance-profile":
		name := rest[strings.LastIndex(rest, "/")+1:]
		return "this is an instance profile, not the role inside it", "register the role: aws iam get-instance-profile --instance-profile-name " + name + " --query 'InstanceProfile.Roles[0].Arn'"
	case "iam:group":
		return "an IAM group cannot log in; only its users can", "register the user (arn:" + a.Partition + ":iam::" + a.AccountID + ":user/NAME), or better, a role"
	case "iam:oidc-provider":
		return "this is an OIDC identity provider, not a principal", "register the role it lets the service account assume (the eks.amazonaws.com/role-arn annotation, AWS_ROLE_ARN in the pod)"
	case "iam:saml-provider":
		return "this is a SAML identity provider, not a principal", "register the role the SAML users assume"
	case "iam:policy":
		return "this is an IAM policy, not a principal", "register the user or role the policy is attached to"
	case "iam:assumed-role":
		name, _, _ := strings.Cut(rest, "/")
		return "assumed-role ARNs belong to the sts service, and Atlas registers the role itself", "register the role ARN " + iamARN(a.Partition, a.AccountID, "role/"+name)
	case "sts:role", "sts:user":
		b := a
		b.Service = "iam"
		return typ + " ARNs belong to the iam service, not sts", b.String()
	}
	if !strings.Contains(a.Resource, "/") {
		if checkName(a.Resource, "") == "" {
			return fmt.Sprintf("the resource %q has no type: expected user/NAME or role/NAME", a.Resource), iamARN(a.Partition, a.AccountID, "role/"+a.Resource)
		}
	}
	return fmt.Sprintf("%s resource type %q is not an IAM user or role", a.Service, typ), "register an IAM user (…:user/NAME) or role (…:role/NAME)"
}

func iamARN(partition, account, resource string) string {
	return arn.ARN{Partition: partition, Service: "iam", AccountID: account, Resource: resource}.String()
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
