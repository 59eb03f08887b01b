// DNS cases: zone association and choice, Resolver rules and forwarding
// paths, record chains, endpoint names, Resolver settings, the Amazon DNS
// server, and names resolved along whole paths.

package checks

import (
	"fmt"
	"strings"
	"testing"
)

func bptr(v bool) *bool { return &v }

// dnsWorld is twoVPCs with DNS: both VPCs use AmazonProvidedDNS with both
// DNS attributes on; the private zone example.internal (Zapp) is associated
// with vpc-app only and holds web.example.internal → 10.0.2.20 (the
// server).
func dnsWorld() *netBuilder {
	b := twoVPCs()
	for _, v := range b.n.VPCs {
		v.DNSSupport, v.DNSHostnames, v.DHCPOptionsID = bptr(true), bptr(true), "dopt-amazon"
	}
	b.n.DHCPOptions["dopt-amazon"] = &DHCPOptions{ID: "dopt-amazon", DomainNameServers: []string{"AmazonProvidedDNS"}}
	z := b.zone("Zapp", "example.internal", true, "vpc-app")
	addRec(z, "web.example.internal.", "A", "10.0.2.20")
	return b
}

func (b *netBuilder) zone(id, name string, private bool, vpcs ...string) *HostedZone {
	z := &HostedZone{ID: id, Name: name, Private: private, Records: []Record{}}
	for _, v := range vpcs {
		z.VPCs = append(z.VPCs, ZoneVPC{VPCID: v, Region: "us-east-1"})
	}
	b.n.HostedZones[id] = z
	return z
}

func addRec(z *HostedZone, name, typ string, values ...string) *Record {
	z.Records = append(z.Records, Record{Name: name, Type: typ, TTL: 60, Values: values})
	return &z.Records[len(z.Records)-1]
}

func addAlias(z *HostedZone, name, target, zoneID string) {
	z.Records = append(z.Records, Record{Name: name, Type: "A", Alias: &AliasTarget{DNSName: target, HostedZoneID: zoneID}})
}

func udpOut(cidr string) SGRule {
	return SGRule{Protocol: ProtocolUDP, Ports: PortRange{53, 53}, Peer: SGPeer{CIDR: pfx(cidr)}}
}

func tcpOut(cidr string) SGRule {
	return SGRule{Protocol: ProtocolTCP, Ports: PortRange{53, 53}, Peer: SGPeer{CIDR: pfx(cidr)}}
}

// withForwarding adds a VPN to 172.16.0.0/12 and an outbound endpoint in
// vpc-app (10.0.1.53 in subnet-a, 10.0.2.53 in subnet-b) whose group has the
// given outbound rules, and the rule rslvr-rr-corp forwarding corp.example
// to 172.16.0.53, associated with vpc-app.
func withForwarding(b *netBuilder, out ...SGRule) {
	b.vgw("vgw-1", "vpc-app", "172.16.0.0/12")
	b.route("rtb-main-vpc-app", "172.16.0.0/12", TargetVGW, "vgw-1")
	b.sg("sg-rslvr-out", "vpc-app").Outbound = out
	for _, e := range []*ENI{b.eni("eni-rslvr-out-a", "subnet-a", "10.0.1.53", "sg-rslvr-out"), b.eni("eni-rslvr-out-b", "subnet-b", "10.0.2.53", "sg-rslvr-out")} {
		e.RequesterManaged, e.Description = true, "Route 53 Resolver: rslvr-out-1"
	}
	b.n.ResolverEndpoints["rslvr-out-1"] = &ResolverEndpoint{ID: "rslvr-out-1", Direction: ResolverOutbound, VPCID: "vpc-app", SecurityGroupIDs: []string{"sg-rslvr-out"}, Status: "OPERATIONAL",
		IPs: []ResolverIP{{Addr: addr("10.0.1.53"), SubnetID: "subnet-a"}, {Addr: addr("10.0.2.53"), SubnetID: "subnet-b"}}}
	b.n.ResolverRules["rslvr-rr-corp"] = &ResolverRule{ID: "rslvr-rr-corp", DomainName: "corp.example", RuleType: RuleForward, EndpointID: "rslvr-out-1",
		TargetIPs: []TargetIP{{Addr: addr("172.16.0.53"), Port: 53}}}
	b.n.ResolverRuleAssociations["rslvr-rrassoc-corp"] = &ResolverRuleAssociation{ID: "rslvr-rrassoc-corp", RuleID: "rslvr-rr-corp", VPCID: "vpc-app", Status: "COMPLETE"}
}

// dnsFinding returns the dns layer's finding with the code, or nil.
func dnsFinding(r Report, code string) *Finding { return finding(r, LayerDNS, code) }

// expectDNS asserts the verdict, the dns layer's status, and, when code is
// set, a dns finding with that code and component.
func expectDNS(t *testing.T, r Report, verdict Verdict, status Status, code, component string) {
	t.Helper()
	expect(t, r, verdict, map[string]Status{LayerDNS: status})
	if code == "" {
		return
	}
	f := dnsFinding(r, code)
	if f == nil {
		t.Fatalf("no dns finding %s\n%s", code, dump(r))
	}
	if component != "" && f.Component != component {
		t.Errorf("%s component = %s, want %s\n%s", code, f.Component, component, dump(r))
	}
}

