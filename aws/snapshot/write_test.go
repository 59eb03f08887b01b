package snapshot

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

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

// TestWriteFiles checks the files themselves without an emulator:
// which are written, their modes, their shape, and the refusals.
func TestWriteFiles(t *testing.T) {
	created := time.Date(2024, 5, 1, 12, 30, 0, 0, time.UTC)
	inv := inventory.NewInventory()
	inv.VPCs = []ec2types.Vpc{{VpcId: awssdk.String("vpc-1"), CidrBlock: awssdk.String("10.0.0.0/16"), Tags: []ec2types.Tag{}}}
	inv.Present[checks.KindVPCs] = true
	inv.VPCAttributes["vpc-1"] = inventory.VPCAttributes{EnableDNSSupport: awssdk.Bool(true), EnableDNSHostnames: awssdk.Bool(false)}
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
	if err := Write(dir, inv); err != nil {
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

	if err := Write(dir, inv); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("saving into a non-empty directory: %v", err)
	}
	empty := t.TempDir()
	if err := Write(empty, inv); err != nil {
		t.Errorf("saving into an empty directory: %v", err)
	}
	if err := Write(filepath.Join(t.TempDir(), "x"), nil); err == nil {
		t.Error("saving a nil inventory did not fail")
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".reach-snapshot-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary directories left behind: %v", leftovers)
	}
}
