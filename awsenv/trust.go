package awsenv

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// stringList accepts a JSON string or a list of strings, as IAM policies do.
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

// trustStatement is one statement of a role's trust policy. Conditions are not
// evaluated: they narrow who may assume the role (a cluster's service account, an
// MFA requirement), which only the live AssumeRole can prove.
type trustStatement struct {
	Allow        bool
	AnyPrincipal bool                // "Principal": "*"
	Principals   map[string][]string // Service / Federated / AWS / CanonicalUser → ids
	Actions      []string
}

type trustPolicy []trustStatement

// parseTrustPolicy reads a trust policy as IAM returns it: URL-encoded JSON
// (RFC 3986), with Statement, Principal and Action each a value or a list.
// NotPrincipal/NotAction statements are skipped: they are rare in trust policies
// and cannot be read as "who may assume".
func parseTrustPolicy(doc string) (trustPolicy, error) {
	text := strings.TrimSpace(doc)
	if !strings.HasPrefix(text, "{") {
		decoded, err := url.PathUnescape(text)
		if err != nil {
			return nil, fmt.Errorf("decode trust policy: %w", err)
		}
		text = decoded
	}
	var raw struct{ Statement json.RawMessage }
	if err := json.Unmarshal([]byte(text), &raw); err != nil {
		return nil, fmt.Errorf("parse trust policy: %w", err)
	}
	type rawStatement struct {
		Effect       string
		Principal    json.RawMessage
		NotPrincipal json.RawMessage
		Action       stringList
		NotAction    stringList
	}
	var list []rawStatement
	if err := json.Unmarshal(raw.Statement, &list); err != nil {
		var one rawStatement
		if err := json.Unmarshal(raw.Statement, &one); err != nil {
			return nil, fmt.Errorf("parse trust policy statements: %w", err)
		}
		list = []rawStatement{one}
	}
	var tp trustPolicy
	for _, rs := range list {
		if len(rs.NotPrincipal) > 0 || len(rs.NotAction) > 0 || len(rs.Principal) == 0 {
			continue
		}
		st := trustStatement{Allow: strings.EqualFold(rs.Effect, "Allow"), Actions: rs.Action, Principals: map[string][]string{}}
		var star string
		if json.Unmarshal(rs.Principal, &star) == nil {
			st.AnyPrincipal = star == "*"
		} else {
			var m map[string]stringList
			if err := json.Unmarshal(rs.Principal, &m); err != nil {
				return nil, fmt.Errorf("parse trust policy principal: %w", err)
			}
			for k, v := range m {
				st.Principals[k] = v
			}
		}
		tp = append(tp, st)
	}
	return tp, nil
}

// allows reports whether some Allow statement lets a matching principal perform
// the action and no Deny statement forbids it.
func (tp trustPolicy) allows(match func(typ, id string) bool, action string) bool {
	allowed := false
	for _, st := range tp {
		if !st.covers(match) || !actionCovered(st.Actions, action) {
			continue
		}
		if !st.Allow {
			return false
		}
		allowed = true
	}
	return allowed
}

func (st trustStatement) covers(match func(typ, id string) bool) bool {
	if st.AnyPrincipal {
		return true
	}
	for typ, ids := range st.Principals {
		for _, id := range ids {
			if match(typ, id) {
				return true
			}
		}
	}
	return false
}

// trustedBy lists who may assume the role at all, e.g. "Service ecs-tasks.amazonaws.com".
func (tp trustPolicy) trustedBy() []string {
	seen := map[string]bool{}
	var out []string
	for _, st := range tp {
		if !st.Allow || !actionCovered(st.Actions, "sts:AssumeRole*") {
			continue
		}
		if st.AnyPrincipal {
			seen["* (anyone)"] = true
		}
		for typ, ids := range st.Principals {
			for _, id := range ids {
				seen[typ+" "+id] = true
			}
		}
	}
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// actionCovered matches an action against policy actions (case-insensitive, with
// * and ? wildcards). A wildcard in want ("sts:AssumeRole*") matches any
// AssumeRole variant the policy names.
func actionCovered(actions []string, want string) bool {
	for _, a := range actions {
		if globMatch(strings.ToLower(a), strings.ToLower(want)) || globMatch(strings.ToLower(want), strings.ToLower(a)) {
			return true
		}
	}
	return false
}

func globMatch(pattern, s string) bool {
	for pattern != "" {
		switch pattern[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if globMatch(pattern[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if s == "" {
				return false
			}
		default:
			if s == "" || s[0] != pattern[0] {
				return false
			}
		}
		pattern, s = pattern[1:], s[1:]
	}
	return s == ""
}
