package awsapi

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

// driverWebIdentityURL builds the request the Go driver's built-in provider
// sends (mongo-driver v2.10 internal/credproviders/assume_role_provider.go): a
// POST with no body, the parameters in the query string, unescaped.
func driverWebIdentityURL(endpoint, session, role, token string) string {
	return fmt.Sprintf("%s/?Action=AssumeRoleWithWebIdentity&RoleSessionName=%s&RoleArn=%s&WebIdentityToken=%s&Version=2011-06-15",
		endpoint, session, role, token)
}

func TestDriverWebIdentityCallGetsJSON(t *testing.T) {
	w, endpoint := newSandbox(t, world.Options{})
	tok := w.ServiceAccountToken(world.AudienceIRSA)
	u := driverWebIdentityURL(endpoint, "0b9e2a4c-driver", "arn:aws:iam::123456789012:role/eks/app-irsa", tok)

	status, h, body := do(t, http.MethodPost, u, map[string]string{"Accept": "application/json"})
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, Content-Type %q", status, h.Get("Content-Type"))
	}
	// The shape the driver decodes.
	var resp struct {
		Response struct {
			Result struct {
				Credentials struct {
					AccessKeyID     string  `json:"AccessKeyId"`
					SecretAccessKey string  `json:"SecretAccessKey"`
					Token           string  `json:"SessionToken"`
					Expiration      float64 `json:"Expiration"`
				} `json:"Credentials"`
			} `json:"AssumeRoleWithWebIdentityResult"`
		} `json:"AssumeRoleWithWebIdentityResponse"`
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil {
		t.Fatal(err)
	}
	c := resp.Response.Result.Credentials
	exp := time.Unix(int64(c.Expiration), 0)
	if !strings.HasPrefix(c.AccessKeyID, "ASIA") || c.SecretAccessKey == "" || c.Token == "" || time.Until(exp) < 50*time.Minute || time.Until(exp) > 61*time.Minute {
		t.Fatalf("credentials: key %.4s…, expiry %v", c.AccessKeyID, exp)
	}

	// The credentials are a working app-irsa session.
	client := sts.NewFromConfig(sdkConfig(t, endpoint, "us-east-1", credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.Token)))
	id, err := client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil || *id.Arn != "arn:aws:sts::123456789012:assumed-role/app-irsa/0b9e2a4c-driver" {
		t.Fatalf("GetCallerIdentity: %v %v", id, err)
	}

	// Without Accept: application/json the same call gets STS's XML.
	status, h, body = do(t, http.MethodPost, u, nil)
	var x struct {
		XMLName xml.Name
		Arn     string `xml:"AssumeRoleWithWebIdentityResult>AssumedRoleUser>Arn"`
		Request string `xml:"ResponseMetadata>RequestId"`
	}
	if err := xml.Unmarshal([]byte(body), &x); status != http.StatusOK || err != nil ||
		x.XMLName.Space != "https://sts.amazonaws.com/doc/2011-06-15/" || x.Arn != "arn:aws:sts::123456789012:assumed-role/app-irsa/0b9e2a4c-driver" || x.Request == "" {
		t.Fatalf("XML form: %d %v %+v (%s)", status, err, x, h.Get("Content-Type"))
	}

	// A rejected call stays a non-200 the driver reports as a response failure.
	status, _, body = do(t, http.MethodPost, driverWebIdentityURL(endpoint, "s", "arn:aws:iam::123456789012:role/eks/app-irsa", "bad"), map[string]string{"Accept": "application/json"})
	var e struct{ Error struct{ Code string } }
	if err := json.Unmarshal([]byte(body), &e); status != http.StatusBadRequest || err != nil || e.Error.Code != "InvalidIdentityToken" {
		t.Fatalf("bad token: %d %s", status, body)
	}
	assertNoSecretsLogged(t, w, tok)
}
