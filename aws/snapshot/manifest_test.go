package snapshot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestManifestRoundTripAndIgnoredAsData(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "describe-vpcs.json"), []byte(`{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/16"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	taken := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	want := Manifest{Taken: taken, Account: "111122223333", Region: "us-east-1", Version: "v1.2.3", Calls: 41,
		Failed: []FailedCall{{Kind: "describe-flow-logs", Reason: "AccessDenied", Action: "ec2:DescribeFlowLogs"}}}
	if err := WriteManifest(dir, want); err != nil {
		t.Fatal(err)
	}
	got, found, err := ReadManifest(dir)
	if err != nil || !found {
		t.Fatalf("ReadManifest: found %v, %v", found, err)
	}
	if !got.Taken.Equal(taken) || got.Account != want.Account || got.Region != want.Region || got.Version != want.Version ||
		got.Calls != want.Calls || len(got.Failed) != 1 || got.Failed[0] != want.Failed[0] {
		t.Errorf("read back %+v, wrote %+v", got, want)
	}
	inv, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(inv.Skipped) != 0 {
		t.Errorf("the reader reported the manifest as a file it skipped: %v", inv.Skipped)
	}
	if len(inv.VPCs) != 1 {
		t.Errorf("read %d VPCs, want 1", len(inv.VPCs))
	}
}

func TestManifestAbsentOrBroken(t *testing.T) {
	cases := []struct {
		name      string
		files     fstest.MapFS
		wantFound bool
		wantErr   string
	}{
		{"made with the AWS CLI alone", fstest.MapFS{"describe-vpcs.json": {Data: []byte(`{"Vpcs":[]}`)}}, false, ""},
		{"not JSON", fstest.MapFS{ManifestFile: {Data: []byte("taken yesterday")}}, false, "not a reach manifest"},
		{"a time that is not one", fstest.MapFS{ManifestFile: {Data: []byte(`{"taken":"last tuesday"}`)}}, false, "not a reach manifest"},
		{"too large", fstest.MapFS{ManifestFile: {Data: []byte(`{"account":"` + strings.Repeat("1", maxManifestSize) + `"}`)}}, false, "larger than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, found, err := ReadManifestFS(c.files, ".", "snap/"+ManifestFile)
			if found != c.wantFound {
				t.Errorf("found = %v, want %v", found, c.wantFound)
			}
			switch {
			case c.wantErr == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Errorf("error %v, want one saying %q", err, c.wantErr)
			}
		})
	}
}