func TestDNSZoneAssociation(t *testing.T) {
	for _, tc := range []struct {
		name      string
		setup     func(b *netBuilder)
		from      string
		verdict   Verdict
		dns       Status
		code, cmp string
	}{
		{"associated", nil, "eni-client", Reachable, StatusPass, "", ""},
		{"not associated: public DNS, out of sight", nil, "eni-peer", Unknown, StatusUnknown, "DNS_PUBLIC", "vpc-data"},
		{"not associated: the zone is named as the fix", nil, "eni-peer", Unknown, StatusUnknown, "DNS_ZONE_NOT_ASSOCIATED", "Zapp"},
		{"cross-account VPC listed by the zone", func(b *netBuilder) {
			b.n.VPCs["vpc-data"].OwnerID = "999999999999"
			b.n.HostedZones["Zapp"].VPCs = append(b.n.HostedZones["Zapp"].VPCs, ZoneVPC{VPCID: "vpc-data", Region: "us-east-1"})
		}, "eni-peer", Reachable, StatusPass, "", ""},
		{"listed in another Region", func(b *netBuilder) {
			b.n.HostedZones["Zapp"].VPCs[0].Region = "eu-west-1"
		}, "eni-client", Unknown, StatusUnknown, "DNS_PUBLIC", ""},
		{"associations not read", func(b *netBuilder) {
			b.n.HostedZones["Zapp"].VPCs = nil
			b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindHostedZoneVPCs, Scope: "Zapp", Reason: "AccessDenied", Action: "route53:GetHostedZone"})
		}, "eni-client", Unknown, StatusUnknown, "DATA_MISSING", "Zapp"},
		{"records not read", func(b *netBuilder) {
			b.n.HostedZones["Zapp"].Records = nil
			b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindRecordSets, Scope: "Zapp", Reason: "throttled"})
		}, "eni-client", Unknown, StatusUnknown, "DATA_MISSING", "Zapp"},
		{"hosted zones not read", func(b *netBuilder) {
			b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindHostedZones, Reason: "AccessDenied"})
		}, "eni-client", Unknown, StatusUnknown, "DATA_MISSING", ""},
		{"Resolver rules not read", func(b *netBuilder) {
			b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindResolverRules, Reason: "AccessDenied"})
		}, "eni-client", Unknown, StatusUnknown, "DATA_MISSING", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := dnsWorld()
			if tc.setup != nil {
				tc.setup(b)
			}
			if tc.from == "eni-peer" {
				// The peer admits 443 from the app VPC so only DNS decides.
				b.n.SecurityGroups["sg-server"].Inbound = append(b.n.SecurityGroups["sg-server"].Inbound, tcpFrom(443, "10.1.0.0/16"))
			}
			r := check(t, b.n, tc.from, "web.example.internal:443")
			expectDNS(t, r, tc.verdict, tc.dns, tc.code, tc.cmp)
			if tc.verdict == Reachable && r.Destination.Address != "10.0.2.20" {
				t.Errorf("destination %+v", r.Destination)
			}
		})
	}
}

func TestDNSRulePrecedence(t *testing.T) {
	open := []SGRule{udpOut("172.16.0.0/12"), tcpOut("172.16.0.0/12")}
	for _, tc := range []struct {
		name    string
		domain  string
		rtype   string
		assoc   bool
		verdict Verdict
		code    string
	}{
		{"FORWARD beats the zone at the same name", "example.internal", RuleForward, true, Unknown, "DNS_FORWARDED"},
		{"the zone beats a less specific FORWARD", "internal", RuleForward, true, Reachable, ""},
		{"a more specific FORWARD beats the zone", "web.example.internal", RuleForward, true, Unknown, "DNS_FORWARDED"},
		{"FORWARD for the root loses to the zone", ".", RuleForward, true, Reachable, ""},
		{"a rule not associated with the VPC does nothing", "example.internal", RuleForward, false, Reachable, ""},
		{"SYSTEM hands a name back to the zone", "web.example.internal", RuleSystem, true, Reachable, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := dnsWorld()
			withForwarding(b, open...)
			rr := b.n.ResolverRules["rslvr-rr-corp"]
			rr.DomainName = tc.domain
			if tc.rtype == RuleSystem {
				// SYSTEM for web.example.internal under a FORWARD of the
				// whole zone: the SYSTEM rule is more specific and wins.
				rr.DomainName = "example.internal"
				b.n.ResolverRules["rslvr-rr-sys"] = &ResolverRule{ID: "rslvr-rr-sys", DomainName: tc.domain, RuleType: RuleSystem}
				b.n.ResolverRuleAssociations["a-sys"] = &ResolverRuleAssociation{ID: "a-sys", RuleID: "rslvr-rr-sys", VPCID: "vpc-app"}
			}
			if !tc.assoc {
				delete(b.n.ResolverRuleAssociations, "rslvr-rrassoc-corp")
			}
			r := check(t, b.n, "eni-client", "web.example.internal:443")
			expect(t, r, tc.verdict, nil)
			if tc.code != "" {
				if f := dnsFinding(r, tc.code); f == nil || f.Component != "rslvr-rr-corp" {
					t.Errorf("want %s on rslvr-rr-corp\n%s", tc.code, dump(r))
				}
			}
		})
	}
}

