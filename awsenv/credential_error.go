package awsenv

import (
	"errors"
	"fmt"
	"strings"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/ssocreds"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// CredentialProblem is why the credential chain produced nothing usable.
type CredentialProblem string

// The problems, each with its own fix.
const (
	NoCredentials          CredentialProblem = "no-credentials"           // nothing is configured anywhere
	ProfileNotFound        CredentialProblem = "profile-not-found"        // the named AWS profile does not exist
	SSOLoginNeeded         CredentialProblem = "sso-login-needed"         // the SSO session expired or never existed
	LoginNeeded            CredentialProblem = "login-needed"             // the `aws login` session expired
	IMDSUnreachable        CredentialProblem = "imds-unreachable"         // on EC2, the instance metadata service did not answer
	NoInstanceRole         CredentialProblem = "no-instance-role"         // IMDS answered but no role is attached
	ContainerEndpointError CredentialProblem = "container-endpoint-error" // ECS task role / Pod Identity agent endpoint failed
	WebIdentityFailed      CredentialProblem = "web-identity-failed"      // IRSA: AssumeRoleWithWebIdentity failed
	ProcessFailed          CredentialProblem = "credential-process-failed"
	AssumeRoleFailed       CredentialProblem = "assume-role-failed" // a profile's role_arn could not be assumed
	InvalidConfig          CredentialProblem = "invalid-config"     // the configuration itself is broken
)

// CredentialError says which credential source failed, why, and how to fix it.
// It never carries secrets: only SDK error text, which holds none.
type CredentialError struct {
	Problem CredentialProblem
	Source  string // the source that failed, e.g. "SSO (profile dev)"
	Profile string
	Fix     string
	Err     error
}

func (e *CredentialError) Error() string {
	msg := e.Source + ": " + e.Summary()
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *CredentialError) Unwrap() error { return e.Err }

// Summary is the one-line explanation of the problem.
func (e *CredentialError) Summary() string {
	switch e.Problem {
	case NoCredentials:
		return "no AWS credentials were found (no AWS_ACCESS_KEY_ID, no profile with credentials, no container or web identity settings, no instance metadata)"
	case ProfileNotFound:
		return fmt.Sprintf("the AWS profile %q does not exist", e.Profile)
	case SSOLoginNeeded:
		return "the SSO session has expired or was never started"
	case LoginNeeded:
		return "the aws login session has expired or was never started"
	case IMDSUnreachable:
		return "the EC2 instance metadata service (IMDS) did not answer"
	case NoInstanceRole:
		return "the instance has no IAM role (no instance profile)"
	case ContainerEndpointError:
		return "the container credentials endpoint failed"
	case WebIdentityFailed:
		return "AssumeRoleWithWebIdentity failed"
	case ProcessFailed:
		return "the profile's credential_process failed"
	case AssumeRoleFailed:
		return "the profile's role could not be assumed"
	}
	return "the AWS credential configuration is invalid"
}

// Diagnosis turns the error into diag.NoAWSCredentials.
func (e *CredentialError) Diagnosis() *diag.Diagnosis {
	d := diag.New(diag.NoAWSCredentials, e.Summary()).WithEvidence("credential source: " + e.Source)
	if e.Err != nil {
		d.WithEvidence("error: " + e.Err.Error())
	}
	if e.Fix != "" {
		d.WithFix(e.Fix)
	}
	return d
}

// loadError explains a config.LoadDefaultConfig failure.
func loadError(err error, opts ChainOptions) error {
	var missing config.SharedConfigProfileNotExistError
	if errors.As(err, &missing) {
		files := ""
		if len(missing.Filename) > 0 {
			files = " (looked in " + strings.Join(missing.Filename, ", ") + ")"
		}
		return &CredentialError{Problem: ProfileNotFound, Source: "AWS profile " + missing.Profile, Profile: missing.Profile, Err: err,
			Fix: "Check the name with `aws configure list-profiles`" + files + ", or unset AWS_PROFILE."}
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "role ARN is not set"):
		return &CredentialError{Problem: WebIdentityFailed, Source: "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)", Err: err,
			Fix: "Set AWS_ROLE_ARN: on EKS, annotate the service account with eks.amazonaws.com/role-arn and restart the pods."}
	case strings.Contains(msg, "only loopback/ecs/eks hosts are allowed") || strings.Contains(msg, "local HTTP cred provider"):
		return &CredentialError{Problem: ContainerEndpointError, Source: "container credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI)", Err: err,
			Fix: "AWS_CONTAINER_CREDENTIALS_FULL_URI must be https, or http to a loopback address, 169.254.170.2 or 169.254.170.23."}
	}
	return &CredentialError{Problem: InvalidConfig, Source: "AWS configuration", Profile: opts.Profile, Err: err,
		Fix: "Check the AWS configuration files and AWS_* environment variables."}
}

