package convert

import (
	"slices"
	"strings"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	r53types "github.com/aws/aws-sdk-go-v2/service/route53/types"
	resolvertypes "github.com/aws/aws-sdk-go-v2/service/route53resolver/types"

	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/demo"
)

func dnsInventory() *inventory.Inventory {
	inv := inventory.NewInventory()
	for _, k := range []checks.DataKind{checks.KindHostedZones, checks.KindHostedZoneVPCs, checks.KindRecordSets, checks.KindResolverEndpoints,
		checks.KindResolverEndpointIPs, checks.KindResolverRules, checks.KindResolverRuleAssociations, checks.KindDHCPOptions} {
		inv.Present[k] = true
	}
	inv.HostedZones = []r53types.HostedZone{
		{Id: awssdk.String("/hostedzone/ZPRIV"), Name: awssdk.String("Internal.Example.COM."), Config: &r53types.HostedZoneConfig{PrivateZone: true}},
		{Id: awssdk.String("/hostedzone/ZPUB"), Name: awssdk.String("example.com."), Config: &r53types.HostedZoneConfig{PrivateZone: false}},
		{Id: awssdk.String("/hostedzone/ZNOVPCS"), Name: awssdk.String("other.internal."), Config: &r53types.HostedZoneConfig{PrivateZone: true}},
	}
	inv.HostedZoneVPCs["ZPRIV"] = []r53types.VPC{{VPCId: awssdk.String("vpc-1"), VPCRegion: r53types.VPCRegionUsEast1}, {VPCId: awssdk.String("vpc-2"), VPCRegion: "eu-west-1"}}
	inv.RecordSets["ZPRIV"] = []r53types.ResourceRecordSet{
		{Name: awssdk.String("api.internal.example.com."), Type: r53types.RRTypeA, TTL: awssdk.Int64(60),
			ResourceRecords: []r53types.ResourceRecord{{Value: awssdk.String("10.0.1.5")}, {Value: awssdk.String("10.0.2.5")}}},
		{Name: awssdk.String(`\052.internal.example.com.`), Type: r53types.RRTypeCname, TTL: awssdk.Int64(300),
			ResourceRecords: []r53types.ResourceRecord{{Value: awssdk.String("api.internal.example.com")}}},
		{Name: awssdk.String("lb.internal.example.com."), Type: r53types.RRTypeA, SetIdentifier: awssdk.String("blue"),
			AliasTarget: &r53types.AliasTarget{DNSName: awssdk.String("my-nlb-0123.elb.us-east-1.amazonaws.com."), HostedZoneId: awssdk.String("/hostedzone/Z26RNL4JYFTOTI")}},
	}
	inv.RecordSets["ZPUB"] = []r53types.ResourceRecordSet{}
	inv.ResolverEndpoints = []resolvertypes.ResolverEndpoint{
		{Id: awssdk.String("rslvr-out-1"), Direction: resolvertypes.ResolverEndpointDirectionOutbound, HostVPCId: awssdk.String("vpc-1"),
			SecurityGroupIds: []string{"sg-1"}, Status: resolvertypes.ResolverEndpointStatusOperational},
		{Id: awssdk.String("rslvr-in-1"), Direction: resolvertypes.ResolverEndpointDirectionInbound, HostVPCId: awssdk.String("vpc-1")},
	}
	inv.ResolverIPs["rslvr-out-1"] = []resolvertypes.IpAddressResponse{
		{Ip: awssdk.String("10.0.1.10"), SubnetId: awssdk.String("subnet-1")},
		{Ip: awssdk.String("10.0.2.10"), Ipv6: awssdk.String("2001:db8::10"), SubnetId: awssdk.String("subnet-2")},
		{Ip: awssdk.String("10.0.3.999"), SubnetId: awssdk.String("subnet-3")},
	}
	inv.ResolverRules = []resolvertypes.ResolverRule{
		{Id: awssdk.String("rslvr-rr-1"), DomainName: awssdk.String("Corp.Internal."), RuleType: resolvertypes.RuleTypeOptionForward, ResolverEndpointId: awssdk.String("rslvr-out-1"),
			OwnerId: awssdk.String("111122223333"), TargetIps: []resolvertypes.TargetAddress{{Ip: awssdk.String("172.16.0.53"), Port: awssdk.Int32(53)}, {Ip: awssdk.String("172.16.0.54")}, {Ip: awssdk.String("nope")}}},
		{Id: awssdk.String("rslvr-autodefined-rr-internet-resolver"), DomainName: awssdk.String("."), RuleType: resolvertypes.RuleTypeOptionRecursive},
	}
	inv.ResolverRuleAssociations = []resolvertypes.ResolverRuleAssociation{
		{Id: awssdk.String("rslvr-rrassoc-1"), ResolverRuleId: awssdk.String("rslvr-rr-1"), VPCId: awssdk.String("vpc-1"), Status: resolvertypes.ResolverRuleAssociationStatusComplete},
		{ResolverRuleId: awssdk.String("rslvr-rr-1"), VPCId: awssdk.String("vpc-2")},
	}
	inv.DHCPOptions = []ec2types.DhcpOptions{{DhcpOptionsId: awssdk.String("dopt-1"), DhcpConfigurations: []ec2types.DhcpConfiguration{
		{Key: awssdk.String("domain-name-servers"), Values: []ec2types.AttributeValue{{Value: awssdk.String("10.0.0.53")}, {Value: awssdk.String("10.0.0.54, 10.0.0.55")}}},
		{Key: awssdk.String("domain-name"), Values: []ec2types.AttributeValue{{Value: awssdk.String("corp.internal")}}},
	}}}
	return inv
}

