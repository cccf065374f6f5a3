package steps

import (
	"context"

	"github.com/atlas-iam/atlas-iam/diag"
)

// ldapStep checks the one project setting that makes IAM users impossible: LDAP
// authorization. A key that may not read it gets "unknown", never "OK".
func (s *setup) ldapStep(ctx context.Context) error {
	r := s.start(StepLDAP, "LDAP authorization")
	st, err := s.reads.ldapState(ctx, s).wait(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		c, _ := s.credsF().wait(ctx)
		return r.fail(atlasAccessDiagnosis(err, c))
	}
	switch {
	case !st.Known:
		d := ldapUnknown(s.project, st.Detail)
		s.warnings = append(s.warnings, d)
		s.emit(StepDone{Step: StepLDAP, Status: StatusUnknown, Summary: d.Summary, Diagnosis: d, Elapsed: s.e.Now().Sub(r.start)})
	case st.AuthorizationEnabled:
		return r.fail(ldapBlocked(s.project))
	default:
		r.done(StatusOK, "LDAP authorization is off: IAM users can be used")
	}
	return nil
}

func ldapBlocked(p ProjectOption) *diag.Diagnosis {
	return diag.New(diag.LDAPAuthorization, "project "+p.Name+" ("+p.ID+") has LDAP authorization enabled: Atlas does not allow AWS IAM database users there").
		WithEvidence("GET /groups/"+p.ID+"/userSecurity: ldap.authorizationEnabled = true").
		WithFix("Move the clusters that need IAM authentication to a project without LDAP authorization (Atlas docs: \"You can't set up authentication for AWS IAM principals when LDAP authorization is enabled\").",
			"Or turn LDAP authorization off for project "+p.Name+" (Security → Database Access → LDAP), if nothing depends on it.",
			"Then run atlas-iam again, choosing that project.")
}

func ldapUnknown(p ProjectOption, detail string) *diag.Diagnosis {
	d := diag.New(diag.LDAPUnknown, "LDAP authorization state of "+p.Name+" is unknown: the key may not read it (needs Project Owner)").
		WithFix("Use a key with the Project Owner role to check it; if LDAP authorization is on, IAM users will not work in this project.")
	if detail != "" {
		d.WithEvidence(detail)
	}
	return d
}
