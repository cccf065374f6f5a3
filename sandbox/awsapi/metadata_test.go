package awsapi

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

func TestIMDSv2Token(t *testing.T) {
	w, endpoint := newSandbox(t, world.Options{})
	tokenURL := endpoint + "/latest/api/token"
	for _, tc := range []struct {
		name   string
		header map[string]string
		status int
	}{
		{"max ttl", map[string]string{"X-aws-ec2-metadata-token-ttl-seconds": "21600"}, http.StatusOK},
		{"no ttl", nil, http.StatusBadRequest},
		{"ttl zero", map[string]string{"X-aws-ec2-metadata-token-ttl-seconds": "0"}, http.StatusBadRequest},
		{"ttl too long", map[string]string{"X-aws-ec2-metadata-token-ttl-seconds": "21601"}, http.StatusBadRequest},
		{"through a proxy", map[string]string{"X-aws-ec2-metadata-token-ttl-seconds": "300", "X-Forwarded-For": "10.0.0.9"}, http.StatusForbidden},
	} {
		status, h, body := do(t, http.MethodPut, tokenURL, tc.header)
		if status != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, status, tc.status)
		}
		if status == http.StatusOK && (h.Get("X-Aws-Ec2-Metadata-Token-Ttl-Seconds") != "21600" || body == "") {
			t.Errorf("%s: TTL header %q not echoed or empty token", tc.name, h.Get("X-Aws-Ec2-Metadata-Token-Ttl-Seconds"))
		}
	}
	if !logged(w, "imds", "X-Forwarded-For") {
		t.Error("proxy refusal not logged")
	}
}

func TestIMDSv2Reads(t *testing.T) {
	w, endpoint := newSandbox(t, world.Options{})
	_, _, tok := do(t, http.MethodPut, endpoint+"/latest/api/token", map[string]string{"X-aws-ec2-metadata-token-ttl-seconds": "60"})
	get := func(path, token string) (int, string) {
		h := map[string]string{}
		if token != "" {
			h["X-aws-ec2-metadata-token"] = token
		}
		status, _, body := do(t, http.MethodGet, endpoint+path, h)
		return status, body
	}
	creds := "/latest/meta-data/iam/security-credentials/"
	if status, _ := get(creds, ""); status != http.StatusUnauthorized {
		t.Fatalf("read without token: %d, want 401", status)
	}
	if status, _ := get(creds, "AQAEAforged"); status != http.StatusUnauthorized {
		t.Fatalf("read with an unknown token: %d, want 401", status)
	}
	if status, body := get(creds, tok); status != http.StatusOK || body != "app" {
		t.Fatalf("role list: %d %q", status, body)
	}
	_, body := get(creds+"app", tok)
	var c map[string]string
	if err := json.Unmarshal([]byte(body), &c); err != nil {
		t.Fatal(err)
	}
	if c["Code"] != "Success" || c["Type"] != "AWS-HMAC" || !strings.HasPrefix(c["AccessKeyId"], "ASIA") || c["Token"] == "" || c["Expiration"] == "" || c["LastUpdated"] == "" {
		t.Fatalf("credentials fields: %v", slices.Sorted(maps.Keys(c)))
	}
	if k, ok := w.LookupKey(c["AccessKeyId"]); !ok || k.CallerARN != "arn:aws:sts::123456789012:assumed-role/app/"+world.EC2InstanceID {
		t.Fatalf("IMDS key belongs to %q", k.CallerARN)
	}
	_, body = get("/latest/meta-data/iam/info", tok)
	var info map[string]string
	if err := json.Unmarshal([]byte(body), &info); err != nil || info["InstanceProfileArn"] != "arn:aws:iam::123456789012:instance-profile/app-instance-profile" || !strings.HasPrefix(info["InstanceProfileId"], "AIPA") {
		t.Fatalf("iam/info: %s", body)
	}
	_, body = get("/latest/dynamic/instance-identity/document", tok)
	var doc map[string]string
	if err := json.Unmarshal([]byte(body), &doc); err != nil || doc["region"] != "us-east-1" || doc["accountId"] != world.AccountID || doc["instanceId"] != world.EC2InstanceID {
		t.Fatalf("identity document: %s", body)
	}
	for path, want := range map[string]string{"/latest/meta-data/placement/region": "us-east-1", "/latest/meta-data/instance-id": world.EC2InstanceID} {
		if _, got := get(path, tok); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	if status, _ := get(creds+"admin", tok); status != http.StatusNotFound {
		t.Errorf("another role's credentials: %d, want 404", status)
	}
	if !logged(w, "imds", "401", "no X-Aws-Ec2-Metadata-Token header") {
		t.Error("401 not logged with its reason")
	}
	assertNoSecretsLogged(t, w)
}

func TestIMDSv2TokenExpires(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC).UnixNano())
	w, endpoint := newSandbox(t, world.Options{Clock: func() time.Time { return time.Unix(0, now.Load()) }})
	_, _, tok := do(t, http.MethodPut, endpoint+"/latest/api/token", map[string]string{"X-aws-ec2-metadata-token-ttl-seconds": "5"})
	read := func() int {
		status, _, _ := do(t, http.MethodGet, endpoint+"/latest/meta-data/instance-id", map[string]string{"X-aws-ec2-metadata-token": tok})
		return status
	}
	if status := read(); status != http.StatusOK {
		t.Fatalf("fresh token: %d", status)
	}
	now.Add(int64(5 * time.Second))
	if status := read(); status != http.StatusUnauthorized {
		t.Fatalf("token after its TTL: %d, want 401", status)
	}
	if !logged(w, "imds", "token expired at 2026-11-27T09:00:05Z") {
		t.Fatalf("expiry not logged: %v", w.Events())
	}
}

