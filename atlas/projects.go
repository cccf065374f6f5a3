package atlas

import (
	"context"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

// Project returns a project by id.
func (c *Client) Project(ctx context.Context, projectID string) (*admin.Group, error) {
	g, resp, err := c.sdk.ProjectsApi.GetGroup(ctx, projectID).Execute()
	if err != nil {
		return nil, c.classify("get project "+projectID, resp, err)
	}
	return g, nil
}

// ProjectByName returns a project by its exact name.
func (c *Client) ProjectByName(ctx context.Context, name string) (*admin.Group, error) {
	g, resp, err := c.sdk.ProjectsApi.GetGroupByName(ctx, name).Execute()
	if err != nil {
		return nil, c.classify("get project named "+name, resp, err)
	}
	return g, nil
}

// ListProjects returns every project the credentials can see, in API order,
// fetching pages after the first concurrently (see ListOptions).
func (c *Client) ListProjects(ctx context.Context, opts ListOptions[admin.Group]) ([]admin.Group, error) {
	return fetchAll(ctx, opts, func(ctx context.Context, page, size int, count bool) ([]admin.Group, *int, error) {
		res, resp, err := c.sdk.ProjectsApi.ListGroups(ctx).PageNum(page).ItemsPerPage(size).IncludeCount(count).Execute()
		if err != nil {
			return nil, nil, c.classify("list projects", resp, err)
		}
		return res.GetResults(), res.TotalCount, nil
	})
}
