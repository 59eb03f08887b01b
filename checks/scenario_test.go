package checks_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/demo"
)

var update = flag.Bool("update", false, "rewrite the golden reports of the scenario tests")

// scenarioCase is one path of a scenario: the query and the verdict it must
// get. The whole report is compared with testdata/<scenario>/golden/<name>.json.
type scenarioCase struct {
	Name       string `json:"name"`
	From       string `json:"from"`
	To         string `json:"to"`
	Protocol   string `json:"protocol,omitempty"`
	Port       int    `json:"port,omitempty"`
	SourcePort int    `json:"source_port,omitempty"`
	Verdict    string `json:"verdict"`
	// BlockedBy is "layer component code direction", empty when nothing blocks.
	BlockedBy string `json:"blocked_by,omitempty"`
	// Exit is "gateway kind", empty when the path stays in the account.
	Exit string `json:"exit,omitempty"`
}

// TestScenarios runs every scenario directory under testdata: snapshot/ is
// a snapshot directory (or the demo account for testdata/demo), cases.json
// the paths.
func TestScenarios(t *testing.T) {
	forEachScenario(t, loadScenario, runScenarioCase)
}

// forEachScenario runs, for every scenario under testdata, each case of its
// cases.json as a subtest, on the network load reads from the scenario's
// directory (once for all its cases).
func forEachScenario(t *testing.T, load func(testing.TB, string) *checks.Network, run func(t *testing.T, net *checks.Network, dir string, c scenarioCase)) {
	t.Helper()
	dirs, err := filepath.Glob("testdata/*/cases.json")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no scenarios under testdata: %v", err)
	}
	for _, casesFile := range dirs {
		dir := filepath.Dir(casesFile)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			net := load(t, dir)
			var cases []scenarioCase
			raw, err := os.ReadFile(casesFile)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &cases); err != nil {
				t.Fatalf("%s: %v", casesFile, err)
			}
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) { run(t, net, dir, c) })
			}
		})
	}
}

func loadScenario(t testing.TB, dir string) *checks.Network {
	t.Helper()
	var inv *inventory.Inventory
	var err error
	if filepath.Base(dir) == "demo" {
		inv, err = snapshot.ReadFS(demo.FS(), ".")
	} else {
		inv, err = snapshot.Read(filepath.Join(dir, "snapshot"))
	}
	if err != nil {
		t.Fatalf("read %s: %v", dir, err)
	}
	net, err := convert.Network(inv)
	if err != nil {
		t.Fatalf("convert %s: %v", dir, err)
	}
	return net
}

func runScenarioCase(t *testing.T, net *checks.Network, dir string, c scenarioCase) {
	q, err := checks.NewQuery(c.From, c.To, c.Protocol, c.Port, c.SourcePort)
	if err != nil {
		t.Fatalf("query: %v", err)
	}
	rep, err := checks.Evaluate(net, q)
	if err != nil {
		t.Fatalf("evaluate: %v", err)
	}
	// As reach check reports it: each fix with what it does when applied.
	checks.VerifyFixes(net, q, &rep)
	if string(rep.Verdict) != c.Verdict {
		t.Errorf("verdict %s, want %s", rep.Verdict, c.Verdict)
	}
	var blocked string
	if rep.BlockedBy != nil {
		b := rep.BlockedBy
		blocked = strings.Join([]string{b.Layer, b.Component, b.Code, string(b.Direction)}, " ")
	}
	if blocked != c.BlockedBy {
		t.Errorf("blocked_by %q, want %q", blocked, c.BlockedBy)
	}
	var exit string
	if rep.Exit != nil {
		exit = rep.Exit.Gateway + " " + rep.Exit.Kind
	}
	if exit != c.Exit {
		t.Errorf("exit %q, want %q", exit, c.Exit)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rep); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	golden := filepath.Join(dir, "golden", c.Name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./checks -run TestScenarios -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("report differs from %s (review, then go test ./checks -run TestScenarios -update):\n%s", golden, firstDiff(string(want), string(got)))
	}
}

// firstDiff shows the first differing line with a little context.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + wl + "\n  got:  " + gl
		}
	}
	return ""
}

// TestGoldenFilesAreUsed keeps golden reports from outliving their cases.
func TestGoldenFilesAreUsed(t *testing.T) {
	_ = fs.WalkDir(os.DirFS("testdata"), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(path, "/golden/") {
			return nil
		}
		scenario := strings.SplitN(path, "/", 2)[0]
		raw, err := os.ReadFile(filepath.Join("testdata", scenario, "cases.json"))
		if err != nil {
			t.Errorf("%s: no cases.json beside it", path)
			return nil
		}
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		if !bytes.Contains(raw, []byte(`"name": "`+name+`"`)) {
			t.Errorf("%s: no case named %q", path, name)
		}
		return nil
	})
}