func TestECSTaskMetadataLaunchType(t *testing.T) {
	w, endpoint := newSandbox(t, world.Options{})
	for p, want := range map[Platform]string{ECS: "EC2", Fargate: "FARGATE"} {
		env, err := PlatformEnv(w, endpoint, t.TempDir(), p)
		if err != nil {
			t.Fatal(err)
		}
		var task struct {
			Cluster, TaskARN, LaunchType, AvailabilityZone, Family, Revision string
			Containers                                                       []struct{ DockerId, Name string }
		}
		status, _, body := do(t, http.MethodGet, env.Get("ECS_CONTAINER_METADATA_URI_V4")+"/task", nil)
		if err := json.Unmarshal([]byte(body), &task); status != http.StatusOK || err != nil {
			t.Fatalf("%s /task: %d %v", p, status, err)
		}
		if task.LaunchType != want || task.TaskARN != "arn:aws:ecs:us-east-1:123456789012:task/sandbox/"+world.ECSTaskID ||
			task.Family == "" || task.Revision == "" || task.AvailabilityZone == "" || len(task.Containers) != 1 {
			t.Fatalf("%s task: %+v", p, task)
		}
		var container struct{ DockerId, LaunchType string }
		_, _, body = do(t, http.MethodGet, env.Get("ECS_CONTAINER_METADATA_URI_V4"), nil)
		if err := json.Unmarshal([]byte(body), &container); err != nil || container.DockerId != task.Containers[0].DockerId || container.LaunchType != want {
			t.Fatalf("%s container: %s", p, body)
		}
	}
	if status, _, _ := do(t, http.MethodGet, endpoint+"/v4/unknown/task", nil); status != http.StatusBadRequest {
		t.Fatalf("unknown metadata id: %d", status)
	}
}

func TestECSCredentials(t *testing.T) {
	w, endpoint := newSandbox(t, world.Options{})
	status, h, body := do(t, http.MethodGet, endpoint+"/v2/credentials/"+ECSCredentialsID, nil)
	var c map[string]string
	if err := json.Unmarshal([]byte(body), &c); status != http.StatusOK || err != nil || h.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %v", status, err)
	}
	if c["RoleArn"] != "arn:aws:iam::123456789012:role/app" || !strings.HasPrefix(c["AccessKeyId"], "ASIA") || c["Token"] == "" || c["Expiration"] == "" {
		t.Fatalf("fields %v, RoleArn %q", slices.Sorted(maps.Keys(c)), c["RoleArn"])
	}
	status, _, body = do(t, http.MethodGet, endpoint+"/v2/credentials/other-task", nil)
	var e map[string]any
	if err := json.Unmarshal([]byte(body), &e); status != http.StatusBadRequest || err != nil || e["code"] != "InvalidIdInRequest" {
		t.Fatalf("unknown id: %d %s", status, body)
	}
	assertNoSecretsLogged(t, w)
}

func TestPodIdentityAgent(t *testing.T) {
	w, endpoint := newSandbox(t, world.Options{})
	url := endpoint + "/v1/credentials"
	podToken := w.ServiceAccountToken(world.AudiencePodIdentity)
	for _, tc := range []struct {
		name, token string
		status      int
		body        string
	}{
		{"no token", "", http.StatusBadRequest, "Service account token cannot be empty"},
		{"not a jwt", "Bearer abc", http.StatusBadRequest, "Service account token cannot be parsed"},
		{"irsa audience", w.ServiceAccountToken(world.AudienceIRSA), http.StatusBadRequest, "Incorrect token audience"},
		{"forged", podToken[:strings.LastIndex(podToken, ".")+1] + "AAAA", http.StatusBadRequest, "InvalidTokenException"},
	} {
		h := map[string]string{}
		if tc.token != "" {
			h["Authorization"] = tc.token
		}
		status, hdr, body := do(t, http.MethodGet, url, h)
		if status != tc.status || !strings.Contains(body, tc.body) || !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain") {
			t.Errorf("%s: %d %q (%s)", tc.name, status, body, hdr.Get("Content-Type"))
		}
	}
	status, _, body := do(t, http.MethodGet, url, map[string]string{"Authorization": podToken})
	var c map[string]string
	if err := json.Unmarshal([]byte(body), &c); status != http.StatusOK || err != nil {
		t.Fatalf("valid token: %d %v", status, err)
	}
	if keys := slices.Sorted(maps.Keys(c)); !slices.Equal(keys, []string{"AccessKeyId", "AccountId", "Expiration", "SecretAccessKey", "Token"}) || c["AccountId"] != world.AccountID {
		t.Fatalf("fields %v", keys)
	}
	k, _ := w.LookupKey(c["AccessKeyId"])
	session := k.CallerARN[strings.LastIndex(k.CallerARN, "/")+1:]
	if !strings.HasPrefix(session, "eks-sandbox-app-7d4b9c8f6d-x2x7k-") || len(session) > 64 {
		t.Fatalf("session name %q", session)
	}
	if !logged(w, "eks", "refused with 400", "no Authorization header") {
		t.Error("missing token not logged with its reason")
	}
	assertNoSecretsLogged(t, w, podToken)
}
