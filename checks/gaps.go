// Missing and conflicting data: how a gap becomes an unknown finding that
// names what is missing, why, and what would bring it.

package checks

import "fmt"

// missing reports a gap as an unknown finding of the layer.
func (w *walker) missing(layer string, k DataKind, component, what string) {
	w.find(layer, w.missingFinding(k, component, what))
}

// missingFinding is the unknown finding missing records.
func (w *walker) missingFinding(k DataKind, component, what string) Finding {
	g, ok := w.ix.gap(k)
	return gapFinding(k, g, ok, component, what)
}

// missingFor reports the gap of kind k that covers resource id (scoped to
// it, or network-wide) as an unknown finding of the layer.
func (w *walker) missingFor(layer string, k DataKind, id, component, what string) {
	g, ok := w.ix.gapFor(k, id)
	w.find(layer, gapFinding(k, g, ok, component, what))
}

// gapFinding is the unknown finding of a gap: missing data, or two copies
// of it in conflict.
func gapFinding(k DataKind, g Gap, ok bool, component, what string) Finding {
	code := "DATA_MISSING"
	if g.Conflict {
		code = "DATA_CONFLICT"
	}
	return Finding{Code: code, Severity: SeverityUnknown, Component: component, Rule: string(k), Detail: gapDetail(what, k, g, ok), Fix: gapFix(g, ok)}
}

// gapDetail says what is missing, why, and what would bring it: the IAM
// action for a refusal, a retry for a passing failure.
func gapDetail(what string, k DataKind, g Gap, ok bool) string {
	switch {
	case !ok:
		return what
	case g.Conflict:
		return fmt.Sprintf("%s: %s is in conflict (%s), so neither copy decides", what, k, g.Reason)
	}
	return fmt.Sprintf("%s: %s is missing (%s)", what, k, g.Reason) + remedy(g)
}

// remedy is the gap's Remedy after a "; ", or "".
func remedy(g Gap) string {
	if r := g.Remedy(); r != "" {
		return "; " + r
	}
	return ""
}

// Remedy says what would bring the data of a gap: "retry" for a passing
// failure (throttled, a server error, a timeout), else "grant" and the IAM
// action; "" when neither applies.
func (g Gap) Remedy() string {
	switch {
	case g.Retry:
		return "retry"
	case g.Action != "":
		return "grant " + g.Action
	}
	return ""
}

func gapFix(g Gap, ok bool) string {
	switch {
	case ok && g.Conflict:
		return "remove the stale copy from the snapshot (or take the snapshot again), then re-check"
	case ok && g.Retry:
		return "retry: run the check again once the API answers (" + g.Reason + ")"
	case ok && g.Action != "":
		return "grant the IAM action " + g.Action + " to the identity reach runs as, then re-check"
	}
	return ""
}

// accountGap returns the gap of kind k recorded for an account that could
// not be read, when account is one.
func (ix *index) accountGap(k DataKind, account string) (Gap, bool) {
	if account == "" {
		return Gap{}, false
	}
	for _, g := range ix.scopedGaps[account] {
		if g.Kind == k && g.Account == account {
			return g, true
		}
	}
	return Gap{}, false
}

// unreadableAccount returns a gap of kind k of an account that could not
// be read, if any: a resource not in the network may be that account's.
func (n *Network) unreadableAccount(k DataKind) (Gap, bool) {
	for _, g := range n.Gaps {
		if g.Kind == k && g.Account != "" {
			return g, true
		}
	}
	return Gap{}, false
}

// accountReason is ", which could not be read (why)" for an account that
// could not be read, else "".
func (ix *index) accountReason(k DataKind, account string) string {
	if g, ok := ix.accountGap(k, account); ok {
		return fmt.Sprintf(": account %s could not be read (%s)", account, g.Reason)
	}
	return ""
}
