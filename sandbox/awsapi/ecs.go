package awsapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// ECSCredentialsID is the task's credentials id, the last segment of
// AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (/v2/credentials/<id>) on a real task.
const ECSCredentialsID = "4f2a7c1e-8b3d-4e6f-9a0b-1c2d3e4f5a6b"

// ECS task definition of the sandbox task; its task role is world.RoleApp.
const (
	ecsFamily    = "app"
	ecsRevision  = "7"
	ecsContainer = "app"
	ecsImage     = "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest"
)

// LaunchType is an ECS launch type as task metadata v4 reports it.
type LaunchType string

// The two launch types the sandbox runs its task on.
const (
	LaunchEC2     LaunchType = "EC2"
	LaunchFargate LaunchType = "FARGATE"
)

// ECSMetadataID is the last segment of ECS_CONTAINER_METADATA_URI_V4 for the
// task's container on each launch type. The id decides the launch type the
// metadata reports. Shapes follow what the agents expose (unverified): a Docker
// container id on EC2, "<task id>-<number>" on Fargate.
func ECSMetadataID(lt LaunchType) string {
	if lt == LaunchFargate {
		return world.ECSTaskID + "-3681984407"
	}
	sum := sha256.Sum256([]byte("docker/" + world.ECSTaskID))
	return hex.EncodeToString(sum[:])
}

// ECSTaskARN is the sandbox task's ARN.
func ECSTaskARN() string {
	return "arn:aws:ecs:" + world.Region + ":" + world.AccountID + ":task/" + world.ECSCluster + "/" + world.ECSTaskID
}

func ecsClusterARN() string {
	return "arn:aws:ecs:" + world.Region + ":" + world.AccountID + ":cluster/" + world.ECSCluster
}

// ecsError writes the ECS agent's JSON error shape, which the SDK parses into
// "<code>: <message>".
func ecsError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"code": code, "message": message, "HTTPErrorCode": status})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// ecsCredentials is GET /v2/credentials/<id>: the task role's session, named
// after the task id, with the full role ARN (path included) as ECS sends it.
func (s *server) ecsCredentials(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if id != ECSCredentialsID {
		s.w.Logf("ecs", "credentials refused with 400: id %q belongs to no running task", id)
		ecsError(w, http.StatusBadRequest, "InvalidIdInRequest", "CredentialsV2Request: Credentials not found")
		return
	}
	c, err := s.w.ServiceSession("ecs-tasks.amazonaws.com", world.RoleApp, world.ECSTaskID)
	if err != nil {
		s.w.Logf("ecs", "task role session failed: %s", err.Message)
		ecsError(w, http.StatusInternalServerError, "InternalServerError", "CredentialsV2Request: unable to get credentials for task")
		return
	}
	writeJSON(w, map[string]string{
		"RoleArn": c.RoleARN, "AccessKeyId": c.AccessKeyID, "SecretAccessKey": c.SecretAccessKey,
		"Token": c.SessionToken, "Expiration": isoTime(c.Expiration),
	})
}

// launchTypeOf maps a metadata id to its launch type.
func launchTypeOf(id string) (LaunchType, bool) {
	for _, lt := range []LaunchType{LaunchEC2, LaunchFargate} {
		if id == ECSMetadataID(lt) {
			return lt, true
		}
	}
	return "", false
}

func (s *server) metadataLaunchType(w http.ResponseWriter, r *http.Request) (LaunchType, bool) {
	lt, ok := launchTypeOf(r.PathValue("id"))
	if !ok {
		s.w.Logf("ecs", "task metadata refused with 400: %q is no container of this task", r.PathValue("id"))
		// The agent answers an unknown endpoint id with 400 and a JSON string (shape unverified).
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode("V4 task metadata handler: unable to get task arn from request: unable to get container name mapping for endpoint " + r.PathValue("id"))
		return "", false
	}
	return lt, true
}

