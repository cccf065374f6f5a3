package wire

import (
	"fmt"

	"go.mongodb.org/mongo-driver/v2/x/bsonx/bsoncore"
)

// MONGODB-AWS payload rules (notes/mongodb-aws.md §1.2, §1.6). The real server
// parses payloads with strict IDL structs: unknown, duplicate, missing and
// mistyped fields are errors. Every error here reaches the client only as
// AuthenticationFailed; the text is for the server log.

const (
	clientNonceLen = 32
	serverNonceLen = 64
	gs2FlagN       = 'n' // 110: the client does not support channel binding
	gs2FlagY       = 'y' // 121: the client supports it, thinks the server does not
	gs2FlagP       = 'p' // 112: channel binding in use; refused
)

// clientFirst is the saslStart payload.
type clientFirst struct {
	nonce   [clientNonceLen]byte // r
	gs2Flag byte                 // p
}

// clientFinal is the saslContinue payload.
type clientFinal struct {
	authorization string // a: the SigV4 Authorization header value
	amzDate       string // d: X-Amz-Date
	sessionToken  string // t: X-Amz-Security-Token, "" when absent
}

// fieldSet walks a payload's fields, refusing duplicates and fields not in allowed.
func fieldSet(struc string, payload []byte, allowed ...string) (map[string]bsoncore.Value, error) {
	doc := bsoncore.Document(payload)
	if err := validateDocument(doc); err != nil {
		return nil, fmt.Errorf("%s is not a valid BSON document: %v", struc, err)
	}
	if len(doc) != int(mustLength(doc)) {
		return nil, fmt.Errorf("%s has %d bytes after the document", struc, len(doc)-int(mustLength(doc)))
	}
	elems, err := doc.Elements()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", struc, err)
	}
	fields := make(map[string]bsoncore.Value, len(elems))
	for _, e := range elems {
		k := e.Key()
		known := false
		for _, a := range allowed {
			known = known || a == k
		}
		if !known {
			return nil, fmt.Errorf("BSON field '%s.%s' is an unknown field (40415)", struc, k)
		}
		if _, dup := fields[k]; dup {
			return nil, fmt.Errorf("BSON field '%s.%s' is a duplicate field (40413)", struc, k)
		}
		fields[k] = e.Value()
	}
	return fields, nil
}

func mustLength(d bsoncore.Document) int32 {
	n, _, _ := bsoncore.ReadLength(d)
	return n
}

func required(struc string, fields map[string]bsoncore.Value, key string, t bsoncore.Type) (bsoncore.Value, error) {
	v, ok := fields[key]
	if !ok {
		return v, fmt.Errorf("BSON field '%s.%s' is missing but a required field (40414)", struc, key)
	}
	if v.Type != t {
		return v, fmt.Errorf("BSON field '%s.%s' is the wrong type '%s', expected type '%s'", struc, key, typeName(v.Type), typeName(t))
	}
	return v, nil
}

// parseClientFirst parses {r: BinData(0, 32 bytes), p: int32 110|121}.
func parseClientFirst(payload []byte) (clientFirst, error) {
	const struc = "awsClientFirst"
	var cf clientFirst
	fields, err := fieldSet(struc, payload, "r", "p")
	if err != nil {
		return cf, err
	}
	r, err := required(struc, fields, "r", bsoncore.TypeBinary)
	if err != nil {
		return cf, err
	}
	sub, nonce, _ := r.BinaryOK()
	if sub != 0 {
		return cf, fmt.Errorf("BSON field '%s.r' has binary subtype %d, expected 0 (bindata_generic)", struc, sub)
	}
	if len(nonce) != clientNonceLen {
		return cf, fmt.Errorf("Nonce must be 32 bytes, got %d (51285)", len(nonce))
	}
	p, err := required(struc, fields, "p", bsoncore.TypeInt32)
	if err != nil {
		return cf, err
	}
	switch flag := p.Int32(); flag {
	case gs2FlagN, gs2FlagY:
		cf.gs2Flag = byte(flag)
	case gs2FlagP:
		return cf, fmt.Errorf("Channel Binding Prefix must not be 'p' (51284)")
	default:
		// Unverified: the server's exact check for other values; they cannot be a
		// gs2 flag, so they are refused.
		return cf, fmt.Errorf("Channel Binding Prefix %d is not 'n' or 'y'", flag)
	}
	copy(cf.nonce[:], nonce)
	return cf, nil
}