func TestConvertDNS(t *testing.T) {
	inv := dnsInventory()
	n := checks.NewNetwork()
	n.VPCs["vpc-1"] = &checks.VPC{ID: "vpc-1"}
	err := convertDNS(inv, n)
	if err == nil || !strings.Contains(err.Error(), "Resolver endpoint rslvr-out-1: IpAddresses[2].Ip \"10.0.3.999\": invalid address") ||
		!strings.Contains(err.Error(), "Resolver rule rslvr-rr-1: TargetIps[2].Ip \"nope\": invalid address") {
		t.Errorf("err = %v", err)
	}
	z := n.HostedZones["ZPRIV"]
	if z == nil || z.Name != "internal.example.com" || !z.Private || len(z.VPCs) != 2 || z.VPCs[1] != (checks.ZoneVPC{VPCID: "vpc-2", Region: "eu-west-1"}) {
		t.Fatalf("zone %+v", z)
	}
	if len(z.Records) != 3 || z.Records[0].Type != "A" || !slices.Equal(z.Records[0].Values, []string{"10.0.1.5", "10.0.2.5"}) || z.Records[0].TTL != 60 {
		t.Errorf("records %+v", z.Records)
	}
	if r := z.Records[2]; r.Alias == nil || r.Alias.HostedZoneID != "Z26RNL4JYFTOTI" || r.SetIdentifier != "blue" {
		t.Errorf("alias %+v", r)
	}
	if pub := n.HostedZones["ZPUB"]; pub.Private || pub.Records == nil {
		t.Errorf("public zone %+v: its records are known (none)", pub)
	}
	if nz := n.HostedZones["ZNOVPCS"]; nz.Records != nil {
		t.Errorf("records of ZNOVPCS were not read: %+v", nz.Records)
	}
	ep := n.ResolverEndpoints["rslvr-out-1"]
	if ep.Direction != checks.ResolverOutbound || ep.VPCID != "vpc-1" || len(ep.IPs) != 3 || ep.IPs[2].Addr.String() != "2001:db8::10" || ep.Status != "OPERATIONAL" {
		t.Errorf("endpoint %+v", ep)
	}
	if n.ResolverEndpoints["rslvr-in-1"].IPs != nil {
		t.Error("rslvr-in-1's addresses were not read")
	}
	rr := n.ResolverRules["rslvr-rr-1"]
	if rr.DomainName != "corp.internal" || rr.RuleType != checks.RuleForward || len(rr.TargetIPs) != 2 || rr.TargetIPs[1].Port != 53 || rr.EndpointID != "rslvr-out-1" {
		t.Errorf("rule %+v", rr)
	}
	if root := n.ResolverRules["rslvr-autodefined-rr-internet-resolver"]; root.DomainName != "." || root.RuleType != checks.RuleRecursive {
		t.Errorf("root rule %+v", root)
	}
	if len(n.ResolverRuleAssociations) != 2 || n.ResolverRuleAssociations["rslvr-rr-1/vpc-2"] == nil {
		t.Errorf("associations %+v", n.ResolverRuleAssociations)
	}
	d := n.DHCPOptions["dopt-1"]
	if !slices.Equal(d.DomainNameServers, []string{"10.0.0.53", "10.0.0.54", "10.0.0.55"}) || d.DomainName != "corp.internal" {
		t.Errorf("dhcp %+v", d)
	}
	gaps := map[string]bool{}
	for _, g := range n.Gaps {
		gaps[string(g.Kind)+" "+g.Scope] = true
	}
	for _, want := range []string{"get-hosted-zone ZNOVPCS", "list-resource-record-sets ZNOVPCS", "list-resolver-endpoint-ip-addresses rslvr-in-1",
		"list-resolver-endpoint-ip-addresses rslvr-out-1", "list-resolver-rules rslvr-rr-1", "describe-vpc-attribute vpc-1"} {
		if !gaps[want] {
			t.Errorf("no gap %q in %v", want, gaps)
		}
	}
	if gaps["get-hosted-zone ZPUB"] {
		t.Error("a public zone needs no VPC associations")
	}
}

