package awsenv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/atlas-iam/atlas-iam/diag"
)

// dmiSignals are the files that identify EC2 hardware without a network call
// (EC2 identify_ec2_instances.html): Nitro exposes DMI, Xen the hypervisor uuid.
var dmiSignals = []struct {
	path  string
	match func(string) bool
}{
	{"/sys/devices/virtual/dmi/id/sys_vendor", func(v string) bool { return v == "Amazon EC2" }},
	{"/sys/devices/virtual/dmi/id/board_asset_tag", func(v string) bool { return strings.HasPrefix(v, "i-") }},
	{"/sys/hypervisor/uuid", func(v string) bool { return strings.HasPrefix(v, "ec2") }},
	{"/sys/devices/virtual/dmi/id/product_uuid", func(v string) bool { return strings.HasPrefix(strings.ToLower(v), "ec2") }}, // root-only (0400)
}

func detectEC2(ctx context.Context, env Env) (Detection, bool) {
	d := Detection{Platform: EC2}
	for _, s := range dmiSignals {
		raw, err := os.ReadFile(env.path(s.path))
		if v := strings.TrimSpace(string(raw)); err == nil && s.match(v) {
			d.evidence(s.path + "=" + v)
		}
	}
	dmi := len(d.Evidence) > 0

	if strings.EqualFold(env.getenv("AWS_EC2_METADATA_DISABLED"), "true") {
		if !dmi {
			return Detection{}, false
		}
		d.warn(Warning{Code: diag.NoAWSCredentials, Summary: "AWS_EC2_METADATA_DISABLED=true: the instance role cannot be used.",
			Fix: "Unset AWS_EC2_METADATA_DISABLED, or provide credentials another way."})
		return d, true
	}
	probe, err := probeIMDS(ctx, env)
	switch {
	case err == nil:
		d.evidence(probe.evidence...)
		d.warn(probe.warnings...)
	case dmi:
		d.warn(Warning{Code: diag.NoAWSCredentials, Summary: "This is an EC2 instance but the instance metadata service did not answer (" + err.Error() + "), so the instance role cannot be used.",
			Fix: "In a container, raise the IMDSv2 hop limit to 2 (aws ec2 modify-instance-metadata-options --http-put-response-hop-limit 2); check that the metadata service is enabled."})
	default:
		return Detection{}, false
	}
	return d, true
}

type imdsProbe struct {
	evidence []string
	warnings []Warning
}

// imdsEndpoint follows the SDK: AWS_EC2_METADATA_SERVICE_ENDPOINT, then the
// endpoint mode, then the IPv4 address.
func imdsEndpoint(env Env) string {
	if v := env.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT"); v != "" {
		return strings.TrimRight(v, "/")
	}
	if strings.EqualFold(env.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"), "IPv6") {
		return "http://[fd00:ec2::254]"
	}
	return "http://169.254.169.254"
}

// probeIMDS asks for an IMDSv2 token, then reads the instance id and the instance
// profile, all within probeTimeout. Only a 200 token reply counts: other clouds also
// answer on 169.254.169.254, with other paths.
func probeIMDS(ctx context.Context, env Env) (imdsProbe, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	base := imdsEndpoint(env)
	client, done := env.client()
	defer done()
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, base+"/latest/api/token", nil)
	if err != nil {
		return imdsProbe{}, fmt.Errorf("IMDS token request: %w", err)
	}
	req.Header.Set("X-aws-ec2-metadata-token-ttl-seconds", "60")
	token, status, err := readSmall(client, req)
	if err != nil {
		return imdsProbe{}, fmt.Errorf("IMDS at %s: %w", base, err)
	}
	if status != http.StatusOK || token == "" {
		return imdsProbe{}, fmt.Errorf("IMDS at %s: token request answered HTTP %d", base, status)
	}
	p := imdsProbe{evidence: []string{"IMDSv2 token from " + base}}
	get := func(path string) (string, int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return "", 0, err
		}
		req.Header.Set("X-aws-ec2-metadata-token", token)
		return readSmall(client, req)
	}
	if id, status, err := get("/latest/meta-data/instance-id"); err == nil && status == http.StatusOK {
		p.evidence = append(p.evidence, "IMDS instance-id="+id)
	}
	info, status, err := get("/latest/meta-data/iam/info")
	switch {
	case err != nil:
		// The token answered, so this is EC2; the profile is simply unknown.
	case status == http.StatusNotFound:
		p.warnings = append(p.warnings, Warning{Code: diag.NoAWSCredentials, Summary: "The instance has no IAM instance profile, so there is no instance role.",
			Fix: "Attach an instance profile that contains the role (aws ec2 associate-iam-instance-profile)."})
	case status == http.StatusOK:
		var v struct{ InstanceProfileArn string }
		if json.Unmarshal([]byte(info), &v) == nil && v.InstanceProfileArn != "" {
			p.evidence = append(p.evidence, "IMDS instance profile="+v.InstanceProfileArn)
		}
	}
	return p, nil
}

// readSmall performs a metadata request and returns its (bounded) body.
func readSmall(c *http.Client, req *http.Request) (string, int, error) {
	resp, err := c.Do(req)
	if err != nil {
		var ue interface{ Timeout() bool }
		if errors.As(err, &ue) && ue.Timeout() {
			return "", 0, errors.New("no answer in time")
		}
		return "", 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", resp.StatusCode, err
	}
	return strings.TrimSpace(string(b)), resp.StatusCode, nil
}