// classifyRetrieveError names the source that failed. The chain never falls back
// (notes §0.1), so the configured sources say which provider ran; the operation in
// the error says which step of it failed.
func classifyRetrieveError(err error, srcs []aws.CredentialSource, profile string, p Platform) *CredentialError {
	e := &CredentialError{Profile: profile, Err: err}
	var missing config.SharedConfigProfileNotExistError
	var invalidSSO *ssocreds.InvalidTokenError
	var empty *credentials.StaticCredentialsEmptyError
	var op *smithy.OperationError
	errors.As(err, &op)
	switch {
	case errors.As(err, &missing):
		e.Problem, e.Source, e.Profile = ProfileNotFound, "AWS profile "+missing.Profile, missing.Profile
		e.Fix = "Check the name with `aws configure list-profiles`, or unset AWS_PROFILE."
	case op != nil && op.Operation() == "AssumeRole":
		e.Problem, e.Source = AssumeRoleFailed, "role_arn of profile "+profile
		e.Fix = "Check that the profile's source credentials may assume the role and that the role trusts them."
	case op != nil && op.Operation() == "AssumeRoleWithWebIdentity",
		hasSource(srcs, aws.CredentialSourceEnvVarsSTSWebIDToken, aws.CredentialSourceProfileSTSWebIDToken, aws.CredentialSourceSTSAssumeRoleWebID):
		e.Problem, e.Source = WebIdentityFailed, "web identity (IRSA)"
		e.Fix = "Check the role's trust policy (the cluster's OIDC provider, aud sts.amazonaws.com, sub system:serviceaccount:NAMESPACE:SA) and that the pod was restarted after the service account was annotated."
	case errors.As(err, &invalidSSO), hasSource(srcs, aws.CredentialSourceSSO, aws.CredentialSourceProfileSSO, aws.CredentialSourceSSOLegacy, aws.CredentialSourceProfileSSOLegacy):
		e.Problem, e.Source = SSOLoginNeeded, "SSO (profile "+profile+")"
		e.Fix = "Run " + profileCommand("aws sso login", profile) + ", then retry."
	case hasSource(srcs, aws.CredentialSourceLogin, aws.CredentialSourceProfileLogin):
		e.Problem, e.Source = LoginNeeded, "aws login (profile "+profile+")"
		e.Fix = "Run " + profileCommand("aws login", profile) + ", then retry."
	case hasSource(srcs, aws.CredentialSourceProcess, aws.CredentialSourceProfileProcess):
		e.Problem, e.Source = ProcessFailed, "credential_process (profile "+profile+")"
		e.Fix = "Run the profile's credential_process command by hand to see why it fails."
	case hasSource(srcs, aws.CredentialSourceHTTP):
		e.Problem, e.Source = ContainerEndpointError, "container credentials endpoint"
		e.Fix = "ECS: give the task definition a taskRoleArn. EKS Pod Identity: check the eks-pod-identity-agent add-on and the pod identity association, then restart the pod."
	case hasSource(srcs, aws.CredentialSourceIMDS):
		classifyIMDSError(e, err, p)
	case errors.As(err, &empty):
		e.Problem, e.Source = InvalidConfig, "static credentials"
		e.Fix = "Both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the profile's keys) must be set."
	default:
		e.Problem, e.Source = InvalidConfig, "AWS credentials ("+strings.Join(sourceNamesOf(srcs), " → ")+")"
		e.Fix = "Check the AWS configuration files and AWS_* environment variables."
	}
	return e
}

// classifyIMDSError tells "no instance role" from "IMDS unreachable"; away from
// EC2 an unreachable IMDS is simply the end of an empty chain.
func classifyIMDSError(e *CredentialError, err error, p Platform) {
	e.Source = "EC2 instance metadata (IMDS)"
	var resp *smithyhttp.ResponseError
	if errors.As(err, &resp) && resp.HTTPStatusCode() == 404 {
		e.Problem = NoInstanceRole
		e.Fix = "Attach an instance profile containing the role to the instance (aws ec2 associate-iam-instance-profile)."
		return
	}
	switch p {
	case EC2, ECS, EKS, EKSPodIdentity:
		e.Problem = IMDSUnreachable
		e.Fix = "Check that IMDS is enabled; from a container set the IMDSv2 hop limit to 2 (aws ec2 modify-instance-metadata-options --http-put-response-hop-limit 2)."
		if p != EC2 {
			e.Fix = "Give the workload its own role (ECS task role, IRSA or Pod Identity) instead of relying on the node's instance role. " + e.Fix
		}
	default:
		e.Problem, e.Source = NoCredentials, "the AWS default chain (ended at EC2 instance metadata)"
		e.Fix = "Set AWS_PROFILE to a configured profile, run aws configure or aws sso login, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY."
	}
}

func profileCommand(cmd, profile string) string {
	if profile == "" || profile == "default" {
		return cmd
	}
	return cmd + " --profile " + profile
}
