package atlas

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

// ipInfoPath is Atlas's undocumented "what is my IP" endpoint, the one the Atlas
// CLI uses for "add my current IP". Not in the SDK; no promise of support.
const ipInfoPath = "/api/private/ipinfo"

// CurrentIP returns the public IPv4 address Atlas sees this machine calling from.
func (c *Client) CurrentIP(ctx context.Context) (netip.Addr, error) {
	const op = "look up this machine's public IP"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.baseURL+ipInfoPath, nil)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%s: %w", op, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.ua)
	resp, err := c.http.Do(req)
	if err != nil {
		return netip.Addr{}, c.classify(op, nil, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return netip.Addr{}, c.classify(op, resp, err)
	}
	if resp.StatusCode >= 300 {
		return netip.Addr{}, httpError(op, resp, body)
	}
	var info struct {
		CurrentIpv4Address string `json:"currentIpv4Address"`
	}
	if err := json.Unmarshal(body, &info); err != nil {
		return netip.Addr{}, fmt.Errorf("%s: unexpected response: %w", op, err)
	}
	ip, err := netip.ParseAddr(info.CurrentIpv4Address)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%s: unexpected address %q", op, info.CurrentIpv4Address)
	}
	return ip, nil
}

// httpError builds an *Error from a raw (non-SDK) error response, reading the
// Atlas error body when there is one.
func httpError(op string, resp *http.Response, body []byte) *Error {
	e := &Error{Op: op, Status: resp.StatusCode}
	var apiErr admin.ApiError
	if json.Unmarshal(body, &apiErr) == nil && apiErr.ErrorCode != "" {
		e.Code, e.Detail, e.Parameters = apiErr.ErrorCode, apiErr.GetDetail(), apiErr.GetParameters()
	} else {
		e.Detail = http.StatusText(resp.StatusCode)
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		e.RetryAfter, _ = parseRetryAfter(resp.Header.Get(headerRetryAfter), time.Now())
	}
	return e
}
