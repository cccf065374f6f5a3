package awsenv

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// Env is what detection may look at, injected so tests are hermetic: the process
// environment, the filesystem root under which /sys is read, and the HTTP client
// for the metadata endpoints.
type Env struct {
	Getenv     func(string) string // nil: os.Getenv
	Root       string              // "" : "/"
	HTTPClient *http.Client        // nil: a client that never uses a proxy
}

// OSEnv is the real environment.
func OSEnv() Env { return Env{Getenv: os.Getenv, Root: "/"} }

func (e Env) getenv(key string) string {
	if e.Getenv == nil {
		return os.Getenv(key)
	}
	return e.Getenv(key)
}

// path places an absolute path under the injected root.
func (e Env) path(p string) string {
	if e.Root == "" {
		return p
	}
	return filepath.Join(e.Root, p)
}

// client returns the injected client or one suited to link-local metadata
// endpoints: no proxy (a proxy would answer for 169.254.169.254 and lie), short
// dial. done releases what a client of our own holds.
func (e Env) client() (c *http.Client, done func()) {
	if e.HTTPClient != nil {
		return e.HTTPClient, func() {}
	}
	c = &http.Client{
		Timeout: 2 * time.Second,
		Transport: &http.Transport{
			Proxy:       nil,
			DialContext: (&net.Dialer{Timeout: 500 * time.Millisecond}).DialContext,
		},
	}
	return c, c.CloseIdleConnections
}
