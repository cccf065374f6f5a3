package awsenv

import (
	"strings"
	"testing"

	"github.com/atlas-iam/atlas-iam/diag"
)

func TestCheckSourceFit(t *testing.T) {
	tests := []struct {
		platform Platform
		source   string
		want     string // substring of the warning; "" means no warning
	}{
		// Each platform's own source fits.
		{Lambda, "EnvConfigCredentials", ""},
		{Lambda, "CredentialsEndpointProvider", ""}, // SnapStart
		{ECS, "CredentialsEndpointProvider", ""},
		{Fargate, "CredentialsEndpointProvider", ""},
		{EC2, "EC2RoleProvider", ""},
		{EKS, "WebIdentityCredentials", ""},
		{EKSPodIdentity, "CredentialsEndpointProvider", ""},
		{Workstation, "SharedConfigCredentials: /home/u/.aws/credentials", ""},
		{Workstation, "SSOProvider", ""},
		{Workstation, "EC2RoleProvider", ""},
		{EC2, "SomethingNew", ""},
		// The instance role instead of the workload's own.
		{ECS, "EC2RoleProvider", "instance role (IMDS), not the task role"},
		{Fargate, "EC2RoleProvider", "not the task role"},
		{EKS, "EC2RoleProvider", "node's instance role"},
		{EKSPodIdentity, "EC2RoleProvider", "node's instance role"},
		{Lambda, "EC2RoleProvider", "not the function's execution role"},
		// Keys that hide the role.
		{EC2, "SharedConfigCredentials: /root/.aws/credentials", "(/root/.aws/credentials) hide the instance role"},
		{ECS, "SharedConfigCredentials: /app/.aws/credentials", "hide the task role"},
		{EKS, "SharedConfigCredentials: /x", "hide the service account's IRSA role"},
		{Lambda, "SharedConfigCredentials: /var/task/credentials", "hide the function's execution role"},
		{EC2, "EnvConfigCredentials", "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment hide the instance role"},
		{Fargate, "EnvConfigCredentials", "hide the task role"},
		{EKSPodIdentity, "EnvConfigCredentials", "hide the pod identity role"},
		{EC2, "SSOProvider", "AWS profile (SSOProvider)"},
		{ECS, "AssumeRoleProvider", "AWS profile"},
		// Web identity away from EKS, and IRSA beating Pod Identity.
		{EC2, "WebIdentityCredentials", "web identity token"},
		{Lambda, "WebIdentityCredentials", "web identity token"},
		{EKSPodIdentity, "WebIdentityCredentials", "IRSA credentials (AWS_WEB_IDENTITY_TOKEN_FILE) win over Pod Identity"},
		// Container credentials where they do not belong.
		{EKS, "CredentialsEndpointProvider", "(Pod Identity), not IRSA"},
		{EC2, "CredentialsEndpointProvider", "container credentials endpoint"},
	}
	for _, tt := range tests {
		ws := CheckSourceFit(tt.platform, tt.source)
		if tt.want == "" {
			if len(ws) != 0 {
				t.Errorf("CheckSourceFit(%s, %q) = %+v, want none", tt.platform, tt.source, ws)
			}
			continue
		}
		if len(ws) != 1 || !strings.Contains(ws[0].Summary, tt.want) || ws[0].Fix == "" {
			t.Errorf("CheckSourceFit(%s, %q) = %+v, want a warning containing %q", tt.platform, tt.source, ws, tt.want)
			continue
		}
		if d := ws[0].Diagnosis(); d.Code != diag.WrongCredentialSource || len(d.Fix) != 1 {
			t.Errorf("Diagnosis = %+v", d)
		}
	}
}
