package steps

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/atlas"
	"github.com/atlas-iam/atlas-iam/connect"
	"github.com/atlas-iam/atlas-iam/diag"
)

// networkState is what the access-list check found for this machine.
type networkState struct {
	ip      netip.Addr
	state   connect.AccessListState
	entries []string
	added   string
}

// networkStep compares the project IP access list with this machine's address as
// Atlas sees it, and adds an entry only when asked (--add-access-list or a yes).
func (s *setup) networkStep(ctx context.Context) error {
	r := s.start(StepNetwork, "Network access")
	ip, ipErr := s.reads.currentIP.wait(ctx)
	list, listErr := s.reads.accessList.wait(ctx)
	if ipErr != nil || listErr != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		err := ipErr
		if err == nil {
			err = listErr
		}
		s.network = networkState{state: connect.AccessListUnknown}
		d := diag.New(diag.NetworkBlocked, "the IP access list could not be checked").WithEvidence(firstLine(err.Error()))
		s.warnings = append(s.warnings, d)
		s.emit(StepDone{Step: StepNetwork, Status: StatusUnknown, Summary: d.Summary, Diagnosis: d, Elapsed: s.e.Now().Sub(r.start)})
		return nil
	}
	n := networkState{ip: ip, state: connect.AccessListMissing}
	for _, e := range list {
		n.entries = append(n.entries, entryLabel(e))
		if p, err := netip.ParsePrefix(entryCIDR(e)); err == nil && p.Contains(ip) {
			n.state = connect.AccessListListed
		}
	}
	s.network = n
	remote := ""
	if !s.here {
		remote = "the application connects from AWS: its egress (NAT gateway address, VPC peering or PrivateLink) must be allowed too"
	}
	if n.state == connect.AccessListListed {
		r.done(StatusOK, ip.String()+" is on the IP access list", nonEmpty(remote)...)
		return nil
	}
	suggested := netip.PrefixFrom(ip, ip.BitLen()).String()
	add := s.in.AddAccessList
	if !add && !s.in.Yes {
		ok, err := s.p.Network(ctx, NetworkRequest{CurrentIP: ip.String(), Entries: n.entries, Suggested: suggested})
		if err != nil {
			return err
		}
		s.asked[StepNetwork] = true
		add = ok
	}
	if !add {
		d := accessListMissing(ip, n.entries, suggested)
		r.warn(d.Summary, d)
		return nil
	}
	comment := "atlas-iam " + s.e.Now().UTC().Format("2006-01-02")
	value, err := s.api.AddAccessListEntry(ctx, s.project.ID, atlas.AccessListEntry{CIDR: suggested, Comment: comment})
	if err != nil {
		c, _ := s.credsF().wait(ctx)
		return r.fail(atlasAccessDiagnosis(err, c))
	}
	if err := s.waitEntryActive(ctx, r, value); err != nil {
		return err
	}
	s.network.state, s.network.added = connect.AccessListListed, suggested
	r.done(StatusOK, "added "+suggested+" to the IP access list", nonEmpty(remote)...)
	return nil
}

func (s *setup) waitEntryActive(ctx context.Context, r *stepReport, value string) error {
	deadline := s.e.Now().Add(s.in.Timeout)
	wait := s.e.PollInterval
	for {
		st, err := s.api.AccessListStatus(ctx, s.project.ID, value)
		if err == nil && st == "ACTIVE" {
			return nil
		}
		if err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
		if !s.e.Now().Add(wait).Before(deadline) {
			return r.fail(diag.New(diag.NetworkBlocked, "the access-list entry "+value+" did not become ACTIVE").
				WithEvidence(fmt.Sprintf("status %q after %s", st, s.in.Timeout.Round(time.Second))).
				WithFix("Check Network Access in the Atlas project; the entry may still be deploying."))
		}
		r.progress("access-list entry %s: %s", value, orUnknown(st))
		if err := s.e.Sleep(ctx, wait); err != nil {
			return err
		}
		wait = s.e.nextPoll(wait)
	}
}

func accessListMissing(ip netip.Addr, entries []string, suggested string) *diag.Diagnosis {
	return diag.New(diag.NetworkBlocked, ip.String()+" is not on the project IP access list: the cluster will drop its connections").
		WithEvidence(fmt.Sprintf("access list: %v", entries)).
		WithFix("Rerun with --add-access-list to add "+suggested+", or add it under Network Access in Atlas.",
			"From AWS, prefer VPC peering or PrivateLink, or allow the NAT gateway's address.")
}

func entryCIDR(e admin.NetworkPermissionEntry) string {
	if c := e.GetCidrBlock(); c != "" {
		return c
	}
	if ip := e.GetIpAddress(); ip != "" {
		if a, err := netip.ParseAddr(ip); err == nil {
			return netip.PrefixFrom(a, a.BitLen()).String()
		}
	}
	return ""
}

func entryLabel(e admin.NetworkPermissionEntry) string {
	switch {
	case e.GetCidrBlock() != "":
		return e.GetCidrBlock()
	case e.GetIpAddress() != "":
		return e.GetIpAddress()
	}
	return e.GetAwsSecurityGroup()
}

func nonEmpty(s ...string) []string {
	var out []string
	for _, x := range s {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}
