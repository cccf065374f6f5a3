package atlasapi

import (
	"net/http"
	"net/url"
	"strings"
	"time"
)

// OAuth endpoints of the client-credentials flow (SDK auth/clientcredentials).
const (
	tokenPath  = "/api/oauth/token"
	revokePath = "/api/oauth/revoke"
	tokenTTL   = time.Hour
)

// tokenResponse is the RFC 6749 §5.1 body golang.org/x/oauth2 reads.
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

// oauthError is the RFC 6749 §5.2 error body; the Atlas CLI maps
// error == "invalid_client" to "unauthorized".
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// serveToken issues an access token for the service account. The API access list
// does not apply here: Atlas checks it when a token is used, not when it is made.
func (h *Handler) serveToken(c *call) {
	if c.r.Method != http.MethodPost {
		c.fail(methodNotAllowed(c.r.Method, http.MethodPost))
		return
	}
	id, secret, err := clientCredentials(c.r)
	if err != "" {
		writeJSON(c.w, http.StatusBadRequest, oauthError{Error: "invalid_request", Description: err})
		return
	}
	if gt := c.r.PostForm.Get("grant_type"); gt != "client_credentials" {
		writeJSON(c.w, http.StatusBadRequest, oauthError{Error: "unsupported_grant_type", Description: "grant_type must be client_credentials"})
		return
	}
	tok, issueErr := h.world.IssueToken(id, secret, tokenTTL)
	if issueErr != nil {
		h.world.Logf("atlas", "token request rejected: unknown client id or wrong secret for %q", id)
		c.w.Header().Set("WWW-Authenticate", `Basic realm="MongoDB Atlas"`)
		writeJSON(c.w, http.StatusUnauthorized, oauthError{Error: "invalid_client", Description: "Invalid client credentials."})
		return
	}
	c.principal = principal{id: id, kind: kindServiceAccount}
	c.w.Header().Set("Cache-Control", "no-store")
	writeJSON(c.w, http.StatusOK, tokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int(tokenTTL.Seconds())})
}

// serveRevoke revokes a token of the authenticated client (RFC 7009): unknown or
// foreign tokens are ignored and still answered 200, which is all the SDK checks.
func (h *Handler) serveRevoke(c *call) {
	if c.r.Method != http.MethodPost {
		c.fail(methodNotAllowed(c.r.Method, http.MethodPost))
		return
	}
	id, secret, err := clientCredentials(c.r)
	if err != "" {
		writeJSON(c.w, http.StatusBadRequest, oauthError{Error: "invalid_request", Description: err})
		return
	}
	sa := h.world.ServiceAccount()
	if id != sa.ClientID || secret != sa.Secret {
		c.w.Header().Set("WWW-Authenticate", `Basic realm="MongoDB Atlas"`)
		writeJSON(c.w, http.StatusUnauthorized, oauthError{Error: "invalid_client", Description: "Invalid client credentials."})
		return
	}
	c.principal = principal{id: id, kind: kindServiceAccount}
	if tok := c.r.PostForm.Get("token"); tok != "" {
		if owner, ok := h.world.TokenClient(tok); ok && owner == id {
			h.world.RevokeToken(tok)
			h.world.Logf("atlas", "access token of %s revoked", id)
		}
	}
	c.w.Header().Set("Content-Type", "application/json")
	c.w.WriteHeader(http.StatusOK)
}

// clientCredentials reads the form and the client id and secret: from Basic auth,
// where the SDK url-query-escapes both before base64 (AuthStyleInHeader), or from
// the form (AuthStyleInParams clients).
func clientCredentials(r *http.Request) (id, secret, problem string) {
	if err := r.ParseForm(); err != nil {
		return "", "", "the request body is not a valid form"
	}
	if u, p, ok := r.BasicAuth(); ok {
		var e1, e2 error
		id, e1 = url.QueryUnescape(u)
		secret, e2 = url.QueryUnescape(p)
		if e1 != nil || e2 != nil {
			return "", "", "client credentials are not url-encoded"
		}
		return id, secret, ""
	}
	id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	if id == "" {
		return "", "", "missing client credentials"
	}
	return id, secret, ""
}

// bearerClient returns the service account a bearer token belongs to.
func (h *Handler) bearerClient(header string) (string, string) {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", "malformed bearer header"
	}
	id, valid := h.world.TokenClient(strings.TrimSpace(tok))
	if !valid {
		return "", "unknown, expired or revoked access token"
	}
	return id, ""
}
