// The table the path tests of every layer share: a network built for the
// case, one query, and what its report must say.

package checks

import (
	"cmp"
	"slices"
	"strings"
	"testing"
)

// pathCase is one query on a network built for it.
type pathCase struct {
	name string
	// world builds the network, twoVPCs when nil; change then edits it.
	world  func() *netBuilder
	change func(b *netBuilder)
	from   string
	to     string
	// proto is the query's protocol, tcp when empty; sourcePort fixes the
	// client's port, 0 leaves it to the client's platform.
	proto      string
	sourcePort int
	verdict    Verdict
	statuses   map[string]Status
	// findings must all be in the report.
	findings []wantFinding
	// blocked, when set, is compared with the report's first blocker on
	// each field it sets.
	blocked *Blocked
	// exit, when set, is where the path must leave the account.
	exit *Exit
	// hops are components the forward path must cross.
	hops []string
	// verify asserts what the fields above cannot say.
	verify func(t *testing.T, r Report)
}

// wantFinding is a finding a report must hold: the first finding of the
// layer with the code, with each field the case sets.
type wantFinding struct {
	layer, code string
	component   string
	direction   Direction
	severity    Severity
	// rule, detail and fix must contain each of these texts.
	rule, detail, fix []string
	// ruleIs and fixIs are the whole rule and the whole fix.
	ruleIs, fixIs string
}

// runPaths runs each case as a subtest.
func runPaths(t *testing.T, cases []pathCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.verdict == "" {
				t.Fatal("the case names no verdict")
			}
			world := tc.world
			if world == nil {
				world = twoVPCs
			}
			b := world()
			if tc.change != nil {
				tc.change(b)
			}
			q, err := NewQuery(tc.from, tc.to, cmp.Or(tc.proto, "tcp"), 0, tc.sourcePort)
			if err != nil {
				t.Fatalf("NewQuery(%q, %q): %v", tc.from, tc.to, err)
			}
			r, err := Evaluate(b.n, q)
			if err != nil {
				t.Fatalf("Evaluate(%s → %s): %v", tc.from, tc.to, err)
			}
			expect(t, r, tc.verdict, tc.statuses)
			for _, w := range tc.findings {
				w.check(t, r)
			}
			if tc.blocked != nil {
				checkBlocked(t, r, *tc.blocked)
			}
			if tc.exit != nil && (r.Exit == nil || *r.Exit != *tc.exit) {
				t.Errorf("exit = %+v, want %+v\n%s", r.Exit, *tc.exit, dump(r))
			}
			for _, h := range tc.hops {
				if !slices.Contains(hopComponents(r), h) {
					t.Errorf("hops %v should pass %s", hopComponents(r), h)
				}
			}
			if tc.verify != nil {
				tc.verify(t, r)
			}
		})
	}
}

func (w wantFinding) check(t *testing.T, r Report) {
	t.Helper()
	f := finding(r, w.layer, w.code)
	if f == nil {
		t.Errorf("no %s finding %s\n%s", w.layer, w.code, dump(r))
		return
	}
	if w.component != "" && f.Component != w.component {
		t.Errorf("%s component = %s, want %s\n%s", w.code, f.Component, w.component, dump(r))
	}
	if w.severity != "" && f.Severity != w.severity {
		t.Errorf("%s severity = %s, want %s\n%s", w.code, f.Severity, w.severity, dump(r))
	}
	if w.direction != "" && f.Direction != w.direction {
		t.Errorf("%s direction = %s, want %s\n%s", w.code, f.Direction, w.direction, dump(r))
	}
	for _, s := range w.rule {
		if !strings.Contains(f.Rule, s) {
			t.Errorf("%s rule %q lacks %q", w.code, f.Rule, s)
		}
	}
	for _, s := range w.detail {
		if !strings.Contains(f.Detail, s) {
			t.Errorf("%s detail %q lacks %q", w.code, f.Detail, s)
		}
	}
	for _, s := range w.fix {
		if !strings.Contains(f.Fix, s) {
			t.Errorf("%s fix %q lacks %q", w.code, f.Fix, s)
		}
	}
	if w.ruleIs != "" && f.Rule != w.ruleIs {
		t.Errorf("%s rule = %q, want %q", w.code, f.Rule, w.ruleIs)
	}
	if w.fixIs != "" && f.Fix != w.fixIs {
		t.Errorf("%s fix = %q, want %q", w.code, f.Fix, w.fixIs)
	}
}

func checkBlocked(t *testing.T, r Report, want Blocked) {
	t.Helper()
	got := r.BlockedBy
	if got == nil {
		t.Errorf("blocked_by is nil, want %+v\n%s", want, dump(r))
		return
	}
	if want.Layer != "" && got.Layer != want.Layer || want.Component != "" && got.Component != want.Component ||
		want.Code != "" && got.Code != want.Code || want.Direction != "" && got.Direction != want.Direction ||
		want.Rule != "" && got.Rule != want.Rule {
		t.Errorf("blocked_by = %+v, want %+v\n%s", *got, want, dump(r))
	}
}

func hopComponents(r Report) []string {
	var out []string
	for _, h := range r.Hops {
		out = append(out, h.Component)
	}
	return out
}

// wantExitCode asserts the report's exit code.
func wantExitCode(code int) func(t *testing.T, r Report) {
	return func(t *testing.T, r Report) {
		t.Helper()
		if got := r.ExitCode(); got != code {
			t.Errorf("exit code %d, want %d", got, code)
		}
	}
}
