package checks

import (
	"net/netip"
	"strings"
	"testing"
)

func TestSameVPCReachable(t *testing.T) {
	b := twoVPCs()
	r := check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Reachable, map[string]Status{LayerRoute: StatusPass, LayerNACL: StatusPass, LayerSecurityGroup: StatusPass, LayerSourceDestCheck: StatusSkip, LayerDNS: StatusSkip})
	if r.BlockedBy != nil || r.Exit != nil {
		t.Errorf("blocked_by %v exit %v, want both nil", r.BlockedBy, r.Exit)
	}
	if r.ExitCode() != 0 {
		t.Errorf("exit code %d", r.ExitCode())
	}
	want := []string{"eni-client", "sg-client", "rtb-main-vpc-app", "acl-default-vpc-app", "sg-server", "eni-server"}
	var got []string
	for _, h := range r.Hops {
		got = append(got, h.Component)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("hops = %v, want %v", got, want)
	}
}

func TestSecurityGroupIngressMissing(t *testing.T) {
	b := twoVPCs()
	r := check(t, b.n, "eni-client", "10.0.2.20:22")
	expect(t, r, Unreachable, map[string]Status{LayerRoute: StatusPass, LayerNACL: StatusPass, LayerSecurityGroup: StatusFail})
	if r.BlockedBy == nil || r.BlockedBy.Component != "sg-server" || r.BlockedBy.Code != "ENI_SG_RULES_MISMATCH" || r.BlockedBy.Direction != Forward {
		t.Fatalf("blocked_by = %+v", r.BlockedBy)
	}
	f := finding(r, LayerSecurityGroup, "ENI_SG_RULES_MISMATCH")
	if !strings.Contains(f.Fix, "authorize-security-group-ingress --group-id sg-server") || !strings.Contains(f.Fix, "GroupId=sg-client") || !strings.Contains(f.Fix, "FromPort=22,ToPort=22") {
		t.Errorf("fix = %q", f.Fix)
	}
	if r.ExitCode() != 1 {
		t.Errorf("exit code %d", r.ExitCode())
	}
}

func TestSecurityGroupEgressMissing(t *testing.T) {
	b := twoVPCs()
	b.n.SecurityGroups["sg-client"].Outbound = []SGRule{tcpFrom(80, "0.0.0.0/0")}
	r := check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Unreachable, map[string]Status{LayerSecurityGroup: StatusFail})
	if r.BlockedBy.Component != "sg-client" {
		t.Errorf("blocked_by = %+v, want sg-client first (egress comes before ingress)", r.BlockedBy)
	}
	if !strings.Contains(finding(r, LayerSecurityGroup, "ENI_SG_RULES_MISMATCH").Fix, "authorize-security-group-egress --group-id sg-client") {
		t.Errorf("fix: %s", dump(r))
	}
}

func TestSecurityGroupReferenceAcrossPeering(t *testing.T) {
	b := twoVPCs()
	r := check(t, b.n, "eni-client", "10.1.1.30:5432")
	expect(t, r, Reachable, map[string]Status{LayerRoute: StatusPass, LayerSecurityGroup: StatusPass})
	if !strings.Contains(r.Layer(LayerRoute).Summary, "pcx-1") {
		t.Errorf("route summary %q should name pcx-1", r.Layer(LayerRoute).Summary)
	}

	// A different Region: references across inter-Region peering never match.
	b = twoVPCs()
	b.n.Peerings["pcx-1"].Accepter.Region = "eu-west-1"
	r = check(t, b.n, "eni-client", "10.1.1.30:5432")
	expect(t, r, Unreachable, map[string]Status{LayerSecurityGroup: StatusFail, LayerRoute: StatusPass})
}

