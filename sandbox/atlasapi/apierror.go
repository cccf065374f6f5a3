package atlasapi

import (
	"fmt"
	"net/http"
	"strconv"
)

// apiError is an Atlas error response: the admin.ApiError body plus the headers
// that go with some of them. Codes and detail texts follow the Atlas
// "Administration API Error Codes" table and recorded responses (notes/atlas-api.md
// §5); each constructor whose code is a guess says so.
type apiError struct {
	status int
	code   string
	detail string
	// params fill the body's "parameters"; nil leaves the key out (digest challenge).
	params []any
	// challenge is a WWW-Authenticate value for 401s of the digest handshake.
	challenge string
	// retryAfter is the Retry-After header of a 429, in seconds.
	retryAfter int
	// header holds extra response headers (Allow on a 405).
	header http.Header
}

// newError builds an error whose detail is format filled with params, as Atlas
// does; params are also returned in the body.
func newError(status int, code, format string, params ...any) *apiError {
	if params == nil {
		params = []any{}
	}
	return &apiError{status: status, code: code, detail: fmt.Sprintf(format, params...), params: params}
}

// challengeError is the answer to a request without valid credentials: 401 with a
// fresh digest challenge and the exact body Atlas sends (no "parameters").
func challengeError(challenge string) *apiError {
	return &apiError{status: http.StatusUnauthorized, code: "UNEXPECTED_ERROR",
		detail: "You are not authorized for this resource.", challenge: challenge}
}

func userUnauthorized() *apiError {
	return newError(http.StatusUnauthorized, "USER_UNAUTHORIZED", "Current user is not authorized to perform this action.")
}

func ipNotOnAccessList(ip string) *apiError {
	return newError(http.StatusForbidden, "IP_ADDRESS_NOT_ON_ACCESS_LIST", "IP address %s is not allowed to access this resource.", ip)
}

func rateLimited(resource string, limit, retryAfter int) *apiError {
	e := newError(http.StatusTooManyRequests, "RATE_LIMITED", "Resource %s is limited to %d requests every %d minutes.", resource, limit, 1)
	e.retryAfter = retryAfter
	return e
}

func resourceNotFound(path string) *apiError {
	return newError(http.StatusNotFound, "RESOURCE_NOT_FOUND", "Cannot find resource %s.", path)
}

// methodNotAllowed: the code is a guess (no public record of Atlas's answer).
func methodNotAllowed(method, allow string) *apiError {
	e := newError(http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "Method %s is not allowed for this resource.", method)
	e.header = http.Header{"Allow": {allow}}
	return e
}

// unsupportedVersion answers an Accept version the operation does not serve.
// Unverified (notes §11.4): Atlas documents only 410 VERSION_GONE for sunset
// versions; for any other version it does not serve we answer 406 with the version
// that works, which is what a client needs to fix its request.
func unsupportedVersion(requested, supported string) *apiError {
	return newError(http.StatusNotAcceptable, "INVALID_VERSION_DATE",
		"The requested API version %s is not supported by this resource. Supported versions: %s.", requested, supported)
}

func groupNotFound(id string) *apiError {
	return newError(http.StatusNotFound, "GROUP_NOT_FOUND", "No group with ID %s exists.", id)
}

// invalidGroupID: Atlas answers a malformed project id with 404 INVALID_GROUP_ID.
func invalidGroupID(id string) *apiError {
	return newError(http.StatusNotFound, "INVALID_GROUP_ID", "An invalid group ID %s was specified.", id)
}

func clusterNotFound(name, groupID string) *apiError {
	return newError(http.StatusNotFound, "CLUSTER_NOT_FOUND", "No cluster named %s exists in group %s.", name, groupID)
}

func usernameNotFound(username string) *apiError {
	return newError(http.StatusNotFound, "USERNAME_NOT_FOUND", "No user with username %s exists.", username)
}

func missingAttribute(name string) *apiError {
	return newError(http.StatusBadRequest, "MISSING_ATTRIBUTE", "The required attribute %s was not specified.", name)
}

func invalidAttribute(name string) *apiError {
	return newError(http.StatusBadRequest, "INVALID_ATTRIBUTE", "Invalid attribute %s specified.", name)
}

func invalidEnum(value string) *apiError {
	return newError(http.StatusBadRequest, "INVALID_ENUM_VALUE", "An invalid enumeration value %s was specified.", value)
}

func invalidQueryParameter(name string) *apiError {
	return newError(http.StatusBadRequest, "INVALID_QUERY_PARAMETER", "Invalid query parameter %s specified.", name)
}

func malformedJSON() *apiError {
	return newError(http.StatusBadRequest, "MALFORMED_JSON", "Received JSON is malformed.")
}

func invalidJSON() *apiError {
	return newError(http.StatusBadRequest, "INVALID_JSON", "Received JSON does not match expected format.")
}

// bodyTooLarge: status and code are a choice; Atlas's limit and answer are unknown.
func bodyTooLarge(limit int64) *apiError {
	return newError(http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE", "Request bodies are limited to %d bytes.", limit)
}

func unexpectedError() *apiError {
	return newError(http.StatusInternalServerError, "UNEXPECTED_ERROR", "Unexpected error.")
}

// retryAfterHeader formats seconds for the Retry-After header.
func retryAfterHeader(seconds int) string { return strconv.Itoa(max(seconds, 1)) }

// reason is the HTTP reason phrase Atlas puts in "reason".
func reason(status int) string {
	if t := http.StatusText(status); t != "" {
		return t
	}
	return "Unknown"
}