func TestDNSForwardingPath(t *testing.T) {
	for _, tc := range []struct {
		name     string
		out      []SGRule
		setup    func(b *netBuilder)
		verdict  Verdict
		dns      Status
		code     string
		cmp      string
		alsoWarn string
	}{
		{"open: the answer is out of sight", []SGRule{udpOut("172.16.0.0/12"), tcpOut("172.16.0.0/12")}, nil, Unknown, StatusUnknown, "DNS_FORWARDED", "rslvr-rr-corp", ""},
		{"UDP blocked by the endpoint's group", []SGRule{tcpOut("172.16.0.0/12")}, nil, Unreachable, StatusFail, "DNS_FORWARDING_BLOCKED", "sg-rslvr-out", ""},
		{"TCP blocked: large answers fail", []SGRule{udpOut("172.16.0.0/12")}, nil, Unknown, StatusUnknown, "DNS_FORWARDED", "rslvr-rr-corp", "DNS_FORWARDING_TCP_BLOCKED"},
		{"network ACL drops UDP 53", []SGRule{udpOut("172.16.0.0/12"), tcpOut("172.16.0.0/12")}, func(b *netBuilder) {
			b.acl("acl-app", "vpc-app", []string{"subnet-a", "subnet-b"}, []NACLRule{allowAll(100)},
				[]NACLRule{{Number: 50, Protocol: ProtocolUDP, CIDR: pfx("172.16.0.0/12"), Ports: PortRange{53, 53}}, allowAll(100)})
		}, Unreachable, StatusFail, "DNS_FORWARDING_BLOCKED", "acl-app", ""},
		{"no route to the servers", []SGRule{udpOut("172.16.0.0/12"), tcpOut("172.16.0.0/12")}, func(b *netBuilder) {
			rt := b.n.RouteTables["rtb-main-vpc-app"]
			rt.Routes = rt.Routes[:2]
		}, Unreachable, StatusFail, "DNS_FORWARDING_BLOCKED", "rtb-main-vpc-app", ""},
		{"one interface blocked: queries retried elsewhere", []SGRule{udpOut("172.16.0.0/12"), tcpOut("172.16.0.0/12")}, func(b *netBuilder) {
			b.acl("acl-b", "vpc-app", []string{"subnet-b"}, []NACLRule{allowAll(100)},
				[]NACLRule{{Number: 50, Protocol: ProtocolUDP, CIDR: pfx("172.16.0.0/12"), Ports: PortRange{53, 53}}, allowAll(100)})
		}, Unknown, StatusUnknown, "DNS_FORWARDED", "rslvr-rr-corp", "DNS_FORWARDING_PARTLY_BLOCKED"},
		{"endpoint addresses not read", []SGRule{udpOut("172.16.0.0/12")}, func(b *netBuilder) {
			b.n.ResolverEndpoints["rslvr-out-1"].IPs = nil
			b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindResolverEndpointIPs, Scope: "rslvr-out-1", Reason: "AccessDenied"})
		}, Unknown, StatusUnknown, "DATA_MISSING", "rslvr-rr-corp", ""},
		{"endpoint not in the data (a shared rule)", []SGRule{udpOut("172.16.0.0/12")}, func(b *netBuilder) {
			delete(b.n.ResolverEndpoints, "rslvr-out-1")
		}, Unknown, StatusUnknown, "DATA_MISSING", "rslvr-rr-corp", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := dnsWorld()
			withForwarding(b, tc.out...)
			if tc.setup != nil {
				tc.setup(b)
			}
			r := check(t, b.n, "eni-client", "ldap.corp.example:636")
			expectDNS(t, r, tc.verdict, tc.dns, tc.code, tc.cmp)
			if tc.alsoWarn != "" && dnsFinding(r, tc.alsoWarn) == nil {
				t.Errorf("want also %s\n%s", tc.alsoWarn, dump(r))
			}
			if tc.verdict == Unreachable {
				if r.BlockedBy == nil || r.BlockedBy.Layer != LayerDNS || r.BlockedBy.Component != tc.cmp {
					t.Errorf("blocked_by %+v", r.BlockedBy)
				}
				if f := dnsFinding(r, tc.code); f.Fix == "" {
					t.Errorf("a blocked forwarding path carries its fix: %+v", f)
				}
			}
			if tc.code != "DATA_MISSING" && len(r.Layer(LayerDNS).Decisions) < 3 {
				t.Errorf("the forwarding path should be shown: %+v", r.Layer(LayerDNS).Decisions)
			}
		})
	}
}

// hubWorld forwards corp.example from vpc-app to an inbound endpoint in
// vpc-data (10.1.1.53), where the private zone corp.example (Zcorp) is
// associated: the name resolves as vpc-data would.
func hubWorld() *netBuilder {
	b := dnsWorld()
	withForwarding(b, udpOut("10.1.0.0/16"), tcpOut("10.1.0.0/16"))
	b.n.ResolverRules["rslvr-rr-corp"].TargetIPs = []TargetIP{{Addr: addr("10.1.1.53"), Port: 53}}
	b.sg("sg-rslvr-in", "vpc-data", SGRule{Protocol: ProtocolUDP, Ports: PortRange{53, 53}, Peer: SGPeer{CIDR: pfx("10.0.0.0/8")}},
		SGRule{Protocol: ProtocolTCP, Ports: PortRange{53, 53}, Peer: SGPeer{CIDR: pfx("10.0.0.0/8")}})
	in := b.eni("eni-rslvr-in", "subnet-d", "10.1.1.53", "sg-rslvr-in")
	in.RequesterManaged = true
	b.n.ResolverEndpoints["rslvr-in-1"] = &ResolverEndpoint{ID: "rslvr-in-1", Direction: ResolverInbound, VPCID: "vpc-data", Status: "OPERATIONAL",
		IPs: []ResolverIP{{Addr: addr("10.1.1.53"), SubnetID: "subnet-d"}}}
	z := b.zone("Zcorp", "corp.example", true, "vpc-data")
	addRec(z, "ldap.corp.example", "A", "10.1.1.30")
	b.n.SecurityGroups["sg-peer"].Inbound = append(b.n.SecurityGroups["sg-peer"].Inbound, tcpFrom(636, "10.0.0.0/16"))
	return b
}

