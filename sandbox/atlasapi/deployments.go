package atlasapi

import (
	"net/http"
	"net/url"
	"strings"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// listClusters answers GET /groups/{groupId}/clusters: the dedicated clusters.
// (Atlas still lists flex clusters created through the clusters API; the
// sandbox's flex cluster was created through the flex API, so it is not here.)
func (h *Handler) listClusters(c *call) {
	p, e := parsePage(c.r.URL.Query())
	if e != nil {
		c.fail(e)
		return
	}
	l := paginate(c, p, h.world.Clusters(c.project.ID, world.KindDedicated))
	out := make([]admin.ClusterDescription20240805, 0, len(l.results))
	for _, cl := range l.results {
		out = append(out, c.clusterModel(cl))
	}
	c.ok(http.StatusOK, admin.PaginatedClusterDescription20240805{Results: &out, Links: &l.links, TotalCount: l.total})
}

// getCluster answers GET /groups/{groupId}/clusters/{clusterName}.
func (h *Handler) getCluster(c *call) {
	if cl, ok := h.dedicated(c); ok {
		c.ok(http.StatusOK, c.clusterModel(cl))
	}
}

// getClusterStatus answers GET …/clusters/{clusterName}/status: PENDING while a
// database-user change that reaches the cluster is not deployed, then APPLIED.
func (h *Handler) getClusterStatus(c *call) {
	cl, ok := h.dedicated(c)
	if !ok {
		return
	}
	c.ok(http.StatusOK, admin.ClusterStatus{
		ChangeStatus: admin.PtrString(h.world.ClusterChangeStatus(c.project.ID, cl.Name)),
		Links:        c.self(clusterPath(cl) + "/status"),
	})
}

// dedicated resolves {clusterName} for the clusters API; a flex cluster there is
// CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API (detail text unverified).
func (h *Handler) dedicated(c *call) (world.Cluster, bool) {
	name := c.r.PathValue("clusterName")
	cl, ok := h.world.Cluster(c.project.ID, name)
	switch {
	case ok && cl.Kind == world.KindDedicated:
		return cl, true
	case ok && cl.Kind == world.KindFlex:
		c.fail(newError(http.StatusBadRequest, "CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API",
			"Cluster %s is a flex cluster and cannot be used in the Cluster API; use the Flex Cluster API.", name))
	default:
		c.fail(clusterNotFound(name, c.project.ID))
	}
	return world.Cluster{}, false
}

// clusterModel describes a dedicated cluster as ClusterDescription20240805: an
// M10 replica set on AWS US_EAST_1, IDLE.
func (c *call) clusterModel(cl world.Cluster) admin.ClusterDescription20240805 {
	created := cl.Created
	spec := func(nodes int) *admin.DedicatedHardwareSpec20240805 {
		return &admin.DedicatedHardwareSpec20240805{InstanceSize: admin.PtrString("M10"), NodeCount: admin.PtrInt(nodes),
			DiskSizeGB: admin.PtrFloat64(10), DiskIOPS: admin.PtrInt(3000), EbsVolumeType: admin.PtrString("STANDARD")}
	}
	region := admin.CloudRegionConfig20240805{
		ProviderName: admin.PtrString("AWS"), RegionName: admin.PtrString("US_EAST_1"), Priority: admin.PtrInt(7),
		ElectableSpecs: &admin.HardwareSpec20240805{InstanceSize: admin.PtrString("M10"), NodeCount: admin.PtrInt(3),
			DiskSizeGB: admin.PtrFloat64(10), DiskIOPS: admin.PtrInt(3000), EbsVolumeType: admin.PtrString("STANDARD")},
		ReadOnlySpecs:  spec(0),
		AnalyticsSpecs: spec(0),
		AutoScaling: &admin.AdvancedAutoScalingSettings{
			Compute: &admin.AdvancedComputeAutoScaling{Enabled: admin.PtrBool(false), ScaleDownEnabled: admin.PtrBool(false)},
			DiskGB:  &admin.DiskGBAutoScaling{Enabled: admin.PtrBool(true)},
		},
	}
	if strings.EqualFold(c.r.Header.Get("Use-Effective-Instance-Fields"), "true") {
		region.EffectiveElectableSpecs, region.EffectiveReadOnlySpecs, region.EffectiveAnalyticsSpecs = spec(3), spec(0), spec(0)
	}
	return admin.ClusterDescription20240805{
		Id: admin.PtrString(cl.ID), GroupId: admin.PtrString(cl.ProjectID), Name: admin.PtrString(cl.Name),
		ClusterType: admin.PtrString("REPLICASET"), StateName: admin.PtrString("IDLE"), Paused: admin.PtrBool(false),
		MongoDBVersion: admin.PtrString(cl.MongoDBVersion), MongoDBMajorVersion: admin.PtrString(majorVersion(cl.MongoDBVersion)),
		VersionReleaseSystem: admin.PtrString("LTS"), CreateDate: &created,
		BackupEnabled: admin.PtrBool(false), PitEnabled: admin.PtrBool(false), TerminationProtectionEnabled: admin.PtrBool(false),
		EncryptionAtRestProvider: admin.PtrString("NONE"), RootCertType: admin.PtrString("ISRGROOTX1"),
		DiskWarmingMode: admin.PtrString("FULLY_WARMED"), ReplicaSetScalingStrategy: admin.PtrString("WORKLOAD_TYPE"),
		ConfigServerManagementMode: admin.PtrString("ATLAS_MANAGED"), GlobalClusterSelfManagedSharding: admin.PtrBool(false),
		BiConnector: &admin.BiConnector{Enabled: admin.PtrBool(false), ReadPreference: admin.PtrString("secondary")},
		Labels:      &[]admin.ComponentLabel{}, Tags: &[]admin.ResourceTag{},
		ReplicationSpecs: &[]admin.ReplicationSpec20240805{{
			Id: admin.PtrString(cl.ID), ZoneId: admin.PtrString(cl.ID), ZoneName: admin.PtrString("Zone 1"),
			RegionConfigs: &[]admin.CloudRegionConfig20240805{region},
		}},
		ConnectionStrings: &admin.ClusterConnectionStrings{Standard: standardURI(cl)},
		Links:             c.self(clusterPath(cl)),
	}
}

// standardURI is the cluster's mongodb:// string. Like Atlas's it embeds
// authSource=admin (a client must replace it for $external users). There is no
// standardSrv: SRV needs DNS records, and the loopback wire servers have none. No
// TLS either, so no ssl=true. Empty until a wire server is attached.
func standardURI(cl world.Cluster) *string {
	if cl.Addr == "" {
		return nil
	}
	return admin.PtrString("mongodb://" + cl.Addr + "/?authSource=admin")
}

func clusterPath(cl world.Cluster) string {
	return base + "/groups/" + url.PathEscape(cl.ProjectID) + "/clusters/" + url.PathEscape(cl.Name)
}

// majorVersion turns "8.0.15" into "8.0".
func majorVersion(v string) string {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) < 2 {
		return v
	}
	return parts[0] + "." + parts[1]
}

