package snapshot

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/demo"
	"github.com/reachnet/reach/internal/genaccount"
)

// readBothWays reads a snapshot through the careful path alone and with the
// direct decoder, and fails unless both give the same error, or the same
// inventory and the same network. It returns how many files the direct
// decoder read.
func readBothWays(t *testing.T, fsys fs.FS, root string) int {
	t.Helper()
	shown := func(p string) string { return p }
	careful, carefulErr := readSnapshot(fsys, root, root, shown, false)
	direct, directErr := readSnapshot(fsys, root, root, shown, true)
	if (carefulErr == nil) != (directErr == nil) || (carefulErr != nil && carefulErr.Error() != directErr.Error()) {
		t.Fatalf("errors differ:\ncareful: %v\ndirect:  %v", carefulErr, directErr)
	}
	if carefulErr != nil {
		return 0
	}
	if !reflect.DeepEqual(careful, direct) {
		t.Fatalf("the inventories differ:\ncareful: %+v\ndirect:  %+v", careful, direct)
	}
	carefulNet, carefulErr := convert.Network(careful)
	directNet, directErr := convert.Network(direct)
	if (carefulErr == nil) != (directErr == nil) || !reflect.DeepEqual(carefulNet, directNet) {
		t.Fatalf("the networks differ (errors %v, %v)", carefulErr, directErr)
	}
	read := 0
	_ = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.EqualFold(path.Ext(p), ".json") {
			if data, err := fs.ReadFile(fsys, p); err == nil {
				if _, ok := readDirect(data); ok {
					read++
				}
			}
		}
		return nil
	})
	return read
}

func TestDirectDecoderGivesTheSameInventory(t *testing.T) {
	type snapshotCase struct {
		name string
		fsys fs.FS
		root string
		// direct says the direct decoder must read some of its files.
		direct bool
	}
	cases := []snapshotCase{{name: "demo", fsys: demo.FS(), root: ".", direct: true}}
	fixtures, _ := filepath.Glob("../../checks/testdata/*/snapshot")
	if len(fixtures) == 0 {
		t.Fatal("no fixture under checks/testdata")
	}
	for _, dir := range fixtures {
		cases = append(cases, snapshotCase{name: "fixture " + filepath.Base(filepath.Dir(dir)), fsys: os.DirFS(dir), root: ".", direct: true})
	}
	if entries, err := os.ReadDir(corpus); err == nil {
		for _, e := range entries {
			if e.IsDir() {
				cases = append(cases, snapshotCase{name: "corpus " + e.Name(), fsys: os.DirFS(filepath.Join(corpus, e.Name())), root: "."})
			}
		}
	}
	generated := t.TempDir()
	if err := genaccount.WriteSnapshot(generated, genaccount.Spec{Interfaces: 2000}); err != nil {
		t.Fatal(err)
	}
	cases = append(cases, snapshotCase{name: "generated 2,000 interfaces", fsys: os.DirFS(generated), root: ".", direct: true})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			read := readBothWays(t, tc.fsys, tc.root)
			t.Logf("the direct decoder read %d files", read)
			if tc.direct && read == 0 {
				t.Error("the direct decoder read none of its files")
			}
		})
	}
}

// TestDirectDecoderDefersWhenInDoubt lists files the direct decoder must
// leave to the careful path, which then reads or rejects them as before.
func TestDirectDecoderDefersWhenInDoubt(t *testing.T) {
	for _, tc := range []struct {
		name, file string
	}{
		{"a field of the wrong type", `{"Subnets": [{"SubnetId": 1}]}`},
		{"a key matching a field only by case", `{"Subnets": [{"subnetid": "subnet-1"}]}`},
		{"a key given twice", `{"Subnets": [{"SubnetId": "subnet-1", "SubnetId": "subnet-2"}]}`},
		{"two outputs in one document", `{"Subnets": [], "Vpcs": []}`},
		{"two documents", "{\"Subnets\": []}\n{\"Subnets\": []}"},
		{"an output it does not read", `{"VpcEndpoints": []}`},
		{"an unknown top-level key", `{"Subnets": [], "Other": 1}`},
		{"invalid JSON", `{"Subnets": [}`},
		{"a number out of range", `{"Subnets": [{"AvailableIpAddressCount": 4294967296}]}`},
		{"a fraction for an integer", `{"Subnets": [{"AvailableIpAddressCount": 1.0}]}`},
		{"a control character in a string", "{\"Subnets\": [{\"SubnetId\": \"a\tb\"}]}"},
		{"trailing garbage", `{"Subnets": []} x`},
		{"a bad timestamp", `{"NetworkInterfaces": [{"Attachment": {"AttachTime": "yesterday"}}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := readDirect([]byte(tc.file)); ok {
				t.Errorf("the direct decoder read %s", tc.file)
			}
			readBothWays(t, fstest.MapFS{"s/x.json": {Data: []byte(tc.file)}}, "s")
		})
	}
}

// TestDirectDecoderReads lists files the direct decoder reads itself.
func TestDirectDecoderReads(t *testing.T) {
	for _, tc := range []struct {
		name, file string
	}{
		{"a plain list", `{"Subnets": [{"SubnetId": "subnet-1", "CidrBlock": "10.0.0.0/24", "MapPublicIpOnLaunch": false}]}`},
		{"paging keys", `{"Subnets": [], "NextToken": null}`},
		{"null fields", `{"Subnets": [{"SubnetId": null, "Tags": null, "Ipv6CidrBlockAssociationSet": []}]}`},
		{"escapes and other scripts", `{"Subnets": [{"SubnetId": "subnet-\u0031", "Tags": [{"Key": "Name", "Value": "café \"x\""}]}]}`},
		{"invalid UTF-8", "{\"Subnets\": [{\"SubnetId\": \"\xff\"}]}"},
		{"unknown fields of any shape", `{"Subnets": [{"Unknown": {"a": [1, -2.5e3, true, null, "x"]}}]}`},
		{"timestamps in the CLI's shapes", `{"NetworkInterfaces": [{"Attachment": {"AttachTime": "2019-11-29 18:24:53+00:00"}}, {"Attachment": {"AttachTime": 1575051893.5}}]}`},
		{"instances", `{"Reservations": [{"Instances": [{"InstanceId": "i-1", "LaunchTime": "2024-01-02T03:04:05.000Z", "State": {"Code": 16, "Name": "running"}}]}]}`},
		{"null list", `{"SecurityGroups": null}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := readDirect([]byte(tc.file)); !ok {
				t.Errorf("the direct decoder left %s to the careful path", tc.file)
			}
			readBothWays(t, fstest.MapFS{"s/x.json": {Data: []byte(tc.file)}}, "s")
		})
	}
}