func TestDNSRecordChains(t *testing.T) {
	for _, tc := range []struct {
		name    string
		setup   func(b *netBuilder, z *HostedZone)
		query   string
		verdict Verdict
		dns     Status
		code    string
		cmp     string
		want    string
	}{
		{"CNAME inside the zone", func(b *netBuilder, z *HostedZone) {
			addRec(z, "www.example.internal", "CNAME", "web.example.internal")
		}, "www.example.internal", Reachable, StatusPass, "", "", "10.0.2.20"},
		{"CNAME chain across zones", func(b *netBuilder, z *HostedZone) {
			addRec(z, "www.example.internal", "CNAME", "svc.other.internal.")
			o := b.zone("Zother", "other.internal", true, "vpc-app")
			addRec(o, "svc.other.internal", "CNAME", "web.example.internal")
		}, "www.example.internal", Reachable, StatusPass, "", "", "10.0.2.20"},
		{"CNAME loop", func(b *netBuilder, z *HostedZone) {
			addRec(z, "a.example.internal", "CNAME", "b.example.internal")
			addRec(z, "b.example.internal", "CNAME", "a.example.internal")
		}, "a.example.internal", Unreachable, StatusFail, "DNS_LOOP", "Zapp", ""},
		{"a chain longer than the Resolver follows", func(b *netBuilder, z *HostedZone) {
			for i := 0; i < maxDNSDepth+2; i++ {
				addRec(z, fmt.Sprintf("c%d.example.internal", i), "CNAME", fmt.Sprintf("c%d.example.internal", i+1))
			}
		}, "c0.example.internal", Unreachable, StatusFail, "DNS_CHAIN_TOO_LONG", "Zapp", ""},
		{"dangling CNAME", func(b *netBuilder, z *HostedZone) {
			addRec(z, "old.example.internal", "CNAME", "gone.example.internal")
		}, "old.example.internal", Unreachable, StatusFail, "DNS_NXDOMAIN", "Zapp", ""},
		{"CNAME to a public name out of sight", func(b *netBuilder, z *HostedZone) {
			addRec(z, "db.example.internal", "CNAME", "mydb.abc.us-east-1.rds.amazonaws.com")
		}, "db.example.internal", Unknown, StatusUnknown, "DNS_PUBLIC", "Zapp", ""},
		{"alias to a record of the zone", func(b *netBuilder, z *HostedZone) {
			addAlias(z, "apex.example.internal", "web.example.internal.", "Zapp")
		}, "apex.example.internal", Reachable, StatusPass, "", "", "10.0.2.20"},
		{"alias loop", func(b *netBuilder, z *HostedZone) {
			addAlias(z, "x.example.internal", "y.example.internal.", "Zapp")
			addAlias(z, "y.example.internal", "x.example.internal.", "Zapp")
		}, "x.example.internal", Unreachable, StatusFail, "DNS_LOOP", "Zapp", ""},
		{"alias to a network load balancer", func(b *netBuilder, z *HostedZone) {
			b.loadBalancer("eni-server", "net/api-nlb/0123456789abcdef", Listener{Port: 443, Protocol: "TLS", Actions: []string{"fixed-response"}})
			addAlias(z, "api.example.internal", "api-nlb-0123456789abcdef.elb.us-east-1.amazonaws.com.", "Z26RNL4JYFTOTI")
		}, "api.example.internal", Reachable, StatusPass, "", "", "10.0.2.20"},
		{"alias to an internal application load balancer", func(b *netBuilder, z *HostedZone) {
			b.loadBalancer("eni-server", "app/my-alb/50dc6c495c0c9188", Listener{Port: 443, Protocol: "HTTPS", Actions: []string{"fixed-response"}})
			addAlias(z, "alb.example.internal", "dualstack.internal-my-alb-1234567890.us-east-1.elb.amazonaws.com.", "Z35SXDOTRQ7X7K")
		}, "alb.example.internal", Reachable, StatusPass, "", "", "10.0.2.20"},
		{"alias to an internet-facing load balancer answers its public address", func(b *netBuilder, z *HostedZone) {
			b.n.ENIs["eni-server"].Description = "ELB net/pub-nlb/00000000000000aa"
			b.n.ENIs["eni-server"].PrivateIPs[0].Public = addr("54.1.2.3")
			addAlias(z, "pub.example.internal", "pub-nlb-00000000000000aa.elb.us-east-1.amazonaws.com.", "Z26RNL4JYFTOTI")
		}, "pub.example.internal", Unreachable, StatusPass, "", "", "54.1.2.3"},
		{"alias to a load balancer out of sight", func(b *netBuilder, z *HostedZone) {
			addAlias(z, "ghost.example.internal", "ghost-nlb-00000000000000ff.elb.us-east-1.amazonaws.com.", "Z26RNL4JYFTOTI")
		}, "ghost.example.internal", Unknown, StatusUnknown, "DNS_ALIAS_OUT_OF_SIGHT", "Zapp", ""},
		{"alias to CloudFront is out of sight", func(b *netBuilder, z *HostedZone) {
			addAlias(z, "cdn.example.internal", "d111111abcdef8.cloudfront.net.", "Z2FDTNDATAQYW2")
		}, "cdn.example.internal", Unknown, StatusUnknown, "DNS_ALIAS_OUT_OF_SIGHT", "Zapp", ""},
		{"wildcard", func(b *netBuilder, z *HostedZone) {
			addRec(z, `\052.example.internal.`, "A", "10.0.2.20")
		}, "anything.example.internal", Reachable, StatusPass, "", "", "10.0.2.20"},
		{"a wildcard does not cover an existing name", func(b *netBuilder, z *HostedZone) {
			addRec(z, "*.example.internal", "A", "10.0.2.20")
			addRec(z, "a.b.example.internal", "A", "10.0.2.20")
		}, "b.example.internal", Unreachable, StatusFail, "DNS_NO_ANSWER", "Zapp", ""},
		{"only AAAA for an IPv4 client", func(b *netBuilder, z *HostedZone) {
			addRec(z, "v6.example.internal", "AAAA", "2001:db8::1")
		}, "v6.example.internal", Unreachable, StatusFail, "DNS_NO_ANSWER", "Zapp", ""},
		{"a malformed address is unknown, not an answer", func(b *netBuilder, z *HostedZone) {
			addRec(z, "bad.example.internal", "A", "10.0.2.999")
		}, "bad.example.internal", Unknown, StatusUnknown, "DNS_BAD_RECORD", "Zapp", ""},
		{"no such name", nil, "nope.example.internal", Unreachable, StatusFail, "DNS_NXDOMAIN", "Zapp", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := dnsWorld()
			if tc.setup != nil {
				tc.setup(b, b.n.HostedZones["Zapp"])
			}
			r := check(t, b.n, "eni-client", tc.query+":443")
			expectDNS(t, r, tc.verdict, tc.dns, tc.code, tc.cmp)
			if tc.want != "" && r.Destination.Address != tc.want {
				t.Errorf("destination %s, want %s\n%s", r.Destination.Address, tc.want, dump(r))
			}
		})
	}
}

