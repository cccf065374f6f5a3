package awsapi

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

type callerIdentity struct {
	Arn     string `xml:"Arn" json:"Arn"`
	UserID  string `xml:"UserId" json:"UserId"`
	Account string `xml:"Account" json:"Account"`
}

type stsCredentials struct {
	AccessKeyID     string  `xml:"AccessKeyId" json:"AccessKeyId"`
	SecretAccessKey string  `xml:"SecretAccessKey" json:"SecretAccessKey"`
	SessionToken    string  `xml:"SessionToken" json:"SessionToken"`
	Expiration      awsTime `xml:"Expiration" json:"Expiration"`
}

type assumedRoleUser struct {
	Arn           string `xml:"Arn" json:"Arn"`
	AssumedRoleID string `xml:"AssumedRoleId" json:"AssumedRoleId"`
}

type assumeRoleResult struct {
	Credentials     stsCredentials  `xml:"Credentials" json:"Credentials"`
	AssumedRoleUser assumedRoleUser `xml:"AssumedRoleUser" json:"AssumedRoleUser"`
}

type webIdentityResult struct {
	Credentials                 stsCredentials  `xml:"Credentials" json:"Credentials"`
	SubjectFromWebIdentityToken string          `xml:"SubjectFromWebIdentityToken" json:"SubjectFromWebIdentityToken"`
	AssumedRoleUser             assumedRoleUser `xml:"AssumedRoleUser" json:"AssumedRoleUser"`
	Provider                    string          `xml:"Provider" json:"Provider"`
	Audience                    string          `xml:"Audience" json:"Audience"`
}

func sessionResult(c world.Credentials) (stsCredentials, assumedRoleUser) {
	return stsCredentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: awsTime(c.Expiration)},
		assumedRoleUser{Arn: c.CallerARN, AssumedRoleID: c.UserID}
}

// sts dispatches an STS action. Signed actions are verified against the
// endpoint's region (Options.Region); AssumeRoleWithWebIdentity is unsigned.
func (s *server) sts(w http.ResponseWriter, q *queryRequest) {
	if v := q.params.Get("Version"); v != stsAPI.version {
		s.fail(w, q, stsAPI, unknownAction(stsAPI, q.action), "API version "+strconv.Quote(v)+" is not STS's")
		return
	}
	switch q.action {
	case "GetCallerIdentity":
		caller, err, why := s.authenticate(q, "sts", s.region)
		if err != nil {
			s.fail(w, q, stsAPI, err, why)
			return
		}
		s.respond(w, q, stsAPI, callerIdentity{Arn: caller.CallerARN, UserID: caller.UserID, Account: world.AccountID})
	case "AssumeRole":
		s.assumeRole(w, q)
	case "AssumeRoleWithWebIdentity":
		s.assumeRoleWithWebIdentity(w, q)
	default:
		s.fail(w, q, stsAPI, unknownAction(stsAPI, q.action), "action not emulated")
	}
}

// roleParams reads the parameters both AssumeRole flavours share, with STS's
// validation messages.
func roleParams(q *queryRequest) (arn, session string, d time.Duration, err *world.AWSError) {
	arn, session = q.params.Get("RoleArn"), q.params.Get("RoleSessionName")
	switch {
	case arn == "":
		return "", "", 0, validationError("1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	case session == "":
		return "", "", 0, validationError("1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
	}
	if raw := q.params.Get("DurationSeconds"); raw != "" {
		n, perr := strconv.Atoi(raw)
		switch {
		case perr != nil:
			return "", "", 0, validationError("1 validation error detected: Value '%s' at 'durationSeconds' failed to satisfy constraint: Member must be a number", raw)
		case n < 900:
			return "", "", 0, validationError("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", n)
		case n > 43200:
			return "", "", 0, validationError("1 validation error detected: Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200", n)
		}
		d = time.Duration(n) * time.Second
	}
	return arn, session, d, nil
}

// assumeRole needs a signed caller whose identity policy allows sts:AssumeRole
// and whom the role's trust policy names.
func (s *server) assumeRole(w http.ResponseWriter, q *queryRequest) {
	caller, err, why := s.authenticate(q, "sts", s.region)
	if err != nil {
		s.fail(w, q, stsAPI, err, why)
		return
	}
	arn, session, d, err := roleParams(q)
	if err != nil {
		s.fail(w, q, stsAPI, err, "")
		return
	}
	if !world.CanAssumeRoles(caller) {
		s.fail(w, q, stsAPI, &world.AWSError{Status: http.StatusForbidden, Type: "Sender", Code: "AccessDenied",
			Message: "User: " + caller.CallerARN + " is not authorized to perform: sts:AssumeRole on resource: " + arn},
			"no identity-based policy of "+caller.CallerARN+" allows sts:AssumeRole")
		return
	}
	c, err := s.w.AssumeRole(world.AssumeRoleRequest{RoleARN: arn, SessionName: session, Duration: d,
		Principal: world.Principal{Type: "AWS", ID: caller.CallerARN}, Action: "sts:AssumeRole"})
	if err != nil {
		s.fail(w, q, stsAPI, err, "")
		return
	}
	creds, user := sessionResult(c)
	s.respond(w, q, stsAPI, assumeRoleResult{Credentials: creds, AssumedRoleUser: user})
}

// assumeRoleWithWebIdentity is IRSA's call: unsigned; the projected token proves
// the service account, the account's OIDC provider must know its issuer, and the
// role's trust policy sees the issuer's sub and aud condition keys.
func (s *server) assumeRoleWithWebIdentity(w http.ResponseWriter, q *queryRequest) {
	arn, session, d, err := roleParams(q)
	if err != nil {
		s.fail(w, q, stsAPI, err, "")
		return
	}
	tok := q.params.Get("WebIdentityToken")
	if tok == "" {
		s.fail(w, q, stsAPI, validationError("1 validation error detected: Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null"), "")
		return
	}
	claims, err := s.w.VerifyServiceAccountToken(tok, world.AudienceIRSA)
	if err != nil {
		s.fail(w, q, stsAPI, err, "web identity token for "+arn+" failed verification")
		return
	}
	issuer := strings.TrimPrefix(claims.Issuer, "https://")
	if issuer != world.OIDCIssuerHost {
		s.fail(w, q, stsAPI, &world.AWSError{Status: http.StatusBadRequest, Type: "Sender", Code: "InvalidIdentityToken",
			Message: "No OpenIDConnect provider found in your account for " + claims.Issuer},
			"token issuer is not the account's OIDC provider "+world.OIDCIssuerHost)
		return
	}
	c, err := s.w.AssumeRole(world.AssumeRoleRequest{
		RoleARN: arn, SessionName: session, Duration: d, Action: "sts:AssumeRoleWithWebIdentity",
		Principal: world.Principal{Type: "Federated", ID: world.OIDCProviderARN()},
		Context:   map[string]string{issuer + ":sub": claims.Subject, issuer + ":aud": world.AudienceIRSA},
	})
	if err != nil {
		s.fail(w, q, stsAPI, err, "subject "+claims.Subject)
		return
	}
	creds, user := sessionResult(c)
	s.respond(w, q, stsAPI, webIdentityResult{
		Credentials: creds, AssumedRoleUser: user, SubjectFromWebIdentityToken: claims.Subject,
		// For an IAM-registered OIDC provider STS reports the provider's ARN
		// (plausible from EKS traces; not verified against the service).
		Provider: world.OIDCProviderARN(), Audience: world.AudienceIRSA,
	})
}
