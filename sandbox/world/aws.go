package world

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/atlas-iam/atlas-iam/sandbox/sigv4"
)

// The AWS account and the names of its principals and compute resources.
const (
	Partition = "aws"
	AccountID = "123456789012"
	Region    = "us-east-1"

	UserDev = "dev"

	RoleApp    = "app"        // path "/": ECS tasks, EC2, EKS Pod Identity, and the dev user may assume it
	RoleIRSA   = "app-irsa"   // path "/eks/": EKS IRSA through the cluster's OIDC provider
	RoleLambda = "lambda-app" // path "/service-role/": the Lambda console's default path

	LambdaFunction    = "orders-api"
	EC2InstanceID     = "i-0a1b2c3d4e5f67890"
	InstanceProfile   = "app-instance-profile"
	ECSCluster        = "sandbox"
	ECSTaskID         = "9f1c2b3a4d5e4f708192a3b4c5d6e7f8"
	EKSCluster        = "sandbox"
	K8sNamespace      = "default"
	K8sServiceAccount = "app"
	PodName           = "app-7d4b9c8f6d-x2x7k"
	OIDCIssuerHost    = "oidc.eks.us-east-1.amazonaws.com/id/5C1F0E8A9B7D6E5F4A3B2C1D0E9F8A7B"
)

// MaxSkew is how far X-Amz-Date may be from the server's clock.
const MaxSkew = 15 * time.Minute

// IAMUser is an IAM user with its long-term access key.
type IAMUser struct {
	Name, Path, ARN, UserID string
	Created                 time.Time
}

// IAMRole is an IAM role and its trust policy document (JSON).
type IAMRole struct {
	Name, Path, ARN, RoleID, Description string
	TrustPolicy                          string
	Created                              time.Time
	MaxSessionDuration                   time.Duration
}

// Credentials are an access key as the world knows it, with the identity STS
// GetCallerIdentity reports for it. Temporary credentials have a session token and
// an expiration; long-term ones have neither.
type Credentials struct {
	AccessKeyID, SecretAccessKey, SessionToken string
	Expiration                                 time.Time
	// CallerARN is GetCallerIdentity's Arn: the user ARN, or
	// arn:aws:sts::A:assumed-role/NAME/SESSION for a role session.
	CallerARN string
	// UserID is GetCallerIdentity's UserId: AIDA… for users, AROA…:SESSION for roles.
	UserID string
	// RoleARN is the full role ARN, with its path, for role sessions.
	RoleARN string
	Issued  time.Time
}

// Temporary reports whether the credentials need a session token.
func (c Credentials) Temporary() bool { return c.SessionToken != "" }

// Principal is who asks to assume a role, as a trust policy names it.
type Principal struct {
	Type string // "Service", "AWS" or "Federated"
	ID   string // service name, principal ARN or identity-provider ARN
}

// AWSError is an AWS query-protocol error (STS, IAM) with its HTTP status.
type AWSError struct {
	Status  int
	Type    string // "Sender" or "Receiver"
	Code    string
	Message string
}

func (e *AWSError) Error() string { return e.Code + ": " + e.Message }

func senderError(status int, code, format string, args ...any) *AWSError {
	return &AWSError{Status: status, Type: "Sender", Code: code, Message: fmt.Sprintf(format, args...)}
}

type awsState struct {
	users    []IAMUser
	roles    []IAMRole
	keys     map[string]Credentials // by access key id
	sessions map[string]Credentials // platform sessions by purpose, reused until expiry
	oidcKey  []byte
	// issuedTokens are the projected service-account tokens handed out (secrets).
	issuedTokens []string
}

// ARN helpers.
func userARN(path, name string) string { return "arn:aws:iam::" + AccountID + ":user" + path + name }
func roleARN(path, name string) string { return "arn:aws:iam::" + AccountID + ":role" + path + name }

// OIDCProviderARN is the IAM identity provider of the EKS cluster.
func OIDCProviderARN() string {
	return "arn:aws:iam::" + AccountID + ":oidc-provider/" + OIDCIssuerHost
}

