package atlasapi

import (
	"sync"
	"time"
)

// rateWindow is the rolling window of the RateLimit knob.
const rateWindow = time.Minute

// rateLimiter counts authenticated requests per credential over a rolling minute.
// Rejected requests are not counted, so a client that honours Retry-After gets in.
type rateLimiter struct {
	mu   sync.Mutex
	hits map[string][]time.Time
}

func newRateLimiter() *rateLimiter { return &rateLimiter{hits: map[string][]time.Time{}} }

// allow admits a request of key at now when fewer than limit were admitted in the
// last minute. It returns the requests left in the window and, when refused, how
// long until the oldest one leaves it.
func (l *rateLimiter) allow(key string, limit int, now time.Time) (remaining int, wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.hits[key]
	i := 0
	for i < len(recent) && now.Sub(recent[i]) >= rateWindow {
		i++
	}
	recent = recent[i:]
	if len(recent) >= limit {
		l.hits[key] = recent
		return 0, rateWindow - now.Sub(recent[0]), false
	}
	recent = append(recent, now)
	l.hits[key] = recent
	return limit - len(recent), 0, true
}
