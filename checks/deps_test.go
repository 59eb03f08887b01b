// Rules of the package as a whole: it imports only the standard library, and
// a sweep agrees with evaluating each source.

package checks

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// TestImportsOnlyStandardLibrary keeps the engine pure: no SDK, no
// terminal, no other package of ours.
func TestImportsOnlyStandardLibrary(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-json=ImportPath,Standard", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct {
			ImportPath string
			Standard   bool
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if !p.Standard && p.ImportPath != "github.com/reachnet/reach/checks" {
			t.Errorf("checks depends on %s; it may import only the standard library", p.ImportPath)
		}
	}
}

func TestSweepAgreesWithEvaluate(t *testing.T) {
	n := largeAccount()
	to, _ := ParseEnd("10.0.10.10:8001")
	res := Sweep(n, to, ProtocolTCP, 8001)
	for i := 0; i < len(res); i += 97 {
		q := Query{From: End{Kind: EndENI, ID: res[i].Source, Raw: res[i].Source}, To: to, Protocol: ProtocolTCP, Port: 8001, ICMPType: 8}
		full, err := Evaluate(n, q)
		if err != nil {
			t.Fatal(err)
		}
		if full.Verdict != res[i].Verdict {
			t.Errorf("%s: sweep says %s, Evaluate says %s", res[i].Source, res[i].Verdict, full.Verdict)
		}
		if (full.BlockedBy == nil) != (res[i].BlockedBy == nil) || full.BlockedBy != nil && *full.BlockedBy != *res[i].BlockedBy {
			t.Errorf("%s: sweep blocked_by %+v, Evaluate %+v", res[i].Source, res[i].BlockedBy, full.BlockedBy)
		}
	}
}
