package sigv4

import (
	"encoding/base64"
	"strconv"
)

// GetCallerIdentityBody is the fixed body every MONGODB-AWS client signs.
const GetCallerIdentityBody = "Action=GetCallerIdentity&Version=2011-06-15"

// MongoDBAWSRequest rebuilds, from server-side state only, the STS GetCallerIdentity
// request a MONGODB-AWS client signed: the server's own STS host and nonce, the
// client's gs2 flag, X-Amz-Date and optional session token. A client that signed
// anything else (another nonce, host or date) can never match.
func MongoDBAWSRequest(host string, serverNonce []byte, gs2Flag byte, amzDate, sessionToken string) Request {
	h := []Header{
		{"Content-Length", strconv.Itoa(len(GetCallerIdentityBody))},
		{"Content-Type", "application/x-www-form-urlencoded"},
		{"Host", host},
		{"X-Amz-Date", amzDate},
		{"X-MongoDB-Server-Nonce", base64.StdEncoding.EncodeToString(serverNonce)},
		{"X-MongoDB-GS2-CB-Flag", string(gs2Flag)},
	}
	if sessionToken != "" {
		h = append(h, Header{"X-Amz-Security-Token", sessionToken})
	}
	return Request{
		Method:      "POST",
		Path:        "/",
		Headers:     h,
		PayloadHash: HashHex([]byte(GetCallerIdentityBody)),
		Normalize:   true,
	}
}

// RegionFromSTSHost derives the signing region from the STS host the server sends
// as `h`, the way the Go driver does: sts.amazonaws.com and single labels mean
// us-east-1, otherwise the second label.
func RegionFromSTSHost(host string) string {
	if host == "sts.amazonaws.com" {
		return "us-east-1"
	}
	for i := 0; i < len(host); i++ {
		if host[i] == '.' {
			rest := host[i+1:]
			for j := 0; j < len(rest); j++ {
				if rest[j] == '.' {
					return rest[:j]
				}
			}
			return rest
		}
	}
	return "us-east-1"
}
