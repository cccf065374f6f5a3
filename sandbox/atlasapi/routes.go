package atlasapi

// operation is one Admin API operation: what it needs before its handler runs.
type operation struct {
	id string // the spec's operationId (= SDK method name)
	// version is the only vnd.atlas version the operation serves (one per operation
	// in this SDK's spec); "" for the unversioned private endpoint.
	version string
	// orgRole is the least organisation role required, "" for none.
	orgRole string
	// projectRoles, when set, makes the handler run only after {groupId} resolved
	// to a project on which the credential holds one of these roles.
	projectRoles []string
	handle       func(*call)
}

const (
	v20230101 = "2023-01-01"
	v20240805 = "2024-08-05"
	v20241113 = "2024-11-13"
)

const (
	base  = "/api/atlas/v2"
	group = base + "/groups/{groupId}"
)

// buildRoutes is the table of every operation the emulator serves.
func (h *Handler) buildRoutes() *router {
	rt := &router{}
	add := func(method, pattern string, op operation) { rt.handle(method, pattern, &op) }

	add("GET", base, operation{id: "getSystemStatus", version: v20230101, handle: h.getSystemStatus})
	add("GET", "/api/private/ipinfo", operation{id: "ipInfo", handle: h.getIPInfo})

	add("GET", base+"/orgs", operation{id: "listOrgs", version: v20230101, orgRole: "ORG_MEMBER", handle: h.listOrgs})
	add("GET", base+"/orgs/{orgId}/groups", operation{id: "getOrgGroups", version: v20230101, orgRole: "ORG_MEMBER", handle: h.getOrgGroups})
	add("GET", base+"/groups", operation{id: "listGroups", version: v20230101, orgRole: "ORG_READ_ONLY", handle: h.listGroups})
	add("GET", base+"/groups/byName/{groupName}", operation{id: "getGroupByName", version: v20230101, handle: h.getGroupByName})
	add("GET", group, operation{id: "getGroup", version: v20230101, projectRoles: anyProjectRole, handle: h.getGroup})

	add("GET", group+"/userSecurity", operation{id: "getUserSecurity", version: v20230101, projectRoles: ownerOnly, handle: h.getUserSecurity})
	add("PATCH", group+"/userSecurity", operation{id: "updateUserSecurity", version: v20230101, projectRoles: ownerOnly, handle: h.updateUserSecurity})

	users := group + "/databaseUsers"
	user := users + "/{databaseName}/{username}"
	add("GET", users, operation{id: "listDatabaseUsers", version: v20230101, projectRoles: anyProjectRole, handle: h.listDatabaseUsers})
	add("POST", users, operation{id: "createDatabaseUser", version: v20230101, projectRoles: dbUserWriters, handle: h.createDatabaseUser})
	add("GET", user, operation{id: "getDatabaseUser", version: v20230101, projectRoles: anyProjectRole, handle: h.getDatabaseUser})
	add("PATCH", user, operation{id: "updateDatabaseUser", version: v20230101, projectRoles: dbUserWriters, handle: h.updateDatabaseUser})
	add("DELETE", user, operation{id: "deleteDatabaseUser", version: v20230101, projectRoles: dbUserDeleters, handle: h.deleteDatabaseUser})
	add("GET", group+"/customDBRoles/roles", operation{id: "listCustomDbRoles", version: v20230101, projectRoles: anyProjectRole, handle: h.listCustomDBRoles})

	add("GET", group+"/clusters", operation{id: "listClusters", version: v20240805, projectRoles: anyProjectRole, handle: h.listClusters})
	add("GET", group+"/clusters/{clusterName}", operation{id: "getCluster", version: v20240805, projectRoles: anyProjectRole, handle: h.getCluster})
	add("GET", group+"/clusters/{clusterName}/status", operation{id: "getClusterStatus", version: v20230101, projectRoles: anyProjectRole, handle: h.getClusterStatus})
	add("GET", group+"/flexClusters", operation{id: "listFlexClusters", version: v20241113, projectRoles: anyProjectRole, handle: h.listFlexClusters})
	add("GET", group+"/flexClusters/{name}", operation{id: "getFlexCluster", version: v20241113, projectRoles: anyProjectRole, handle: h.getFlexCluster})
	add("GET", group+"/dataFederation", operation{id: "listDataFederation", version: v20230101, projectRoles: anyProjectRole, handle: h.listDataFederation})
	add("GET", group+"/dataFederation/{tenantName}", operation{id: "getDataFederation", version: v20230101, projectRoles: anyProjectRole, handle: h.getDataFederation})

	access := group + "/accessList"
	entry := access + "/{entryValue}"
	add("GET", access, operation{id: "listAccessListEntries", version: v20230101, projectRoles: anyProjectRole, handle: h.listAccessList})
	add("POST", access, operation{id: "createAccessListEntry", version: v20230101, projectRoles: accessWriters, handle: h.addAccessList})
	add("GET", entry, operation{id: "getAccessListEntry", version: v20230101, projectRoles: anyProjectRole, handle: h.getAccessListEntry})
	add("DELETE", entry, operation{id: "deleteAccessListEntry", version: v20230101, projectRoles: ownerOnly, handle: h.deleteAccessListEntry})
	add("GET", entry+"/status", operation{id: "getAccessListStatus", version: v20230101, projectRoles: anyProjectRole, handle: h.getAccessListStatus})
	return rt
}