func TestSecurityGroupReferenceIgnoresSecondaryGroupsAndPublicIPs(t *testing.T) {
	b := twoVPCs()
	// The server admits only members of sg-client; a non-member is refused.
	b.n.SecurityGroups["sg-server"].Inbound = []SGRule{tcpFromGroup(443, "sg-client")}
	b.sg("sg-other", "vpc-app")
	b.eni("eni-other", "subnet-a", "10.0.1.11", "sg-other")
	r := check(t, b.n, "eni-other", "10.0.2.20:443")
	expect(t, r, Unreachable, map[string]Status{LayerSecurityGroup: StatusFail})
	r = check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Reachable, nil)
	// A secondary private address of a member matches too.
	b.n.ENIs["eni-client"].PrivateIPs = append(b.n.ENIs["eni-client"].PrivateIPs, PrivateIP{Addr: addr("10.0.1.99")})
	recompile(b.n)
	r = check(t, b.n, "10.0.1.99", "10.0.2.20:443")
	expect(t, r, Reachable, nil)
}

func TestNoRoute(t *testing.T) {
	b := twoVPCs()
	rt := b.n.RouteTables["rtb-main-vpc-app"]
	rt.Routes = rt.Routes[:1]
	r := check(t, b.n, "eni-client", "10.1.1.30:5432")
	expect(t, r, Unreachable, map[string]Status{LayerRoute: StatusFail})
	f := finding(r, LayerRoute, "NO_ROUTE_TO_DESTINATION")
	if f == nil || f.Component != "rtb-main-vpc-app" || f.Direction != Forward {
		t.Fatalf("finding: %s", dump(r))
	}
	if !strings.Contains(f.Fix, "create-route --route-table-id rtb-main-vpc-app --destination-cidr-block 10.1.0.0/16 --vpc-peering-connection-id pcx-1") {
		t.Errorf("fix = %q", f.Fix)
	}
}

func TestReturnRouteMissing(t *testing.T) {
	b := twoVPCs()
	rt := b.n.RouteTables["rtb-main-vpc-data"]
	rt.Routes = rt.Routes[:1]
	r := check(t, b.n, "eni-client", "10.1.1.30:5432")
	expect(t, r, Unreachable, map[string]Status{LayerRoute: StatusFail, LayerSecurityGroup: StatusPass})
	if r.BlockedBy == nil || r.BlockedBy.Direction != Return || r.BlockedBy.Component != "rtb-main-vpc-data" {
		t.Fatalf("blocked_by = %+v\n%s", r.BlockedBy, dump(r))
	}
}

func TestPeeringNotActive(t *testing.T) {
	b := twoVPCs()
	b.n.Peerings["pcx-1"].Status = "pending-acceptance"
	r := check(t, b.n, "eni-client", "10.1.1.30:5432")
	expect(t, r, Unreachable, map[string]Status{LayerRoute: StatusFail})
	f := finding(r, LayerRoute, "BAD_STATE")
	if f == nil || !strings.Contains(f.Fix, "accept-vpc-peering-connection --vpc-peering-connection-id pcx-1") {
		t.Fatalf("%s", dump(r))
	}
}

func TestNoTransitivePeering(t *testing.T) {
	b := twoVPCs()
	b.vpc("vpc-third", "10.2.0.0/16")
	b.subnet("subnet-t", "vpc-third", "10.2.1.0/24", "us-east-1a")
	b.sg("sg-third", "vpc-third", tcpFrom(443, "0.0.0.0/0"))
	b.eni("eni-third", "subnet-t", "10.2.1.40", "sg-third")
	b.peering("pcx-2", "vpc-data", "vpc-third", "active")
	// app sends 10.2/16 to data over pcx-1; data would forward to third.
	b.route("rtb-main-vpc-app", "10.2.0.0/16", TargetPeering, "pcx-1")
	b.route("rtb-main-vpc-data", "10.2.0.0/16", TargetPeering, "pcx-2")
	r := check(t, b.n, "eni-client", "10.2.1.40:443")
	expect(t, r, Unreachable, map[string]Status{LayerRoute: StatusFail})
	if finding(r, LayerRoute, "NO_TRANSITIVE_PEERING") == nil {
		t.Errorf("%s", dump(r))
	}
}

func TestBlackholeDoesNotFallBack(t *testing.T) {
	b := twoVPCs()
	b.route("rtb-main-vpc-app", "0.0.0.0/0", TargetNAT, "nat-gone")
	r2 := b.route("rtb-main-vpc-app", "10.1.1.0/24", TargetPeering, "pcx-old")
	r2.Blackhole = true
	r := check(t, b.n, "eni-client", "10.1.1.30:5432")
	expect(t, r, Unreachable, map[string]Status{LayerRoute: StatusFail})
	f := finding(r, LayerRoute, "BAD_STATE_ROUTE")
	if f == nil || !strings.Contains(f.Fix, "replace-route --route-table-id rtb-main-vpc-app --destination-cidr-block 10.1.1.0/24 --vpc-peering-connection-id pcx-1") {
		t.Fatalf("%s", dump(r))
	}
}

