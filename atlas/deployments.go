package atlas

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
	"golang.org/x/sync/errgroup"
)

// DeploymentKind is the API family a deployment belongs to; it decides the user
// scope type and whether a /status endpoint exists.
type DeploymentKind string

const (
	KindCluster   DeploymentKind = "cluster"   // clusters API; has /status
	KindFlex      DeploymentKind = "flex"      // flexClusters API; no /status
	KindFederated DeploymentKind = "federated" // dataFederation API; no /status
)

// HasChangeStatus reports whether GET …/clusters/{name}/status exists for the kind.
func (k DeploymentKind) HasChangeStatus() bool { return k == KindCluster }

// Deployment is a cluster, flex cluster or federated database instance, reduced to
// what connecting and waiting need.
type Deployment struct {
	Name           string
	Kind           DeploymentKind
	StateName      string // IDLE, CREATING, UPDATING, …; for federated: ACTIVE, UNVERIFIED, …
	Paused         bool
	MongoDBVersion string
	StandardSrv    string // mongodb+srv:// (clusters, flex)
	Standard       string // mongodb:// (clusters, flex); embeds authSource=admin
	Hostnames      []string
}

// Deployment finds a deployment by name: clusters first, then flex clusters, then
// federated database instances. A miss everywhere is a 404 *Error with code
// CLUSTER_NOT_FOUND; a missing project stops at the first call.
func (c *Client) Deployment(ctx context.Context, projectID, name string) (Deployment, error) {
	cl, resp, err := c.sdk.ClustersApi.GetCluster(ctx, projectID, name).Execute()
	if err == nil {
		return fromCluster(*cl), nil
	}
	if err = c.classify("get cluster "+name, resp, err); !tryNextFamily(err) {
		return Deployment{}, err
	}
	fl, resp, err := c.sdk.FlexClustersApi.GetFlexCluster(ctx, projectID, name).Execute()
	if err == nil {
		return fromFlex(*fl), nil
	}
	if err = c.classify("get flex cluster "+name, resp, err); !tryNextFamily(err) {
		return Deployment{}, err
	}
	dl, resp, err := c.sdk.DataFederationApi.GetDataFederation(ctx, projectID, name).Execute()
	if err == nil {
		return fromFederated(*dl), nil
	}
	if err = c.classify("get federated database instance "+name, resp, err); !tryNextFamily(err) {
		return Deployment{}, err
	}
	return Deployment{}, &Error{
		Op: "find deployment " + name, Status: http.StatusNotFound, Code: CodeClusterNotFound,
		Detail: fmt.Sprintf("no cluster, flex cluster or federated database instance named %q in project %s", name, projectID),
	}
}

// tryNextFamily: the name is not in this API family (but the project exists).
func tryNextFamily(err error) bool {
	e, ok := asError(err)
	if !ok {
		return false
	}
	if e.Code == CodeFlexInClusterAPI || e.Code == CodeNonFlexInFlexAPI {
		return true
	}
	return e.Status == http.StatusNotFound && e.Code != CodeGroupNotFound
}

