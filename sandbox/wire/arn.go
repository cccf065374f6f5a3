package wire

import (
	"fmt"
	"strings"
)

// simplifyARN turns the ARN STS returned for the caller into the $external user
// name the server looks up, with MongoDB Enterprise's makeSimplifiedArn semantics
// (notes/mongodb-aws.md §2.2):
//   - arn:P:iam::A:user/PATH/NAME is kept unchanged;
//   - arn:P:sts::A:assumed-role/NAME/SESSION becomes arn:P:sts::A:assumed-role/NAME/*
//     (every component but the last is kept, SERVER-52824);
//   - anything else (the account root, federated users, other services) is refused.
//
// The numbers in the errors are the server's assertion ids, for the log.
func simplifyARN(arn string) (string, error) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return "", fmt.Errorf("ARN %q has fewer than 6 colon-separated parts (5479900)", arn)
	}
	if parts[0] != "arn" {
		return "", fmt.Errorf("ARN %q does not start with \"arn\" (5479901)", arn)
	}
	resType, _, _ := strings.Cut(parts[5], "/")
	switch parts[2] {
	case "iam":
		if resType != "user" || !strings.Contains(parts[5], "/") {
			return "", fmt.Errorf("unsupported iam resource type %q in %q: only user is accepted (51280)", resType, arn)
		}
		return arn, nil
	case "sts":
		comps := strings.Split(parts[5], "/")
		if resType != "assumed-role" {
			return "", fmt.Errorf("unsupported sts resource type %q in %q: only assumed-role is accepted (51279)", resType, arn)
		}
		if len(comps) < 3 {
			return "", fmt.Errorf("assumed-role ARN %q needs a role name and a session name (51278)", arn)
		}
		comps[len(comps)-1] = "*"
		return strings.Join(parts[:5], ":") + ":" + strings.Join(comps, "/"), nil
	}
	return "", fmt.Errorf("unsupported service %q in ARN %q: only iam users and sts assumed roles can log in (5479902)", parts[2], arn)
}
