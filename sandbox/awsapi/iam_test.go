package awsapi

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/atlas-iam/atlas-iam/sandbox/world"
)

func TestIAMListRolesAsDeveloper(t *testing.T) {
	ctx := context.Background()
	w, endpoint := newSandbox(t, world.Options{})
	// Against a custom endpoint the SDK signs IAM calls for the client's region
	// (eu-west-1), not us-east-1; AWS accepts the same client, so must the sandbox.
	client := iam.NewFromConfig(sdkConfig(t, endpoint, "eu-west-1", static(devKeys(t, w))))

	pages := 0
	var names []string
	trust := map[string]string{}
	p := iam.NewListRolesPaginator(client, &iam.ListRolesInput{MaxItems: aws.Int32(1)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatalf("page %d: %v", pages+1, err)
		}
		pages++
		for _, r := range out.Roles {
			names = append(names, *r.Path+*r.RoleName)
			doc, err := url.QueryUnescape(*r.AssumeRolePolicyDocument)
			if err != nil || doc == *r.AssumeRolePolicyDocument {
				t.Fatalf("%s: trust policy is not URL-encoded: %v", *r.RoleName, err)
			}
			var pd struct{ Statement []map[string]any }
			if err := json.Unmarshal([]byte(doc), &pd); err != nil || len(pd.Statement) == 0 {
				t.Fatalf("%s: trust policy does not decode: %v", *r.RoleName, err)
			}
			trust[*r.RoleName] = doc
		}
	}
	if pages != 3 || !slices.Equal(names, []string{"/app", "/eks/app-irsa", "/service-role/lambda-app"}) {
		t.Fatalf("%d pages of %v", pages, names)
	}
	if !strings.Contains(trust["app-irsa"], `"Federated":"`+world.OIDCProviderARN()+`"`) ||
		!strings.Contains(trust["lambda-app"], `"Service":"lambda.amazonaws.com"`) {
		t.Fatalf("trust policies: %v", trust)
	}

	out, err := client.ListRoles(ctx, &iam.ListRolesInput{PathPrefix: aws.String("/service-role/")})
	if err != nil || len(out.Roles) != 1 || *out.Roles[0].Arn != "arn:aws:iam::123456789012:role/service-role/lambda-app" || out.IsTruncated {
		t.Fatalf("PathPrefix /service-role/: %+v %v", out, err)
	}
	role, err := client.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("app-irsa")})
	if err != nil || *role.Role.Arn != "arn:aws:iam::123456789012:role/eks/app-irsa" || *role.Role.MaxSessionDuration != 3600 {
		t.Fatalf("GetRole: %+v %v", role, err)
	}
	_, err = client.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nope")})
	apiError(t, err, "NoSuchEntity", "The role with name nope cannot be found.")
}

func TestIAMDeniesRoleSessions(t *testing.T) {
	ctx := context.Background()
	w, endpoint := newSandbox(t, world.Options{})
	usePlatform(t, w, endpoint, Lambda)
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	client := iam.NewFromConfig(cfg)
	caller := "arn:aws:sts::123456789012:assumed-role/lambda-app/orders-api"
	_, err = client.ListRoles(ctx, &iam.ListRolesInput{})
	apiError(t, err, "AccessDenied", "User: "+caller+" is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::123456789012:role/")
	_, err = client.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("lambda-app")})
	apiError(t, err, "AccessDenied", "iam:GetRole on resource: arn:aws:iam::123456789012:role/service-role/lambda-app")
	if !logged(w, "iam", "ListRoles rejected", "AccessDenied", "has no IAM read permission") {
		t.Fatalf("denial not logged: %v", w.Events())
	}
	assertNoSecretsLogged(t, w)
}