// ListDeployments lists the three families in parallel: clusters, then flex
// clusters, then federated instances (a flex cluster the clusters API also lists
// appears once).
func (c *Client) ListDeployments(ctx context.Context, projectID string) ([]Deployment, error) {
	var clusters, flex, federated []Deployment
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		all, err := fetchAll(gctx, ListOptions[admin.ClusterDescription20240805]{}, func(ctx context.Context, page, size int, count bool) ([]admin.ClusterDescription20240805, *int, error) {
			res, resp, err := c.sdk.ClustersApi.ListClusters(ctx, projectID).PageNum(page).ItemsPerPage(size).IncludeCount(count).Execute()
			if err != nil {
				return nil, nil, c.classify("list clusters", resp, err)
			}
			return res.GetResults(), res.TotalCount, nil
		})
		for _, cl := range all {
			clusters = append(clusters, fromCluster(cl))
		}
		return err
	})
	g.Go(func() error {
		all, err := fetchAll(gctx, ListOptions[admin.FlexClusterDescription20241113]{}, func(ctx context.Context, page, size int, count bool) ([]admin.FlexClusterDescription20241113, *int, error) {
			res, resp, err := c.sdk.FlexClustersApi.ListFlexClusters(ctx, projectID).PageNum(page).ItemsPerPage(size).IncludeCount(count).Execute()
			if err != nil {
				return nil, nil, c.classify("list flex clusters", resp, err)
			}
			return res.GetResults(), res.TotalCount, nil
		})
		for _, fl := range all {
			flex = append(flex, fromFlex(fl))
		}
		return err
	})
	g.Go(func() error {
		// Not paginated: a bare array.
		all, resp, err := c.sdk.DataFederationApi.ListDataFederation(gctx, projectID).Type_("USER").Execute()
		if err != nil {
			return c.classify("list federated database instances", resp, err)
		}
		for _, dl := range all {
			federated = append(federated, fromFederated(dl))
		}
		return nil
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []Deployment
	for _, d := range append(append(clusters, flex...), federated...) {
		if !seen[d.Name] {
			seen[d.Name] = true
			out = append(out, d)
		}
	}
	return out, nil
}

// ClusterStatus returns changeStatus ("PENDING" or "APPLIED") of a dedicated
// cluster: whether user changes have reached it. Flex clusters and federated
// instances have no such endpoint.
func (c *Client) ClusterStatus(ctx context.Context, projectID, name string) (string, error) {
	st, resp, err := c.sdk.ClustersApi.GetClusterStatus(ctx, projectID, name).Execute()
	if err != nil {
		return "", c.classify("get change status of cluster "+name, resp, err)
	}
	return st.GetChangeStatus(), nil
}

func fromCluster(cl admin.ClusterDescription20240805) Deployment {
	cs := cl.GetConnectionStrings()
	d := Deployment{
		Name: cl.GetName(), Kind: KindCluster, StateName: cl.GetStateName(), Paused: cl.GetPaused(),
		MongoDBVersion: cl.GetMongoDBVersion(), StandardSrv: cs.GetStandardSrv(), Standard: cs.GetStandard(),
	}
	// Flex clusters made through the clusters API are still listed there.
	for _, spec := range cl.GetReplicationSpecs() {
		for _, rc := range spec.GetRegionConfigs() {
			if rc.GetProviderName() == "FLEX" {
				d.Kind = KindFlex
			}
		}
	}
	d.Hostnames = connectionHosts(d.Standard, d.StandardSrv)
	return d
}

func fromFlex(fl admin.FlexClusterDescription20241113) Deployment {
	cs := fl.GetConnectionStrings()
	d := Deployment{
		Name: fl.GetName(), Kind: KindFlex, StateName: fl.GetStateName(),
		MongoDBVersion: fl.GetMongoDBVersion(), StandardSrv: cs.GetStandardSrv(), Standard: cs.GetStandard(),
	}
	d.Hostnames = connectionHosts(d.Standard, d.StandardSrv)
	return d
}

func fromFederated(dl admin.DataLakeTenant) Deployment {
	return Deployment{Name: dl.GetName(), Kind: KindFederated, StateName: dl.GetState(), Hostnames: dl.GetHostnames()}
}

// connectionHosts lists the hosts of a mongodb:// string (host[:port] as written),
// else the SRV name of a mongodb+srv:// one.
func connectionHosts(standard, srv string) []string {
	for _, cs := range []string{standard, srv} {
		_, rest, ok := strings.Cut(cs, "://")
		if !ok {
			continue
		}
		if i := strings.IndexAny(rest, "/?"); i >= 0 {
			rest = rest[:i]
		}
		if i := strings.LastIndex(rest, "@"); i >= 0 {
			rest = rest[i+1:]
		}
		if rest != "" {
			return strings.Split(rest, ",")
		}
	}
	return nil
}
