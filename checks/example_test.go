// Examples of evaluating a path, building a query and sweeping sources.

package checks_test

import (
	"fmt"
	"net/netip"

	"github.com/reachnet/reach/checks"
)

// A one-VPC network: a client and a server whose security group admits
// HTTPS only from the VPC.
func exampleNetwork() *checks.Network {
	n := checks.NewNetwork()
	cidr := netip.MustParsePrefix("10.0.0.0/16")
	n.VPCs["vpc-1"] = &checks.VPC{ID: "vpc-1", CIDRs: []netip.Prefix{cidr}}
	n.Subnets["subnet-1"] = &checks.Subnet{ID: "subnet-1", VPCID: "vpc-1", CIDR: netip.MustParsePrefix("10.0.1.0/24")}
	n.Subnets["subnet-2"] = &checks.Subnet{ID: "subnet-2", VPCID: "vpc-1", CIDR: netip.MustParsePrefix("10.0.2.0/24")}
	n.RouteTables["rtb-1"] = &checks.RouteTable{ID: "rtb-1", VPCID: "vpc-1", Main: true,
		Routes: []checks.Route{{Destination: cidr, Target: checks.TargetLocal, TargetID: "local", Origin: checks.OriginLocal}}}
	all := []checks.NACLRule{{Number: 100, Protocol: checks.ProtocolAll, Allow: true, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}
	n.NetworkACLs["acl-1"] = &checks.NetworkACL{ID: "acl-1", VPCID: "vpc-1", IsDefault: true, Inbound: all, Outbound: all}
	anywhere := checks.SGRule{Protocol: checks.ProtocolAll, Peer: checks.SGPeer{CIDR: netip.MustParsePrefix("0.0.0.0/0")}}
	n.SecurityGroups["sg-client"] = &checks.SecurityGroup{ID: "sg-client", VPCID: "vpc-1", Outbound: []checks.SGRule{anywhere}}
	n.SecurityGroups["sg-web"] = &checks.SecurityGroup{ID: "sg-web", VPCID: "vpc-1", Outbound: []checks.SGRule{anywhere},
		Inbound: []checks.SGRule{{Protocol: checks.ProtocolTCP, Ports: checks.PortRange{From: 443, To: 443}, Peer: checks.SGPeer{CIDR: cidr}}}}
	n.ENIs["eni-client"] = &checks.ENI{ID: "eni-client", SubnetID: "subnet-1", VPCID: "vpc-1", SecurityGroupIDs: []string{"sg-client"},
		PrivateIPs: []checks.PrivateIP{{Addr: netip.MustParseAddr("10.0.1.10"), Primary: true}}}
	n.ENIs["eni-web"] = &checks.ENI{ID: "eni-web", SubnetID: "subnet-2", VPCID: "vpc-1", SecurityGroupIDs: []string{"sg-web"},
		PrivateIPs: []checks.PrivateIP{{Addr: netip.MustParseAddr("10.0.2.20"), Primary: true}}}
	return n
}

func ExampleEvaluate() {
	n := exampleNetwork()
	q, _ := checks.NewQuery("eni-client", "10.0.2.20:22", "tcp", 0, 0)
	rep, _ := checks.Evaluate(n, q)
	fmt.Println(rep.Verdict)
	for _, l := range rep.Layers {
		fmt.Println(l.Name, l.Status)
	}
	fmt.Println(rep.BlockedBy.Component, rep.BlockedBy.Code)
	// Output:
	// unreachable
	// route pass
	// nacl pass
	// security-group fail
	// source-dest-check skip
	// dns skip
	// service skip
	// sg-web ENI_SG_RULES_MISMATCH
}

func ExampleNewQuery() {
	q, err := checks.NewQuery("eni-0abc", "10.0.2.20:443", "tcp", 0, 0)
	fmt.Println(q.Protocol, q.Port, err)
	_, err = checks.NewQuery("eni-0abc", "10.0.2.20", "tcp", 0, 0)
	fmt.Println(err)
	// Output:
	// tcp 443 <nil>
	// --to "10.0.2.20": tcp needs a destination port (--port N or ADDRESS:PORT)
}

func ExampleSweep() {
	n := exampleNetwork()
	to, _ := checks.ParseEnd("10.0.2.20")
	for _, r := range checks.Sweep(n, to, checks.ProtocolTCP, 443) {
		fmt.Println(r.Source, r.Verdict)
	}
	// Output:
	// eni-client reachable
}
