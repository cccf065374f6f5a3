package connect

import (
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"
)

// FuzzConnectionString builds strings from random hosts, options and app names:
// every string built must pass the driver's parser (connstring.ParseAndValidate;
// SRV strings through parseURI, which skips only the DNS lookup) with
// MONGODB-AWS, $external, the app name intact and no credentials; and any base
// the driver itself accepts must be buildable.
func FuzzConnectionString(f *testing.F) {
	f.Add(uint8(0), "cluster0.abcde.mongodb.net", "retryWrites=true&w=majority&appName=Cluster0", "")
	f.Add(uint8(1), "h0.abcde.mongodb.net:27017,h1.abcde.mongodb.net:27017", "ssl=true&authSource=admin&replicaSet=atlas-abc-shard-0", "orders")
	f.Add(uint8(2), "instance-abcde.a.query.mongodb.net", "", "app name & co")
	f.Add(uint8(1), "user:pa%2Fss@h.example.net", "authMechanism=SCRAM-SHA-256;readPreference=secondary", "x")
	f.Add(uint8(0), "c.example.net", "srvMaxHosts=1&srvServiceName=mongodb&tls=false", "%zz+")
	f.Fuzz(func(t *testing.T, kind uint8, host, opts, appName string) {
		var d Deployment
		switch kind % 3 {
		case 0:
			d.StandardSrv = "mongodb+srv://" + host + "/?" + opts
		case 1:
			d.Standard = "mongodb://" + host + "/?" + opts
		default:
			d.Host = host
		}
		uri, err := ConnectionString(d, appName)
		if err != nil {
			// Only a base the driver rejects may fail (auth options aside, which
			// the builder replaces).
			if d.Host == "" {
				if p, perr := splitURI(d.StandardSrv + d.Standard); perr == nil {
					p.userinfo = ""
					if _, derr := parseURI(withoutAuth(p)); derr == nil {
						t.Fatalf("driver accepts the base %q but the builder fails: %v", withoutAuth(p), err)
					}
				}
			}
			return
		}
		var cs *connstring.ConnString
		if strings.HasPrefix(uri, "mongodb+srv://") {
			cs, err = parseURI(uri)
		} else {
			cs, err = connstring.ParseAndValidate(uri)
		}
		if err != nil {
			t.Fatalf("built %q, which the driver rejects: %v", uri, err)
		}
		if cs.AuthMechanism != "MONGODB-AWS" || cs.AuthSource != "$external" {
			t.Fatalf("%q: mechanism %q, source %q", uri, cs.AuthMechanism, cs.AuthSource)
		}
		if cs.UsernameSet || cs.PasswordSet || cs.AuthMechanismPropertiesSet {
			t.Fatalf("%q carries credentials", uri)
		}
		if appName != "" && cs.AppName != appName {
			t.Fatalf("%q: appName %q, want %q", uri, cs.AppName, appName)
		}
	})
}

// withoutAuth is the base string as the builder sees it: no credentials and no
// auth options.
func withoutAuth(p uriParts) string {
	var kept []string
	for _, o := range p.options {
		switch strings.ToLower(o.key) {
		case "authsource", "authmechanism", "authmechanismproperties":
		default:
			kept = append(kept, o.key+"="+o.value)
		}
	}
	return p.scheme + "://" + p.hosts + "/" + p.db + "?" + strings.Join(kept, "&")
}