func (w *World) initAWS() {
	a := &w.aws
	created := w.now().Add(-400 * 24 * time.Hour).Truncate(time.Second)
	a.keys = map[string]Credentials{}
	a.sessions = map[string]Credentials{}
	a.oidcKey = []byte(randString(alnum, 32))

	dev := IAMUser{Name: UserDev, Path: "/", ARN: userARN("/", UserDev), UserID: "AIDA" + randString(upperAlnum, 17), Created: created}
	a.users = []IAMUser{dev}
	k := Credentials{AccessKeyID: accessKeyID(false), SecretAccessKey: secretKey(), CallerARN: dev.ARN, UserID: dev.UserID, Issued: created}
	a.keys[k.AccessKeyID] = k

	oidc := OIDCIssuerHost
	a.roles = []IAMRole{
		{Name: RoleApp, Path: "/", Description: "Application role for ECS tasks, EC2 and EKS Pod Identity",
			TrustPolicy: `{"Version":"2012-10-17","Statement":[` +
				`{"Sid":"Compute","Effect":"Allow","Principal":{"Service":["ecs-tasks.amazonaws.com","ec2.amazonaws.com"]},"Action":"sts:AssumeRole"},` +
				`{"Sid":"EKSPodIdentity","Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]},` +
				`{"Sid":"Developer","Effect":"Allow","Principal":{"AWS":"` + userARN("/", UserDev) + `"},"Action":"sts:AssumeRole"}]}`},
		{Name: RoleIRSA, Path: "/eks/", Description: "IRSA role for the default/app service account",
			TrustPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"` + OIDCProviderARN() + `"},` +
				`"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"` + oidc + `:aud":"sts.amazonaws.com","` +
				oidc + `:sub":"system:serviceaccount:` + K8sNamespace + `:` + K8sServiceAccount + `"}}}]}`},
		{Name: RoleLambda, Path: "/service-role/", Description: "Execution role of the orders-api function",
			TrustPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`},
	}
	for i := range a.roles {
		r := &a.roles[i]
		r.ARN, r.RoleID, r.Created, r.MaxSessionDuration = roleARN(r.Path, r.Name), "AROA"+randString(upperAlnum, 17), created, time.Hour
	}
}

// IAMUsers returns the account's IAM users.
func (w *World) IAMUsers() []IAMUser {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.aws.users)
}

// IAMRoles returns the account's roles.
func (w *World) IAMRoles() []IAMRole {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.aws.roles)
}

// IAMRole finds a role by name.
func (w *World) IAMRole(name string) (IAMRole, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, r := range w.aws.roles {
		if r.Name == name {
			return r, true
		}
	}
	return IAMRole{}, false
}

// UserCredentials returns an IAM user's long-term access key.
func (w *World) UserCredentials(name string) (Credentials, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	arn := userARN("/", name)
	for _, k := range w.aws.keys {
		if k.CallerARN == arn && !k.Temporary() {
			return k, true
		}
	}
	return Credentials{}, false
}

// LookupKey returns what the world knows about an access key id.
func (w *World) LookupKey(akid string) (Credentials, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	k, ok := w.aws.keys[akid]
	return k, ok
}

// Secrets lists every secret the world ever handed out (secret keys, session tokens,
// the Atlas private key and client secret, OAuth tokens, identity tokens), so tests
// can prove none of them leaks into output.
func (w *World) Secrets() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := []string{w.atlas.apiKey.PrivateKey, w.atlas.sa.Secret}
	for t := range w.atlas.tokens {
		s = append(s, t)
	}
	s = append(s, w.aws.issuedTokens...)
	s = append(s, w.aws.issuedTokens...)
	for _, k := range w.aws.keys {
		s = append(s, k.SecretAccessKey)
		if k.SessionToken != "" {
			s = append(s, k.SessionToken)
		}
	}
	return s
}

// AssumeRoleRequest asks STS (or an AWS service on a workload's behalf) for a role session.
type AssumeRoleRequest struct {
	RoleARN     string
	SessionName string
	Principal   Principal
	Action      string // "sts:AssumeRole" or "sts:AssumeRoleWithWebIdentity"
	// Context holds condition keys, e.g. "<issuer>:sub" for web identity.
	Context  map[string]string
	Duration time.Duration // 0: one hour
}

// AssumeRole evaluates the role's trust policy and issues temporary credentials.
func (w *World) AssumeRole(req AssumeRoleRequest) (Credentials, *AWSError) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.assumeRoleLocked(req)
}

func (w *World) assumeRoleLocked(req AssumeRoleRequest) (Credentials, *AWSError) {
	var role *IAMRole
	for i := range w.aws.roles {
		if w.aws.roles[i].ARN == req.RoleARN {
			role = &w.aws.roles[i]
		}
	}
	who := req.Principal.ID
	if role == nil || !policyAllows(role.TrustPolicy, req.Principal, req.Action, req.Context) {
		w.logLocked("sts", "%s denied for %s on %s: %s", req.Action, who, req.RoleARN, map[bool]string{true: "no such role", false: "trust policy does not allow it"}[role == nil])
		if req.Action == "sts:AssumeRoleWithWebIdentity" {
			return Credentials{}, senderError(http.StatusForbidden, "AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity")
		}
		return Credentials{}, senderError(http.StatusForbidden, "AccessDenied", "User: %s is not authorized to perform: %s on resource: %s", who, req.Action, req.RoleARN)
	}
	if n := len(req.SessionName); n < 2 || n > 64 || strings.Trim(req.SessionName, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+=,.@-") != "" {
		return Credentials{}, senderError(http.StatusBadRequest, "ValidationError", "1 validation error detected: Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", req.SessionName)
	}
	d := req.Duration
	if d == 0 {
		d = time.Hour
	}
	if d < 15*time.Minute || d > role.MaxSessionDuration {
		return Credentials{}, senderError(http.StatusBadRequest, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	now := w.now()
	c := Credentials{
		AccessKeyID: accessKeyID(true), SecretAccessKey: secretKey(), SessionToken: sessionToken(),
		Issued: now, Expiration: now.Add(d).Truncate(time.Second),
		CallerARN: "arn:aws:sts::" + AccountID + ":assumed-role/" + role.Name + "/" + req.SessionName,
		UserID:    role.RoleID + ":" + req.SessionName,
		RoleARN:   role.ARN,
	}
	if w.knobs.ExpireCredentials {
		c.Issued, c.Expiration = now.Add(-2*time.Hour), now.Add(-time.Hour).Truncate(time.Second)
	}
	w.aws.keys[c.AccessKeyID] = c
	w.logLocked("sts", "%s: %s assumed %s as %s (key %s, expires %s)", req.Action, who, role.ARN, c.CallerARN, c.AccessKeyID, c.Expiration.Format(time.RFC3339))
	return c, nil
}

// ServiceSession returns the role session an AWS service hands a workload (Lambda's
// environment, ECS task credentials, EC2 instance profile, EKS Pod Identity). Like
// the real services, it reuses the session until five minutes before it expires.
func (w *World) ServiceSession(service, roleName, sessionName string) (Credentials, *AWSError) {
	w.mu.Lock()
	defer w.mu.Unlock()
	key := service + "/" + roleName + "/" + sessionName
	if c, ok := w.aws.sessions[key]; ok && (w.knobs.ExpireCredentials || w.now().Add(5*time.Minute).Before(c.Expiration)) {
		return c, nil
	}
	var arn string
	for _, r := range w.aws.roles {
		if r.Name == roleName {
			arn = r.ARN
		}
	}
	c, err := w.assumeRoleLocked(AssumeRoleRequest{RoleARN: arn, SessionName: sessionName, Principal: Principal{"Service", service}, Action: "sts:AssumeRole"})
	if err != nil {
		return Credentials{}, err
	}
	w.aws.sessions[key] = c
	return c, nil
}

// CanReadIAM reports whether a caller may call iam:ListRoles and iam:GetRole: the
// developer user can; workload role sessions, as usual, cannot.
func CanReadIAM(caller Credentials) bool { return !caller.Temporary() }

// CanAssumeRoles reports whether a caller's identity policy allows sts:AssumeRole.
func CanAssumeRoles(caller Credentials) bool { return !caller.Temporary() }

// SignedRequest is a SigV4-signed STS request as the verifier sees it: received
// over HTTP, or rebuilt by the wire server from its own state.
type SignedRequest struct {
	Request       sigv4.Request
	Authorization string
	AmzDate       string
	SessionToken  string // X-Amz-Security-Token, "" when absent
	Service       string // the service the endpoint is, "sts"
	Region        string // the region the endpoint serves
}

// VerifySignature checks a signed request the way STS does and returns the caller.
// Errors carry the code and message STS would send.
func (w *World) VerifySignature(s SignedRequest) (Credentials, *AWSError) {
	a, err := sigv4.ParseAuthorization(s.Authorization)
	if err != nil {
		return Credentials{}, senderError(http.StatusBadRequest, "IncompleteSignature", "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters (%v).", err)
	}
	t, err := sigv4.ParseAmzDate(s.AmzDate)
	if err != nil {
		return Credentials{}, senderError(http.StatusBadRequest, "IncompleteSignature", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
	}
	switch {
	case a.Terminator != "aws4_request":
		return Credentials{}, senderError(http.StatusForbidden, "SignatureDoesNotMatch", "Credential should be scoped with a valid terminator: 'aws4_request', not '%s'.", a.Terminator)
	case a.Date != s.AmzDate[:8]:
		return Credentials{}, senderError(http.StatusForbidden, "SignatureDoesNotMatch", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '%s' != '%s', from '%s'.", a.Date, s.AmzDate[:8], s.AmzDate)
	case a.Service != s.Service:
		return Credentials{}, senderError(http.StatusForbidden, "SignatureDoesNotMatch", "Credential should be scoped to correct service: '%s'. ", s.Service)
	case a.Region != s.Region:
		return Credentials{}, senderError(http.StatusForbidden, "SignatureDoesNotMatch", "Credential should be scoped to a valid region, not '%s'. ", a.Region)
	}
	k, ok := w.LookupKey(a.AccessKeyID)
	if !ok || k.SessionToken != s.SessionToken {
		return Credentials{}, senderError(http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid.")
	}
	now := w.Now()
	if k.Temporary() && !now.Before(k.Expiration) {
		return Credentials{}, senderError(http.StatusForbidden, "ExpiredToken", "The security token included in the request is expired")
	}
	const f = sigv4.AmzDateFormat
	if now.Sub(t) > MaxSkew {
		return Credentials{}, senderError(http.StatusForbidden, "SignatureDoesNotMatch", "Signature expired: %s is now earlier than %s (%s - 15 min.)", s.AmzDate, now.Add(-MaxSkew).Format(f), now.Format(f))
	}
	if t.Sub(now) > MaxSkew {
		return Credentials{}, senderError(http.StatusForbidden, "SignatureDoesNotMatch", "Signature not yet current: %s is still later than %s (%s + 15 min.)", s.AmzDate, now.Add(MaxSkew).Format(f), now.Format(f))
	}
	want, _, err := sigv4.Expected(s.Request, a, s.AmzDate, k.SecretAccessKey)
	if err != nil || !sigv4.Equal(want, a.Signature) {
		return Credentials{}, senderError(http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")
	}
	return k, nil
}

// ---- trust policies ----

type policyDoc struct {
	Statement []struct {
		Effect    string
		Principal map[string]stringList
		Action    stringList
		Condition map[string]map[string]stringList
	}
}

// stringList accepts a JSON string or an array of strings, as IAM policies do.
type stringList []string

func (s *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*s = stringList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

// policyAllows evaluates a trust policy: an explicit Deny wins, else any Allow whose
// principal, action and StringEquals/StringLike conditions all match.
func policyAllows(doc string, p Principal, action string, ctx map[string]string) bool {
	var pd policyDoc
	if err := json.Unmarshal([]byte(doc), &pd); err != nil {
		return false
	}
	allowed := false
	for _, st := range pd.Statement {
		if !principalMatches(st.Principal[p.Type], p) || !slices.Contains(st.Action, action) || !conditionsHold(st.Condition, ctx) {
			continue
		}
		if st.Effect == "Deny" {
			return false
		}
		allowed = allowed || st.Effect == "Allow"
	}
	return allowed
}

func principalMatches(ids stringList, p Principal) bool {
	for _, id := range ids {
		if id == p.ID || id == "*" {
			return true
		}
		// "arn:aws:iam::A:root" or "A" trusts every principal of account A.
		if p.Type == "AWS" && (id == "arn:aws:iam::"+AccountID+":root" || id == AccountID) && strings.Contains(p.ID, "::"+AccountID+":") {
			return true
		}
	}
	return false
}

func conditionsHold(cond map[string]map[string]stringList, ctx map[string]string) bool {
	for op, kv := range cond {
		for k, want := range kv {
			got, ok := ctx[k]
			if !ok {
				return false
			}
			match := false
			for _, v := range want {
				switch op {
				case "StringEquals":
					match = match || got == v
				case "StringLike":
					match = match || globMatch(v, got)
				}
			}
			if !match {
				return false
			}
		}
	}
	return true
}

func globMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	if pattern[0] == '*' {
		for i := 0; i <= len(s); i++ {
			if globMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	}
	return s != "" && (pattern[0] == '?' || pattern[0] == s[0]) && globMatch(pattern[1:], s[1:])
}
