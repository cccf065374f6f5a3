// Package awsenv answers four questions about the AWS side of MONGODB-AWS: where the
// program runs (platform detection), which credentials the application will use (the
// aws-sdk-go-v2 default chain, resolved once), who those credentials are (STS
// GetCallerIdentity), and which IAM ARN must be registered in Atlas (ARN
// normalisation). It never prints or prompts: every function takes a context where it
// does I/O and returns data or typed errors for the setup engine to rank.
package awsenv

import (
	"fmt"
	"strings"
)

// Platform is where the application runs, which decides how it gets AWS credentials.
type Platform string

// The platforms, spelled as on the command line.
const (
	Lambda         Platform = "lambda"
	ECS            Platform = "ecs" // Amazon ECS, EC2 launch type
	Fargate        Platform = "fargate"
	EC2            Platform = "ec2"
	EKS            Platform = "eks" // EKS with IAM roles for service accounts (IRSA)
	EKSPodIdentity Platform = "eks-pod-identity"
	Workstation    Platform = "workstation"
)

// All lists every platform in the order a menu shows them.
func All() []Platform {
	return []Platform{Lambda, ECS, Fargate, EC2, EKS, EKSPodIdentity, Workstation}
}

// ParsePlatform reads a platform name (case-insensitive, surrounding spaces ignored).
func ParsePlatform(s string) (Platform, error) {
	want := Platform(strings.ToLower(strings.TrimSpace(s)))
	for _, p := range All() {
		if p == want {
			return p, nil
		}
	}
	names := make([]string, 0, len(All()))
	for _, p := range All() {
		names = append(names, string(p))
	}
	return "", fmt.Errorf("unknown platform %q: valid platforms are %s", s, strings.Join(names, ", "))
}

// Title is the platform's display name.
func (p Platform) Title() string {
	switch p {
	case Lambda:
		return "AWS Lambda"
	case ECS:
		return "Amazon ECS (EC2 launch type)"
	case Fargate:
		return "Amazon ECS on AWS Fargate"
	case EC2:
		return "Amazon EC2"
	case EKS:
		return "Amazon EKS (IAM roles for service accounts)"
	case EKSPodIdentity:
		return "Amazon EKS Pod Identity"
	case Workstation:
		return "Workstation (IAM user keys, profile or SSO)"
	}
	return string(p)
}

// Checklist is the short list of things that must be true on the platform for the
// application to log in with its IAM role (notes/aws-environments.md §7).
func (p Platform) Checklist() []string {
	switch p {
	case Lambda:
		return []string{
			"Register the function's execution role (its trust policy names lambda.amazonaws.com).",
			"Roles created by the Lambda console live under the /service-role/ path; register the role ARN without the path.",
			"The function must reach Atlas: a VPC with NAT or PrivateLink, or an IP access list entry.",
			"Create the MongoDB client outside the handler so connections are reused.",
		}
	case ECS, Fargate:
		list := []string{
			"Register the task role (taskRoleArn), not the task execution role: the execution role's credentials never reach the application.",
			"The task role trusts ecs-tasks.amazonaws.com.",
			"The container must have AWS_CONTAINER_CREDENTIALS_RELATIVE_URI; it is only set when the task definition has a task role.",
		}
		if p == ECS {
			list = append(list, "EC2 launch type: enable task IAM roles on the agent (ECS_ENABLE_TASK_IAM_ROLE=true) and consider ECS_AWSVPC_BLOCK_IMDS=true so tasks cannot fall back to the instance role.")
		}
		return list
	case EC2:
		return []string{
			"Register the role inside the instance profile, not the instance-profile ARN; the role trusts ec2.amazonaws.com.",
			"Attach the instance profile to the instance.",
			"IMDSv2 must be enabled; set the hop limit to 2 or more when the application runs in a container on the instance.",
			"Set AWS_REGION, or let atlas-iam read the region from the instance metadata.",
		}
	case EKS:
		return []string{
			"The cluster needs an IAM OIDC provider; the role trusts it (Federated) for sts:AssumeRoleWithWebIdentity with aud sts.amazonaws.com and sub system:serviceaccount:NAMESPACE:SA.",
			"Annotate the service account with eks.amazonaws.com/role-arn: ROLE_ARN.",
			"Restart the pods: only pods created after the annotation get AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE.",
			"The pod spec must use that serviceAccountName; register the role ARN (the one in AWS_ROLE_ARN, without its path).",
		}
	case EKSPodIdentity:
		return []string{
			"Install the eks-pod-identity-agent add-on on the cluster.",
			"The role trusts pods.eks.amazonaws.com for sts:AssumeRole and sts:TagSession.",
			"Create a pod identity association for the namespace and service account, then restart the pods.",
			"Go applications need the AWS SDK credential provider handed to the driver (the driver's own chain has no Pod Identity).",
			"Not available for pods on Fargate: use IRSA there.",
		}
	case Workstation:
		return []string{
			"IAM user keys: register the user ARN, path included.",
			"A profile or SSO: register the role the profile assumes (role ARN without its path), not the session ARN.",
			"SSO sessions expire: run aws sso login --profile PROFILE first.",
		}
	}
	return nil
}

// TrustPrincipal is an IAM trust-policy principal: Type is Service, Federated or AWS.
type TrustPrincipal struct {
	Type string
	ID   string
}

// TrustPrincipal is who assumes the platform's role. A workstation has none (the
// user's own identity is used); for IRSA the ID is a pattern, because the OIDC
// provider differs per cluster.
func (p Platform) TrustPrincipal() (TrustPrincipal, bool) {
	switch p {
	case Lambda:
		return TrustPrincipal{"Service", "lambda.amazonaws.com"}, true
	case ECS, Fargate:
		return TrustPrincipal{"Service", "ecs-tasks.amazonaws.com"}, true
	case EC2:
		return TrustPrincipal{"Service", "ec2.amazonaws.com"}, true
	case EKSPodIdentity:
		return TrustPrincipal{"Service", "pods.eks.amazonaws.com"}, true
	case EKS:
		return TrustPrincipal{"Federated", "arn:PARTITION:iam::ACCOUNT:oidc-provider/oidc.eks.REGION.amazonaws.com/id/ID"}, true
	}
	return TrustPrincipal{}, false
}
