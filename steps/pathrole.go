package steps

import (
	"context"
	"strings"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"

	"github.com/atlas-iam/atlas-iam/awsenv"
)

// pathRoleUser finds the user registered for this role with an IAM path
// (role/service-role/NAME for role/NAME): Atlas maps it to a principal no role
// session ever has, so it is the usual reason the role's logins match no user.
func pathRoleUser(users []admin.CloudDatabaseUser, view PrincipalView) *admin.CloudDatabaseUser {
	if view.Type != string(awsenv.TypeRole) {
		return nil
	}
	name := view.ARN[strings.LastIndex(view.ARN, "/")+1:]
	prefix := strings.TrimSuffix(view.ARN, "role/"+name) + "role/"
	for i, u := range users {
		if u.GetAwsIAMType() == "ROLE" && strings.HasPrefix(u.Username, prefix) && strings.HasSuffix(u.Username, "/"+name) && u.Username != view.ARN {
			return &users[i]
		}
	}
	return nil
}

// registeredNearMiss lists the project's users and returns the one registered
// for this identity's role with an IAM path, if any (check and doctor).
func (s *setup) registeredNearMiss(ctx context.Context) (*admin.CloudDatabaseUser, error) {
	l, ok := s.api.(userLister)
	if !ok || s.view.Type != string(awsenv.TypeRole) {
		return nil, nil
	}
	users, err := l.ListDatabaseUsers(ctx, s.project.ID)
	if err != nil {
		return nil, err
	}
	return pathRoleUser(users, s.view), nil
}
