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

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/reachnet/reach/aws/awstest"
	"github.com/reachnet/reach/checks"
)

// TestSaveSnapshotMatchesCLI loads a seeded account, saves it, dumps the
// same account with the AWS CLI, and compares the two directories file by
// file: same names, same documents (timestamps compared as instants).
func TestSaveSnapshotMatchesCLI(t *testing.T) {
	m, _ := seededMoto(t)
	ctx := context.Background()
	inv, _, err := testLoader(m.URL).LoadAll(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(t.TempDir(), "saved")
	if err := SaveSnapshot(saved, inv); err != nil {
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
			// pre-shared keys on purpose.
			if k == "MaxResults" || k == "NextToken" || k == "AdditionalRoutesAvailable" || k == "CustomerGatewayConfiguration" {
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
	want, err := Convert(live)
	if err != nil {
		t.Fatalf("convert the live load: %v", err)
	}
	saved := filepath.Join(t.TempDir(), "saved")
	if err := SaveSnapshot(saved, live); err != nil {
		t.Fatal(err)
	}
	dumped := t.TempDir()
	if err := awstest.DumpCLI(ctx, m.URL, dumped); err != nil {
		t.Fatal(err)
	}
	for name, dir := range map[string]string{"saved snapshot": saved, "AWS CLI dump": dumped} {
		inv, err := ReadSnapshot(dir)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(inv.Skipped) > 0 {
			t.Errorf("%s: skipped files: %v", name, inv.Skipped)
		}
		got, err := Convert(inv)
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

// TestSaveSnapshotFiles checks the files themselves without an emulator:
// which are written, their modes, their shape, and the refusals.
func TestSaveSnapshotFiles(t *testing.T) {
	created := time.Date(2024, 5, 1, 12, 30, 0, 0, time.UTC)
	inv := NewInventory()
	inv.VPCs = []ec2types.Vpc{{VpcId: awssdk.String("vpc-1"), CidrBlock: awssdk.String("10.0.0.0/16"), Tags: []ec2types.Tag{}}}
	inv.Present[checks.KindVPCs] = true
	inv.VPCAttributes["vpc-1"] = VPCAttributes{EnableDNSSupport: awssdk.Bool(true), EnableDNSHostnames: awssdk.Bool(false)}
	inv.TransitGateways = []ec2types.TransitGateway{{TransitGatewayId: awssdk.String("tgw-1"), CreationTime: &created}}
	inv.Present[checks.KindTransitGateways] = true
	// Read but failed: no file, so a reader sees the kind missing.
	inv.NetworkACLs = nil
	inv.Gaps = []checks.Gap{{Kind: checks.KindNetworkACLs, Reason: "AccessDenied", Action: "ec2:DescribeNetworkAcls"}}
	inv.TransitGatewayRoutes["tgw-rtb-1"] = []ec2types.TransitGatewayRoute{}
	inv.TransitGatewayRoutes["../../etc"] = []ec2types.TransitGatewayRoute{}
	inv.HostedZones = []r53types.HostedZone{{Id: awssdk.String("/hostedzone/Z1"), Name: awssdk.String("a.example."), Config: &r53types.HostedZoneConfig{PrivateZone: true}}}
	inv.HostedZoneVPCs["Z1"] = []r53types.VPC{{VPCId: awssdk.String("vpc-1"), VPCRegion: r53types.VPCRegionUsEast1}}

	dir := filepath.Join(t.TempDir(), "new", "snap")
	if err := SaveSnapshot(dir, inv); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"describe-transit-gateways.json",
		"describe-vpc-attribute.enableDnsHostnames.vpc-1.json",
		"describe-vpc-attribute.enableDnsSupport.vpc-1.json",
		"describe-vpcs.json",
		"get-hosted-zone.Z1.json",
		"search-transit-gateway-routes.tgw-rtb-1.json",
	}
	if got := jsonFiles(t, dir); !slices.Equal(got, want) {
		t.Errorf("files %v, want %v", got, want)
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v (%v), want 0700", info.Mode().Perm(), err)
	}
	for _, name := range want {
		info, err := os.Stat(filepath.Join(dir, name))
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v (%v), want 0600", name, info.Mode().Perm(), err)
		}
		data, _ := os.ReadFile(filepath.Join(dir, name))
		if strings.Contains(string(data), "null") || strings.Contains(string(data), `""`) {
			t.Errorf("%s holds null or unset members:\n%s", name, data)
		}
	}
	for name, want := range map[string]string{
		"describe-vpcs.json": `{
    "Vpcs": [
        {
            "CidrBlock": "10.0.0.0/16",
            "Tags": [],
            "VpcId": "vpc-1"
        }
    ]
}
`,
		"describe-transit-gateways.json": `{
    "TransitGateways": [
        {
            "CreationTime": "2024-05-01T12:30:00Z",
            "TransitGatewayId": "tgw-1"
        }
    ]
}
`,
		"describe-vpc-attribute.enableDnsSupport.vpc-1.json": `{
    "EnableDnsSupport": {
        "Value": true
    },
    "VpcId": "vpc-1"
}
`,
		"get-hosted-zone.Z1.json": `{
    "HostedZone": {
        "Id": "/hostedzone/Z1",
        "Name": "a.example.",
        "Config": {
            "PrivateZone": true
        }
    },
    "VPCs": [
        {
            "VPCId": "vpc-1",
            "VPCRegion": "us-east-1"
        }
    ]
}
`,
	} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(data) != want {
			t.Errorf("%s:\n%s\nwant\n%s", name, data, want)
		}
	}

	if err := SaveSnapshot(dir, inv); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("saving into a non-empty directory: %v", err)
	}
	empty := t.TempDir()
	if err := SaveSnapshot(empty, inv); err != nil {
		t.Errorf("saving into an empty directory: %v", err)
	}
	if err := SaveSnapshot(filepath.Join(t.TempDir(), "x"), nil); err == nil {
		t.Error("saving a nil inventory did not fail")
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".reach-snapshot-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary directories left behind: %v", leftovers)
	}
}
