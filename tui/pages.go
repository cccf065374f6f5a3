package tui

import "github.com/atlas-iam/atlas-iam/steps"

// newPromptPage returns the screen for an engine question, nil for an unknown one.
func newPromptPage(c *common, seq int, req any) page {
	switch r := req.(type) {
	case steps.Overview:
		return newOverviewPage(c, seq, r)
	case steps.CredentialsRequest:
		return newCredentialsPage(c, seq, r)
	case steps.ProjectRequest:
		return newProjectPage(c, seq, r)
	case steps.PlatformRequest:
		return newPlatformPage(c, seq, r)
	case steps.PrincipalRequest:
		return newPrincipalPage(c, seq, r)
	case steps.AccessRequest:
		return newAccessPage(c, seq, r)
	case steps.ReviewRequest:
		return newReviewPage(c, seq, r)
	case steps.NetworkRequest:
		return newNetworkPage(c, seq, r)
	case steps.FailureRequest:
		return newFailurePage(c, seq, r)
	}
	return nil
}