// listFlexClusters answers GET /groups/{groupId}/flexClusters.
func (h *Handler) listFlexClusters(c *call) {
	p, e := parsePage(c.r.URL.Query())
	if e != nil {
		c.fail(e)
		return
	}
	l := paginate(c, p, h.world.Clusters(c.project.ID, world.KindFlex))
	out := make([]admin.FlexClusterDescription20241113, 0, len(l.results))
	for _, cl := range l.results {
		out = append(out, c.flexModel(cl))
	}
	c.ok(http.StatusOK, admin.PaginatedFlexClusters20241113{Results: &out, Links: &l.links, TotalCount: l.total})
}

// getFlexCluster answers GET /groups/{groupId}/flexClusters/{name}; a dedicated
// cluster there is CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API. Unverified: the code for
// a missing flex cluster; CLUSTER_NOT_FOUND is what the clusters API answers.
func (h *Handler) getFlexCluster(c *call) {
	name := c.r.PathValue("name")
	cl, ok := h.world.Cluster(c.project.ID, name)
	switch {
	case ok && cl.Kind == world.KindFlex:
		c.ok(http.StatusOK, c.flexModel(cl))
	case ok && cl.Kind == world.KindDedicated:
		c.fail(newError(http.StatusBadRequest, "CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API",
			"Cluster %s is not a flex cluster and cannot be used in the Flex Cluster API; use the Cluster API.", name))
	default:
		c.fail(clusterNotFound(name, c.project.ID))
	}
}

