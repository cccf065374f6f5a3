package atlas

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/oauth2"
)

// RetryPolicy bounds how idempotent requests (GET, HEAD) are retried on 429, on
// 5xx and on transient network errors. Writes are never retried: a POST that timed
// out may have been applied.
type RetryPolicy struct {
	// MaxAttempts counts the first try; 1 disables retries. Default 4.
	MaxAttempts int
	// BaseDelay is the first backoff; it doubles per retry up to MaxDelay.
	// Defaults 500ms and 8s.
	BaseDelay, MaxDelay time.Duration
	// MaxRetryAfter caps how long a 429's Retry-After is honoured. Default 30s.
	MaxRetryAfter time.Duration
	// Sleep waits d or until ctx is done (tests replace it). Default: a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0,1) (tests pin it). Default math/rand/v2.
	Jitter func() float64
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 4
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 500 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 8 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 30 * time.Second
	}
	if p.Sleep == nil {
		p.Sleep = sleepCtx
	}
	if p.Jitter == nil {
		p.Jitter = rand.Float64
	}
	return p
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// backoff is the wait before retry n (n=1 for the first retry): "equal jitter",
// half fixed and half random, so waits grow but never collapse to zero.
func (p RetryPolicy) backoff(n int) time.Duration {
	d := float64(p.BaseDelay) * math.Pow(2, float64(n-1))
	d = math.Min(d, float64(p.MaxDelay))
	return time.Duration(d/2 + p.Jitter()*d/2)
}

// retryTransport retries idempotent requests; it sits above the authentication
// transport so a retried digest request fetches a fresh challenge.
type retryTransport struct {
	next   http.RoundTripper
	policy RetryPolicy
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return t.next.RoundTrip(req)
	}
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		resp, err := t.next.RoundTrip(req)
		wait, retry := t.shouldRetry(resp, err, attempt)
		if !retry {
			return resp, err
		}
		// Do not start a wait the deadline cannot cover: return what we have.
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			return resp, err
		}
		if resp != nil {
			drain(resp)
		}
		if serr := t.policy.Sleep(ctx, wait); serr != nil {
			if err == nil {
				err = serr
			}
			return nil, err
		}
	}
}

// shouldRetry decides after one attempt, and how long to wait.
func (t *retryTransport) shouldRetry(resp *http.Response, err error, attempt int) (time.Duration, bool) {
	if attempt >= t.policy.MaxAttempts {
		return 0, false
	}
	if err != nil {
		return t.policy.backoff(attempt), transientNetError(err)
	}
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			return min(d, t.policy.MaxRetryAfter), true
		}
		return t.policy.backoff(attempt), true
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return t.policy.backoff(attempt), true
	}
	return 0, false
}

// parseRetryAfter reads delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// transientNetError is true for failures a retry may cure (refused, reset, timeout,
// truncated response), false for cancellation, bad certificates, unknown hosts and
// OAuth token errors.
func transientNetError(err error) bool {
	var retrieve *oauth2.RetrieveError
	var dns *net.DNSError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var certInvalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.As(err, &retrieve):
		return false
	case errors.As(err, &dns):
		return dns.IsTemporary || dns.IsTimeout
	case errors.As(err, &unknownAuthority), errors.As(err, &hostname), errors.As(err, &certInvalid), errors.As(err, &verify):
		return false
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op)
}

// drain reads a little of a discarded response so its connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
	_ = resp.Body.Close()
}

// userAgentTransport sets the User-Agent on every request, including the OAuth
// token request (the SDK's OAuth transport would otherwise put its own).
type userAgentTransport struct {
	next      http.RoundTripper
	userAgent string
}

func (t *userAgentTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	r.Header.Set("User-Agent", t.userAgent)
	return t.next.RoundTrip(r)
}
