package snapshot

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// corpus is the Batfish snapshot corpus, beside the repository (CI clones
// the repository next to a copy of shared/).
const corpus = "../../../shared/corpora/batfish-aws"

// mapSnapshot reads files placed under the directory "snap" of a MapFS.
func mapSnapshot(t *testing.T, files map[string]string) (*inventory.Inventory, error) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys["snap/"+name] = &fstest.MapFile{Data: []byte(data)}
	}
	return ReadFS(fsys, "snap")
}

func mustSnapshot(t *testing.T, files map[string]string) *inventory.Inventory {
	t.Helper()
	inv, err := mapSnapshot(t, files)
	if err != nil {
		t.Fatalf("ReadFS: %v", err)
	}
	return inv
}

func TestBatfishCorpusLoads(t *testing.T) {
	entries, err := os.ReadDir(corpus)
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	var cases []string
	for _, e := range entries {
		if e.IsDir() {
			cases = append(cases, e.Name())
		}
	}
	// The corpus as copied from Batfish has 19 cases; a new one is loaded
	// too, a lost one is noticed.
	want := []string{
		"test-direct-connect-gateway", "test-direct-connect-gateway-multi-region", "test-direct-connect-private-vif",
		"test-load-balancer", "test-multi-account", "test-nat-gateway", "test-public-private-subnet",
		"test-public-subnet", "test-subnet", "test-transit-gateway", "test-transit-gateway-asymmetric-paths",
		"test-transit-gateway-multi-account", "test-transit-gateway-multi-table", "test-transit-gateway-peering",
		"test-vpc-endpoint-gateway", "test-vpc-endpoint-interface", "test-vpc-peering",
		"test-vpc-peering-multi-account", "test-vpn-gateway",
	}
	for _, name := range want {
		if !slices.Contains(cases, name) {
			t.Errorf("case %s missing from the corpus", name)
		}
	}
	for _, name := range cases {
		t.Run(name, func(t *testing.T) {
			inv, err := Read(filepath.Join(corpus, name))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if len(inv.Skipped) > 0 {
				t.Errorf("skipped files: %v", inv.Skipped)
			}
			if _, err := convert.Network(inv); err != nil {
				t.Fatalf("convert.Network: %v", err)
			}
		})
	}
}

