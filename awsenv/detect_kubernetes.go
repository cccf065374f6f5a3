package awsenv

import (
	"encoding/base64"
	"encoding/json"
	"net"
	"net/url"
	"os"
	"strings"

	"github.com/atlas-iam/atlas-iam/diag"
)

// detectKubernetes tells IRSA, Pod Identity and a pod with no IAM wiring apart.
func detectKubernetes(env Env) (Detection, bool) {
	k8s := env.getenv("KUBERNETES_SERVICE_HOST")
	tokenFile := env.getenv("AWS_WEB_IDENTITY_TOKEN_FILE")
	fullURI := env.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI")
	podAgent := isPodIdentityAgentURI(fullURI) || strings.Contains(env.getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"), "pods.eks.amazonaws.com")
	irsaPath := strings.HasPrefix(tokenFile, "/var/run/secrets/eks.amazonaws.com/")
	if k8s == "" && !podAgent && !irsaPath {
		return Detection{}, false
	}
	d := Detection{}
	d.envEvidence(env, "KUBERNETES_SERVICE_HOST")
	irsa := tokenFile != ""
	pod := fullURI != ""
	switch {
	case irsa && pod:
		d.Platform = EKS
		d.warn(wrongSource("Both IRSA (AWS_WEB_IDENTITY_TOKEN_FILE) and Pod Identity (AWS_CONTAINER_CREDENTIALS_FULL_URI) are set: the AWS SDK uses IRSA, so the Pod Identity association is ignored.",
			"Remove the eks.amazonaws.com/role-arn annotation from the service account (and restart the pods) to use Pod Identity, or delete the pod identity association."))
	case irsa:
		d.Platform = EKS
	case pod:
		d.Platform = EKSPodIdentity
	default:
		d.Platform = EKS
		d.warn(wrongSource("The pod has neither IRSA nor Pod Identity credentials: the AWS SDK falls back to the node's instance role through IMDS.",
			"Annotate the service account with eks.amazonaws.com/role-arn (IRSA) or create a pod identity association, then restart the pods."))
	}
	if irsa {
		d.envEvidence(env, "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME")
		if env.getenv("AWS_ROLE_ARN") == "" {
			d.warn(Warning{Code: diag.NoAWSCredentials, Summary: "AWS_WEB_IDENTITY_TOKEN_FILE is set without AWS_ROLE_ARN: the AWS SDK refuses to load credentials.",
				Fix: "Check the eks.amazonaws.com/role-arn annotation on the service account and restart the pods."})
		}
		if c, ok := tokenClaims(tokenFile); ok {
			d.evidence("web identity token " + c)
		}
	}
	if pod {
		d.envEvidence(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
		if file := env.getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); file != "" {
			if c, ok := tokenClaims(file); ok {
				d.evidence("pod identity token " + c)
			}
		} else if env.getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN") == "" && d.Platform == EKSPodIdentity {
			d.warn(Warning{Code: diag.NoAWSCredentials, Summary: "AWS_CONTAINER_CREDENTIALS_FULL_URI is set without an authorization token: the Pod Identity agent will refuse the request.",
				Fix: "Restart the pod so the EKS webhook injects AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE."})
		}
	}
	return d, true
}

// isPodIdentityAgentURI reports whether the URL points at the EKS Pod Identity
// agent's link-local addresses.
func isPodIdentityAgentURI(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	ip := net.ParseIP(u.Hostname())
	return ip != nil && (ip.Equal(net.ParseIP("169.254.170.23")) || ip.Equal(net.ParseIP("fd00:ec2::23")))
}

// tokenClaims reads a projected service-account token and describes its subject
// and audience. The token itself is a credential and is never returned. The path is
// the pod's own (the SDK reads the same file), not one under Env.Root.
func tokenClaims(path string) (string, bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", false
	}
	parts := strings.Split(strings.TrimSpace(string(raw)), ".")
	if len(parts) != 3 {
		return "", false
	}
	body, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return "", false
	}
	var c struct {
		Sub string          `json:"sub"`
		Aud json.RawMessage `json:"aud"`
	}
	if json.Unmarshal(body, &c) != nil || c.Sub == "" {
		return "", false
	}
	var auds stringList
	_ = json.Unmarshal(c.Aud, &auds) // aud is a string or a list; absent is fine
	return "sub=" + c.Sub + " aud=" + strings.Join(auds, ","), true
}