// TestDirectDecoderSplitsLargeLists decodes a list large enough to be split
// among the cores, including where a part's guessed start is inside a
// string, and finds the same items as the careful path.
func TestDirectDecoderSplitsLargeLists(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"Subnets": [`)
	for i := 0; b.Len() < 2*parallelFrom; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		// The description looks like the start of an element.
		b.WriteString(`{"SubnetId": "subnet-` + strings.Repeat("a", i%7) + `", "Tags": [{"Key": "Description", "Value": ", {\"SubnetId\": \"x\"}"}]}`)
	}
	b.WriteString("]}")
	readBothWays(t, fstest.MapFS{"s/x.json": {Data: []byte(b.String())}}, "s")
}

// FuzzDirectDecoder feeds arbitrary bytes as one snapshot file: the direct
// decoder and the careful path must give the same error, or the same
// inventory and network.
func FuzzDirectDecoder(f *testing.F) {
	for _, seed := range []string{
		`{"Subnets": [{"SubnetId": "subnet-1", "CidrBlock": "10.0.0.0/24", "Tags": [{"Key": "Name", "Value": "a"}]}]}`,
		`{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.0.4", "Primary": true}], "Attachment": {"AttachTime": "2019-11-29 18:24:53+00:00", "DeviceIndex": 0}}], "NextToken": "x"}`,
		`{"Reservations": [{"Instances": [{"InstanceId": "i-1", "State": {"Code": 16}, "NetworkInterfaces": [{"NetworkInterfaceId": "eni-9"}]}]}]}`,
		`{"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "icmp", "FromPort": -1, "UserIdGroupPairs": [{"GroupId": "sg-2"}]}]}]}`,
		`{"NetworkAcls": [{"NetworkAclId": "acl-1", "Entries": [{"RuleNumber": 100, "Protocol": "6", "PortRange": {"From": 80, "To": 70000}}]}]}`,
		`{"RouteTables": [{"RouteTableId": "rtb-1", "Routes": [{"DestinationCidrBlock": "10.0.0.0/33", "GatewayId": "local"}]}]}`,
		`{"Vpcs": [{"VpcId": "vpc-1", "vpcid": "vpc-2"}]}`,
		`{"Vpcs": [{"VpcId": "vpc-1", "IsDefault": true, "CidrBlockAssociationSet": [{"CidrBlock": "10.0.0.0/16"}]}]}`,
		`{"NetworkInterfaces":[{"PrivAteIpAddress": [{}],"Attachment":{"attachTime":"8097","11":0}}],"22": ""}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		readBothWays(t, fstest.MapFS{"s/x.json": &fstest.MapFile{Data: data}}, "s")
	})
}

// TestSeveralMistypedFieldsReportedAlike: of two mistyped fields, the
// careful path names the same one every time (it once depended on the
// order a map was walked in).
func TestSeveralMistypedFieldsReportedAlike(t *testing.T) {
	file := `{"NetworkInterfaces": [{"PrivAteIpAddress": [{}], "Attachment": {"attachTime": "8097"}, "SubnetId": 1}]}`
	_, first := mapSnapshot(t, map[string]string{"x.json": file})
	if first == nil {
		t.Fatal("no error")
	}
	for range 20 {
		if _, err := mapSnapshot(t, map[string]string{"x.json": file}); err == nil || err.Error() != first.Error() {
			t.Fatalf("error %v, earlier %v", err, first)
		}
	}
}
