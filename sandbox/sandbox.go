// Package sandbox runs the emulated world on loopback: the Atlas Admin API, one
// MongoDB wire server (MONGODB-AWS) per deployment, and the AWS endpoints (IMDS,
// ECS, Pod Identity, STS, IAM), all sharing one world.World. It is what the tests,
// `atlas-iam sandbox` and `atlas-iam demo` run against.
package sandbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/atlas-iam/atlas-iam/sandbox/atlasapi"
	"github.com/atlas-iam/atlas-iam/sandbox/awsapi"
	"github.com/atlas-iam/atlas-iam/sandbox/wire"
	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// Platform is where the application runs, as the sandbox reproduces it.
type Platform = awsapi.Platform

// Options configure a sandbox. Knobs can also be changed later with World().SetKnobs.
type Options struct {
	world.Knobs
	// ExtraProjects adds empty projects after the primary one, for paging.
	ExtraProjects int
	// NetworkBlocked leaves this machine off the project IP access list.
	NetworkBlocked bool
	// Dir receives the AWS config, credentials and token files; "" means a
	// temporary directory removed by Close.
	Dir string
	// Log receives the world's event log (rejections with their real reasons).
	Log io.Writer
	// Clock replaces time.Now (tests).
	Clock func() time.Time
}

// Sandbox is a running emulated world.
type Sandbox struct {
	world    *world.World
	atlasURL string
	awsURL   string
	dir      string
	ownDir   bool
	servers  []*http.Server
	wires    []*wire.Server
	cancel   context.CancelFunc
}

// Start builds the world and serves every component on random loopback ports.
func Start(ctx context.Context, opts Options) (_ *Sandbox, err error) {
	w := world.New(world.Options{Knobs: opts.Knobs, ExtraProjects: opts.ExtraProjects, NetworkBlocked: opts.NetworkBlocked, Clock: opts.Clock, Log: opts.Log})
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &Sandbox{world: w, dir: opts.Dir, cancel: cancel}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if s.dir == "" {
		if s.dir, err = os.MkdirTemp("", "atlas-iam-sandbox-"); err != nil {
			return nil, fmt.Errorf("sandbox dir: %w", err)
		}
		s.ownDir = true
	} else if err = os.MkdirAll(s.dir, 0o700); err != nil {
		return nil, fmt.Errorf("sandbox dir: %w", err)
	}
	if s.atlasURL, err = s.serveHTTP(atlasapi.New(w)); err != nil {
		return nil, fmt.Errorf("atlas api: %w", err)
	}
	if s.awsURL, err = s.serveHTTP(awsapi.New(w)); err != nil {
		return nil, fmt.Errorf("aws endpoints: %w", err)
	}
	project := w.PrimaryProject().ID
	for _, name := range []string{world.ClusterName, world.FlexName, world.FederatedName} {
		ws, err := wire.Start(ctx, w, project, name)
		if err != nil {
			return nil, err
		}
		s.wires = append(s.wires, ws)
	}
	return s, nil
}

func (s *Sandbox) serveHTTP(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	s.servers = append(s.servers, srv)
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), nil
}

// World is the shared state, for knobs and assertions.
func (s *Sandbox) World() *world.World { return s.world }

// AtlasURL is the base URL of the Atlas Admin API (what MONGODB_ATLAS_BASE_URL holds).
func (s *Sandbox) AtlasURL() string { return s.atlasURL }

// AWSURL is the base URL of the AWS endpoints.
func (s *Sandbox) AWSURL() string { return s.awsURL }

// Dir is where the sandbox writes its AWS files.
func (s *Sandbox) Dir() string { return s.dir }

// ClusterURI is a deployment's MONGODB-AWS connection string.
func (s *Sandbox) ClusterURI(name string) string {
	c, ok := s.world.Cluster(s.world.PrimaryProject().ID, name)
	if !ok || c.Addr == "" {
		return ""
	}
	return "mongodb://" + c.Addr + "/?authSource=%24external&authMechanism=MONGODB-AWS"
}

// Close stops every server and removes a temporary directory.
func (s *Sandbox) Close() error {
	s.cancel()
	var errs []error
	for _, w := range s.wires {
		errs = append(errs, w.Close())
	}
	for _, srv := range s.servers {
		errs = append(errs, srv.Close())
	}
	if s.ownDir {
		errs = append(errs, os.RemoveAll(s.dir))
	}
	return errors.Join(errs...)
}

// AtlasAuth selects the Atlas credentials an environment carries.
type AtlasAuth string

const (
	AuthAPIKey         AtlasAuth = "api-key"
	AuthServiceAccount AtlasAuth = "service-account"
)

// EnvOptions tune Env.
type EnvOptions struct {
	Auth AtlasAuth // default AuthAPIKey
}

// Var is one environment variable.
type Var struct{ Name, Value string }

// Env returns the variables that point the Atlas CLI conventions, the AWS SDKs and
// mongosh at the sandbox as platform p would run an application, plus
// ATLAS_IAM_SANDBOX_URI (Cluster0's MONGODB-AWS connection string). It writes the
// platform's AWS files into Dir. The values include secrets (the environment must
// hold them); print them only to a file or a terminal the user asked for.
func (s *Sandbox) Env(p Platform, o EnvOptions) ([]Var, error) {
	w := s.world
	vars := []Var{
		{"MONGODB_ATLAS_OPS_MANAGER_URL", s.atlasURL + "/"},
		{"MONGODB_ATLAS_BASE_URL", s.atlasURL + "/"},
	}
	switch o.Auth {
	case AuthServiceAccount:
		sa := w.ServiceAccount()
		vars = append(vars, Var{"MONGODB_ATLAS_CLIENT_ID", sa.ClientID}, Var{"MONGODB_ATLAS_CLIENT_SECRET", sa.Secret})
	case AuthAPIKey, "":
		k := w.APIKey()
		vars = append(vars, Var{"MONGODB_ATLAS_PUBLIC_API_KEY", k.PublicKey}, Var{"MONGODB_ATLAS_PRIVATE_API_KEY", k.PrivateKey})
	default:
		return nil, fmt.Errorf("unknown Atlas auth %q (want %s or %s)", o.Auth, AuthAPIKey, AuthServiceAccount)
	}
	vars = append(vars,
		Var{"MONGODB_ATLAS_ORG_ID", w.Org().ID},
		Var{"MONGODB_ATLAS_PROJECT_ID", w.PrimaryProject().ID},
	)
	aws, err := awsapi.PlatformEnv(w, s.awsURL, s.dir, p)
	if err != nil {
		return nil, err
	}
	for _, kv := range aws.Vars {
		k, v, _ := strings.Cut(kv, "=")
		vars = append(vars, Var{k, v})
	}
	vars = append(vars, Var{"ATLAS_IAM_SANDBOX_URI", s.ClusterURI(world.ClusterName)})
	return vars, nil
}

// ExportBlock renders variables as `export NAME='value'` lines for a POSIX shell.
func ExportBlock(vars []Var) string {
	var b strings.Builder
	for _, v := range vars {
		fmt.Fprintf(&b, "export %s=%s\n", v.Name, ShellQuote(v.Value))
	}
	return b.String()
}

// Environ renders variables as NAME=value pairs for exec.Cmd.Env.
func Environ(vars []Var) []string {
	out := make([]string, len(vars))
	for i, v := range vars {
		out[i] = v.Name + "=" + v.Value
	}
	return out
}

// ShellQuote quotes s for a POSIX shell with single quotes.
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