func TestConvertDNSGaps(t *testing.T) {
	inv := inventory.NewInventory()
	inv.Gaps = []checks.Gap{{Kind: checks.KindResolverRules, Reason: "AccessDenied", Action: "route53resolver:ListResolverRules"}}
	n := checks.NewNetwork()
	n.Gaps = append(n.Gaps, inv.Gaps...)
	if err := convertDNS(inv, n); err != nil {
		t.Fatal(err)
	}
	if err := convertDNS(inv, n); err != nil {
		t.Fatal(err)
	}
	count := map[checks.DataKind]int{}
	for _, g := range n.Gaps {
		count[g.Kind]++
		if g.Kind == checks.KindResolverRules && g.Reason != "AccessDenied" {
			t.Errorf("the loader's gap must not be replaced: %+v", g)
		}
	}
	for _, k := range []checks.DataKind{checks.KindHostedZones, checks.KindResolverEndpoints, checks.KindResolverRules, checks.KindResolverRuleAssociations, checks.KindDHCPOptions} {
		if count[k] != 1 {
			t.Errorf("%s: %d gaps, want 1 (gaps: %+v)", k, count[k], n.Gaps)
		}
	}
	if convertDNS(nil, n) == nil {
		t.Error("nil inventory: want an error")
	}
}

// demoNetwork loads the demo account with its DNS data.
func demoNetwork(t *testing.T) *checks.Network {
	t.Helper()
	inv, err := snapshot.ReadFS(demo.FS(), ".")
	if err != nil {
		t.Fatal(err)
	}
	n, err := Network(inv)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.HostedZones) == 0 || len(n.ResolverRules) == 0 || len(n.DHCPOptions) == 0 {
		t.Fatal("Network converted no DNS data: it must call convertDNS")
	}
	for _, g := range n.Gaps {
		if strings.HasPrefix(string(g.Kind), "list-") || g.Kind == checks.KindDHCPOptions || g.Kind == checks.KindHostedZoneVPCs || g.Kind == checks.KindVPCAttributes {
			t.Errorf("the demo holds all its DNS data, yet: %+v", g)
		}
	}
	return n
}

// TestDemoDNSPaths runs the DNS and service paths of demo/PATHS.md.
func TestDemoDNSPaths(t *testing.T) {
	n := demoNetwork(t)
	for _, tc := range []struct {
		name, from, to, proto string
		verdict               checks.Verdict
		blocked               string
	}{
		{"D1", "i-01a2b3c4d5e6f0012", "payment-api.internal.mycompany.com:443", "tcp", checks.Reachable, ""},
		{"D2", "i-01a2b3c4d5e6f0021", "payment-api.internal.mycompany.com:443", "tcp", checks.Reachable, ""},
		{"D3", "i-01a2b3c4d5e6f0031", "payment-api.internal.mycompany.com:443", "tcp", checks.Unreachable, "dns Z0354961T7UQXK6LNBPN DNS_NXDOMAIN"},
		{"D4", "i-01a2b3c4d5e6f0012", "ldap.corp.internal:636", "tcp", checks.Unreachable, "dns sg-0e5f6a7b8c9d00017 DNS_FORWARDING_BLOCKED"},
		{"D5", "172.16.0.53", "10.0.16.53:53", "udp", checks.Reachable, ""},
		{"D6", "i-01a2b3c4d5e6f0012", "db.internal.mycompany.com:5432", "tcp", checks.Reachable, ""},
		{"D7", "i-01a2b3c4d5e6f0021", "ldap.corp.internal:636", "tcp", checks.Unknown, ""},
		{"D8", "i-01a2b3c4d5e6f0012", "secretsmanager.us-east-1.amazonaws.com:443", "tcp", checks.Reachable, ""},
		{"S1", "eni-0f6a7b8c9d0e10025", "93.184.216.34:443", "tcp", checks.Unreachable, "route igw-02b3c4d5e6f7a0001 NO_PUBLIC_IP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q, err := checks.NewQuery(tc.from, tc.to, tc.proto, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			r, err := checks.Evaluate(n, q)
			if err != nil {
				t.Fatal(err)
			}
			if r.Verdict != tc.verdict {
				t.Errorf("verdict %s, want %s", r.Verdict, tc.verdict)
			}
			var blocked string
			if r.BlockedBy != nil {
				blocked = r.BlockedBy.Layer + " " + r.BlockedBy.Component + " " + r.BlockedBy.Code
			}
			if blocked != tc.blocked {
				t.Errorf("blocked_by %q, want %q", blocked, tc.blocked)
			}
		})
	}
}
