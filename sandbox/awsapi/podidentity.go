package awsapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// PodIdentitySessionPrefix starts the role session name of Pod Identity
// credentials: eks-<cluster>-<pod>-, followed by a random id (cut to 64 chars).
const PodIdentitySessionPrefix = "eks-" + world.EKSCluster + "-" + world.PodName + "-"

// The cluster's one Pod Identity association: the service account and its role.
const (
	podAssociationSubject = "system:serviceaccount:" + world.K8sNamespace + ":" + world.K8sServiceAccount
	podAssociationRole    = world.RoleApp
)

func (s *server) podSessionName() string {
	name := PodIdentitySessionPrefix + s.podSession
	if len(name) > 64 {
		name = name[:64] // STS session names are at most 64 characters
	}
	return name
}

// podIdentityCredentials is the agent's GET /v1/credentials. The raw projected
// token arrives in Authorization; the agent parses it, EKS Auth verifies it and
// finds the association. Errors are text/plain (http.Error), as the agent sends
// them. The agent's check of the address it was called on (169.254.170.23) is
// left out: the sandbox serves on loopback.
func (s *server) podIdentityCredentials(w http.ResponseWriter, r *http.Request) {
	tok := r.Header.Get("Authorization")
	fail := func(status int, msg, why string) {
		s.w.Logf("eks", "pod identity credentials refused with %d: %s", status, why)
		http.Error(w, msg, status)
	}
	if tok == "" {
		fail(http.StatusBadRequest, "Service account token cannot be empty", "no Authorization header (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE unset or empty?)")
		return
	}
	if strings.Count(tok, ".") != 2 {
		fail(http.StatusBadRequest, "Service account token cannot be parsed: token is malformed: token contained an invalid number of segments",
			"Authorization header is not a JWT")
		return
	}
	claims, err := s.w.VerifyServiceAccountToken(tok, world.AudiencePodIdentity)
	if err != nil {
		// The agent relays EKS Auth's error as "[request id]: (Code): message, fault: client";
		// the EKS Auth codes and statuses here are the plausible ones, not verified.
		code := "InvalidTokenException"
		if err.Code == "ExpiredTokenException" {
			code = "ExpiredTokenException"
		}
		fail(http.StatusBadRequest, "["+newUUID()+"]: ("+code+"): "+err.Message+", fault: client",
			"service-account token rejected: "+err.Code+": "+err.Message)
		return
	}
	if claims.Subject != podAssociationSubject {
		fail(http.StatusNotFound, "["+newUUID()+"]: (ResourceNotFoundException): Pod Identity Association not found for service account, fault: client",
			"no Pod Identity association for "+claims.Subject)
		return
	}
	c, aerr := s.w.ServiceSession("pods.eks.amazonaws.com", podAssociationRole, s.podSessionName())
	if aerr != nil {
		fail(http.StatusBadRequest, "["+newUUID()+"]: (AccessDeniedException): "+aerr.Message+", fault: client",
			"role session for "+podAssociationRole+" failed: "+aerr.Message)
		return
	}
	// The agent's response has no RoleArn, unlike ECS's.
	writeJSON(w, map[string]string{
		"AccessKeyId": c.AccessKeyID, "SecretAccessKey": c.SecretAccessKey, "Token": c.SessionToken,
		"AccountId": world.AccountID, "Expiration": c.Expiration.UTC().Format(time.RFC3339Nano),
	})
}
