package connect

import (
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var allModes = []Credentials{
	{Mode: CredentialsPlatform}, {Mode: CredentialsKeys}, {Mode: CredentialsSession},
	{Mode: CredentialsProfile, Profile: "dev-sso"},
}

// TestSnippet checks each language's program for each credential mode: the
// connection string and the calls a user relies on are there, Go is gofmt-clean,
// and nothing but the variable names of the secrets appears.
func TestSnippet(t *testing.T) {
	markers := map[Language][]string{
		LangGo: {`const uri = "` + testURI + `"`, `AuthMechanism:          "MONGODB-AWS"`, "AWSCredentialsProvider: sdkCredentials{cfg.Credentials}",
			"config.LoadDefaultConfig(ctx", "cfg.Credentials.Retrieve(ctx)", `"ping"`, `"connectionStatus"`, "authenticatedUsers"},
		LangNodeJS: {`const uri = "` + testURI + `";`, `require("mongodb")`, "@aws-sdk/credential-providers", "{ ping: 1 }", "{ connectionStatus: 1 }", "authenticatedUsers"},
		LangPython: {`URI = "` + testURI + `"`, `pip install "pymongo[aws]"`, "MongoClient(URI)", `command("ping")`, `command("connectionStatus")`, "authenticatedUsers"},
		LangJava:   {`URI = "` + testURI + `";`, "MongoClients.create(URI)", "software.amazon.awssdk:auth", `new Document("ping", 1)`, `new Document("connectionStatus", 1)`, "authenticatedUsers"},
	}
	profile := map[Language]string{
		LangGo:     `config.WithSharedConfigProfile("dev-sso")`,
		LangNodeJS: `fromNodeProviderChain({ profile: process.env.AWS_PROFILE || "dev-sso" })`,
		LangPython: `os.environ.setdefault("AWS_PROFILE", "dev-sso")`,
		LangJava:   `System.setProperty("aws.profile", "dev-sso")`,
	}
	for _, lang := range Languages() {
		for _, c := range allModes {
			s, err := Snippet(lang, testURI, c)
			if err != nil {
				t.Fatalf("%s %s: %v", lang, c.Mode, err)
			}
			for _, m := range markers[lang] {
				if !strings.Contains(s, m) {
					t.Errorf("%s %s snippet lacks %q", lang, c.Mode, m)
				}
			}
			if strings.Contains(s, profile[lang]) != (c.Mode == CredentialsProfile) {
				t.Errorf("%s %s snippet: profile selection %q present = %v", lang, c.Mode, profile[lang], !(c.Mode == CredentialsProfile))
			}
			if c.Mode == CredentialsSession && !strings.Contains(s, "AWS_SESSION_TOKEN") {
				t.Errorf("%s session snippet does not say AWS_SESSION_TOKEN is needed", lang)
			}
			if lang == LangGo {
				if f, err := format.Source([]byte(s)); err != nil || string(f) != s {
					t.Errorf("Go %s snippet is not gofmt-clean (err %v)", c.Mode, err)
				}
			}
		}
	}
	if _, err := Snippet(LangGo, "mongodb://AKIAEXAMPLE:c2VjcmV0@h.example.net/?authMechanism=MONGODB-AWS", allModes[0]); err == nil {
		t.Error("a connection string with credentials was accepted")
	}
	if _, err := Snippet("cobol", testURI, allModes[0]); err == nil {
		t.Error("an unknown language was accepted")
	}
}

// TestSnippetsCompile hands the Node.js, Python and Java programs to the real
// tools when the machine has them. Java is compiled against stubs of the five
// driver types it uses (the driver jar is not available offline), which checks
// the syntax and that the calls match the driver's signatures.
func TestSnippetsCompile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	run := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
			t.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
	}
	var pyFiles []string
	for _, c := range allModes {
		sub := string(c.Mode) + "/"
		js, _ := Snippet(LangNodeJS, testURI, c)
		if node, err := exec.LookPath("node"); err == nil {
			run(node, "--check", write(sub+LangNodeJS.File(), js))
		}
		py, _ := Snippet(LangPython, testURI, c)
		pyFiles = append(pyFiles, write(sub+LangPython.File(), py))
		// The Java template's only branch adds the profile lines: compiling that
		// variant covers the others (one JVM start is slow enough).
		if javac, err := exec.LookPath("javac"); err == nil && c.Mode == CredentialsProfile {
			java, _ := Snippet(LangJava, testURI, c)
			src := []string{write(sub+LangJava.File(), java)}
			for name, stub := range javaStubs {
				src = append(src, write(sub+"stubs/"+name, stub))
			}
			run(javac, append([]string{"-d", filepath.Join(dir, sub+"classes")}, src...)...)
		}
	}
	if py, err := exec.LookPath("python3"); err == nil {
		run(py, append([]string{"-m", "py_compile"}, pyFiles...)...)
	}
	for _, tool := range []string{"node", "python3", "javac"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Logf("%s not found: its snippet was not checked", tool)
		}
	}
}

// javaStubs declare, with the real packages and signatures, the parts of the
// MongoDB Java sync driver and BSON library the snippet calls.
var javaStubs = map[string]string{
	"com/mongodb/client/MongoClient.java": `package com.mongodb.client;
public interface MongoClient extends java.io.Closeable {
    MongoDatabase getDatabase(String databaseName);
    @Override void close();
}`,
	"com/mongodb/client/MongoClients.java": `package com.mongodb.client;
public final class MongoClients {
    public static MongoClient create(String connectionString) { throw new UnsupportedOperationException(); }
}`,
	"com/mongodb/client/MongoDatabase.java": `package com.mongodb.client;
public interface MongoDatabase {
    org.bson.Document runCommand(org.bson.conversions.Bson command);
}`,
	"org/bson/conversions/Bson.java": `package org.bson.conversions;
public interface Bson {}`,
	"org/bson/Document.java": `package org.bson;
public class Document implements org.bson.conversions.Bson {
    public Document(String key, Object value) {}
    public <T> T get(Object key, Class<T> clazz) { return null; }
    public <T> java.util.List<T> getList(Object key, Class<T> clazz) { return null; }
    public String getString(Object key) { return null; }
}`,
}
