package awsenv

import "github.com/atlas-iam/atlas-iam/diag"

// Warning is something that will probably make the login fail or use the wrong
// identity, with what to do about it. Code names the diagnosis it supports when it
// turns out to be the cause (usually diag.WrongCredentialSource).
type Warning struct {
	Code    diag.Code `json:"code"`
	Summary string    `json:"summary"`
	Fix     string    `json:"fix,omitempty"`
}

// Diagnosis turns the warning into its diagnosis.
func (w Warning) Diagnosis() *diag.Diagnosis {
	d := diag.New(w.Code, w.Summary)
	if w.Fix != "" {
		d.WithFix(w.Fix)
	}
	return d
}

func wrongSource(summary, fix string) Warning {
	return Warning{Code: diag.WrongCredentialSource, Summary: summary, Fix: fix}
}
