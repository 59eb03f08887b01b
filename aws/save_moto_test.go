package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/reachnet/reach/aws/awstest"
	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
)

// TestWriteMatchesCLI loads a seeded account, saves it, dumps the
// same account with the AWS CLI, and compares the two directories file by
// file: same names, same documents (timestamps compared as instants).
func TestWriteMatchesCLI(t *testing.T) {
	m, _ := seededMoto(t)
	ctx := context.Background()
	inv, _, err := testLoader(m.URL).LoadAll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(t.TempDir(), "saved")
	if err := snapshot.Write(saved, inv); err != nil {
		t.Fatal(err)
	}
	dumped := t.TempDir()
	start := time.Now()
	if err := awstest.DumpCLI(ctx, m.URL, dumped); err != nil {
		t.Fatal(err)
	}
	t.Logf("dumped with the AWS CLI in %v", time.Since(start))
	savedFiles, dumpedFiles := jsonFiles(t, saved), jsonFiles(t, dumped)
	if !slices.Equal(savedFiles, dumpedFiles) {
		t.Errorf("file names differ:\nsaved  %v\ndumped %v", savedFiles, dumpedFiles)
	}
	for _, name := range savedFiles {
		if data, _ := os.ReadFile(filepath.Join(saved, name)); strings.Contains(string(data), "pre_shared_key") {
			t.Errorf("%s holds a VPN tunnel's pre-shared key", name)
		}
		a, b := readJSON(t, filepath.Join(saved, name)), readJSON(t, filepath.Join(dumped, name))
		for _, d := range diffJSON("", normalize(a), normalize(b)) {
			t.Errorf("%s: %s", name, d)
		}
	}
}

func jsonFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	slices.Sort(names)
	return names
}

func readJSON(t *testing.T, path string) any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// normalize makes equal documents compare equal: timestamps become UTC
// instants; the CLI's echo of pagination parameters is dropped.
func normalize(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			// AdditionalRoutesAvailable: AWS prints it, moto leaves it out.
			// CustomerGatewayConfiguration: the loader drops the tunnels'
			// pre-shared keys on purpose. LatestRestorableTime: the
			// emulator answers "now" for a DB instance, so two reads differ.
			if k == "MaxResults" || k == "NextToken" || k == "AdditionalRoutesAvailable" || k == "CustomerGatewayConfiguration" || k == "LatestRestorableTime" {
				continue
			}
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalize(e)
		}
		return out
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05.000Z"} {
			if ts, err := time.Parse(layout, x); err == nil && len(x) >= 19 {
				return ts.UTC().Format(time.RFC3339Nano)
			}
		}
		return x
	}
	return v
}

// diffJSON lists the differences between two decoded documents by path.
func diffJSON(path string, a, b any) []string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: saved object, dumped %T", path, b)}
		}
		var out []string
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		var sorted []string
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			xa, inA := x[k]
			yb, inB := y[k]
			switch {
			case !inA:
				out = append(out, fmt.Sprintf("%s.%s: only in the CLI's output: %s", path, k, short(yb)))
			case !inB:
				out = append(out, fmt.Sprintf("%s.%s: only in the saved snapshot: %s", path, k, short(xa)))
			default:
				out = append(out, diffJSON(path+"."+k, xa, yb)...)
			}
		}
		return out
	case []any:
		y, ok := b.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: saved array, dumped %T", path, b)}
		}
		if len(x) != len(y) {
			return []string{fmt.Sprintf("%s: %d items saved, %d dumped", path, len(x), len(y))}
		}
		var out []string
		for i := range x {
			out = append(out, diffJSON(fmt.Sprintf("%s[%d]", path, i), x[i], y[i])...)
		}
		return out
	}
	if !reflect.DeepEqual(a, b) {
		return []string{fmt.Sprintf("%s: saved %s, dumped %s", path, short(a), short(b))}
	}
	return nil
}

func short(v any) string {
	b, _ := json.Marshal(v)
	s := string(b)
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return strings.ReplaceAll(s, "\n", " ")
}

// TestSnapshotRoundTrip proves the three ways into a network agree: a live
// load, that load saved and read back, and the AWS CLI's own dump of the
// same account read as a snapshot all convert to the same checks.Network.
func TestSnapshotRoundTrip(t *testing.T) {
	m, _ := seededMoto(t)
	ctx := context.Background()
	live, _, err := testLoader(m.URL).LoadAll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := convert.Network(live)
	if err != nil {
		t.Fatalf("convert the live load: %v", err)
	}
	saved := filepath.Join(t.TempDir(), "saved")
	if err := snapshot.Write(saved, live); err != nil {
		t.Fatal(err)
	}
	dumped := t.TempDir()
	if err := awstest.DumpCLI(ctx, m.URL, dumped); err != nil {
		t.Fatal(err)
	}
	for name, dir := range map[string]string{"saved snapshot": saved, "AWS CLI dump": dumped} {
		inv, err := snapshot.Read(dir)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(inv.Skipped) > 0 {
			t.Errorf("%s: skipped files: %v", name, inv.Skipped)
		}
		got, err := convert.Network(inv)
		if err != nil {
			t.Fatalf("%s: convert: %v", name, err)
		}
		for _, d := range diffNetworks(want, got) {
			t.Errorf("%s differs from the live load: %s", name, d)
		}
	}
}

// diffNetworks compares two converted networks field by field (gaps as a
// set: their order follows the order files or calls arrived in).
func diffNetworks(a, b *checks.Network) []string {
	var out []string
	va, vb := reflect.ValueOf(a).Elem(), reflect.ValueOf(b).Elem()
	for i := range va.NumField() {
		f := va.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Name == "Gaps" {
			ga, gb := slices.Clone(a.Gaps), slices.Clone(b.Gaps)
			slices.SortFunc(ga, compareGaps)
			slices.SortFunc(gb, compareGaps)
			if !reflect.DeepEqual(ga, gb) {
				out = append(out, fmt.Sprintf("Gaps: %+v vs %+v", ga, gb))
			}
			continue
		}
		fa, fb := va.Field(i), vb.Field(i)
		if fa.Kind() != reflect.Map {
			continue
		}
		for _, k := range fa.MapKeys() {
			ea, eb := fa.MapIndex(k), fb.MapIndex(k)
			if !eb.IsValid() {
				out = append(out, fmt.Sprintf("%s[%s]: missing", f.Name, k))
				continue
			}
			if !reflect.DeepEqual(ea.Interface(), eb.Interface()) {
				out = append(out, fmt.Sprintf("%s[%s]:\n  live %+v\n  read %+v", f.Name, k, ea.Elem().Interface(), eb.Elem().Interface()))
			}
		}
		for _, k := range fb.MapKeys() {
			if !fa.MapIndex(k).IsValid() {
				out = append(out, fmt.Sprintf("%s[%s]: extra", f.Name, k))
			}
		}
	}
	return out
}
