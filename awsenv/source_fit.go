package awsenv

import (
	"strings"
)

// sourceKind groups Retrieve().Source values by where the keys come from.
type sourceKind int

const (
	kindUnknown     sourceKind = iota
	kindEnvKeys                // EnvConfigCredentials, StaticCredentials
	kindSharedFile             // SharedConfigCredentials: <file>
	kindProfile                // SSO, credential_process, aws login, a profile's role_arn
	kindWebIdentity            // WebIdentityCredentials (IRSA)
	kindContainer              // CredentialsEndpointProvider (ECS task role, Pod Identity, Lambda SnapStart)
	kindIMDS                   // EC2RoleProvider
)

func kindOf(source string) sourceKind {
	switch {
	case source == "EnvConfigCredentials" || source == "StaticCredentials":
		return kindEnvKeys
	case strings.HasPrefix(source, "SharedConfigCredentials"):
		return kindSharedFile
	case source == "SSOProvider" || source == "ProcessProvider" || source == "LoginProvider" || source == "AssumeRoleProvider":
		return kindProfile
	case source == "WebIdentityCredentials":
		return kindWebIdentity
	case source == "CredentialsEndpointProvider":
		return kindContainer
	case source == "EC2RoleProvider":
		return kindIMDS
	}
	return kindUnknown
}

// expectedKinds are the sources that deliver each platform's own role.
var expectedKinds = map[Platform][]sourceKind{
	Lambda:         {kindEnvKeys, kindContainer}, // keys in env; SnapStart uses the container endpoint
	ECS:            {kindContainer},
	Fargate:        {kindContainer},
	EC2:            {kindIMDS},
	EKS:            {kindWebIdentity},
	EKSPodIdentity: {kindContainer},
}

// roleOf names the role the platform should supply.
func roleOf(p Platform) string {
	switch p {
	case Lambda:
		return "the function's execution role"
	case ECS, Fargate:
		return "the task role"
	case EC2:
		return "the instance role"
	case EKS:
		return "the service account's IRSA role"
	case EKSPodIdentity:
		return "the pod identity role"
	}
	return "the platform's role"
}

// CheckSourceFit compares the credential source (CredentialInfo.Source) with what
// the platform should provide. Each warning supports diag.WrongCredentialSource:
// the login works, but as an identity nobody registered. A workstation, or a
// source this table does not know, gets no warning.
func CheckSourceFit(p Platform, source string) []Warning {
	kind := kindOf(source)
	want, ok := expectedKinds[p]
	if !ok || kind == kindUnknown {
		return nil
	}
	for _, k := range want {
		if k == kind {
			return nil
		}
	}
	role := roleOf(p)
	switch kind {
	case kindIMDS:
		switch p {
		case ECS, Fargate:
			return []Warning{wrongSource("The credentials come from the EC2 instance role (IMDS), not "+role+": the task has no task role, so the SDK fell back to the host's role.",
				"Set taskRoleArn in the task definition (not executionRoleArn), redeploy, and consider ECS_AWSVPC_BLOCK_IMDS=true on the agent.")}
		case EKS, EKSPodIdentity:
			return []Warning{wrongSource("The credentials come from the node's instance role (IMDS), not "+role+": the pod has neither IRSA nor Pod Identity credentials.",
				"Annotate the service account (IRSA) or create a pod identity association, then restart the pods.")}
		}
		return []Warning{wrongSource("The credentials come from EC2 instance metadata, not "+role+".", "Check where the application really runs.")}
	case kindEnvKeys:
		return []Warning{wrongSource("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment hide "+role+": the SDK uses environment keys first.",
			"Remove the keys from the environment (task definition, pod spec, shell profile) so the SDK reaches "+role+".")}
	case kindSharedFile:
		return []Warning{wrongSource("Keys from a shared credentials file ("+strings.TrimSpace(strings.TrimPrefix(source, "SharedConfigCredentials:"))+") hide "+role+": a stale ~/.aws/credentials wins over the role.",
			"Delete the file's keys (or the file), or unset AWS_SHARED_CREDENTIALS_FILE and AWS_PROFILE.")}
	case kindProfile:
		return []Warning{wrongSource("The credentials come from an AWS profile ("+source+"), not "+role+".",
			"Unset AWS_PROFILE and remove the profile from the AWS config on this host, unless registering the profile's identity is intended.")}
	case kindWebIdentity:
		if p == EKSPodIdentity {
			return []Warning{wrongSource("IRSA credentials (AWS_WEB_IDENTITY_TOKEN_FILE) win over Pod Identity: the role in AWS_ROLE_ARN is used, not the pod identity association's role.",
				"Remove the eks.amazonaws.com/role-arn annotation from the service account and restart the pods, or register the IRSA role.")}
		}
		return []Warning{wrongSource("The credentials come from a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN), not "+role+".",
			"Unset AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN unless that role is the one to register.")}
	case kindContainer:
		if p == EKS {
			return []Warning{wrongSource("The credentials come from the container credentials endpoint (Pod Identity), not IRSA: AWS_WEB_IDENTITY_TOKEN_FILE is not set.",
				"Choose EKS Pod Identity as the platform, or annotate the service account with eks.amazonaws.com/role-arn and restart the pods.")}
		}
		return []Warning{wrongSource("The credentials come from a container credentials endpoint, not "+role+": is this an ECS task or an EKS pod?",
			"Choose the platform where the application really runs.")}
	}
	return nil
}
