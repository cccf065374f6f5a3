package world

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Audiences of the two Kubernetes projected service-account tokens.
const (
	AudienceIRSA        = "sts.amazonaws.com"
	AudiencePodIdentity = "pods.eks.amazonaws.com"
)

// ServiceAccountToken returns a projected service-account token (a JWT signed by the
// cluster's OIDC key) for the given audience, as kubelet writes it into the pod.
func (w *World) ServiceAccountToken(audience string) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	claims := map[string]any{
		"iss": "https://" + OIDCIssuerHost,
		"sub": "system:serviceaccount:" + K8sNamespace + ":" + K8sServiceAccount,
		"aud": []string{audience},
		"iat": now.Unix(),
		"nbf": now.Unix(),
		"exp": now.Add(24 * time.Hour).Unix(),
		"kubernetes.io": map[string]any{
			"namespace":      K8sNamespace,
			"serviceaccount": map[string]string{"name": K8sServiceAccount},
			"pod":            map[string]string{"name": PodName},
		},
	}
	tok := w.signJWT(claims)
	w.aws.issuedTokens = append(w.aws.issuedTokens, tok)
	return tok
}

func (w *World) signJWT(claims map[string]any) string {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"HS256","kid":"sandbox","typ":"JWT"}`))
	body, _ := json.Marshal(claims)
	signing := header + "." + enc.EncodeToString(body)
	m := hmac.New(sha256.New, w.aws.oidcKey)
	m.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(m.Sum(nil))
}

// TokenClaims are the claims STS and the Pod Identity agent check.
type TokenClaims struct {
	Issuer, Subject string
	Audience        []string
	Expires         time.Time
}

// VerifyServiceAccountToken checks a projected token's signature, expiry and
// audience, with the errors STS gives for AssumeRoleWithWebIdentity.
func (w *World) VerifyServiceAccountToken(tok, audience string) (TokenClaims, *AWSError) {
	invalid := senderError(http.StatusBadRequest, "InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements")
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return TokenClaims{}, invalid
	}
	w.mu.Lock()
	m := hmac.New(sha256.New, w.aws.oidcKey)
	now := w.now()
	w.mu.Unlock()
	m.Write([]byte(parts[0] + "." + parts[1]))
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, m.Sum(nil)) {
		return TokenClaims{}, invalid
	}
	body, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return TokenClaims{}, invalid
	}
	var raw struct {
		Iss string   `json:"iss"`
		Sub string   `json:"sub"`
		Aud []string `json:"aud"`
		Exp int64    `json:"exp"`
	}
	if err := json.Unmarshal(body, &raw); err != nil {
		return TokenClaims{}, invalid
	}
	c := TokenClaims{Issuer: raw.Iss, Subject: raw.Sub, Audience: raw.Aud, Expires: time.Unix(raw.Exp, 0).UTC()}
	if !now.Before(c.Expires) {
		return c, senderError(http.StatusBadRequest, "ExpiredTokenException", "Token expired: current date/time %d must be before the expiration date/time %d", now.Unix(), raw.Exp)
	}
	for _, a := range c.Audience {
		if a == audience {
			return c, nil
		}
	}
	return c, senderError(http.StatusBadRequest, "InvalidIdentityToken", "Incorrect token audience")
}
