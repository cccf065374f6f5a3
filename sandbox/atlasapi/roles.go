package atlasapi

import (
	"slices"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// orgRole is the organisation role of the API key and the service account. Org
// membership with read access: the spec asks "Organization Read Only or higher"
// for listGroups and "Organization Member" for listOrgs and getOrgGroups.
const orgRole = "ORG_READ_ONLY"

// Organisation roles from least to most privileged.
var orgRoleRank = map[string]int{"ORG_MEMBER": 1, "ORG_READ_ONLY": 2, "ORG_BILLING_ADMIN": 3, "ORG_GROUP_CREATOR": 4, "ORG_OWNER": 5}

func orgRoleAtLeast(have, need string) bool { return orgRoleRank[have] >= orgRoleRank[need] }

// Project roles each operation accepts, from the operation descriptions in the spec
// ("To use this resource, the requesting Service Account or API Key must have …").
// Every project role includes Project Read Only.
var (
	anyProjectRole = []string{world.RoleProjectReadOnly, world.RoleProjectOwner,
		"GROUP_CLUSTER_MANAGER", "GROUP_DATA_ACCESS_ADMIN", "GROUP_DATA_ACCESS_READ_WRITE",
		"GROUP_DATA_ACCESS_READ_ONLY", "GROUP_DATABASE_ACCESS_ADMIN", "GROUP_CHARTS_ADMIN",
		"GROUP_STREAM_PROCESSING_OWNER", "GROUP_SEARCH_INDEX_EDITOR", "GROUP_BACKUP_MANAGER",
		"GROUP_OBSERVABILITY_VIEWER"}
	ownerOnly      = []string{world.RoleProjectOwner}
	dbUserWriters  = []string{world.RoleProjectOwner, "GROUP_CHARTS_ADMIN", "GROUP_STREAM_PROCESSING_OWNER", "GROUP_DATABASE_ACCESS_ADMIN"}
	dbUserDeleters = []string{world.RoleProjectOwner, "GROUP_STREAM_PROCESSING_OWNER", "GROUP_DATABASE_ACCESS_ADMIN"}
	accessWriters  = []string{world.RoleProjectOwner, "GROUP_CHARTS_ADMIN"}
)

func roleAccepted(role string, accepted []string) bool { return slices.Contains(accepted, role) }
