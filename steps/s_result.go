package steps

import (
	"context"
	"strings"

	"github.com/atlas-iam/atlas-iam/awsenv"
	"github.com/atlas-iam/atlas-iam/connect"
)

var languageTitles = map[connect.Language]string{
	connect.LangGo: "Go", connect.LangNodeJS: "Node.js", connect.LangPython: "Python", connect.LangJava: "Java",
}

// result assembles the outputs: connection string, mongosh command, snippets, the
// equivalent Atlas CLI command and, in workstation mode, the check to run on the
// target.
func (s *setup) result(ctx context.Context) (*Result, error) {
	r := s.start(StepResult, "Result")
	uri, err := s.connectionString()
	if err != nil {
		return nil, r.fail(clusterNotReady(s.deployment, err.Error()))
	}
	a, _ := s.aws.wait(ctx)
	creds := s.credentialMode(a)
	res := &Result{
		Project:          s.project,
		Platform:         string(s.platform),
		Principal:        s.view,
		User:             s.outcome,
		Tested:           s.tested,
		ConnectionString: uri,
		Warnings:         s.warnings,
	}
	if res.Mongosh, err = connect.MongoshCommand(uri, creds); err != nil {
		return nil, err
	}
	for _, lang := range connect.Languages() {
		code, err := connect.Snippet(lang, uri, creds)
		if err != nil {
			return nil, err
		}
		res.Snippets = append(res.Snippets, Snippet{Lang: string(lang), Title: languageTitles[lang], Code: code})
	}
	if cmd, err := connect.AtlasCLICommand(s.wantedUser()); err == nil {
		res.AtlasCLICommand = cmd
	}
	if !s.here {
		res.CheckCommand = s.checkCommand()
	}
	if s.login != nil {
		res.Login = &LoginView{User: s.login.User, DB: s.login.DB, Roles: roleNames(s.login.Roles), ServerVersion: s.login.ServerVersion, Elapsed: s.login.Elapsed}
	}
	r.done(StatusOK, "mongosh command and connection string ready")
	return res, nil
}

// credentialMode says how the printed mongosh command and snippets find AWS
// credentials: the platform's own chain for roles of the target platform; on a
// workstation, the same keys or profile this run used.
func (s *setup) credentialMode(a awsSide) connect.Credentials {
	if !s.here || s.platform != awsenv.Workstation || a.err != nil {
		return connect.Credentials{Mode: connect.CredentialsPlatform}
	}
	switch {
	case a.info.Source == "EnvConfigCredentials" && a.info.Temporary:
		return connect.Credentials{Mode: connect.CredentialsSession}
	case a.info.Source == "EnvConfigCredentials":
		return connect.Credentials{Mode: connect.CredentialsKeys}
	case a.info.Profile != "":
		return connect.Credentials{Mode: connect.CredentialsProfile, Profile: a.info.Profile}
	case strings.HasPrefix(a.info.Source, "SharedConfigCredentials"):
		return connect.Credentials{Mode: connect.CredentialsProfile, Profile: "default"}
	}
	return connect.Credentials{Mode: connect.CredentialsPlatform}
}
