package wire

import (
	"strings"
	"testing"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

func TestCheckSignedHeaders(t *testing.T) {
	tests := []struct {
		headers string
		err     string
	}{
		{headers: "content-length;content-type;host;x-amz-date;x-mongodb-gs2-cb-flag;x-mongodb-server-nonce"},
		{headers: "content-length;content-type;host;x-amz-date;x-amz-security-token;x-mongodb-gs2-cb-flag;x-mongodb-server-nonce"},
		{headers: "x-mongodb-gs2-cb-flag;x-mongodb-server-nonce"},
		{headers: "host;x-mongodb-gs2-cb-flag;x-mongodb-optional-data;x-mongodb-server-nonce"},
		{headers: "content-length;content-type;host;x-amz-date;x-mongodb-gs2-cb-flag", err: "51288"},
		{headers: "content-length;content-type;host;x-amz-date;x-mongodb-server-nonce", err: "51289"},
		{headers: "host;content-type;x-mongodb-gs2-cb-flag;x-mongodb-server-nonce", err: "51290"},
		{headers: "host;host;x-mongodb-gs2-cb-flag;x-mongodb-server-nonce", err: "51290"},
		{headers: "host;user-agent;x-mongodb-gs2-cb-flag;x-mongodb-server-nonce", err: "51290"},
		{headers: "Host;x-mongodb-gs2-cb-flag;x-mongodb-server-nonce", err: "51290"},
	}
	for _, tc := range tests {
		err := checkSignedHeaders(strings.Split(tc.headers, ";"))
		if (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: err = %v, want %q", tc.headers, err, tc.err)
		}
	}
}

func TestParseClientFirst(t *testing.T) {
	r := make([]byte, 32)
	doc := func(build func(b *bsoncore.DocumentBuilder)) []byte {
		b := bsoncore.NewDocumentBuilder()
		build(b)
		return b.Build()
	}
	tests := []struct {
		name    string
		payload []byte
		err     string
	}{
		{"driver order p, r", doc(func(b *bsoncore.DocumentBuilder) { b.AppendInt32("p", 110).AppendBinary("r", 0, r) }), ""},
		{"spec order r, p", doc(func(b *bsoncore.DocumentBuilder) { b.AppendBinary("r", 0, r).AppendInt32("p", 121) }), ""},
		{"flag p", doc(func(b *bsoncore.DocumentBuilder) { b.AppendBinary("r", 0, r).AppendInt32("p", 112) }), "51284"},
		{"flag other", doc(func(b *bsoncore.DocumentBuilder) { b.AppendBinary("r", 0, r).AppendInt32("p", 0) }), "not 'n' or 'y'"},
		{"flag int64", doc(func(b *bsoncore.DocumentBuilder) { b.AppendBinary("r", 0, r).AppendInt64("p", 110) }), "wrong type 'long'"},
		{"nonce 33 bytes", doc(func(b *bsoncore.DocumentBuilder) { b.AppendBinary("r", 0, append(r, 1)).AppendInt32("p", 110) }), "51285"},
		{"nonce subtype 4", doc(func(b *bsoncore.DocumentBuilder) { b.AppendBinary("r", 4, r).AppendInt32("p", 110) }), "subtype 4"},
		{"no nonce", doc(func(b *bsoncore.DocumentBuilder) { b.AppendInt32("p", 110) }), "'awsClientFirst.r' is missing"},
		{"duplicate p", doc(func(b *bsoncore.DocumentBuilder) {
			b.AppendBinary("r", 0, r).AppendInt32("p", 110).AppendInt32("p", 110)
		}), "duplicate"},
		{"extra field", doc(func(b *bsoncore.DocumentBuilder) {
			b.AppendBinary("r", 0, r).AppendInt32("p", 110).AppendString("x", "")
		}), "unknown field"},
		{"trailing bytes", append(doc(func(b *bsoncore.DocumentBuilder) { b.AppendBinary("r", 0, r).AppendInt32("p", 110) }), 0), "after the document"},
		{"not BSON", []byte("n,,n=user,r=nonce"), "not a valid BSON document"},
	}
	for _, tc := range tests {
		cf, err := parseClientFirst(tc.payload)
		if (tc.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.err)
		}
		if err == nil && cf.gs2Flag != 'n' && cf.gs2Flag != 'y' {
			t.Errorf("%s: gs2 flag %q", tc.name, cf.gs2Flag)
		}
	}
}
