package connect

import (
	"strings"
	"testing"
)

func TestConnectionString(t *testing.T) {
	const std = "mongodb://cluster0-shard-00-00.abcde.mongodb.net:27017,cluster0-shard-00-01.abcde.mongodb.net:27017," +
		"cluster0-shard-00-02.abcde.mongodb.net:27017/?ssl=true&authSource=admin&replicaSet=atlas-x1y2z3-shard-0"
	tests := []struct {
		name    string
		d       Deployment
		appName string
		want    string
	}{
		{"srv", Deployment{StandardSrv: "mongodb+srv://cluster0.abcde.mongodb.net"}, "",
			"mongodb+srv://cluster0.abcde.mongodb.net/?authSource=%24external&authMechanism=MONGODB-AWS"},
		{"srv preferred over standard", Deployment{StandardSrv: "mongodb+srv://cluster0.abcde.mongodb.net", Standard: std}, "",
			"mongodb+srv://cluster0.abcde.mongodb.net/?authSource=%24external&authMechanism=MONGODB-AWS"},
		{"standard drops authSource=admin, keeps ssl and replicaSet in order", Deployment{Standard: std}, "",
			"mongodb://cluster0-shard-00-00.abcde.mongodb.net:27017,cluster0-shard-00-01.abcde.mongodb.net:27017," +
				"cluster0-shard-00-02.abcde.mongodb.net:27017/?ssl=true&replicaSet=atlas-x1y2z3-shard-0&authSource=%24external&authMechanism=MONGODB-AWS"},
		{"federated host", Deployment{Host: "federateddatabaseinstance0-abcde.a.query.mongodb.net"}, "",
			"mongodb://federateddatabaseinstance0-abcde.a.query.mongodb.net/?ssl=true&authSource=%24external&authMechanism=MONGODB-AWS"},
		{"appName is escaped and replaces the base's", Deployment{StandardSrv: "mongodb+srv://c.abcde.mongodb.net/?retryWrites=true&w=majority&appName=Cluster0"}, "orders api&co",
			"mongodb+srv://c.abcde.mongodb.net/?retryWrites=true&w=majority&authSource=%24external&authMechanism=MONGODB-AWS&appName=orders%20api%26co"},
		{"base appName kept without a new one", Deployment{StandardSrv: "mongodb+srv://c.abcde.mongodb.net/?appName=Cluster0"}, "",
			"mongodb+srv://c.abcde.mongodb.net/?appName=Cluster0&authSource=%24external&authMechanism=MONGODB-AWS"},
		{"credentials, other mechanism and a session token are dropped",
			Deployment{Standard: "mongodb://AKIAEXAMPLE:c2VjcmV0@h1.example.net:27017/app?authMechanism=SCRAM-SHA-256&authMechanismProperties=AWS_SESSION_TOKEN:tok&tls=true"}, "",
			"mongodb://h1.example.net:27017/app?tls=true&authSource=%24external&authMechanism=MONGODB-AWS"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ConnectionString(tc.d, tc.appName)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			assertAWSURI(t, got)
		})
	}
}

func TestConnectionStringErrors(t *testing.T) {
	for name, d := range map[string]Deployment{
		"nothing":             {},
		"not a mongodb url":   {StandardSrv: "https://cluster0.abcde.mongodb.net"},
		"srv with two hosts":  {StandardSrv: "mongodb+srv://a.example.net,b.example.net"},
		"srv with a port":     {StandardSrv: "mongodb+srv://a.example.net:27017"},
		"host with a scheme":  {Host: "mongodb://x.a.query.mongodb.net"},
		"host with a path":    {Host: "x.a.query.mongodb.net/db"},
		"bad port":            {Standard: "mongodb://h.example.net:99999/?ssl=true"},
		"conflicting tls/ssl": {Standard: "mongodb://h.example.net/?ssl=true&tls=false"},
	} {
		if got, err := ConnectionString(d, ""); err == nil {
			t.Errorf("%s: got %s, want an error", name, got)
		}
	}
}

// assertAWSURI checks what every generated string must be, with the driver's
// parser: MONGODB-AWS, $external, no credentials, never authSource=admin.
func assertAWSURI(t *testing.T, uri string) {
	t.Helper()
	cs, err := parseURI(uri)
	if err != nil {
		t.Fatalf("driver rejects %s: %v", uri, err)
	}
	if cs.AuthMechanism != "MONGODB-AWS" || cs.AuthSource != "$external" {
		t.Errorf("%s: mechanism %q source %q", uri, cs.AuthMechanism, cs.AuthSource)
	}
	if cs.UsernameSet || cs.PasswordSet || cs.AuthMechanismPropertiesSet {
		t.Errorf("%s carries credentials", uri)
	}
	if strings.Contains(strings.ToLower(uri), "authsource=admin") {
		t.Errorf("%s has authSource=admin", uri)
	}
}

func TestParseURIWithoutDNS(t *testing.T) {
	tests := []struct {
		uri string
		ok  bool
	}{
		{"mongodb+srv://c.abcde.mongodb.net/?authSource=%24external&authMechanism=MONGODB-AWS", true},
		{"mongodb+srv://c.abcde.mongodb.net/?srvMaxHosts=2&srvServiceName=custom&authMechanism=MONGODB-AWS", true},
		{"mongodb+srv://c.abcde.mongodb.net/?srvMaxHosts=2&replicaSet=rs0", false},
		{"mongodb+srv://c.abcde.mongodb.net/?srvMaxHosts=-1", false},
		{"mongodb+srv://c.abcde.mongodb.net/?directConnection=true", false},
		{"mongodb+srv://c.abcde.mongodb.net/?authMechanism=MONGODB-AWS&authSource=admin", false},
		{"mongodb://h.example.net/?srvMaxHosts=2", false},
		{"mongodb://h1,h2/?directConnection=true", false},
	}
	for _, tc := range tests {
		cs, err := parseURI(tc.uri)
		if (err == nil) != tc.ok {
			t.Errorf("parseURI(%s) error = %v, want ok=%v", tc.uri, err, tc.ok)
		}
		if err == nil && strings.HasPrefix(tc.uri, "mongodb+srv://") && (!cs.SSL || cs.Scheme != "mongodb+srv") {
			t.Errorf("%s: SRV string parsed as scheme %s, ssl %v", tc.uri, cs.Scheme, cs.SSL)
		}
	}
}