func TestSameSubnetSkipsRoutesAndNACLs(t *testing.T) {
	b := twoVPCs()
	b.eni("eni-neighbour", "subnet-a", "10.0.1.12", "sg-server")
	// A network ACL that denies everything must not matter within a subnet.
	b.acl("acl-closed", "vpc-app", []string{"subnet-a"}, nil, nil)
	b.n.RouteTables["rtb-main-vpc-app"].Routes = nil
	r := check(t, b.n, "eni-client", "10.0.1.12:443")
	expect(t, r, Reachable, map[string]Status{LayerRoute: StatusPass, LayerNACL: StatusPass})
}

func TestNACLForwardDeny(t *testing.T) {
	b := twoVPCs()
	b.acl("acl-b", "vpc-app", []string{"subnet-b"},
		[]NACLRule{naclTCP(90, false, "10.0.1.0/24", 443, 443), allowAll(100)},
		[]NACLRule{allowAll(100)})
	r := check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Unreachable, map[string]Status{LayerNACL: StatusFail, LayerSecurityGroup: StatusPass})
	f := finding(r, LayerNACL, "SUBNET_ACL_RESTRICTION")
	if f.Component != "acl-b" || f.Direction != Forward || !strings.Contains(f.Rule, "#90 deny tcp 443 10.0.1.0/24") {
		t.Errorf("%+v", f)
	}
	if !strings.Contains(f.Fix, "create-network-acl-entry --network-acl-id acl-b --ingress --rule-number 89 --protocol tcp --port-range From=443,To=443 --cidr-block 10.0.1.10/32 --rule-action allow") {
		t.Errorf("fix = %q", f.Fix)
	}
}

func TestNACLRulesSortedByNumber(t *testing.T) {
	b := twoVPCs()
	// Listed out of order: the deny (50) must win over the allow (100).
	b.acl("acl-b", "vpc-app", []string{"subnet-b"},
		[]NACLRule{allowAll(100), naclTCP(50, false, "0.0.0.0/0", 0, 65535)},
		[]NACLRule{allowAll(100)})
	r := check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Unreachable, map[string]Status{LayerNACL: StatusFail})
}

func TestNACLReturnEphemeralPartial(t *testing.T) {
	b := twoVPCs()
	b.acl("acl-b", "vpc-app", []string{"subnet-b"},
		[]NACLRule{allowAll(100)},
		[]NACLRule{naclTCP(100, true, "0.0.0.0/0", 1024, 40000)})
	r := check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Unreachable, map[string]Status{LayerNACL: StatusFail, LayerSecurityGroup: StatusPass, LayerRoute: StatusPass})
	f := finding(r, LayerNACL, "SUBNET_ACL_RESTRICTION")
	if f.Direction != Return || !strings.Contains(f.Detail, "allows only ports 32768-40000") || !strings.Contains(f.Detail, "blocks 40001-60999") {
		t.Errorf("%+v", f)
	}
	if !strings.Contains(f.Fix, "--egress") || !strings.Contains(f.Fix, "From=40001,To=60999") {
		t.Errorf("fix = %q", f.Fix)
	}
	// With the client's port fixed inside the allowed part, it works.
	q, _ := NewQuery("eni-client", "10.0.2.20:443", "tcp", 0, 33000)
	r, _ = Evaluate(b.n, q)
	expect(t, r, Reachable, nil)
	// A Windows client picks 49152-65535: entirely blocked.
	b2 := twoVPCs()
	b2.acl("acl-b", "vpc-app", []string{"subnet-b"}, []NACLRule{allowAll(100)}, []NACLRule{naclTCP(100, true, "0.0.0.0/0", 1024, 40000)})
	b2.n.ENIs["eni-client"].Platform = "windows"
	r = check(t, b2.n, "eni-client", "10.0.2.20:443")
	f = finding(r, LayerNACL, "SUBNET_ACL_RESTRICTION")
	if f == nil || !strings.Contains(f.Detail, "denies tcp to 10.0.1.10 on 49152-65535") {
		t.Errorf("%s", dump(r))
	}
}

