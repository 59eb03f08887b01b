package tui

import (
	"strings"
	"testing"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/internal/tuitest"
	"github.com/reachnet/reach/tui/screens/picker"
)

// pickerNet is smallNet with the traps of a real account: an instance in
// another VPC whose name extends app-1's, two instances sharing a name,
// and a load balancer's interfaces named only by their description.
func pickerNet() *checks.Network {
	n := tuitest.SmallNet()
	b := &tuitest.NetBuilder{N: n}
	b.ENI("eni-0f01", "", "subnet-0011", "10.0.17.31", "sg-0app")
	b.N.Instances["i-0f01"] = &checks.Instance{ID: "i-0f01", Name: "staging-app-1", State: "running", ENIIDs: []string{"eni-0f01"}}
	b.N.ENIs["eni-0f01"].InstanceID = "i-0f01"
	for _, id := range []string{"i-0c01", "i-0c02"} {
		eni := "eni-" + id[2:]
		b.ENI(eni, "", "subnet-0011", "10.0.18."+id[len(id)-1:], "sg-0app")
		b.N.Instances[id] = &checks.Instance{ID: id, Name: "worker", State: "running", ENIIDs: []string{eni}}
		b.N.ENIs[eni].InstanceID = id
	}
	for _, id := range []string{"eni-0l01", "eni-0l02"} {
		e := b.ENI(id, "", "subnet-0011", "10.0.19."+id[len(id)-1:], "sg-0app")
		e.Description = "ELB net/payment-api-nlb/4f9c1e2a7b3d5e60"
		e.InterfaceType = "network_load_balancer"
	}
	return n
}

func TestPickerCompletion(t *testing.T) {
	cases := []struct {
		name string
		// typed goes into the source field, then keys are pressed.
		typed string
		keys  []string
		// firstSugg is the first suggestion after typing; "" skips.
		firstSugg string
		wantFrom  string
		wantFocus int
	}{
		{name: "exact name wins over a longer one", typed: "app-1", firstSugg: "app-1",
			keys: []string{"tab"}, wantFrom: "app-1", wantFocus: picker.FieldTo},
		{name: "tab completes a prefix and stays", typed: "staging-a",
			keys: []string{"tab"}, wantFrom: "staging-app-1", wantFocus: picker.FieldFrom},
		{name: "second tab moves on once complete", typed: "staging-a",
			keys: []string{"tab", "tab"}, wantFrom: "staging-app-1", wantFocus: picker.FieldTo},
		{name: "down then tab picks another suggestion", typed: "app-1", firstSugg: "app-1",
			keys: []string{"down", "tab"}, wantFocus: picker.FieldFrom},
		{name: "exact ID first", typed: "eni-0a01", firstSugg: "eni-0a01",
			keys: []string{"tab"}, wantFrom: "eni-0a01", wantFocus: picker.FieldTo},
		{name: "exact address first", typed: "10.0.16.45", firstSugg: "10.0.16.45",
			keys: []string{"tab"}, wantFrom: "10.0.16.45", wantFocus: picker.FieldTo},
		{name: "a load balancer completes by its name", typed: "payment-api", firstSugg: "payment-api-nlb",
			keys: []string{"tab"}, wantFrom: "payment-api-nlb", wantFocus: picker.FieldFrom},
		{name: "nothing to complete moves on", typed: "zzz",
			keys: []string{"tab"}, wantFrom: "zzz", wantFocus: picker.FieldTo},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := newTestModel(t, Static("demo", pickerNet(), nil), Options{})
			start(t, m)
			press(t, m, "p")
			typeText(t, m, c.typed)
			if c.firstSugg != "" && (len(m.picker.Suggestions) == 0 || m.picker.Suggestions[0].Value != c.firstSugg) {
				t.Fatalf("first suggestion for %q: %+v, want %s", c.typed, m.picker.Suggestions, c.firstSugg)
			}
			press(t, m, c.keys...)
			got := m.picker.Fields[picker.FieldFrom].Value()
			if c.wantFrom != "" && got != c.wantFrom {
				t.Errorf("from = %q, want %q", got, c.wantFrom)
			}
			if c.wantFrom == "" && got == c.typed {
				t.Errorf("from stayed %q; down then tab should complete another suggestion", got)
			}
			if m.picker.Focus != c.wantFocus {
				t.Errorf("focus = %s, want %s", picker.FieldLabels[m.picker.Focus], picker.FieldLabels[c.wantFocus])
			}
		})
	}
}

func TestPickerAsksWhichOfAmbiguousName(t *testing.T) {
	for _, c := range []struct {
		name, from, to string
		want           []string
		field          int
	}{
		{name: "two instances", from: "worker", to: "10.0.33.12:5432", want: []string{"i-0c01", "i-0c02"}, field: picker.FieldFrom},
		{name: "a load balancer's interfaces", from: "app-1", to: "payment-api-nlb:443", want: []string{"eni-0l01", "eni-0l02"}, field: picker.FieldTo},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := newTestModel(t, Static("demo", pickerNet(), nil), Options{})
			start(t, m)
			press(t, m, "p")
			typeText(t, m, c.from)
			press(t, m, "tab")
			typeText(t, m, c.to)
			press(t, m, "enter")
			if m.top() != m.picker {
				t.Fatalf("an ambiguous name must not be checked; top is %s", m.top().Title())
			}
			if !strings.Contains(m.picker.Err, "pick one") || m.picker.Focus != c.field {
				t.Fatalf("err %q focus %s", m.picker.Err, picker.FieldLabels[m.picker.Focus])
			}
			var got []string
			for _, s := range m.picker.Suggestions {
				got = append(got, s.Value)
			}
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Fatalf("choices %v, want %v", got, c.want)
			}
			press(t, m, "down", "tab", "enter")
			if m.top() != m.checklist {
				t.Fatalf("after choosing, enter checks; top %s err %q", m.top().Title(), m.picker.Err)
			}
			end := m.path.From
			if c.field == picker.FieldTo {
				end = m.path.To
			}
			if !strings.HasPrefix(end, c.want[1]) {
				t.Fatalf("chosen end %q, want %s", end, c.want[1])
			}
		})
	}
}
