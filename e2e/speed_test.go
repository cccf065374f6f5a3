package e2e

import (
	"testing"
	"time"

	"github.com/atlas-iam/atlas-iam/sandbox"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// roundTrip is the latency the sandbox adds to every Atlas API request and every
// wire round trip in the speed benchmarks: wall time ÷ roundTrip counts the
// sequential round trips a command needs.
const roundTrip = 50 * time.Millisecond

// speedEnv is a sandbox with `--latency 50ms --deploy-delay 0` on EC2 (a
// negative delay is the harness's "none").
func speedEnv(b *testing.B) *env {
	return newEnv(b, awsapi.EC2, sandbox.Options{Knobs: world.Knobs{Latency: roundTrip, DeployDelay: -1}})
}

// speed accumulates what one command cost.
type speed struct{ units, requests, calls float64 }

// measure runs one command and adds its round-trip units, HTTP requests (digest
// challenges included) and served API calls.
func (sp *speed) measure(b *testing.B, e *env, args ...string) {
	before := len(e.sb.World().APIRequests())
	start := time.Now()
	o := e.run(args...)
	elapsed := time.Since(start)
	if o.code != 0 {
		b.Fatalf("%v failed:\n%s", args, o)
	}
	reqs := e.sb.World().APIRequests()[before:]
	sp.units += float64(elapsed) / float64(roundTrip)
	sp.requests += float64(len(reqs))
	for _, r := range reqs {
		if r.Principal != "" {
			sp.calls++
		}
	}
}

func (sp *speed) report(b *testing.B) {
	n := float64(b.N)
	b.ReportMetric(sp.units/n, "round-trips/op")
	b.ReportMetric(sp.requests/n, "http-requests/op")
	b.ReportMetric(sp.calls/n, "api-calls/op")
}

var setupArgs = []string{"setup", "--yes", "--role", "readWrite@app", "--cluster", "Cluster0"}

// BenchmarkSetupRoundTrips measures `setup --yes` creating a new user, with
// digest auth, in round-trip units, and the Atlas API requests it makes.
func BenchmarkSetupRoundTrips(b *testing.B) {
	var sp speed
	for i := 0; i < b.N; i++ {
		sp.measure(b, speedEnv(b), setupArgs...)
	}
	sp.report(b)
}

// BenchmarkCheckRoundTrips measures `check --cluster Cluster0` for a deployed user.
func BenchmarkCheckRoundTrips(b *testing.B) {
	e := speedEnv(b)
	if o := e.run(setupArgs...); o.code != 0 {
		b.Fatalf("setup failed:\n%s", o)
	}
	var sp speed
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sp.measure(b, e, "check", "--cluster", "Cluster0")
	}
	sp.report(b)
}
