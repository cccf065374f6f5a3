package awsenv

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// probeTimeout bounds each metadata probe so detection never stalls the wizard.
const probeTimeout = time.Second

// taskMetadata is the part of ECS task metadata v4 (GET ${ECS_CONTAINER_METADATA_URI_V4}/task) we use.
type taskMetadata struct {
	Cluster          string
	TaskARN          string
	Family           string
	Revision         string
	LaunchType       string
	AvailabilityZone string
}

func detectECS(ctx context.Context, env Env) (Detection, bool) {
	v4 := env.getenv("ECS_CONTAINER_METADATA_URI_V4")
	execEnv := env.getenv("AWS_EXECUTION_ENV")
	relative := env.getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
	if v4 == "" && env.getenv("ECS_CONTAINER_METADATA_URI") == "" && !strings.HasPrefix(execEnv, "AWS_ECS_") && relative == "" {
		return Detection{}, false
	}
	d := Detection{Platform: ECS}
	d.envEvidence(env, "ECS_CONTAINER_METADATA_URI_V4", "ECS_CONTAINER_METADATA_URI", "AWS_EXECUTION_ENV", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI")
	if env.getenv("CODEBUILD_BUILD_ID") != "" {
		d.note("This looks like AWS CodeBuild (CODEBUILD_BUILD_ID is set): the credentials are the build project's service role.")
	}

	// AWS_EXECUTION_ENV is set by the ECS agent but not documented; LaunchType
	// from the task metadata is authoritative (notes §8).
	hint := map[string]Platform{"AWS_ECS_FARGATE": Fargate, "AWS_ECS_EC2": ECS}[execEnv]
	var meta *taskMetadata
	if v4 != "" {
		m, err := fetchTaskMetadata(ctx, env, v4)
		if err != nil {
			d.note("Could not read the ECS task metadata: " + err.Error())
		} else {
			meta = &m
		}
	}
	switch {
	case meta != nil && meta.LaunchType != "":
		d.evidence("task metadata LaunchType=" + meta.LaunchType)
		switch strings.ToUpper(meta.LaunchType) {
		case "FARGATE":
			d.Platform = Fargate
		case "EC2":
			d.Platform = ECS
		default:
			d.note(fmt.Sprintf("Launch type %s is treated like the EC2 launch type.", meta.LaunchType))
		}
		if hint != "" && hint != d.Platform {
			d.note(fmt.Sprintf("AWS_EXECUTION_ENV=%s disagrees with the task metadata; the metadata wins.", execEnv))
		}
	case hint != "":
		d.Platform = hint
		if v4 != "" {
			d.note("The launch type comes from AWS_EXECUTION_ENV because the task metadata gave none.")
		}
	default:
		d.note("The launch type is unknown; assuming the EC2 launch type.")
	}
	if meta != nil {
		if meta.TaskARN != "" {
			d.evidence("task metadata TaskARN=" + meta.TaskARN)
		}
		if meta.Cluster != "" {
			d.evidence("task metadata Cluster=" + meta.Cluster)
		}
	}

	if relative == "" && env.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI") == "" {
		w := wrongSource("The task has no task role: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not set in the container.",
			"Set taskRoleArn in the task definition (not executionRoleArn) and redeploy the service.")
		if d.Platform == ECS {
			w.Summary += " The SDK falls back to the EC2 instance role through IMDS."
		} else {
			w.Summary += " On Fargate there are no other credentials."
		}
		d.warn(w)
	}
	return d, true
}

func fetchTaskMetadata(ctx context.Context, env Env, base string) (taskMetadata, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(base, "/")+"/task", nil)
	if err != nil {
		return taskMetadata{}, fmt.Errorf("task metadata request: %w", err)
	}
	client, done := env.client()
	defer done()
	resp, err := client.Do(req)
	if err != nil {
		return taskMetadata{}, fmt.Errorf("task metadata: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return taskMetadata{}, fmt.Errorf("task metadata: HTTP %d", resp.StatusCode)
	}
	var m taskMetadata
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&m); err != nil {
		return taskMetadata{}, fmt.Errorf("task metadata: %w", err)
	}
	return m, nil
}
