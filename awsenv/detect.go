package awsenv

import (
	"context"
	"strings"
)

// Detection is where atlas-iam thinks it runs and why.
type Detection struct {
	Platform Platform  `json:"platform"`
	Evidence []string  `json:"evidence"`           // what was seen, e.g. "AWS_LAMBDA_FUNCTION_NAME=orders-api"
	Notes    []string  `json:"notes,omitempty"`    // context that is not a problem
	Warnings []Warning `json:"warnings,omitempty"` // what will probably go wrong on this platform
}

func (d *Detection) evidence(lines ...string) { d.Evidence = append(d.Evidence, lines...) }
func (d *Detection) note(lines ...string)     { d.Notes = append(d.Notes, lines...) }
func (d *Detection) warn(w ...Warning)        { d.Warnings = append(d.Warnings, w...) }

// envEvidence records "NAME=value" for each variable that is set. Only call it with
// variables whose values are not secret.
func (d *Detection) envEvidence(env Env, names ...string) {
	for _, n := range names {
		if v := env.getenv(n); v != "" {
			d.evidence(n + "=" + v)
		}
	}
}

// Detect decides the platform from the environment, in the order of
// notes/aws-environments.md §4: Lambda, ECS, Kubernetes, EC2, else a workstation.
// Probes (ECS task metadata, IMDS) are short and bounded; a failed probe becomes a
// note or warning, never an error.
func Detect(ctx context.Context, env Env) Detection {
	if d, ok := detectLambda(env); ok {
		return d
	}
	if d, ok := detectECS(ctx, env); ok {
		return d
	}
	if d, ok := detectKubernetes(env); ok {
		return d
	}
	if d, ok := detectEC2(ctx, env); ok {
		return d
	}
	return detectWorkstation(env)
}

func detectLambda(env Env) (Detection, bool) {
	d := Detection{Platform: Lambda}
	d.envEvidence(env, "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT")
	// AWS_EXECUTION_ENV is absent on OS-only runtimes (provided.al2023, used by Go),
	// so it is one signal among others.
	if v := env.getenv("AWS_EXECUTION_ENV"); strings.HasPrefix(v, "AWS_Lambda_") {
		d.evidence("AWS_EXECUTION_ENV=" + v)
	}
	if len(d.Evidence) == 0 {
		return Detection{}, false
	}
	if env.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") != "" {
		d.note("Credentials come from the container credentials endpoint (Lambda SnapStart) instead of environment keys.")
	}
	return d, true
}

func detectWorkstation(env Env) Detection {
	d := Detection{Platform: Workstation}
	d.evidence("no Lambda, ECS, Kubernetes or EC2 signals were found")
	// Access key ids are not secret; the secret key and session token never appear.
	d.envEvidence(env, "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE")
	if env.getenv("AWS_WEB_IDENTITY_TOKEN_FILE") != "" {
		d.note("AWS_WEB_IDENTITY_TOKEN_FILE is set outside Kubernetes (a CI system?): the SDK will assume AWS_ROLE_ARN with it.")
	}
	return d
}
