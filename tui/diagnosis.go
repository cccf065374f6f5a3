package tui

import (
	"errors"

	"github.com/atlas-iam/atlas-iam/diag"
	"github.com/atlas-iam/atlas-iam/steps"
)

// asDiagnosis returns the diagnosis an error carries, if any.
func asDiagnosis(err error) *diag.Diagnosis {
	var d *diag.Diagnosis
	if errors.As(err, &d) {
		return d
	}
	return nil
}

// isBlocked reports the LDAP-authorization conflict: the project cannot have IAM
// users at all, so the screen explains the way out rather than a fix in place.
func isBlocked(d *diag.Diagnosis) bool {
	return d != nil && d.Code == diag.LDAPAuthorization
}

// failureChoices are exactly the choices a failure request allows: retry when
// CanRetry, back when CanBack, and always quit.
func failureChoices(r steps.FailureRequest) ([]string, []steps.Choice) {
	var labels []string
	var values []steps.Choice
	if r.CanRetry {
		labels, values = append(labels, "Retry"), append(values, steps.ChoiceRetry)
	}
	if r.CanBack {
		label := "Back"
		if isBlocked(r.Diagnosis) {
			label = "Pick another project"
		}
		labels, values = append(labels, label), append(values, steps.ChoiceBack)
	}
	return append(labels, "Quit"), append(values, steps.ChoiceQuit)
}
