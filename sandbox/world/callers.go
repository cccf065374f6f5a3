package world

import (
	"strings"
	"time"
)

// IssueCallerKeys registers an access key whose GetCallerIdentity ARN is callerARN,
// for principals the seeded account does not otherwise model: the account root
// (arn:aws:iam::A:root, long-term keys) or a federated user
// (arn:aws:sts::A:federated-user/NAME, temporary keys as GetFederationToken issues
// them). It lets tests prove that a wire server refuses such identities after a
// valid signature. Temporary keys honour the ExpireCredentials knob.
func (w *World) IssueCallerKeys(callerARN string, temporary bool) Credentials {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	c := Credentials{
		AccessKeyID: accessKeyID(temporary), SecretAccessKey: secretKey(),
		CallerARN: callerARN, UserID: callerUserID(callerARN), Issued: now,
	}
	if temporary {
		c.SessionToken, c.Expiration = sessionToken(), now.Add(time.Hour).Truncate(time.Second)
		if w.knobs.ExpireCredentials {
			c.Issued, c.Expiration = now.Add(-2*time.Hour), now.Add(-time.Hour).Truncate(time.Second)
		}
	}
	w.aws.keys[c.AccessKeyID] = c
	w.logLocked("sts", "key %s issued for %s", c.AccessKeyID, callerARN)
	return c
}

// callerUserID is GetCallerIdentity's UserId for such principals: the account id for
// root, ACCOUNT:NAME for a federated user, an AIDA… id otherwise.
func callerUserID(arn string) string {
	switch {
	case strings.HasSuffix(arn, ":root"):
		return AccountID
	case strings.Contains(arn, ":federated-user/"):
		return AccountID + ":" + arn[strings.LastIndex(arn, "/")+1:]
	}
	return "AIDA" + randString(upperAlnum, 17)
}
