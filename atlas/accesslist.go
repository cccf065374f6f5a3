package atlas

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

// AccessListEntry is one project IP access-list entry to add.
type AccessListEntry struct {
	// CIDR is a block ("203.0.113.0/24") or a single address ("203.0.113.7",
	// stored as /32 or /128).
	CIDR    string
	Comment string // ≤80 characters
	// DeleteAfter makes the entry temporary (Atlas allows up to a week).
	DeleteAfter *time.Time
}

// NormalizeCIDR validates a CIDR block or address and returns it in canonical
// CIDR form (host bits cleared), the value Atlas keys the entry by.
func NormalizeCIDR(s string) (string, error) {
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()).String(), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return "", fmt.Errorf("%q is not an IP address or CIDR block", s)
	}
	return p.Masked().String(), nil
}

// AccessList returns the project's IP access list (every page).
func (c *Client) AccessList(ctx context.Context, projectID string) ([]admin.NetworkPermissionEntry, error) {
	return fetchAll(ctx, ListOptions[admin.NetworkPermissionEntry]{}, func(ctx context.Context, page, size int, count bool) ([]admin.NetworkPermissionEntry, *int, error) {
		res, resp, err := c.sdk.ProjectIPAccessListApi.ListAccessListEntries(ctx, projectID).PageNum(page).ItemsPerPage(size).IncludeCount(count).Execute()
		if err != nil {
			return nil, nil, c.classify("list IP access list", resp, err)
		}
		return res.GetResults(), res.TotalCount, nil
	})
}

// AddAccessListEntry adds (or, for the same value, replaces) one entry and returns
// its canonical CIDR, the value to poll AccessListStatus with.
func (c *Client) AddAccessListEntry(ctx context.Context, projectID string, e AccessListEntry) (string, error) {
	cidr, err := NormalizeCIDR(e.CIDR)
	if err != nil {
		return "", fmt.Errorf("add IP access list entry: %w", err)
	}
	if len(e.Comment) > 80 {
		return "", fmt.Errorf("add IP access list entry: the comment is longer than 80 characters")
	}
	entry := admin.NetworkPermissionEntry{CidrBlock: admin.PtrString(cidr)}
	if e.Comment != "" {
		entry.Comment = admin.PtrString(e.Comment)
	}
	if e.DeleteAfter != nil {
		t := e.DeleteAfter.UTC()
		entry.DeleteAfterDate = &t
	}
	entries := []admin.NetworkPermissionEntry{entry}
	_, resp, err := c.sdk.ProjectIPAccessListApi.CreateAccessListEntry(ctx, projectID, &entries).Execute()
	if err != nil {
		return "", c.classify("add IP access list entry "+cidr, resp, err)
	}
	return cidr, nil
}

// AccessListStatus returns PENDING, FAILED or ACTIVE for an entry value (CIDR
// block, address or security group).
func (c *Client) AccessListStatus(ctx context.Context, projectID, value string) (string, error) {
	st, resp, err := c.sdk.ProjectIPAccessListApi.GetAccessListStatus(ctx, projectID, value).Execute()
	if err != nil {
		return "", c.classify("get IP access list entry status "+value, resp, err)
	}
	return st.STATUS, nil
}