func TestDNSAliasToEndpointNames(t *testing.T) {
	b := dnsWorld()
	withEndpoint(b, true)
	z := b.n.HostedZones["Zapp"]
	addAlias(z, "sm.example.internal", "vpce-0abc-k3xq9f2a.secretsmanager.us-east-1.vpce.amazonaws.com.", "Z7HUB22UULQXV")
	addAlias(z, "smb.example.internal", "vpce-0abc-k3xq9f2a-us-east-1b.secretsmanager.us-east-1.vpce.amazonaws.com.", "Z7HUB22UULQXV")
	r := check(t, b.n, "eni-client", "sm.example.internal:443")
	expectDNS(t, r, Reachable, StatusPass, "", "")
	if !strings.Contains(r.Layer(LayerDNS).Summary, "10.0.1.150, 10.0.2.150") {
		t.Errorf("summary %q", r.Layer(LayerDNS).Summary)
	}
	r = check(t, b.n, "eni-client", "smb.example.internal:443")
	if r.Layer(LayerDNS).Summary != "smb.example.internal → 10.0.2.150" {
		t.Errorf("the AZ name answers its zone's interface only: %q", r.Layer(LayerDNS).Summary)
	}
}

// withEndpoint adds a Secrets Manager interface endpoint vpce-0abc in
// vpc-app with interfaces 10.0.1.150 (us-east-1a) and 10.0.2.150
// (us-east-1b) whose group admits 443 from the VPCs.
func withEndpoint(b *netBuilder, privateDNS bool) *Endpoint {
	b.sg("sg-vpce", "vpc-app", tcpFrom(443, "10.0.0.0/8"))
	for _, e := range []*ENI{b.eni("eni-vpce-a", "subnet-a", "10.0.1.150", "sg-vpce"), b.eni("eni-vpce-b", "subnet-b", "10.0.2.150", "sg-vpce")} {
		e.InterfaceType, e.RequesterManaged = "vpc_endpoint", true
	}
	ep := &Endpoint{ID: "vpce-0abc", Type: "Interface", ServiceName: "com.amazonaws.us-east-1.secretsmanager", VPCID: "vpc-app", State: "available",
		ENIIDs: []string{"eni-vpce-a", "eni-vpce-b"}, PrivateDNSEnabled: privateDNS,
		DNSNames: []string{"vpce-0abc-k3xq9f2a.secretsmanager.us-east-1.vpce.amazonaws.com"}}
	if privateDNS {
		ep.DNSNames = append(ep.DNSNames, "secretsmanager.us-east-1.amazonaws.com")
	}
	b.n.Endpoints[ep.ID] = ep
	return ep
}

func TestDNSInterfaceEndpointPrivateDNS(t *testing.T) {
	const name = "secretsmanager.us-east-1.amazonaws.com:443"
	for _, tc := range []struct {
		name      string
		private   bool
		setup     func(b *netBuilder)
		from      string
		to        string
		verdict   Verdict
		dns       Status
		code, cmp string
	}{
		{"private DNS on", true, nil, "eni-client", name, Reachable, StatusPass, "", ""},
		{"private DNS off: public addresses", false, nil, "eni-client", name, Unknown, StatusUnknown, "ENDPOINT_PRIVATE_DNS_DISABLED", "vpce-0abc"},
		{"enableDnsHostnames off", true, func(b *netBuilder) { b.n.VPCs["vpc-app"].DNSHostnames = bptr(false) }, "eni-client", name, Unreachable, StatusFail, "DNS_HOSTNAMES_DISABLED", "vpce-0abc"},
		{"another VPC does not see the private DNS", true, nil, "eni-peer", name, Unknown, StatusUnknown, "DNS_PUBLIC", ""},
		{"the endpoint-specific name resolves from anywhere", true, nil, "eni-peer", "vpce-0abc-k3xq9f2a.secretsmanager.us-east-1.vpce.amazonaws.com:443", Reachable, StatusPass, "", ""},
		{"a name below a non-wildcard private DNS name", true, nil, "eni-client", "x.secretsmanager.us-east-1.amazonaws.com:443", Unreachable, StatusFail, "DNS_NXDOMAIN", "vpce-0abc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := dnsWorld()
			withEndpoint(b, tc.private)
			if tc.setup != nil {
				tc.setup(b)
			}
			r := check(t, b.n, tc.from, tc.to)
			expectDNS(t, r, tc.verdict, tc.dns, tc.code, tc.cmp)
		})
	}
}

