package world

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

const (
	lowerAlpha = "abcdefghijklmnopqrstuvwxyz"
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	alnum      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b64        = alnum + "+/"
)

func randString(alphabet string, n int) string {
	buf := make([]byte, n)
	if _, err := rand.Read(buf); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	for i, b := range buf {
		buf[i] = alphabet[int(b)%len(alphabet)]
	}
	return string(buf)
}

func randUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// secretKey is a 40-character AWS-style secret that always contains "/" and "+", so
// every test exercises the escaping those characters need in URIs and shells.
func secretKey() string {
	s := []byte(randString(b64, 40))
	s[7], s[23] = '/', '+'
	return string(s)
}

// sessionToken is a base64 token with padding ("="), like real STS tokens.
func sessionToken() string {
	raw := make([]byte, 298) // 298 bytes → base64 ends in "="
	rand.Read(raw)
	t := base64.StdEncoding.EncodeToString(raw)
	return "IQoJb3JpZ2luX2VjE" + t
}

// accessKeyID is AKIA… for long-term keys and ASIA… for temporary ones.
func accessKeyID(temporary bool) string {
	if temporary {
		return "ASIA" + randString(upperAlnum, 16)
	}
	return "AKIA" + randString(upperAlnum, 16)
}
