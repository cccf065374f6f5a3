package awsenv

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// Role is an IAM role the target platform can use.
type Role struct {
	ARN       string   `json:"arn"` // full ARN, path included (what AssumeRole needs)
	Name      string   `json:"name"`
	Path      string   `json:"path"`
	TrustedBy []string `json:"trustedBy"` // e.g. "Service ecs-tasks.amazonaws.com"
	// TrustsCaller says the trust policy names the current identity (its ARN, its
	// role, its account root or account ID) for sts:AssumeRole, so the live test
	// can assume it. Conditions are not evaluated.
	TrustsCaller bool `json:"trustsCaller"`
}

// AssumableRoles lists the account's roles (every page of iam:ListRoles) whose
// trust policy lets the platform's principal assume them; for a workstation, the
// roles the current identity may assume. iam:ListRoles being denied is an
// *AccessDeniedError: then ask for the ARN instead.
func (c *Chain) AssumableRoles(ctx context.Context, p Platform) ([]Role, error) {
	caller, err := c.CallerIdentity(ctx)
	if err != nil {
		return nil, err
	}
	fits := platformMatcher(p)
	callerMatch := callerMatcher(caller)
	var roles []Role
	in := &iam.ListRolesInput{}
	if c.listRolesPageSize > 0 {
		in.MaxItems = aws.Int32(c.listRolesPageSize)
	}
	pager := iam.NewListRolesPaginator(iam.NewFromConfig(c.cfg), in)
	for pager.HasMorePages() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			if isAccessDenied(err) {
				return nil, accessDenied("iam:ListRoles", "", err)
			}
			return nil, fmt.Errorf("iam ListRoles: %w", err)
		}
		for _, r := range page.Roles {
			tp, err := parseTrustPolicy(aws.ToString(r.AssumeRolePolicyDocument))
			if err != nil {
				continue // a policy we cannot read cannot be shown as fitting
			}
			role := Role{
				ARN: aws.ToString(r.Arn), Name: aws.ToString(r.RoleName), Path: aws.ToString(r.Path),
				TrustedBy:    tp.trustedBy(),
				TrustsCaller: tp.allows(callerMatch, "sts:AssumeRole"),
			}
			if p == Workstation && role.TrustsCaller || p != Workstation && fits(tp) {
				roles = append(roles, role)
			}
		}
	}
	sort.Slice(roles, func(i, j int) bool { return roles[i].Name < roles[j].Name })
	return roles, nil
}

// platformMatcher says whether a trust policy lets the platform's principal in.
func platformMatcher(p Platform) func(trustPolicy) bool {
	tp, ok := p.TrustPrincipal()
	if !ok {
		return func(trustPolicy) bool { return false }
	}
	if p == EKS {
		oidc := func(typ, id string) bool {
			return typ == "Federated" && strings.Contains(id, ":oidc-provider/oidc.eks.")
		}
		return func(t trustPolicy) bool { return t.allows(oidc, "sts:AssumeRoleWithWebIdentity") }
	}
	service := func(typ, id string) bool {
		// China-region service principals end in .amazonaws.com.cn.
		return typ == "Service" && (strings.EqualFold(id, tp.ID) || strings.EqualFold(id, tp.ID+".cn"))
	}
	if p == EKSPodIdentity {
		// Pod Identity tags the session, so the trust policy must allow both
		// actions (EKS pod-id-role.html).
		return func(t trustPolicy) bool {
			return t.allows(service, "sts:AssumeRole") && t.allows(service, "sts:TagSession")
		}
	}
	return func(t trustPolicy) bool { return t.allows(service, "sts:AssumeRole") }
}

// callerMatcher recognises AWS principals that name the caller: its own ARN, its
// account (root ARN or bare ID), and for a role session the role at any path.
func callerMatcher(caller Identity) func(typ, id string) bool {
	root := iamARN(caller.Partition, caller.Account, "root")
	roleName := ""
	if a, err := arn.Parse(caller.ARN); err == nil && a.Service == "sts" && strings.HasPrefix(a.Resource, "assumed-role/") {
		roleName = strings.Split(a.Resource, "/")[1]
	}
	return func(typ, id string) bool {
		if typ != "AWS" {
			return false
		}
		if id == "*" || id == caller.ARN || id == caller.Account || id == root {
			return true
		}
		if roleName == "" {
			return false
		}
		a, err := arn.Parse(id)
		return err == nil && a.Service == "iam" && a.AccountID == caller.Account &&
			strings.HasPrefix(a.Resource, "role/") && a.Resource[strings.LastIndex(a.Resource, "/")+1:] == roleName
	}
}