func TestDNSResolverSettings(t *testing.T) {
	for _, tc := range []struct {
		name      string
		setup     func(b *netBuilder)
		query     string
		verdict   Verdict
		dns       Status
		code, cmp string
	}{
		{"enableDnsSupport off", func(b *netBuilder) { b.n.VPCs["vpc-app"].DNSSupport = bptr(false) }, "web.example.internal:443", Unreachable, StatusFail, "DNS_SUPPORT_DISABLED", "vpc-app"},
		{"enableDnsSupport not read", func(b *netBuilder) {
			b.n.VPCs["vpc-app"].DNSSupport = nil
			b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindVPCAttributes, Scope: "vpc-app", Reason: "AccessDenied", Action: "ec2:DescribeVpcAttribute"})
		}, "web.example.internal:443", Unknown, StatusUnknown, "DATA_MISSING", "vpc-app"},
		{"enableDnsHostnames off: private zones unused", func(b *netBuilder) { b.n.VPCs["vpc-app"].DNSHostnames = bptr(false) }, "web.example.internal:443", Unreachable, StatusFail, "DNS_HOSTNAMES_DISABLED", "Zapp"},
		{"DHCP options not read", func(b *netBuilder) {
			delete(b.n.DHCPOptions, "dopt-amazon")
			b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindDHCPOptions, Reason: "AccessDenied"})
		}, "web.example.internal:443", Unknown, StatusUnknown, "DATA_MISSING", "dopt-amazon"},
		{"search domain", func(b *netBuilder) { b.n.DHCPOptions["dopt-amazon"].DomainName = "example.internal" }, "web:443", Reachable, StatusPass, "", ""},
		{"EC2 private hostname", nil, "ip-10-0-2-20.ec2.internal:443", Reachable, StatusPass, "", ""},
		{"EC2 private hostname outside the VPC", nil, "ip-10-9-2-20.ec2.internal:443", Unknown, StatusUnknown, "DNS_INTERNAL_NAME", "vpc-app"},
		{"custom DNS server, path open", func(b *netBuilder) {
			b.n.DHCPOptions["dopt-amazon"].DomainNameServers = []string{"10.0.2.20"}
		}, "web.example.internal:443", Unknown, StatusUnknown, "DNS_CUSTOM_SERVER", "dopt-amazon"},
		{"custom DNS server, path blocked", func(b *netBuilder) {
			b.n.DHCPOptions["dopt-amazon"].DomainNameServers = []string{"10.0.2.20", "10.0.2.21"}
		}, "web.example.internal:80", Unreachable, StatusFail, "DNS_SERVER_UNREACHABLE", "sg-server"},
		{"custom DNS server is the link-local Amazon DNS server", func(b *netBuilder) {
			b.n.DHCPOptions["dopt-amazon"].DomainNameServers = []string{"169.254.169.253"}
		}, "web.example.internal:443", Reachable, StatusPass, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := dnsWorld()
			// sg-server admits DNS from the VPC for the custom-server cases;
			// port 80 queries use a server that does not.
			if strings.HasSuffix(tc.query, ":443") {
				b.n.SecurityGroups["sg-server"].Inbound = append(b.n.SecurityGroups["sg-server"].Inbound, SGRule{Protocol: ProtocolUDP, Ports: PortRange{53, 53}, Peer: SGPeer{CIDR: pfx("10.0.0.0/16")}})
			}
			if tc.setup != nil {
				tc.setup(b)
			}
			q := mustQuery(t, "eni-client", tc.query, "tcp", 0)
			r, err := Evaluate(b.n, q)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(tc.query, ":80") && tc.verdict == Unreachable && tc.code == "DNS_SERVER_UNREACHABLE" {
				// sg-server admits no UDP 53: the query never arrives.
				if r.BlockedBy == nil || r.BlockedBy.Layer != LayerDNS {
					t.Errorf("blocked_by %+v", r.BlockedBy)
				}
			}
			expectDNS(t, r, tc.verdict, tc.dns, tc.code, tc.cmp)
		})
	}
}

func TestAmazonDNSServerAddress(t *testing.T) {
	for _, tc := range []struct {
		name    string
		from    string
		to      string
		proto   string
		setup   func(b *netBuilder)
		verdict Verdict
		layer   string
		code    string
		cmp     string
	}{
		{"own VPC base+2, not filtered", "eni-client", "10.0.0.2:53", "udp", func(b *netBuilder) {
			b.n.SecurityGroups["sg-client"].Outbound = nil
			b.acl("acl-closed", "vpc-app", []string{"subnet-a"}, nil, nil)
		}, Reachable, "", "", ""},
		{"link-local address", "eni-client", "169.254.169.253:53", "tcp", nil, Reachable, "", "", ""},
		{"a peer VPC's resolver", "eni-client", "10.1.0.2:53", "udp", nil, Unreachable, LayerRoute, "RESOLVER_NOT_REACHABLE", "pcx-1"},
		{"from on-premises", "172.16.0.53", "10.0.0.2:53", "udp", nil, Unreachable, LayerRoute, "RESOLVER_NOT_REACHABLE", "vpc-app"},
		{"only DNS", "eni-client", "10.0.0.2:80", "tcp", nil, Unreachable, LayerService, "RESOLVER_ONLY_DNS", "vpc-app"},
		{"enableDnsSupport off", "eni-client", "10.0.0.2:53", "udp", func(b *netBuilder) { b.n.VPCs["vpc-app"].DNSSupport = bptr(false) }, Unreachable, LayerDNS, "DNS_SUPPORT_DISABLED", "vpc-app"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := dnsWorld()
			if tc.setup != nil {
				tc.setup(b)
			}
			r, err := Evaluate(b.n, mustQuery(t, tc.from, tc.to, tc.proto, 0))
			if err != nil {
				t.Fatal(err)
			}
			expect(t, r, tc.verdict, nil)
			if tc.code == "" {
				return
			}
			if f := finding(r, tc.layer, tc.code); f == nil || f.Component != tc.cmp {
				t.Errorf("want %s %s on %s\n%s", tc.layer, tc.code, tc.cmp, dump(r))
			}
		})
	}
}