// parseClientFinal parses {a: string, d: string, t?: string}. The optional
// channel-binding and optional-data fields of the server's IDL (p, c, o) are
// accepted and ignored: no driver sends them, and a signature over
// x-mongodb-optional-data can never match the rebuilt request anyway.
func parseClientFinal(payload []byte) (clientFinal, error) {
	const struc = "awsClientSecond"
	var cf clientFinal
	fields, err := fieldSet(struc, payload, "a", "d", "t", "p", "c", "o")
	if err != nil {
		return cf, err
	}
	a, err := required(struc, fields, "a", bsoncore.TypeString)
	if err != nil {
		return cf, err
	}
	d, err := required(struc, fields, "d", bsoncore.TypeString)
	if err != nil {
		return cf, err
	}
	cf.authorization, cf.amzDate = a.StringValue(), d.StringValue()
	if _, ok := fields["t"]; ok {
		t, err := required(struc, fields, "t", bsoncore.TypeString)
		if err != nil {
			return cf, err
		}
		cf.sessionToken = t.StringValue()
	}
	for k, want := range map[string]bsoncore.Type{"p": bsoncore.TypeString, "c": bsoncore.TypeString, "o": bsoncore.TypeEmbeddedDocument} {
		if _, ok := fields[k]; ok {
			if _, err := required(struc, fields, k, want); err != nil {
				return cf, err
			}
		}
	}
	return cf, nil
}

// allowedSignedHeaders is the server's list, in the only order it accepts.
var allowedSignedHeaders = [...]string{
	"content-length", "content-type", "host", "x-amz-date", "x-amz-security-token",
	"x-mongodb-gs2-cb-flag", "x-mongodb-optional-data", "x-mongodb-server-nonce",
}

// checkSignedHeaders enforces the server's SignedHeaders rules: a sorted subset of
// allowedSignedHeaders that names the gs2 flag and the server nonce.
func checkSignedHeaders(names []string) error {
	i := 0
	var gs2, nonce bool
	for _, n := range names {
		for i < len(allowedSignedHeaders) && allowedSignedHeaders[i] != n {
			i++
		}
		if i == len(allowedSignedHeaders) {
			return fmt.Errorf("Did not find an expected header in its expected position: %q (51290)", n)
		}
		gs2 = gs2 || n == "x-mongodb-gs2-cb-flag"
		nonce = nonce || n == "x-mongodb-server-nonce"
		i++
	}
	if !gs2 {
		return fmt.Errorf("SignedHeaders does not include x-mongodb-gs2-cb-flag (51289)")
	}
	if !nonce {
		return fmt.Errorf("SignedHeaders does not include x-mongodb-server-nonce (51288)")
	}
	return nil
}

// typeName is the server's name for a BSON type, as in its error messages.
func typeName(t bsoncore.Type) string {
	switch t {
	case bsoncore.TypeDouble:
		return "double"
	case bsoncore.TypeString:
		return "string"
	case bsoncore.TypeEmbeddedDocument:
		return "object"
	case bsoncore.TypeArray:
		return "array"
	case bsoncore.TypeBinary:
		return "binData"
	case bsoncore.TypeBoolean:
		return "bool"
	case bsoncore.TypeNull:
		return "null"
	case bsoncore.TypeInt32:
		return "int"
	case bsoncore.TypeInt64:
		return "long"
	}
	return t.String()
}
