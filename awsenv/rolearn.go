package awsenv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// ecsCredentialsHost is where AWS_CONTAINER_CREDENTIALS_RELATIVE_URI points; the
// SDK hard-codes it too.
const ecsCredentialsHost = "http://169.254.170.2"

// RoleRecovery is the full ARN of a role, path included, found for display: the
// registered ARN stays path-less (see Normalize).
type RoleRecovery struct {
	ARN  string `json:"arn,omitempty"`  // "" when no source knew it
	Path string `json:"path,omitempty"` // e.g. "/service-role/"
	From string `json:"from,omitempty"` // "AWS_ROLE_ARN", "ECS container credentials" or "iam:GetRole"
	// Tried lists the sources that did not answer, and why; a denied iam:GetRole
	// is normal for workloads and is listed here, not returned as an error.
	Tried []string `json:"tried,omitempty"`
}

// RecoverRoleARN looks for the full ARN of the principal's role in the sources that
// need no permission (AWS_ROLE_ARN for IRSA, RoleArn in the ECS container
// credentials), then in iam:GetRole. Only a cancelled context is an error.
func (c *Chain) RecoverRoleARN(ctx context.Context, env Env, p Principal) (RoleRecovery, error) {
	var r RoleRecovery
	if p.Type != TypeRole {
		return r, nil
	}
	accept := func(candidate, from string) bool {
		a, err := arn.Parse(candidate)
		if err != nil || a.Service != "iam" || a.AccountID != p.Account || !strings.HasPrefix(a.Resource, "role/") {
			return false
		}
		path := a.Resource[len("role") : strings.LastIndex(a.Resource, "/")+1]
		if a.Resource[strings.LastIndex(a.Resource, "/")+1:] != p.Name {
			return false
		}
		r.ARN, r.Path, r.From = candidate, path, from
		return true
	}

	if v := env.getenv("AWS_ROLE_ARN"); v != "" {
		if accept(v, "AWS_ROLE_ARN") {
			return r, nil
		}
		r.Tried = append(r.Tried, "AWS_ROLE_ARN names another role")
	}
	if roleARN, err := containerRoleARN(ctx, env); err != nil {
		if ctx.Err() != nil {
			return r, fmt.Errorf("recover role ARN: %w", ctx.Err())
		}
		r.Tried = append(r.Tried, "ECS container credentials: "+err.Error())
	} else if roleARN != "" {
		if accept(roleARN, "ECS container credentials") {
			return r, nil
		}
		r.Tried = append(r.Tried, "ECS container credentials name another role")
	}

	out, err := iam.NewFromConfig(c.cfg).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(p.Name)})
	switch {
	case err == nil && out.Role != nil && accept(aws.ToString(out.Role.Arn), "iam:GetRole"):
		return r, nil
	case err == nil:
		r.Tried = append(r.Tried, "iam:GetRole returned another role")
	case ctx.Err() != nil:
		return r, fmt.Errorf("recover role ARN: %w", ctx.Err())
	case isAccessDenied(err):
		r.Tried = append(r.Tried, "iam:GetRole is not allowed for this identity")
	default:
		r.Tried = append(r.Tried, "iam:GetRole: "+err.Error())
	}
	return r, nil
}

// containerRoleARN reads RoleArn from the ECS container credentials endpoint, which
// the SDK discards. It follows the SDK's rules: RELATIVE_URI (fixed host) wins over
// FULL_URI; http FULL_URIs must point at loopback or the ECS/EKS addresses; the
// token file wins over the token variable and may not contain a line break. Pod
// Identity replies carry no RoleArn. The reply's secrets are never kept.
func containerRoleARN(ctx context.Context, env Env) (string, error) {
	target := ""
	if rel := env.getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"); rel != "" {
		target = ecsCredentialsHost + rel
	} else if full := env.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI"); full != "" {
		if err := checkContainerHost(ctx, full); err != nil {
			return "", err
		}
		target = full
	} else {
		return "", nil
	}
	token := env.getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN")
	if file := env.getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("read the authorization token file: %w", err)
		}
		token = string(b)
	}
	if strings.ContainsAny(token, "\r\n") {
		return "", errors.New("the authorization token contains a line break")
	}

	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return "", fmt.Errorf("container credentials request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	client, done := env.client()
	defer done()
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("container credentials: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("container credentials: HTTP %d", resp.StatusCode)
	}
	var body struct{ RoleArn string }
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body); err != nil {
		return "", fmt.Errorf("container credentials: %w", err)
	}
	return body.RoleArn, nil
}

func checkContainerHost(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return fmt.Errorf("AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL")
	}
	if u.Scheme == "https" {
		return nil
	}
	addrs := []string{u.Hostname()}
	if net.ParseIP(u.Hostname()) == nil {
		if addrs, err = net.DefaultResolver.LookupHost(ctx, u.Hostname()); err != nil {
			return fmt.Errorf("resolve %s: %w", u.Hostname(), err)
		}
	}
	for _, a := range addrs {
		ip := net.ParseIP(a)
		if ip == nil || !(ip.IsLoopback() || ip.Equal(net.ParseIP("169.254.170.2")) || ip.Equal(net.ParseIP("169.254.170.23")) || ip.Equal(net.ParseIP("fd00:ec2::23"))) {
			return fmt.Errorf("host %s is not allowed for http container credentials", u.Hostname())
		}
	}
	return nil
}