// inboundWorld adds a VPN to vpc-app and an inbound endpoint there
// (10.0.1.53) that admits DNS from 172.16.0.0/12.
func inboundWorld() *netBuilder {
	b := dnsWorld()
	b.vgw("vgw-1", "vpc-app", "172.16.0.0/12")
	b.route("rtb-main-vpc-app", "172.16.0.0/12", TargetVGW, "vgw-1")
	b.sg("sg-rslvr-in", "vpc-app", SGRule{Protocol: ProtocolUDP, Ports: PortRange{53, 53}, Peer: SGPeer{CIDR: pfx("172.16.0.0/12")}})
	b.eni("eni-rslvr-in", "subnet-a", "10.0.1.53", "sg-rslvr-in").RequesterManaged = true
	b.n.ResolverEndpoints["rslvr-in-1"] = &ResolverEndpoint{ID: "rslvr-in-1", Direction: ResolverInbound, VPCID: "vpc-app", Status: "OPERATIONAL",
		IPs: []ResolverIP{{Addr: addr("10.0.1.53"), SubnetID: "subnet-a"}}}
	b.n.SecurityGroups["sg-server"].Inbound = append(b.n.SecurityGroups["sg-server"].Inbound, tcpFrom(443, "172.16.0.0/12"))
	return b
}

