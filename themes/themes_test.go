package themes

import (
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	cases := []struct {
		name     string
		terminal bool
		wantDark bool
		wantErr  bool
	}{
		{"", true, true, false},
		{"auto", false, false, false},
		{"dark", false, true, false},
		{"LIGHT", true, false, false},
		{"solarized", true, false, true},
	}
	for _, c := range cases {
		p, err := Resolve(c.name, c.terminal, TrueColor)
		if (err != nil) != c.wantErr {
			t.Errorf("Resolve(%q): err %v", c.name, err)
			continue
		}
		if err == nil && p.Dark != c.wantDark {
			t.Errorf("Resolve(%q, terminal dark %v).Dark = %v", c.name, c.terminal, p.Dark)
		}
	}
}

func TestEveryDepthDistinguishesStatuses(t *testing.T) {
	for _, dark := range []bool{true, false} {
		for _, d := range []Depth{ANSI16, ANSI256, TrueColor} {
			p := New(dark, d)
			if p.OK == nil || p.Fail == nil || p.Warn == nil || p.Pending == nil || p.SelBg == nil {
				t.Errorf("%s/%s: a status colour is missing", p.Name, d)
			}
			if p.OK == p.Fail || p.Fail == p.Warn {
				t.Errorf("%s/%s: pass, fail and warn must differ", p.Name, d)
			}
		}
	}
}

func TestNoColorUsesAttributes(t *testing.T) {
	st := NewStyles(New(true, NoColor))
	fail := st.Fail.Render("FAIL")
	sel := st.Selected.Render("row")
	for _, s := range []string{fail, sel} {
		if strings.Contains(s, "38;") || strings.Contains(s, "48;") || strings.Contains(s, "[3") {
			t.Errorf("colour in a no-colour style: %q", s)
		}
	}
	if !strings.Contains(fail, "\x1b[1m") {
		t.Errorf("fail should be bold without colour: %q", fail)
	}
	if !strings.Contains(sel, "7m") {
		t.Errorf("the selection should be reversed without colour: %q", sel)
	}
}
