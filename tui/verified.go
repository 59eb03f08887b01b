package tui

import (
	"reflect"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/screen"
)

// verifiedFixes remembers the last report whose fixes were verified, with
// the network and path it was verified on. Verifying a fix can sweep the
// whole account (how many other interfaces it would also open), seconds at
// 100,000 interfaces; watch mode re-reads the account every few seconds,
// and most polls read what the last one did.
type verifiedFixes struct {
	net  *checks.Network
	path screen.PathSpec
	rep  checks.Report
}

// reuse copies the fix verifications of the remembered report into rep
// when rep was evaluated for the same path on a network with the same
// content, finding for finding; it reports whether it did. Anything that
// differs (the network, the path, a finding or its fix) leaves rep alone,
// to be verified again.
func (v *verifiedFixes) reuse(n *checks.Network, p screen.PathSpec, rep *checks.Report) bool {
	if v == nil || v.net == nil || v.path != p || !sameNetwork(v.net, n) {
		return false
	}
	if len(v.rep.Layers) != len(rep.Layers) || v.rep.Verdict != rep.Verdict {
		return false
	}
	for li := range rep.Layers {
		old, cur := v.rep.Layers[li].Findings, rep.Layers[li].Findings
		if len(old) != len(cur) {
			return false
		}
		for fi := range cur {
			if old[fi].Fix != cur[fi].Fix || old[fi].Severity != cur[fi].Severity || old[fi].Code != cur[fi].Code {
				return false
			}
		}
	}
	for li := range rep.Layers {
		for fi := range rep.Layers[li].Findings {
			rep.Layers[li].Findings[fi].FixCheck = v.rep.Layers[li].Findings[fi].FixCheck
		}
	}
	rep.AllFixes = v.rep.AllFixes
	return true
}

// sameNetwork compares two networks' content: every field but the
// compiled index. Both are compiled and only read. A difference in
// anything, even a name, counts: it only costs a verification.
func sameNetwork(a, b *checks.Network) bool {
	if a == b {
		return true
	}
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	t := va.Type()
	for i := range t.NumField() {
		if !t.Field(i).IsExported() {
			continue
		}
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			return false
		}
	}
	return true
}