// ecsContainerMetadata is GET ${ECS_CONTAINER_METADATA_URI_V4}.
func (s *server) ecsContainerMetadata(w http.ResponseWriter, r *http.Request) {
	if lt, ok := s.metadataLaunchType(w, r); ok {
		writeJSON(w, s.containerMetadata(lt))
	}
}

// ecsTaskMetadata is GET ${ECS_CONTAINER_METADATA_URI_V4}/task; LaunchType is the
// authoritative ECS-on-EC2 versus Fargate signal.
func (s *server) ecsTaskMetadata(w http.ResponseWriter, r *http.Request) {
	lt, ok := s.metadataLaunchType(w, r)
	if !ok {
		return
	}
	started := s.w.Now().Add(-2 * time.Hour).Truncate(time.Second)
	task := map[string]any{
		"Cluster":          world.ECSCluster,
		"TaskARN":          ECSTaskARN(),
		"Family":           ecsFamily,
		"Revision":         ecsRevision,
		"DesiredStatus":    "RUNNING",
		"KnownStatus":      "RUNNING",
		"Limits":           map[string]any{"CPU": 0.25, "Memory": 512},
		"PullStartedAt":    isoTime(started.Add(-30 * time.Second)),
		"PullStoppedAt":    isoTime(started.Add(-10 * time.Second)),
		"AvailabilityZone": availabilityZone,
		"LaunchType":       string(lt),
		"Containers":       []any{s.containerMetadata(lt)},
	}
	if lt == LaunchFargate {
		// Fargate reports the cluster as an ARN and has no EC2-only fields.
		task["Cluster"] = ecsClusterARN()
		task["ClockDrift"] = map[string]any{"ClockErrorBound": 0.5, "ReferenceTimestamp": isoTime(s.w.Now()), "ClockSynchronizationStatus": "SYNCHRONIZED"}
	} else {
		task["ServiceName"] = ecsFamily
		task["VPCID"] = "vpc-0a1b2c3d4e5f67890"
	}
	writeJSON(w, task)
}

func (s *server) containerMetadata(lt LaunchType) map[string]any {
	started := s.w.Now().Add(-2 * time.Hour).Truncate(time.Second)
	network := map[string]any{"NetworkMode": "awsvpc", "IPv4Addresses": []string{"10.0.2.41"}}
	if lt == LaunchEC2 {
		network = map[string]any{"NetworkMode": "bridge", "IPv4Addresses": []string{"172.17.0.2"}}
	}
	return map[string]any{
		// The metadata id is the container's DockerId on both launch types.
		"DockerId":   ECSMetadataID(lt),
		"Name":       ecsContainer,
		"DockerName": "ecs-" + ecsFamily + "-" + ecsRevision + "-" + ecsContainer,
		"Image":      ecsImage,
		"Labels": map[string]string{
			"com.amazonaws.ecs.cluster":                 world.ECSCluster,
			"com.amazonaws.ecs.container-name":          ecsContainer,
			"com.amazonaws.ecs.task-arn":                ECSTaskARN(),
			"com.amazonaws.ecs.task-definition-family":  ecsFamily,
			"com.amazonaws.ecs.task-definition-version": ecsRevision,
		},
		"DesiredStatus": "RUNNING",
		"KnownStatus":   "RUNNING",
		"Limits":        map[string]any{"CPU": 256, "Memory": 512},
		"CreatedAt":     isoTime(started.Add(-5 * time.Second)),
		"StartedAt":     isoTime(started),
		"Type":          "NORMAL",
		"LaunchType":    string(lt),
		"ContainerARN":  "arn:aws:ecs:" + world.Region + ":" + world.AccountID + ":container/" + world.ECSCluster + "/" + world.ECSTaskID + "/" + newStableUUID(string(lt)),
		"Networks":      []any{network},
	}
}

// newStableUUID derives a UUID-shaped id from a seed, so metadata reads the same
// on every request.
func newStableUUID(seed string) string {
	s := sha256.Sum256([]byte(seed + "/" + world.ECSTaskID))
	h := hex.EncodeToString(s[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}
