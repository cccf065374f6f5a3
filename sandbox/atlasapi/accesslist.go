package atlasapi

import (
	"net"
	"net/http"
	"net/url"
	"regexp"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

const maxAccessComment = 80

// securityGroup is an AWS security group id, optionally account-qualified.
var securityGroup = regexp.MustCompile(`^([0-9]{12}/)?sg-[0-9a-f]{8,17}$`)

// listAccessList answers GET /groups/{groupId}/accessList.
func (h *Handler) listAccessList(c *call) {
	h.writeAccessList(c)
}

// addAccessList answers POST /groups/{groupId}/accessList: the body is an array of
// entries, added or replaced by value, and the answer is the whole list.
func (h *Handler) addAccessList(c *call) {
	var entries []admin.NetworkPermissionEntry
	if e := decodeBody(c.r, &entries, h.opts.MaxBodyBytes); e != nil {
		c.fail(e)
		return
	}
	now := h.world.Now()
	for i := range entries {
		if e := checkAccessEntry(&entries[i], now); e != nil {
			c.fail(e)
			return
		}
	}
	if _, e := parsePage(c.r.URL.Query()); e != nil {
		c.fail(e)
		return
	}
	h.world.AddAccessListEntries(c.project.ID, entries)
	h.writeAccessList(c)
}

func (h *Handler) writeAccessList(c *call) {
	p, e := parsePage(c.r.URL.Query())
	if e != nil {
		c.fail(e)
		return
	}
	l := paginate(c, p, h.world.AccessList(c.project.ID))
	out := make([]admin.NetworkPermissionEntry, 0, len(l.results))
	for _, en := range l.results {
		out = append(out, c.presentEntry(en))
	}
	c.ok(http.StatusOK, admin.PaginatedNetworkAccess{Results: &out, Links: &l.links, TotalCount: l.total})
}

// getAccessListEntry answers GET …/accessList/{entryValue} (an IP, a CIDR block
// with its "/" sent as %2F, or a security group).
func (h *Handler) getAccessListEntry(c *call) {
	en, _, ok := h.world.AccessListEntry(c.project.ID, c.r.PathValue("entryValue"))
	if !ok {
		c.fail(h.entryNotFound(c))
		return
	}
	c.ok(http.StatusOK, c.presentEntry(en))
}

// getAccessListStatus answers GET …/accessList/{entryValue}/status: PENDING until
// the deploy delay has passed, then ACTIVE.
func (h *Handler) getAccessListStatus(c *call) {
	_, status, ok := h.world.AccessListEntry(c.project.ID, c.r.PathValue("entryValue"))
	if !ok {
		c.fail(h.entryNotFound(c))
		return
	}
	c.ok(http.StatusOK, admin.NetworkPermissionEntryStatus{STATUS: status})
}

// deleteAccessListEntry answers DELETE …/accessList/{entryValue} with 204.
func (h *Handler) deleteAccessListEntry(c *call) {
	if err := h.world.DeleteAccessListEntry(c.project.ID, c.r.PathValue("entryValue")); err != nil {
		c.fail(h.entryNotFound(c))
		return
	}
	c.noContent()
}

func (h *Handler) entryNotFound(c *call) *apiError {
	return newError(http.StatusNotFound, "ATLAS_NETWORK_PERMISSION_ENTRY_NOT_FOUND",
		"IP Address %s not on Atlas access list for group %s.", c.r.PathValue("entryValue"), c.project.ID)
}

// checkAccessEntry validates one new entry with the Atlas table's codes and
// completes it: an IP entry also carries its /32 (or /128) block, as Atlas returns.
func checkAccessEntry(e *admin.NetworkPermissionEntry, now time.Time) *apiError {
	e.GroupId, e.Links = nil, nil
	set := 0
	for _, v := range []*string{e.IpAddress, e.CidrBlock, e.AwsSecurityGroup} {
		if v != nil {
			set++
		}
	}
	if set == 0 {
		return newError(http.StatusBadRequest, "MISSING_ONE_OF_THREE_ATTRIBUTES",
			"Either the %s attribute, the %s attribute, or the %s attribute must be specified.", "ipAddress", "cidrBlock", "awsSecurityGroup")
	}
	switch {
	case e.AwsSecurityGroup != nil:
		if set > 1 {
			return newError(http.StatusBadRequest, "MULTIPLE_VALUES_SPECIFIED_FOR_ONE_NETWORK_PERMISSION_ENTRY", "Should not specify both the IP address and the CIDR block.")
		}
		if !securityGroup.MatchString(*e.AwsSecurityGroup) {
			return invalidAttribute("awsSecurityGroup")
		}
		// Security groups need a VPC peering connection, which the sandbox has not.
		return newError(http.StatusBadRequest, "CANNOT_USE_AWS_SECURITY_GROUP_WITHOUT_VPC_PEERING_CONNECTION",
			"Cannot use aws security groups as access list entries without a vpc peering connection.")
	case e.IpAddress != nil:
		ip := net.ParseIP(*e.IpAddress)
		if ip == nil {
			return newError(http.StatusBadRequest, "INVALID_IP_ADDRESS_OR_CIDR_NOTATION", "The address %s must be in valid IP address or CIDR notation.", *e.IpAddress)
		}
		bits := 128
		if ip.To4() != nil {
			bits = 32
		}
		block := (&net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}).String()
		if e.CidrBlock != nil && *e.CidrBlock != block {
			return newError(http.StatusBadRequest, "MULTIPLE_VALUES_SPECIFIED_FOR_ONE_NETWORK_PERMISSION_ENTRY", "Should not specify both the IP address and the CIDR block.")
		}
		e.IpAddress, e.CidrBlock = admin.PtrString(ip.String()), admin.PtrString(block)
	default:
		_, n, err := net.ParseCIDR(*e.CidrBlock)
		if err != nil {
			return newError(http.StatusBadRequest, "INVALID_IP_ADDRESS_OR_CIDR_NOTATION", "The address %s must be in valid IP address or CIDR notation.", *e.CidrBlock)
		}
		if n.String() != *e.CidrBlock {
			return newError(http.StatusBadRequest, "INVALID_CIDR_BLOCK", "The cidr block %s must be in valid CIDR notation.", *e.CidrBlock)
		}
	}
	if e.Comment != nil && len(*e.Comment) > maxAccessComment {
		return newError(http.StatusBadRequest, "INVALID_NETWORK_PERMISSION_COMMENT", "The comment %s must be 80 characters or less.", *e.Comment)
	}
	if t := e.DeleteAfterDate; t != nil {
		if !t.After(now) {
			return newError(http.StatusBadRequest, "EXPIRATION_DATE_IN_PAST", "The specified expiration date must be in the future.")
		}
		if t.Sub(now) > maxTemporaryLife {
			return newError(http.StatusBadRequest, "EXPIRATION_DATE_EXCEEDS_MAX", "The specified expiration date can be at most %d days in the future.", 7)
		}
	}
	return nil
}

// presentEntry adds what Atlas returns with an entry: groupId and a self link
// whose value has its "/" escaped as %2F.
func (c *call) presentEntry(e admin.NetworkPermissionEntry) admin.NetworkPermissionEntry {
	e.GroupId = admin.PtrString(c.project.ID)
	value := e.GetCidrBlock()
	if value == "" {
		value = e.GetIpAddress()
	}
	if value == "" {
		value = e.GetAwsSecurityGroup()
	}
	e.Links = c.self(base + "/groups/" + url.PathEscape(c.project.ID) + "/accessList/" + url.PathEscape(value))
	return e
}