func TestAllBlockersReported(t *testing.T) {
	b := twoVPCs()
	b.acl("acl-b", "vpc-app", []string{"subnet-b"}, []NACLRule{allowAll(100)}, nil)
	r := check(t, b.n, "eni-client", "10.0.2.20:22")
	expect(t, r, Unreachable, map[string]Status{LayerNACL: StatusFail, LayerSecurityGroup: StatusFail})
	if r.BlockedBy.Layer != LayerSecurityGroup {
		t.Errorf("first blocker = %+v; the request's security group comes before the reply's network ACL", r.BlockedBy)
	}
}

func TestMissingDataIsUnknownNeverPass(t *testing.T) {
	b := twoVPCs()
	for id := range b.n.NetworkACLs {
		delete(b.n.NetworkACLs, id)
	}
	b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindNetworkACLs, Reason: "AccessDenied", Action: "ec2:DescribeNetworkAcls"})
	r := check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Unknown, map[string]Status{LayerNACL: StatusUnknown, LayerRoute: StatusPass, LayerSecurityGroup: StatusPass})
	if !strings.Contains(dump(r), "ec2:DescribeNetworkAcls") {
		t.Errorf("the gap must name the IAM action:\n%s", dump(r))
	}
	if r.ExitCode() != 3 {
		t.Errorf("exit code %d, want 3", r.ExitCode())
	}
	// Unknown data never hides a definite block.
	r = check(t, b.n, "eni-client", "10.0.2.20:22")
	expect(t, r, Unreachable, map[string]Status{LayerSecurityGroup: StatusFail, LayerNACL: StatusUnknown})
}

func TestMissingSecurityGroupsUnknown(t *testing.T) {
	b := twoVPCs()
	delete(b.n.SecurityGroups, "sg-server")
	b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindSecurityGroups, Reason: "throttled", Action: "ec2:DescribeSecurityGroups"})
	r := check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Unknown, map[string]Status{LayerSecurityGroup: StatusUnknown})
}

func TestStaticBeatsPropagatedAndLongestPrefixWins(t *testing.T) {
	b := twoVPCs()
	b.vgw("vgw-1", "vpc-app", "172.16.0.0/12")
	rt := b.n.RouteTables["rtb-main-vpc-app"]
	// Propagated 10.1.0.0/16 to the VPN ties with the static peering route:
	// the static route wins.
	rt.Routes = append([]Route{{Destination: pfx("10.1.0.0/16"), Target: TargetVGW, TargetID: "vgw-1", Origin: OriginPropagated}}, rt.Routes...)
	r := check(t, b.n, "eni-client", "10.1.1.30:5432")
	expect(t, r, Reachable, nil)
	// A more specific propagated route beats the static /16.
	rt.Routes = append(rt.Routes, Route{Destination: pfx("10.1.1.0/24"), Target: TargetVGW, TargetID: "vgw-1", Origin: OriginPropagated})
	recompile(b.n)
	r = check(t, b.n, "eni-client", "10.1.1.30:5432")
	if r.Exit == nil || r.Exit.Gateway != "vgw-1" || r.Exit.Kind != ExitOnPrem {
		t.Errorf("exit = %+v\n%s", r.Exit, dump(r))
	}
}

func TestPrefixListRoutes(t *testing.T) {
	b := twoVPCs()
	b.n.PrefixLists["pl-data"] = &PrefixList{ID: "pl-data", CIDRs: []netip.Prefix{pfx("10.1.0.0/16")}}
	rt := b.n.RouteTables["rtb-main-vpc-app"]
	rt.Routes = rt.Routes[:1]
	b.route("rtb-main-vpc-app", "pl-data", TargetPeering, "pcx-1")
	r := check(t, b.n, "eni-client", "10.1.1.30:5432")
	expect(t, r, Reachable, nil)

	// Entries unknown: the route cannot be chosen, the layer is unknown.
	b2 := twoVPCs()
	b2.n.PrefixLists["pl-data"] = &PrefixList{ID: "pl-data"}
	b2.n.RouteTables["rtb-main-vpc-app"].Routes = b2.n.RouteTables["rtb-main-vpc-app"].Routes[:1]
	b2.route("rtb-main-vpc-app", "pl-data", TargetPeering, "pcx-1")
	r = check(t, b2.n, "eni-client", "10.1.1.30:5432")
	expect(t, r, Unknown, map[string]Status{LayerRoute: StatusUnknown})
}

