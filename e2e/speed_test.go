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

// BenchmarkSetupRoundTrips measures `setup --yes` creating a new user, with
// digest auth, in round-trip units, and the Atlas API requests it makes.
func BenchmarkSetupRoundTrips(b *testing.B) {
	var units, requests, served float64
	for i := 0; i < b.N; i++ {
		e := speedEnv(b)
		before := len(e.sb.World().APIRequests())
		start := time.Now()
		o := e.run("setup", "--yes", "--role", "readWrite@app", "--cluster", "Cluster0")
		elapsed := time.Since(start)
		if o.code != 0 {
			b.Fatalf("setup failed:\n%s", o)
		}
		reqs := e.sb.World().APIRequests()[before:]
		units += float64(elapsed) / float64(roundTrip)
		requests += float64(len(reqs))
		for _, r := range reqs {
			if r.Principal != "" {
				served++
			}
		}
	}
	n := float64(b.N)
	b.ReportMetric(units/n, "round-trips/op")
	b.ReportMetric(requests/n, "http-requests/op")
	b.ReportMetric(served/n, "api-calls/op")
}

// BenchmarkCheckRoundTrips measures `check --cluster Cluster0` for a deployed user.
func BenchmarkCheckRoundTrips(b *testing.B) {
	e := speedEnv(b)
	if o := e.run("setup", "--yes", "--role", "readWrite@app", "--cluster", "Cluster0"); o.code != 0 {
		b.Fatalf("setup failed:\n%s", o)
	}
	var units, requests, served float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		before := len(e.sb.World().APIRequests())
		start := time.Now()
		o := e.run("check", "--cluster", "Cluster0")
		elapsed := time.Since(start)
		if o.code != 0 {
			b.Fatalf("check failed:\n%s", o)
		}
		reqs := e.sb.World().APIRequests()[before:]
		units += float64(elapsed) / float64(roundTrip)
		requests += float64(len(reqs))
		for _, r := range reqs {
			if r.Principal != "" {
				served++
			}
		}
	}
	n := float64(b.N)
	b.ReportMetric(units/n, "round-trips/op")
	b.ReportMetric(requests/n, "http-requests/op")
	b.ReportMetric(served/n, "api-calls/op")
}
