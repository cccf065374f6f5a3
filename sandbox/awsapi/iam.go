package awsapi

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// anyRegion makes authenticate accept the region the client signed for. IAM
// needs it: real IAM's endpoint makes SDKs sign for us-east-1 whatever the
// client's region, but an SDK given a custom endpoint (the sandbox) signs with the
// client's region instead, so insisting on us-east-1 would fail calls that
// succeed against AWS.
const anyRegion = ""

type iamRole struct {
	Path                     string  `xml:"Path"`
	RoleName                 string  `xml:"RoleName"`
	RoleID                   string  `xml:"RoleId"`
	Arn                      string  `xml:"Arn"`
	CreateDate               awsTime `xml:"CreateDate"`
	AssumeRolePolicyDocument string  `xml:"AssumeRolePolicyDocument"`
	Description              string  `xml:"Description,omitempty"`
	MaxSessionDuration       int     `xml:"MaxSessionDuration"`
}

type listRolesResult struct {
	Roles       []iamRole `xml:"Roles>member"`
	IsTruncated bool      `xml:"IsTruncated"`
	Marker      string    `xml:"Marker,omitempty"`
}

type getRoleResult struct {
	Role iamRole `xml:"Role"`
}

// policyEncode percent-encodes a policy document as IAM returns it (RFC 3986,
// spaces as %20), so clients must URL-decode it before parsing.
func policyEncode(doc string) string {
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}

func toIAMRole(r world.IAMRole) iamRole {
	return iamRole{
		Path: r.Path, RoleName: r.Name, RoleID: r.RoleID, Arn: r.ARN, CreateDate: awsTime(r.Created),
		AssumeRolePolicyDocument: policyEncode(r.TrustPolicy), Description: r.Description,
		MaxSessionDuration: int(r.MaxSessionDuration.Seconds()),
	}
}

// iam dispatches an IAM action; every one needs a signed caller allowed to read IAM.
func (s *server) iam(w http.ResponseWriter, q *queryRequest) {
	caller, err, why := s.authenticate(q, "iam", anyRegion)
	if err != nil {
		s.fail(w, q, iamAPI, err, why)
		return
	}
	switch q.action {
	case "ListRoles":
		s.listRoles(w, q, caller)
	case "GetRole":
		s.getRole(w, q, caller)
	default:
		s.fail(w, q, iamAPI, unknownAction(iamAPI, q.action), "action not emulated")
	}
}

// denyIAMRead answers a caller without iam read permission as IAM does.
func (s *server) denyIAMRead(w http.ResponseWriter, q *queryRequest, caller world.Credentials, resource string) {
	action := "iam:" + q.action
	s.fail(w, q, iamAPI, &world.AWSError{Status: http.StatusForbidden, Type: "Sender", Code: "AccessDenied",
		Message: "User: " + caller.CallerARN + " is not authorized to perform: " + action + " on resource: " + resource +
			" because no identity-based policy allows the " + action + " action"},
		caller.CallerARN+" has no IAM read permission")
}

// listRoles pages through the roles under PathPrefix in name order; the marker is
// the (encoded) name of the first role of the next page.
func (s *server) listRoles(w http.ResponseWriter, q *queryRequest, caller world.Credentials) {
	prefix := q.params.Get("PathPrefix")
	if prefix == "" {
		prefix = "/"
	}
	if !world.CanReadIAM(caller) {
		s.denyIAMRead(w, q, caller, "arn:aws:iam::"+world.AccountID+":role"+prefix)
		return
	}
	maxItems := 100
	if raw := q.params.Get("MaxItems"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > 1000 {
			s.fail(w, q, iamAPI, validationError("1 validation error detected: Value '%s' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", raw), "")
			return
		}
		maxItems = n
	}
	var start string
	if m := q.params.Get("Marker"); m != "" {
		b, err := base64.RawURLEncoding.DecodeString(m)
		if err != nil {
			s.fail(w, q, iamAPI, &world.AWSError{Status: http.StatusBadRequest, Type: "Sender", Code: "InvalidInput", Message: "Invalid Marker."}, "marker was not issued by this IAM")
			return
		}
		start = string(b)
	}
	roles := s.w.IAMRoles()
	slices.SortFunc(roles, func(a, b world.IAMRole) int { return strings.Compare(a.Name, b.Name) })
	var res listRolesResult
	for _, r := range roles {
		if !strings.HasPrefix(r.Path, prefix) || r.Name < start {
			continue
		}
		if len(res.Roles) == maxItems {
			res.IsTruncated, res.Marker = true, base64.RawURLEncoding.EncodeToString([]byte(r.Name))
			break
		}
		res.Roles = append(res.Roles, toIAMRole(r))
	}
	s.respond(w, q, iamAPI, res)
}

func (s *server) getRole(w http.ResponseWriter, q *queryRequest, caller world.Credentials) {
	name := q.params.Get("RoleName")
	if name == "" {
		s.fail(w, q, iamAPI, validationError("1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null"), "")
		return
	}
	r, found := s.w.IAMRole(name)
	if !world.CanReadIAM(caller) {
		resource := "arn:aws:iam::" + world.AccountID + ":role/" + name
		if found {
			resource = r.ARN
		}
		s.denyIAMRead(w, q, caller, resource)
		return
	}
	if !found {
		s.fail(w, q, iamAPI, &world.AWSError{Status: http.StatusNotFound, Type: "Sender", Code: "NoSuchEntity",
			Message: "The role with name " + name + " cannot be found."}, "")
		return
	}
	s.respond(w, q, iamAPI, getRoleResult{Role: toIAMRole(r)})
}