// TestBatfishCorpusCounts checks the topology of several cases. The numbers
// were counted independently of this code, with python3 over the JSON:
// unique IDs per kind across all of a case's files, ENIs being the union of
// describe-network-interfaces and the instances' interfaces, attachments
// the union of the attachments and VPC attachments outputs.
func TestBatfishCorpusCounts(t *testing.T) {
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	type counts struct {
		vpcs, subnets, enis, routeTables, nacls, sgs                                               int
		instances, peerings, tgws, attachments, tgwRouteTables, igws, nats, endpoints, prefixLists int
	}
	tests := []struct {
		name string
		want counts
	}{
		{"test-transit-gateway", counts{vpcs: 2, subnets: 3, enis: 5, routeTables: 2, nacls: 2, sgs: 5,
			instances: 4, tgws: 1, attachments: 3, tgwRouteTables: 1, igws: 1}},
		{"test-transit-gateway-multi-table", counts{vpcs: 2, subnets: 3, enis: 5, routeTables: 2, nacls: 2, sgs: 5,
			instances: 3, tgws: 1, attachments: 2, tgwRouteTables: 2, igws: 1}},
		{"test-transit-gateway-multi-account", counts{vpcs: 2, subnets: 4, enis: 4, routeTables: 4, nacls: 0, sgs: 4,
			instances: 4, tgws: 1, attachments: 2, tgwRouteTables: 1}},
		{"test-transit-gateway-peering", counts{vpcs: 3, subnets: 3, enis: 6, routeTables: 6, nacls: 3, sgs: 6,
			instances: 3, tgws: 2, attachments: 4, tgwRouteTables: 3, igws: 3, prefixLists: 4}},
		{"test-vpc-peering", counts{vpcs: 3, subnets: 3, enis: 3, routeTables: 3, nacls: 3, sgs: 6,
			instances: 3, peerings: 2}},
		{"test-vpc-peering-multi-account", counts{vpcs: 2, subnets: 2, enis: 2, routeTables: 4, nacls: 0, sgs: 4,
			instances: 3, peerings: 3}},
		{"test-nat-gateway", counts{vpcs: 1, subnets: 3, enis: 4, routeTables: 3, nacls: 2, sgs: 3,
			instances: 3, igws: 1, nats: 1}},
		{"test-public-private-subnet", counts{vpcs: 1, subnets: 2, enis: 2, routeTables: 2, nacls: 1, sgs: 3,
			instances: 2, igws: 1}},
		{"test-multi-account", counts{vpcs: 2}},
		{"test-vpc-endpoint-gateway", counts{vpcs: 1, subnets: 2, enis: 2, routeTables: 3, nacls: 2, sgs: 2,
			instances: 2, igws: 1, endpoints: 1, prefixLists: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := Read(filepath.Join(corpus, tt.name))
			if err != nil {
				t.Fatal(err)
			}
			n, err := convert.Network(inv)
			if err != nil {
				t.Fatal(err)
			}
			got := counts{
				vpcs: len(n.VPCs), subnets: len(n.Subnets), enis: len(n.ENIs), routeTables: len(n.RouteTables),
				nacls: len(n.NetworkACLs), sgs: len(n.SecurityGroups), instances: len(n.Instances),
				peerings: len(n.Peerings), tgws: len(n.TransitGateways), attachments: len(n.TransitGatewayAttachments),
				tgwRouteTables: len(n.TransitGatewayRouteTables), igws: len(n.InternetGateways),
				nats: len(n.NATGateways), endpoints: len(n.Endpoints), prefixLists: len(n.PrefixLists),
			}
			if got != tt.want {
				t.Errorf("counts\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestRecognisedWhateverTheName(t *testing.T) {
	inv := mustSnapshot(t, map[string]string{
		"odd name.JSON":   `{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}`,
		"Subnets.json":    `{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1"}]}`,
		"notes.txt":       `not json at all`,
		".hidden/x.json":  `{"Vpcs": [{"VpcId": "vpc-hidden"}]}`,
		"sub/.x.swp.json": `garbage`,
	})
	if len(inv.VPCs) != 1 || *inv.VPCs[0].VpcId != "vpc-1" {
		t.Errorf("VPCs = %+v", inv.VPCs)
	}
	if len(inv.NetworkInterfaces) != 1 || len(inv.Subnets) != 0 {
		t.Errorf("a file named Subnets.json holding network interfaces was read as %d subnets, %d interfaces", len(inv.Subnets), len(inv.NetworkInterfaces))
	}
	if !inv.Present[checks.KindVPCs] || !inv.Present[checks.KindNetworkInterfaces] || inv.Present[checks.KindSubnets] {
		t.Errorf("Present = %v", inv.Present)
	}
}

func TestNestedFoldersMerge(t *testing.T) {
	inv := mustSnapshot(t, map[string]string{
		"accounts/111/us-west-1/Vpcs.json":   `{"Vpcs": [{"VpcId": "vpc-1", "OwnerId": "111"}]}`,
		"accounts/222/us-west-2/Vpcs.json":   `{"Vpcs": [{"VpcId": "vpc-2", "OwnerId": "222"}]}`,
		"accounts/222/us-west-2/deep/a.json": `{"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-2", "CidrBlock": "10.0.0.0/24"}]}`,
	})
	if len(inv.VPCs) != 2 || len(inv.Subnets) != 1 {
		t.Errorf("got %d VPCs, %d subnets", len(inv.VPCs), len(inv.Subnets))
	}
}

func TestParentIDFromFileName(t *testing.T) {
	inv := mustSnapshot(t, map[string]string{
		"search-transit-gateway-routes.tgw-rtb-0abc.json":                `{"Routes": [{"DestinationCidrBlock": "10.0.0.0/8", "Type": "propagated", "State": "active", "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-1"}]}], "AdditionalRoutesAvailable": false}`,
		"get-transit-gateway-route-table-propagations.tgw-rtb-0abc.json": `{"TransitGatewayRouteTablePropagations": [{"TransitGatewayAttachmentId": "tgw-attach-1", "State": "enabled"}]}`,
		"get-managed-prefix-list-entries.pl-0abc.json":                   `{"Entries": [{"Cidr": "192.0.2.0/24", "Description": "office"}]}`,
		"get-managed-prefix-list-entries.pl-empty.json":                  `{"Entries": []}`,
		"list-resource-record-sets.Z0ABC123.json":                        `{"ResourceRecordSets": [{"Name": "db.example.internal.", "Type": "A", "TTL": 300, "ResourceRecords": [{"Value": "10.0.0.5"}]}], "IsTruncated": false, "MaxItems": "300"}`,
		"list-resolver-endpoint-ip-addresses.rslvr-in-0abc.json":         `{"IpAddresses": [{"IpId": "rni-1", "SubnetId": "subnet-1", "Ip": "10.0.0.10", "Status": "ATTACHED"}], "MaxResults": 10}`,
	})
	if r := inv.TransitGatewayRoutes["tgw-rtb-0abc"]; len(r) != 1 || *r[0].DestinationCidrBlock != "10.0.0.0/8" {
		t.Errorf("TransitGatewayRoutes = %+v", inv.TransitGatewayRoutes)
	}
	if inv.TransitGatewayRoutesStaticOnly["tgw-rtb-0abc"] {
		t.Error("search-transit-gateway-routes marked static-only")
	}
	if p := inv.TransitGatewayPropagations["tgw-rtb-0abc"]; len(p) != 1 {
		t.Errorf("TransitGatewayPropagations = %+v", inv.TransitGatewayPropagations)
	}
	if e := inv.PrefixListEntries["pl-0abc"]; len(e) != 1 || *e[0].Cidr != "192.0.2.0/24" {
		t.Errorf("PrefixListEntries = %+v", inv.PrefixListEntries)
	}
	if e, ok := inv.PrefixListEntries["pl-empty"]; !ok || e == nil || len(e) != 0 {
		t.Errorf("an empty entries list must be recorded as known and empty: %#v, %v", e, ok)
	}
	if rs := inv.RecordSets["Z0ABC123"]; len(rs) != 1 || *rs[0].TTL != 300 {
		t.Errorf("RecordSets = %+v", inv.RecordSets)
	}
	if ips := inv.ResolverIPs["rslvr-in-0abc"]; len(ips) != 1 || *ips[0].Ip != "10.0.0.10" {
		t.Errorf("ResolverIPs = %+v", inv.ResolverIPs)
	}
	for _, k := range []checks.DataKind{inventory.KindTransitGatewayRoutes, inventory.KindTransitGatewayPropagations, checks.KindPrefixLists, inventory.KindRecordSets, inventory.KindResolverEndpointIPs} {
		if !inv.Present[k] {
			t.Errorf("%s not marked present", k)
		}
	}

	_, err := mapSnapshot(t, map[string]string{"routes.json": `{"Routes": []}`})
	if err == nil || !strings.Contains(err.Error(), "snap/routes.json") || !strings.Contains(err.Error(), "transit gateway route table") {
		t.Errorf("file name without a parent ID: err = %v", err)
	}
	_, err = mapSnapshot(t, map[string]string{"records.json": `{"ResourceRecordSets": []}`})
	want := "snap/records.json: route53 list-resource-record-sets output does not name its hosted zone: " +
		"put the hosted zone's ID in the file name before .json (for example list-resource-record-sets.ID.json)"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}

func TestTimestampShapes(t *testing.T) {
	want := time.Date(2019, 11, 29, 18, 24, 53, 0, time.UTC)
	for _, ts := range []string{
		`"2019-11-29 18:24:53+00:00"`,
		`"2019-11-29T18:24:53+00:00"`,
		`"2019-11-29T18:24:53.000Z"`,
		`"2019-11-29T18:24:53Z"`,
		`"2019-11-29T19:24:53+01:00"`,
		`"2019-11-29 18:24:53.000000+00:00"`,
		`"2019-11-29T18:24:53.000+0000"`,
		`"2019-11-29 18:24:53"`,
		`1575051893`,
		`1575051893.0`,
	} {
		t.Run(ts, func(t *testing.T) {
			inv := mustSnapshot(t, map[string]string{
				"eni.json": `{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "Attachment": {"AttachTime": ` + ts + `, "DeviceIndex": 0}}]}`,
			})
			got := inv.NetworkInterfaces[0].Attachment.AttachTime
			if got == nil || !got.Equal(want) {
				t.Errorf("AttachTime = %v, want %v", got, want)
			}
		})
	}
	// A string field that looks like a timestamp is left alone.
	inv := mustSnapshot(t, map[string]string{
		"vpcs.json": `{"Vpcs": [{"VpcId": "vpc-1", "Tags": [{"Key": "Created", "Value": "2019-11-29 18:24:53+00:00"}]}]}`,
	})
	if v := *inv.VPCs[0].Tags[0].Value; v != "2019-11-29 18:24:53+00:00" {
		t.Errorf("tag value rewritten to %q", v)
	}
	_, err := mapSnapshot(t, map[string]string{
		"eni.json": `{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-1", "Attachment": {"AttachTime": "yesterday"}}]}`,
	})
	if err == nil || err.Error() != `snap/eni.json: NetworkInterfaces[0].Attachment.AttachTime: expected a timestamp, got "yesterday"` {
		t.Errorf("err = %v", err)
	}
}

func TestMalformedJSONNamesFile(t *testing.T) {
	_, err := mapSnapshot(t, map[string]string{
		"ok.json":  `{"Vpcs": []}`,
		"bad.json": "{\"Vpcs\": [\n  {\"VpcId\": \"vpc-1\",}\n]}",
	})
	if err == nil {
		t.Fatal("no error")
	}
	if got := err.Error(); !strings.HasPrefix(got, "snap/bad.json: invalid JSON at line 2, column") {
		t.Errorf("err = %q", got)
	}
	_, err = mapSnapshot(t, map[string]string{"cut.json": `{"Vpcs": [`})
	if err == nil || !strings.HasPrefix(err.Error(), "snap/cut.json: invalid JSON") {
		t.Errorf("truncated file: err = %v", err)
	}
}

func TestWrongTypeNamesField(t *testing.T) {
	tests := []struct{ file, want string }{
		{`{"RouteTables": [{"RouteTableId": "rtb-1"}, {"RouteTableId": "rtb-2", "Routes": [{"DestinationCidrBlock": 10}]}]}`,
			"snap/RouteTables.json: RouteTables[1].Routes[0].DestinationCidrBlock: expected a string, got a number"},
		{`{"NetworkAcls": [{"Entries": [{"RuleNumber": "100"}]}]}`,
			"snap/RouteTables.json: NetworkAcls[0].Entries[0].RuleNumber: expected an integer, got a string"},
		{`{"NetworkAcls": [{"Entries": [{"RuleNumber": 1.5}]}]}`,
			"snap/RouteTables.json: NetworkAcls[0].Entries[0].RuleNumber: expected an integer (int32), got number 1.5"},
		{`{"NetworkAcls": [{"Entries": [{"RuleNumber": 99999999999}]}]}`,
			"snap/RouteTables.json: NetworkAcls[0].Entries[0].RuleNumber: number 99999999999 out of range for an integer (int32)"},
		{`{"Vpcs": [{"IsDefault": "yes"}]}`,
			"snap/RouteTables.json: Vpcs[0].IsDefault: expected a boolean, got a string"},
		{`{"Vpcs": {"VpcId": "vpc-1"}}`,
			"snap/RouteTables.json: Vpcs: expected an array, got an object"},
		{`{"Vpcs": [{"Tags": [{"Key": ["Name"]}]}]}`,
			"snap/RouteTables.json: Vpcs[0].Tags[0].Key: expected a string, got an array"},
		{`{"Vpcs": [{"vpcid": 5}]}`,
			"snap/RouteTables.json: Vpcs[0].vpcid: expected a string, got a number"},
	}
	for _, tt := range tests {
		_, err := mapSnapshot(t, map[string]string{"RouteTables.json": tt.file})
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s\n got %v\nwant %s", tt.file, err, tt.want)
		}
	}
}

func TestUnknownFieldsIgnored(t *testing.T) {
	inv := mustSnapshot(t, map[string]string{
		"vpcs.json": `{"Vpcs": [{"VpcId": "vpc-1", "SomeFutureField": {"x": [1, 2]}, "CidrBlock": "10.0.0.0/16"}], "NextToken": null}`,
	})
	if len(inv.VPCs) != 1 || *inv.VPCs[0].CidrBlock != "10.0.0.0/16" {
		t.Errorf("VPCs = %+v", inv.VPCs)
	}
}

func TestUnknownKindSkipped(t *testing.T) {
	inv := mustSnapshot(t, map[string]string{
		"vpcs.json":     `{"Vpcs": []}`,
		"rules.json":    `{"SecurityGroupRules": [], "NextToken": "x"}`,
		"lb.json":       `{"LoadBalancers": [{"LoadBalancerArn": "arn"}]}`,
		"list.json":     `[1, 2]`,
		"empty.json":    "  \n",
		"az.json":       `{"AvailabilityZones": []}`,
		"page.json":     `{"NextToken": "abc"}`,
		"ecs/misc.json": `{"Entries": [{"Id": "x"}]}`,
	})
	want := []string{
		"snap/ecs/misc.json: unrecognised top-level keys [Entries]",
		"snap/empty.json: empty file (the command that wrote it probably failed)",
		"snap/list.json: not an AWS CLI output (a JSON array, not an object)",
		"snap/page.json: no output reach recognises (an empty object, or paging keys only)",
		"snap/rules.json: unrecognised top-level keys [SecurityGroupRules]",
	}
	got := slices.Clone(inv.Skipped)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("Skipped\n got %q\nwant %q", got, want)
	}
}

func TestSeveralDocumentsInOneFile(t *testing.T) {
	inv := mustSnapshot(t, map[string]string{
		"all.json": `{"Vpcs": [{"VpcId": "vpc-1"}]}
{"Vpcs": [{"VpcId": "vpc-2"}]}
{"Subnets": [{"SubnetId": "subnet-1"}]}`,
	})
	if len(inv.VPCs) != 2 || len(inv.Subnets) != 1 {
		t.Errorf("got %d VPCs, %d subnets", len(inv.VPCs), len(inv.Subnets))
	}
}

func TestPrefixListOutputsToldApart(t *testing.T) {
	inv := mustSnapshot(t, map[string]string{
		"a.json": `{"PrefixLists": [{"PrefixListId": "pl-aws", "PrefixListName": "com.amazonaws.us-east-1.s3", "Cidrs": ["52.216.0.0/15"]}]}`,
		"b.json": `{"PrefixLists": [{"PrefixListId": "pl-cust", "PrefixListName": "office", "AddressFamily": "IPv4", "OwnerId": "111", "PrefixListArn": "arn:aws:ec2:us-east-1:111:prefix-list/pl-cust", "State": "create-complete", "MaxEntries": 5, "Version": 1}]}`,
	})
	if len(inv.PrefixLists) != 1 || *inv.PrefixLists[0].PrefixListId != "pl-aws" {
		t.Errorf("PrefixLists = %+v", inv.PrefixLists)
	}
	if len(inv.ManagedPrefixLists) != 1 || *inv.ManagedPrefixLists[0].PrefixListId != "pl-cust" {
		t.Errorf("ManagedPrefixLists = %+v", inv.ManagedPrefixLists)
	}
}

func TestVPCAttributeAndRoute53Outputs(t *testing.T) {
	inv := mustSnapshot(t, map[string]string{
		"attr1.json": `{"VpcId": "vpc-1", "EnableDnsSupport": {"Value": true}}`,
		"attr2.json": `{"VpcId": "vpc-1", "EnableDnsHostnames": {"Value": false}}`,
		"zones.json": `{"HostedZones": [{"Id": "/hostedzone/Z1", "Name": "example.internal.", "CallerReference": "x", "Config": {"PrivateZone": true}, "ResourceRecordSetCount": 3}], "IsTruncated": false, "MaxItems": "100"}`,
		"zone.json":  `{"HostedZone": {"Id": "/hostedzone/Z1", "Name": "example.internal.", "CallerReference": "x", "Config": {"PrivateZone": true}}, "VPCs": [{"VPCRegion": "us-east-1", "VPCId": "vpc-1"}]}`,
		"rr.json":    `{"ResolverRules": [{"Id": "rslvr-rr-1", "DomainName": "corp.", "RuleType": "FORWARD", "TargetIps": [{"Ip": "10.1.1.1", "Port": 53}]}]}`,
		"rra.json":   `{"ResolverRuleAssociations": [{"Id": "rslvr-rrassoc-1", "ResolverRuleId": "rslvr-rr-1", "VPCId": "vpc-1"}]}`,
		"re.json":    `{"ResolverEndpoints": [{"Id": "rslvr-out-1", "Direction": "OUTBOUND", "HostVPCId": "vpc-1", "CreationTime": "2020-01-01T00:00:00.000Z"}]}`,
		"dhcp.json":  `{"DhcpOptions": [{"DhcpOptionsId": "dopt-1", "DhcpConfigurations": [{"Key": "domain-name-servers", "Values": [{"Value": "AmazonProvidedDNS"}]}]}]}`,
		"fl.json":    `{"FlowLogs": [{"FlowLogId": "fl-1", "ResourceId": "vpc-1", "CreationTime": "2020-01-01 00:00:00+00:00"}]}`,
		"eip.json":   `{"Addresses": [{"PublicIp": "203.0.113.1", "AllocationId": "eipalloc-1"}]}`,
	})
	a := inv.VPCAttributes["vpc-1"]
	if a.EnableDNSSupport == nil || !*a.EnableDNSSupport || a.EnableDNSHostnames == nil || *a.EnableDNSHostnames {
		t.Errorf("inventory.VPCAttributes = %+v", a)
	}
	if len(inv.HostedZones) != 1 {
		t.Errorf("HostedZones = %+v (list-hosted-zones and get-hosted-zone name the same zone)", inv.HostedZones)
	}
	if v := inv.HostedZoneVPCs["Z1"]; len(v) != 1 || *v[0].VPCId != "vpc-1" {
		t.Errorf("HostedZoneVPCs = %+v", inv.HostedZoneVPCs)
	}
	if len(inv.ResolverRules) != 1 || len(inv.ResolverRuleAssociations) != 1 || len(inv.ResolverEndpoints) != 1 ||
		len(inv.DHCPOptions) != 1 || len(inv.FlowLogs) != 1 || len(inv.Addresses) != 1 {
		t.Errorf("inventory = %+v", inv)
	}
	for _, k := range []checks.DataKind{inventory.KindVPCAttribute, inventory.KindHostedZones, inventory.KindHostedZone, inventory.KindResolverRules,
		inventory.KindResolverRuleAssociations, inventory.KindResolverEndpoints, inventory.KindDHCPOptions, inventory.KindFlowLogs, inventory.KindAddresses} {
		if !inv.Present[k] {
			t.Errorf("%s not marked present", k)
		}
	}
	if inv.Present[checks.KindVPCs] {
		t.Error("describe-vpc-attribute marked describe-vpcs present")
	}
	inv = mustSnapshot(t, map[string]string{
		"attr1.json": `{"VpcId": "vpc-1", "EnableDnsSupport": {"Value": true}}`,
		"attr2.json": `{"VpcId": "vpc-1", "EnableDnsHostnames": {"Value": false}}`,
		"vpcs.json":  `{"Vpcs": [{"VpcId": "vpc-1"}, {"VpcId": "vpc-2"}]}`,
	})
	n, err := convert.Network(inv)
	if err != nil {
		t.Fatal(err)
	}
	if v := n.VPCs["vpc-2"]; v.DNSSupport != nil || v.DNSHostnames != nil {
		t.Errorf("vpc-2 has DNS attributes without describe-vpc-attribute: %v, %v", v.DNSSupport, v.DNSHostnames)
	}
	if v := n.VPCs["vpc-1"]; v.DNSSupport == nil || !*v.DNSSupport || v.DNSHostnames == nil || *v.DNSHostnames {
		t.Errorf("VPC DNS attributes = %v, %v", v.DNSSupport, v.DNSHostnames)
	}
}

func TestSnapshotDirectoryErrors(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "nope")
	if _, err := Read(missing); err == nil || err.Error() != "snapshot directory "+missing+" does not exist" {
		t.Errorf("missing: %v", err)
	}
	file := filepath.Join(dir, "file.json")
	if err := os.WriteFile(file, []byte(`{"Vpcs": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(file); err == nil || err.Error() != "snapshot "+file+" is not a directory" {
		t.Errorf("file: %v", err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(empty); err == nil || err.Error() != "snapshot directory "+empty+" contains no .json files" {
		t.Errorf("empty: %v", err)
	}
	other := filepath.Join(dir, "other")
	if err := os.MkdirAll(other, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "lb.json"), []byte(`{"DomainStatusList": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(other); err == nil || !strings.HasPrefix(err.Error(), "snapshot directory "+other+" contains no AWS CLI output that reach reads") {
		t.Errorf("nothing recognised: %v", err)
	}
	if err := os.WriteFile(filepath.Join(other, "bad.json"), []byte(`{`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(other); err == nil || !strings.HasPrefix(err.Error(), filepath.Join(other, "bad.json")+": invalid JSON") {
		t.Errorf("bad file on disk: %v", err)
	}
	if _, err := ReadFS(fstest.MapFS{}, "snap"); err == nil || err.Error() != "snapshot directory snap does not exist" {
		t.Errorf("missing in FS: %v", err)
	}
}

func TestParentFromFileName(t *testing.T) {
	for name, want := range map[string]string{
		"search-transit-gateway-routes.tgw-rtb-0abc.json": "tgw-rtb-0abc",
		"a.b.c.JSON":  "c",
		"Routes.json": "",
		"x..json":     "",
	} {
		if got := parentFromFileName(name); got != want {
			t.Errorf("parentFromFileName(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestSnapshotConflicts: a resource two files describe differently is a
// conflict that conversion turns into a gap scoped to it, naming both files;
// identical copies merge silently.
func TestSnapshotConflicts(t *testing.T) {
	group := func(port int) string {
		return fmt.Sprintf(`{"SecurityGroups": [{"GroupId": "sg-1", "VpcId": "vpc-1", "Tags": [{"Key": "Name", "Value": "copy %d"}],
			"IpPermissions": [{"IpProtocol": "tcp", "FromPort": %d, "ToPort": %d, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]}]}`, port, port, port)
	}
	for _, tc := range []struct {
		name      string
		files     fstest.MapFS
		conflicts int
	}{
		{name: "a stray copy with other rules", files: fstest.MapFS{
			"describe-security-groups.json":       {Data: []byte(group(443))},
			"stray/describe-security-groups.json": {Data: []byte(group(1))},
		}, conflicts: 1},
		{name: "an identical copy, named otherwise", files: fstest.MapFS{
			"a/describe-security-groups.json": {Data: []byte(group(443))},
			"b/describe-security-groups.json": {Data: []byte(strings.Replace(group(443), "copy 443", "other account's name", 1))},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv, err := ReadFS(tc.files, ".")
			if err != nil {
				t.Fatal(err)
			}
			if len(inv.Conflicts) != tc.conflicts {
				t.Fatalf("conflicts %+v, want %d", inv.Conflicts, tc.conflicts)
			}
			net, _ := convert.Network(inv)
			var gaps []checks.Gap
			for _, g := range net.Gaps {
				if g.Conflict {
					gaps = append(gaps, g)
				}
			}
			if len(gaps) != tc.conflicts {
				t.Fatalf("conflict gaps %+v, want %d", gaps, tc.conflicts)
			}
			for _, g := range gaps {
				if g.Scope != "sg-1" || g.Kind != checks.KindSecurityGroups || !strings.Contains(g.Reason, "stray/describe-security-groups.json") {
					t.Errorf("gap %+v does not name the group and both files", g)
				}
			}
		})
	}
}