func TestMissingInterfacesNeverReachable(t *testing.T) {
	b := internetVPC()
	b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindNetworkInterfaces, Reason: "AccessDenied", Action: "ec2:DescribeNetworkInterfaces"})
	// 93.184.216.34 could be an address of an interface that did not load.
	r := check(t, b.n, "eni-client", "93.184.216.34:443")
	expect(t, r, Unknown, map[string]Status{LayerRoute: StatusUnknown})
}

func TestMissingInstancesWidenTheClientRange(t *testing.T) {
	b := twoVPCs()
	b.n.ENIs["eni-client"].InstanceID = "i-client"
	// Replies allowed only to Linux's range: a Windows client would fail.
	b.acl("acl-b", "vpc-app", []string{"subnet-b"}, []NACLRule{allowAll(100)}, []NACLRule{naclTCP(100, true, "0.0.0.0/0", 32768, 60999)})
	r := check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Reachable, nil)
	b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindInstances, Reason: "AccessDenied"})
	recompile(b.n)
	// Without the instance a Linux client (passes) and a Windows client
	// (fails) are both possible: the missing data decides nothing.
	r = check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Unknown, map[string]Status{LayerNACL: StatusUnknown})
	if f := finding(r, LayerNACL, "DATA_MISSING"); f == nil || f.Rule != string(KindInstances) {
		t.Errorf("the nacl layer must name describe-instances:\n%s", dump(r))
	}
	// Replies allowed to neither range fail whatever the platform.
	b = twoVPCs()
	b.n.ENIs["eni-client"].InstanceID = "i-client"
	b.acl("acl-b", "vpc-app", []string{"subnet-b"}, []NACLRule{allowAll(100)}, []NACLRule{naclTCP(100, true, "0.0.0.0/0", 50000, 65535)})
	b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindInstances, Reason: "AccessDenied"})
	r = check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Unreachable, map[string]Status{LayerNACL: StatusFail})
}

func TestStoppedInstance(t *testing.T) {
	b := twoVPCs()
	b.n.ENIs["eni-server"].InstanceID = "i-server"
	b.n.Instances["i-server"] = &Instance{ID: "i-server", State: "stopped", ENIIDs: []string{"eni-server"}}
	r := check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Unreachable, map[string]Status{LayerService: StatusFail, LayerRoute: StatusPass})
	if f := finding(r, LayerService, "BAD_STATE"); f == nil || f.Component != "i-server" || f.Fix != "aws ec2 start-instances --instance-ids i-server" {
		t.Errorf("%s", dump(r))
	}
	// Without instance data its state is unknown, never assumed running.
	delete(b.n.Instances, "i-server")
	b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindInstances, Reason: "AccessDenied", Action: "ec2:DescribeInstances"})
	recompile(b.n)
	r = check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Unknown, map[string]Status{LayerService: StatusUnknown})
}

func TestConfiguredClientPorts(t *testing.T) {
	b := twoVPCs()
	b.acl("acl-b", "vpc-app", []string{"subnet-b"}, []NACLRule{allowAll(100)}, []NACLRule{naclTCP(100, true, "0.0.0.0/0", 1024, 40000)})
	r := check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Unreachable, map[string]Status{LayerNACL: StatusFail})
	// Linux clients tuned to 32768-40000 never pick a blocked port.
	b.n.LinuxClientPorts = PortRange{32768, 40000}
	r = check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Reachable, nil)
}

func TestDetachedDestinationInterface(t *testing.T) {
	b := twoVPCs()
	b.n.ENIs["eni-server"].Status = "available"
	r := check(t, b.n, "eni-client", "10.0.2.20:443")
	expect(t, r, Unreachable, map[string]Status{LayerService: StatusFail, LayerRoute: StatusPass})
}
