package awsenv

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// sourceNames names aws.CredentialSource values, which have no String method
// (aws/credentials.go in aws-sdk-go-v2 v1.48.0; notes/aws-environments.md §1).
var sourceNames = [...]string{
	aws.CredentialSourceUndefined:            "Undefined",
	aws.CredentialSourceCode:                 "Code",
	aws.CredentialSourceEnvVars:              "EnvVars",
	aws.CredentialSourceEnvVarsSTSWebIDToken: "EnvVarsSTSWebIDToken",
	aws.CredentialSourceSTSAssumeRole:        "STSAssumeRole",
	aws.CredentialSourceSTSAssumeRoleSaml:    "STSAssumeRoleSaml",
	aws.CredentialSourceSTSAssumeRoleWebID:   "STSAssumeRoleWebID",
	aws.CredentialSourceSTSFederationToken:   "STSFederationToken",
	aws.CredentialSourceSTSSessionToken:      "STSSessionToken",
	aws.CredentialSourceProfile:              "Profile",
	aws.CredentialSourceProfileSourceProfile: "ProfileSourceProfile",
	aws.CredentialSourceProfileNamedProvider: "ProfileNamedProvider",
	aws.CredentialSourceProfileSTSWebIDToken: "ProfileSTSWebIDToken",
	aws.CredentialSourceProfileSSO:           "ProfileSSO",
	aws.CredentialSourceSSO:                  "SSO",
	aws.CredentialSourceProfileSSOLegacy:     "ProfileSSOLegacy",
	aws.CredentialSourceSSOLegacy:            "SSOLegacy",
	aws.CredentialSourceProfileProcess:       "ProfileProcess",
	aws.CredentialSourceProcess:              "Process",
	aws.CredentialSourceHTTP:                 "HTTP",
	aws.CredentialSourceIMDS:                 "IMDS",
	aws.CredentialSourceProfileLogin:         "ProfileLogin",
	aws.CredentialSourceLogin:                "Login",
}

// SourceName names a credential source; values newer than this table print as numbers.
func SourceName(s aws.CredentialSource) string {
	if int(s) >= 0 && int(s) < len(sourceNames) && sourceNames[s] != "" {
		return sourceNames[s]
	}
	return fmt.Sprintf("CredentialSource(%d)", int(s))
}

// providerSources returns the breadcrumb trail of a provider (the SDK's
// CredentialsCache delegates to the provider it wraps).
func providerSources(p aws.CredentialsProvider) []aws.CredentialSource {
	if s, ok := p.(aws.CredentialProviderSource); ok {
		return s.ProviderSources()
	}
	return nil
}

func sourceNamesOf(srcs []aws.CredentialSource) []string {
	names := make([]string, 0, len(srcs))
	for _, s := range srcs {
		names = append(names, SourceName(s))
	}
	return names
}

func hasSource(srcs []aws.CredentialSource, want ...aws.CredentialSource) bool {
	for _, s := range srcs {
		for _, w := range want {
			if s == w {
				return true
			}
		}
	}
	return false
}

// fromProfile reports whether the chain read an AWS profile.
func fromProfile(srcs []aws.CredentialSource) bool {
	return hasSource(srcs, aws.CredentialSourceProfile, aws.CredentialSourceProfileSourceProfile,
		aws.CredentialSourceProfileNamedProvider, aws.CredentialSourceProfileSTSWebIDToken,
		aws.CredentialSourceProfileSSO, aws.CredentialSourceSSO, aws.CredentialSourceProfileSSOLegacy,
		aws.CredentialSourceSSOLegacy, aws.CredentialSourceProfileProcess, aws.CredentialSourceProfileLogin)
}
