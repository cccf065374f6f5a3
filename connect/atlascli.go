package connect

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.mongodb.org/atlas-sdk/v20250312010/admin"
)

// AtlasCLICommand is the `atlas dbusers create` command that creates the same
// IAM database user, for users who keep their setup in scripts. Every value is
// shell-quoted; an IAM user has no password, so the command holds no secret.
func AtlasCLICommand(u admin.CloudDatabaseUser) (string, error) {
	iamType := u.GetAwsIAMType()
	if iamType != "ROLE" && iamType != "USER" {
		return "", fmt.Errorf("user %s: awsIAMType must be ROLE or USER, not %q", u.Username, iamType)
	}
	if u.Username == "" {
		return "", errors.New("user has no username (the IAM ARN)")
	}
	if u.GetPassword() != "" {
		return "", errors.New("an IAM user cannot have a password")
	}
	if len(u.GetRoles()) == 0 {
		return "", fmt.Errorf("user %s: at least one role is needed", u.Username)
	}
	words := []string{"atlas", "dbusers", "create", "--username", u.Username, "--awsIAMType", iamType}
	for _, r := range u.GetRoles() {
		role := r.RoleName + "@" + r.DatabaseName
		if c := r.GetCollectionName(); c != "" {
			role += "." + c
		}
		words = append(words, "--role", role)
	}
	for _, s := range u.GetScopes() {
		scope := s.Name
		if s.Type != "" && !strings.EqualFold(s.Type, "CLUSTER") {
			scope += ":" + s.Type
		}
		words = append(words, "--scope", scope)
	}
	if d := u.GetDescription(); d != "" {
		words = append(words, "--description", d)
	}
	if t, ok := u.GetDeleteAfterDateOk(); ok && t != nil && !t.IsZero() {
		words = append(words, "--deleteAfter", t.UTC().Format(time.RFC3339))
	}
	if u.GroupId != "" {
		words = append(words, "--projectId", u.GroupId)
	}
	return shellJoin(words...), nil
}
