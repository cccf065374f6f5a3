package wire

import (
	"strings"
	"testing"
)

// TestSimplifyARN pins MongoDB Enterprise's makeSimplifiedArn semantics.
func TestSimplifyARN(t *testing.T) {
	tests := []struct {
		arn, want, err string
	}{
		{arn: "arn:aws:iam::123456789012:user/dev", want: "arn:aws:iam::123456789012:user/dev"},
		{arn: "arn:aws:iam::123456789012:user/team/a.user.name", want: "arn:aws:iam::123456789012:user/team/a.user.name"},
		{arn: "arn:aws:sts::123456789012:assumed-role/app/i-0a1b2c3d4e5f67890", want: "arn:aws:sts::123456789012:assumed-role/app/*"},
		{arn: "arn:aws-us-gov:sts::123456789012:assumed-role/app/s", want: "arn:aws-us-gov:sts::123456789012:assumed-role/app/*"},
		{arn: "arn:aws:sts::123456789012:assumed-role/a/b/session", want: "arn:aws:sts::123456789012:assumed-role/a/b/*"},
		{arn: "arn:aws:iam::123456789012:root", err: "51280"},
		{arn: "arn:aws:iam::123456789012:role/app", err: "51280"},
		{arn: "arn:aws:sts::123456789012:federated-user/alice", err: "51279"},
		{arn: "arn:aws:sts::123456789012:assumed-role/app", err: "51278"},
		{arn: "arn:aws:s3:::bucket", err: "5479902"},
		{arn: "arn:aws:iam::123456789012", err: "5479900"},
		{arn: "urn:aws:iam::123456789012:user/dev", err: "5479901"},
	}
	for _, tc := range tests {
		got, err := simplifyARN(tc.arn)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("simplifyARN(%q) = %q, %v; want %q", tc.arn, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("simplifyARN(%q) = %q, %v; want error %s", tc.arn, got, err, tc.err)
		}
	}
}
