package connect

import "strings"

// shellQuote makes s one POSIX shell word: unchanged when it only has characters
// no shell treats specially, else single-quoted with each ' written as '\”.
// Inside single quotes nothing ($, `, \, !, spaces) is interpreted. A leading "="
// is quoted too: zsh expands =word to a command path.
func shellQuote(s string) string {
	if s != "" && s[0] != '=' && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@%+=:,./_-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellJoin quotes every word and joins them with spaces.
func shellJoin(words ...string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = shellQuote(w)
	}
	return strings.Join(q, " ")
}
