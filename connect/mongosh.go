package connect

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// CredentialMode is where the application's AWS credentials come from; it decides
// what the mongosh command and the snippets add to the connection string.
type CredentialMode string

const (
	// CredentialsPlatform: a role of the compute platform (Lambda, ECS, EC2, EKS),
	// which every AWS SDK chain finds by itself.
	CredentialsPlatform CredentialMode = "platform"
	// CredentialsKeys: an IAM user's long-term keys in AWS_ACCESS_KEY_ID and
	// AWS_SECRET_ACCESS_KEY.
	CredentialsKeys CredentialMode = "keys"
	// CredentialsSession: temporary keys, which also need AWS_SESSION_TOKEN.
	CredentialsSession CredentialMode = "session"
	// CredentialsProfile: a named profile of ~/.aws/config (keys, role, SSO).
	CredentialsProfile CredentialMode = "profile"
)

// Credentials says how the user's programs find AWS credentials.
type Credentials struct {
	Mode    CredentialMode
	Profile string // the profile name, for CredentialsProfile
}

func (c Credentials) validate() error {
	switch c.Mode {
	case CredentialsPlatform, CredentialsKeys, CredentialsSession:
		return nil
	case CredentialsProfile:
		if c.Profile == "" {
			return errors.New("credential mode profile needs a profile name")
		}
		if strings.IndexFunc(c.Profile, func(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }) >= 0 {
			return fmt.Errorf("profile name %q has spaces or control characters", c.Profile)
		}
		return nil
	}
	return fmt.Errorf("unknown credential mode %q", c.Mode)
}

// MongoshCommand is the mongosh command that logs in with MONGODB-AWS: the
// connection string single-quoted, and the credentials only by reference (shell
// variables, or an AWS profile that mongosh's AWS SDK chain reads), never a value.
// It never uses --awsAccessKeyId/--awsSecretAccessKey: those configure
// client-side field-level encryption's KMS, not the login.
func MongoshCommand(uri string, c Credentials) (string, error) {
	if err := checkOutputURI(uri); err != nil {
		return "", err
	}
	if err := c.validate(); err != nil {
		return "", err
	}
	cmd := "mongosh " + shellQuote(uri)
	switch c.Mode {
	case CredentialsKeys:
		cmd += ` --username "$AWS_ACCESS_KEY_ID" --password "$AWS_SECRET_ACCESS_KEY"`
	case CredentialsSession:
		cmd += ` --username "$AWS_ACCESS_KEY_ID" --password "$AWS_SECRET_ACCESS_KEY" --awsIamSessionToken "$AWS_SESSION_TOKEN"`
	case CredentialsProfile:
		cmd = "AWS_PROFILE=" + shellQuote(c.Profile) + " " + cmd
	}
	return cmd, nil
}

// checkOutputURI refuses to put a connection string into a command or a program
// unless it is a valid MONGODB-AWS string without credentials: an output must
// never carry a secret.
func checkOutputURI(uri string) error {
	cs, err := parseURI(uri)
	if err != nil {
		return err
	}
	if cs.UsernameSet || cs.PasswordSet || cs.AuthMechanismPropertiesSet {
		return errors.New("connection string carries credentials; build one with ConnectionString")
	}
	if !strings.EqualFold(cs.AuthMechanism, mechanismAWS) {
		return errors.New("connection string does not use authMechanism=MONGODB-AWS")
	}
	for _, r := range uri {
		if r < 0x21 || r > 0x7e {
			return fmt.Errorf("connection string has the character %q; percent-encode it", r)
		}
	}
	return nil
}
