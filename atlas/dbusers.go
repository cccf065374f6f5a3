package atlas

import (
	"context"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

// ExternalDB is the authentication database of AWS IAM (and X.509, LDAP) users.
const ExternalDB = "$external"

// IAMType is a database user's awsIAMType.
type IAMType string

const (
	IAMNone IAMType = "NONE"
	IAMUser IAMType = "USER" // an IAM user ARN
	IAMRole IAMType = "ROLE" // an IAM role ARN (registered without path)
)

const authTypeNone = "NONE"

// NewIAMUser builds the $external database user for an AWS IAM principal. nil or
// empty scopes mean every deployment of the project; they are sent as [] so an
// update also clears scopes. The other *Type fields are NONE, as Atlas returns them.
func NewIAMUser(projectID, arn string, iamType IAMType, roles []admin.DatabaseUserRole, scopes []admin.UserScope, deleteAfter *time.Time, description string) admin.CloudDatabaseUser {
	r := append([]admin.DatabaseUserRole{}, roles...)
	s := append([]admin.UserScope{}, scopes...)
	u := admin.CloudDatabaseUser{
		Username:     arn,
		DatabaseName: ExternalDB,
		GroupId:      projectID,
		AwsIAMType:   admin.PtrString(string(iamType)),
		LdapAuthType: admin.PtrString(authTypeNone),
		X509Type:     admin.PtrString(authTypeNone),
		OidcAuthType: admin.PtrString(authTypeNone),
		Roles:        &r,
		Scopes:       &s,
	}
	if deleteAfter != nil {
		t := deleteAfter.UTC()
		u.DeleteAfterDate = &t
	}
	if description != "" {
		u.Description = admin.PtrString(description)
	}
	return u
}

// DatabaseUser reads one user; a missing user is a 404 *Error (USERNAME_NOT_FOUND),
// so IsNotFound(err) is the "create it" branch.
func (c *Client) DatabaseUser(ctx context.Context, projectID, db, username string) (*admin.CloudDatabaseUser, error) {
	u, resp, err := c.sdk.DatabaseUsersApi.GetDatabaseUser(ctx, projectID, db, username).Execute()
	if err != nil {
		return nil, c.classify("get database user "+username, resp, err)
	}
	return u, nil
}

// ListDatabaseUsers returns all the project's database users (every page).
func (c *Client) ListDatabaseUsers(ctx context.Context, projectID string) ([]admin.CloudDatabaseUser, error) {
	return fetchAll(ctx, ListOptions[admin.CloudDatabaseUser]{}, func(ctx context.Context, page, size int, count bool) ([]admin.CloudDatabaseUser, *int, error) {
		res, resp, err := c.sdk.DatabaseUsersApi.ListDatabaseUsers(ctx, projectID).PageNum(page).ItemsPerPage(size).IncludeCount(count).Execute()
		if err != nil {
			return nil, nil, c.classify("list database users", resp, err)
		}
		return res.GetResults(), res.TotalCount, nil
	})
}

// CreateDatabaseUser creates u in the project. An existing user is a 409 *Error
// (IsConflict).
func (c *Client) CreateDatabaseUser(ctx context.Context, projectID string, u admin.CloudDatabaseUser) (*admin.CloudDatabaseUser, error) {
	out, resp, err := c.sdk.DatabaseUsersApi.CreateDatabaseUser(ctx, projectID, &u).Execute()
	if err != nil {
		return nil, c.classify("create database user "+u.Username, resp, err)
	}
	return out, nil
}

// UpdateDatabaseUser PATCHes the user named by u.DatabaseName/u.Username with u.
func (c *Client) UpdateDatabaseUser(ctx context.Context, projectID string, u admin.CloudDatabaseUser) (*admin.CloudDatabaseUser, error) {
	u.Links = nil // read-only
	out, resp, err := c.sdk.DatabaseUsersApi.UpdateDatabaseUser(ctx, projectID, u.DatabaseName, u.Username, &u).Execute()
	if err != nil {
		return nil, c.classify("update database user "+u.Username, resp, err)
	}
	return out, nil
}

// DeleteDatabaseUser removes a user.
func (c *Client) DeleteDatabaseUser(ctx context.Context, projectID, db, username string) error {
	resp, err := c.sdk.DatabaseUsersApi.DeleteDatabaseUser(ctx, projectID, db, username).Execute()
	return c.classify("delete database user "+username, resp, err)
}

// CustomRoles lists the project's custom database roles.
func (c *Client) CustomRoles(ctx context.Context, projectID string) ([]admin.UserCustomDBRole, error) {
	roles, resp, err := c.sdk.CustomDatabaseRolesApi.ListCustomDbRoles(ctx, projectID).Execute()
	if err != nil {
		return nil, c.classify("list custom database roles", resp, err)
	}
	return roles, nil
}

// CustomRoleNames lists just the names, for ParseRoles.
func CustomRoleNames(roles []admin.UserCustomDBRole) []string {
	out := make([]string, 0, len(roles))
	for _, r := range roles {
		out = append(out, r.RoleName)
	}
	return out
}