func (c *call) flexModel(cl world.Cluster) admin.FlexClusterDescription20241113 {
	created := cl.Created
	var cs *admin.FlexConnectionStrings20241113
	if s := standardURI(cl); s != nil {
		cs = &admin.FlexConnectionStrings20241113{Standard: s}
	}
	return admin.FlexClusterDescription20241113{
		Id: admin.PtrString(cl.ID), GroupId: admin.PtrString(cl.ProjectID), Name: admin.PtrString(cl.Name),
		ClusterType: admin.PtrString("REPLICASET"), StateName: admin.PtrString("IDLE"),
		MongoDBVersion: admin.PtrString(cl.MongoDBVersion), VersionReleaseSystem: admin.PtrString("LTS"),
		CreateDate: &created, TerminationProtectionEnabled: admin.PtrBool(false), Tags: &[]admin.ResourceTag{},
		BackupSettings: &admin.FlexBackupSettings20241113{Enabled: admin.PtrBool(true)},
		ProviderSettings: admin.FlexProviderSettings20241113{BackingProviderName: admin.PtrString("AWS"),
			ProviderName: admin.PtrString("FLEX"), RegionName: admin.PtrString("US_EAST_1"), DiskSizeGB: admin.PtrFloat64(5)},
		ConnectionStrings: cs,
		Links:             c.self(base + "/groups/" + url.PathEscape(cl.ProjectID) + "/flexClusters/" + url.PathEscape(cl.Name)),
	}
}

// listDataFederation answers GET /groups/{groupId}/dataFederation?type=USER|
// ONLINE_ARCHIVE with a bare array (not paginated). The sandbox has no online
// archives.
func (h *Handler) listDataFederation(c *call) {
	out := []admin.DataLakeTenant{}
	switch t := c.r.URL.Query().Get("type"); t {
	case "", "USER":
		for _, cl := range h.world.Clusters(c.project.ID, world.KindFederated) {
			out = append(out, tenantModel(cl))
		}
	case "ONLINE_ARCHIVE":
	default:
		c.fail(invalidEnum(t))
		return
	}
	c.ok(http.StatusOK, out)
}

// getDataFederation answers GET /groups/{groupId}/dataFederation/{tenantName}.
func (h *Handler) getDataFederation(c *call) {
	name := c.r.PathValue("tenantName")
	cl, ok := h.world.Cluster(c.project.ID, name)
	if !ok || cl.Kind != world.KindFederated {
		c.fail(newError(http.StatusNotFound, "DATA_LAKE_TENANT_NOT_FOUND_FOR_NAME", "Data Lake tenant for project %s and name %s not found.", c.project.ID, name))
		return
	}
	c.ok(http.StatusOK, tenantModel(cl))
}

// tenantModel describes a federated database instance. Its hostname carries the
// wire server's port: a real one listens on 27017 and omits it.
func tenantModel(cl world.Cluster) admin.DataLakeTenant {
	hosts := []string{}
	if cl.Addr != "" {
		hosts = append(hosts, cl.Addr)
	}
	return admin.DataLakeTenant{
		Name: admin.PtrString(cl.Name), GroupId: admin.PtrString(cl.ProjectID), State: admin.PtrString("ACTIVE"),
		Hostnames: &hosts, PrivateEndpointHostnames: &[]admin.PrivateEndpointHostname{},
		DataProcessRegion: &admin.DataLakeDataProcessRegion{CloudProvider: "AWS", Region: "VIRGINIA_USA"},
		Storage:           &admin.DataLakeStorage{Databases: &[]admin.DataLakeDatabaseInstance{}, Stores: &[]admin.DataLakeStoreSettings{}},
	}
}
