package steps

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/atlas-iam/atlas-iam/atlas"
	"github.com/atlas-iam/atlas-iam/diag"
)

// deployStep waits until the target cluster applied the user change: new users
// cannot log in while changeStatus is PENDING. Flex clusters and federated
// instances have no status endpoint; the login is retried instead.
func (s *setup) deployStep(ctx context.Context) error {
	r := s.start(StepDeploy, "Deployment")
	d := s.deployment
	switch {
	case d.Paused:
		return r.fail(clusterNotReady(d, "the cluster is paused").WithFix("Resume " + d.Name + " in Atlas (… → Resume Cluster), then run again."))
	case d.StateName == "CREATING" || d.StateName == "DELETING":
		return r.fail(clusterNotReady(d, "the cluster is "+strings.ToLower(d.StateName)).WithFix("Wait until " + d.Name + " is IDLE, then run again."))
	case !d.Kind.HasChangeStatus():
		r.done(StatusSkipped, fmt.Sprintf("%s is a %s deployment without a change status: the login is retried until the user is deployed", d.Name, d.Kind))
		return nil
	}
	start := s.e.Now()
	deadline := start.Add(s.in.Timeout)
	wait := s.e.PollInterval
	for polls := 1; ; polls++ {
		st, err := s.api.ClusterStatus(ctx, s.project.ID, d.Name)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			c, _ := s.credsF().wait(ctx)
			return r.fail(atlasAccessDiagnosis(err, c))
		}
		if st == "APPLIED" {
			r.done(StatusOK, d.Name+": changes applied")
			return nil
		}
		if !s.e.Now().Add(wait).Before(deadline) {
			return r.fail(clusterNotReady(d, fmt.Sprintf("changeStatus still %s after %s", st, s.in.Timeout.Round(time.Second))).
				WithEvidence(fmt.Sprintf("GET …/clusters/%s/status answered changeStatus %s %d times over %s (--timeout %s)",
					d.Name, st, polls, s.e.Now().Sub(start).Round(time.Millisecond), s.in.Timeout)).
				WithFix("Atlas is still deploying the user change; check the project's activity feed for a stuck deployment.",
					"Run atlas-iam check --cluster "+d.Name+" later, or rerun with a longer --timeout."))
		}
		r.progress("%s: changeStatus %s, waiting", d.Name, st)
		if err := s.e.Sleep(ctx, wait); err != nil {
			return err
		}
		wait = s.e.nextPoll(wait)
	}
}

func clusterNotReady(d atlas.Deployment, why string) *diag.Diagnosis {
	return diag.New(diag.ClusterNotReady, d.Name+" is not ready: "+why).
		WithEvidence(fmt.Sprintf("%s %s: stateName %s", d.Kind, d.Name, d.StateName))
}