func TestNormName(t *testing.T) {
	for in, want := range map[string]string{
		"Web.Example.Internal.":  "web.example.internal",
		`\052.example.internal.`: "*.example.internal",
		`a\134b.example`:         `a\b.example`,
		`\9.x`:                   `\9.x`,
		`\777.x`:                 `\777.x`,
		`trailing\05`:            `trailing\05`,
		".":                      "",
		"":                       "",
	} {
		if got := normName(in); got != want {
			t.Errorf("normName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSweepToAName(t *testing.T) {
	b := dnsWorld()
	to, err := ParseEnd("web.example.internal:443")
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range Sweep(b.n, to, ProtocolTCP, 443) {
		full, err := Evaluate(b.n, Query{From: End{Kind: EndENI, ID: res.Source, Raw: res.Source}, To: to, Protocol: ProtocolTCP, Port: 443, ICMPType: 8})
		if err != nil {
			t.Fatal(err)
		}
		if full.Verdict != res.Verdict {
			t.Errorf("%s: sweep %s, Evaluate %s", res.Source, res.Verdict, full.Verdict)
		}
	}
}

// wantDestination asserts the address (and, when given, the name) the
// report's destination resolved to.
func wantDestination(address, name string) func(t *testing.T, r Report) {
	return func(t *testing.T, r Report) {
		t.Helper()
		if r.Destination.Address != address || name != "" && r.Destination.Name != name {
			t.Errorf("destination %+v, want %s %s", r.Destination, address, name)
		}
	}
}

// TestDNSPaths covers names resolved along whole paths: zone choice,
// forwarding to an inbound endpoint, several answers, public zones, and
// sources outside the account.
func TestDNSPaths(t *testing.T) {
	subZone := func(b *netBuilder) {
		addRec(b.n.HostedZones["Zapp"], "api.sub.example.internal", "A", "10.0.2.20")
		b.zone("Zsub", "sub.example.internal", true, "vpc-app")
		addRec(b.n.HostedZones["Zsub"], "other.sub.example.internal", "A", "10.0.2.21")
	}
	// publicZone: the answer comes from a public zone of the account, and
	// the client goes out through an internet gateway.
	publicZone := func(b *netBuilder) {
		pub := b.zone("Zpub", "example.com", false)
		addRec(pub, "example.com", "A", "54.0.0.10")
		addRec(pub, "www.example.com", "CNAME", "example.com")
		b.n.InternetGateways["igw-1"] = &InternetGateway{ID: "igw-1", VPCIDs: []string{"vpc-app"}}
		b.route("rtb-main-vpc-app", "0.0.0.0/0", TargetIGW, "igw-1")
		b.n.ENIs["eni-client"].PrivateIPs[0].Public = addr("54.0.0.99")
	}
	delegated := func(b *netBuilder) {
		publicZone(b)
		addRec(b.n.HostedZones["Zpub"], "dev.example.com", "NS", "ns-1.example.net.")
	}
	// internetZones: a public zone, and a private zone of the same name
	// that does not apply outside any VPC.
	internetZones := func(b *netBuilder) {
		pub := b.zone("Zpub", "example.com", false)
		addRec(pub, "www.example.com", "A", "54.0.0.10")
		priv := b.zone("Zpriv", "example.com", true, "vpc-app")
		addRec(priv, "www.example.com", "A", "10.0.0.10")
	}
	dns := func(s Status) map[string]Status { return map[string]Status{LayerDNS: s} }
	runPaths(t, []pathCase{
		{
			name:  "the most specific zone answers, without fall-back",
			world: dnsWorld, change: subZone,
			from: "eni-client", to: "api.sub.example.internal:443",
			verdict:  Unreachable,
			statuses: dns(StatusFail),
			findings: []wantFinding{{layer: LayerDNS, code: "DNS_NXDOMAIN", component: "Zsub", detail: []string{"no fall-back"}}},
			blocked:  &Blocked{Layer: LayerDNS, Component: "Zsub"},
		},
		{
			name:  "the parent zone still answers its own names",
			world: dnsWorld, change: subZone,
			from: "eni-client", to: "web.example.internal:443",
			verdict:  Reachable,
			statuses: dns(StatusPass),
		},
		{
			name:  "forwarded to an inbound endpoint",
			world: hubWorld,
			from:  "eni-client", to: "ldap.corp.example:636",
			verdict:  Reachable,
			statuses: dns(StatusPass),
			verify:   wantDestination("10.1.1.30", "ldap.corp.example"),
		},
		{
			name:  "the inbound endpoint's VPC forwarding the name back loops",
			world: hubWorld,
			change: func(b *netBuilder) {
				b.n.ResolverRuleAssociations["back"] = &ResolverRuleAssociation{ID: "back", RuleID: "rslvr-rr-corp", VPCID: "vpc-data"}
			},
			from: "eni-client", to: "ldap.corp.example:636",
			verdict:  Unreachable,
			statuses: dns(StatusFail),
			findings: []wantFinding{{layer: LayerDNS, code: "DNS_FORWARDING_LOOP", component: "rslvr-rr-corp"}},
		},
		{
			name:   "a custom DNS server that is an inbound endpoint",
			world:  hubWorld,
			change: func(b *netBuilder) { b.n.DHCPOptions["dopt-amazon"].DomainNameServers = []string{"10.1.1.53"} },
			from:   "eni-client", to: "ldap.corp.example:636",
			verdict:  Reachable,
			statuses: dns(StatusPass),
		},
		{
			// 10.1.1.30 (the peer server) admits only 5432.
			name:  "several addresses: the worst verdict, the others in the notes",
			world: dnsWorld,
			change: func(b *netBuilder) {
				addRec(b.n.HostedZones["Zapp"], "multi.example.internal", "A", "10.0.2.20", "10.1.1.30")
			},
			from: "eni-client", to: "multi.example.internal:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerDNS: StatusPass, LayerSecurityGroup: StatusFail},
			verify: func(t *testing.T, r Report) {
				if r.Destination.Address != "10.1.1.30" || r.Destination.Name != "multi.example.internal" || r.Destination.Input != "multi.example.internal:443" {
					t.Errorf("destination %+v", r.Destination)
				}
				notes := strings.Join(r.Notes, "\n")
				if !strings.Contains(notes, "10.0.2.20 reachable") || !strings.Contains(notes, "10.1.1.30 unreachable") {
					t.Errorf("notes %q", notes)
				}
			},
		},
		{
			name:  "weighted record sets: each set is evaluated",
			world: dnsWorld,
			change: func(b *netBuilder) {
				z := b.n.HostedZones["Zapp"]
				addRec(z, "w.example.internal", "A", "10.0.2.20").SetIdentifier = "blue"
				addRec(z, "w.example.internal", "A", "10.1.1.30").SetIdentifier = "green"
			},
			from: "eni-client", to: "w.example.internal:443",
			verdict: Unreachable,
		},
		{
			name:  "a public zone of the account is assumed the delegated one",
			world: dnsWorld, change: publicZone,
			from: "eni-client", to: "www.example.com:443",
			verdict:  Reachable,
			statuses: dns(StatusWarn),
			findings: []wantFinding{{layer: LayerDNS, code: "DNS_PUBLIC_ZONE_ASSUMED", component: "Zpub"}},
		},
		{
			name:  "a name a public zone does not hold",
			world: dnsWorld, change: publicZone,
			from: "eni-client", to: "nope.example.com:443",
			verdict:  Unreachable,
			statuses: dns(StatusFail),
			findings: []wantFinding{{layer: LayerDNS, code: "DNS_NXDOMAIN", component: "Zpub"}},
		},
		{
			name:  "a delegated subdomain is answered elsewhere",
			world: dnsWorld, change: delegated,
			from: "eni-client", to: "x.dev.example.com:443",
			verdict:  Unknown,
			statuses: dns(StatusUnknown),
			findings: []wantFinding{{layer: LayerDNS, code: "DNS_DELEGATED", component: "Zpub"}},
		},
		{
			name:  "two public zones of one name: which is delegated is unknown",
			world: dnsWorld,
			change: func(b *netBuilder) {
				delegated(b)
				b.zone("Zpub2", "example.com", false)
			},
			from: "eni-client", to: "www.example.com:443",
			verdict:  Unknown,
			statuses: dns(StatusUnknown),
			findings: []wantFinding{{layer: LayerDNS, code: "DNS_PUBLIC", component: "Zpub"}},
		},
		{
			name:  "the on-premises resolver's query to the inbound endpoint is a path",
			world: inboundWorld,
			from:  "172.16.0.53", to: "10.0.1.53:53", proto: "udp",
			verdict:  Reachable,
			statuses: map[string]Status{LayerService: StatusPass, LayerDNS: StatusPass},
		},
		{
			name:  "a name asked from on-premises resolves as the endpoint's VPC would",
			world: inboundWorld,
			from:  "172.16.5.10", to: "web.example.internal:443",
			verdict:  Reachable,
			statuses: dns(StatusWarn),
			findings: []wantFinding{{layer: LayerDNS, code: "DNS_ASSUMED_INBOUND_FORWARDING", component: "rslvr-in-1"}},
			verify:   wantDestination("10.0.2.20", ""),
		},
		{
			name:  "an inbound endpoint answers DNS only",
			world: inboundWorld,
			from:  "172.16.0.53", to: "10.0.1.53:443",
			verdict:  Unreachable,
			findings: []wantFinding{{layer: LayerService, code: "RESOLVER_ONLY_DNS", component: "rslvr-in-1"}},
		},
		{
			name:   "without an inbound endpoint the name is out of sight",
			world:  inboundWorld,
			change: func(b *netBuilder) { delete(b.n.ResolverEndpoints, "rslvr-in-1") },
			from:   "172.16.5.10", to: "web.example.internal:443",
			verdict:  Unknown,
			statuses: dns(StatusUnknown),
			findings: []wantFinding{{layer: LayerDNS, code: "DNS_OUTSIDE_RESOLVER"}},
		},
		{
			name:  "from the internet, a public zone answers",
			world: internetVPC, change: internetZones,
			from: "203.0.113.9", to: "www.example.com:443",
			verdict:  Reachable,
			statuses: dns(StatusWarn),
			findings: []wantFinding{{layer: LayerDNS, code: "DNS_PUBLIC_ZONE_ASSUMED", component: "Zpub"}},
			verify:   wantDestination("54.0.0.10", ""),
		},
		{
			name:  "from the internet, a name no zone of the account holds",
			world: internetVPC, change: internetZones,
			from: "203.0.113.9", to: "elsewhere.example.org:443",
			verdict:  Unknown,
			statuses: dns(StatusUnknown),
			findings: []wantFinding{{layer: LayerDNS, code: "DNS_PUBLIC", component: "elsewhere.example.org"}},
		},
	})
}
