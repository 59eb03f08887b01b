package convert_test

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
)

// The corpus beside the repository is a set of real snapshots (AWS CLI
// JSON) collected for Batfish's test suite. That suite traces flows through
// each snapshot and asserts a disposition for each. The table below runs the
// same flows through reach and checks that its verdict matches what AWS's
// documented behaviour (SEMANTICS.md) gives for the snapshot. Where
// Batfish's expectation departs from AWS, the table asserts AWS and the case
// comment names the SEMANTICS.md section.
//
// Batfish traces one packet one way. reach's verdict covers the request and
// its reply. So a flow Batfish delivers can be unreachable here when the
// reply cannot get back. The case then checks only that nothing blocks the
// request: blocked_by has direction "return".
//
// Batfish's helper flows without a protocol carry IP protocol 0 and no
// ports. The table sends them as protocol "0", so that security group rules
// for tcp 22 do not match them, as in Batfish.

// corpusDir is where the set of real snapshots lives, relative to this
// package.
var corpusDir = filepath.Join("..", "..", "..", "shared", "corpora", "batfish-aws")

// corpusFlow is one flow through one snapshot and the answer AWS gives.
type corpusFlow struct {
	// name states the flow and the reason for its outcome in words.
	name string
	// snapshot is the case directory under corpusDir.
	snapshot string
	// from and to are typed as on the command line (to may carry :PORT).
	from, to string
	// proto is "" for tcp, or "0" for a flow with no protocol or ports.
	proto string
	// batfish is the disposition Batfish's own test asserts, for the record.
	batfish string

	want checks.Verdict
	// unknownOK accepts "unknown" as well: the data that decides is not in
	// the snapshot, so not knowing is an honest answer. "reachable" is never
	// accepted in its place.
	unknownOK bool
	// layer, component and dir describe blocked_by for an unreachable
	// verdict; an empty field is not checked (the mapping is not clear).
	layer     string
	component string
	dir       checks.Direction
	// unknownLayer is a layer whose status must be "unknown" (the layer
	// whose inputs are missing).
	unknownLayer string
	// exitGateway and exitKind describe where the path leaves the account;
	// an empty exitKind is not checked.
	exitGateway, exitKind string
	// via lists components the request must pass (the report's hops);
	// replyVia lists components the reply's route lookups must consult.
	via, replyVia []string
	// targets are the verdicts of a load balancer's targets on the leg
	// from the node the path reaches, by target ID.
	targets map[string]checks.Verdict
}

// corpusFlows are the flows of Batfish's AwsConfiguration*Test suites, plus
// a few on the port the security groups admit, which exercise the reply.
var corpusFlows = []corpusFlow{
	// test-transit-gateway: VPC A (10.10.0.0/16, subnets A and A2) and VPC B
	// (192.168.0.0/16) on one TGW. The TGW attachment has a subnet in A's AZ
	// but none in A2's. Every instance security group admits only tcp 22.
	{
		name:     "instance A to B over the transit gateway, protocol 0: B's security group admits only tcp 22",
		snapshot: "test-transit-gateway", from: "i-06ba034d88c84ef07", to: "192.168.1.106", proto: "0",
		batfish: "DENIED_IN at B",
		want:    checks.Unreachable, layer: checks.LayerSecurityGroup, component: "sg-065c26b39e45ae384", dir: checks.Forward,
		via: []string{"tgw-044be4464fcc69aff"},
	},
	{
		name:     "instance B to A over the transit gateway, protocol 0: A's security group admits only tcp 22",
		snapshot: "test-transit-gateway", from: "i-0b14080af811fda3d", to: "10.10.10.157", proto: "0",
		batfish: "DENIED_IN at A",
		want:    checks.Unreachable, layer: checks.LayerSecurityGroup, component: "sg-09606ce9642cac154", dir: checks.Forward,
		via: []string{"tgw-044be4464fcc69aff"},
	},
	{
		// SEMANTICS.md §2.5, §4.3: a subnet reaches the TGW only if the
		// attachment has a subnet in its AZ.
		name:     "instance A2 in subnet-0b5b8ddd5a69fcfcd to B over the transit gateway: no attachment subnet in A2's AZ",
		snapshot: "test-transit-gateway", from: "i-075e846ed41670385", to: "192.168.1.106", proto: "0",
		batfish: "NULL_ROUTED at subnet A2",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "tgw-attach-07f5ec59e9f540021", dir: checks.Forward,
	},
	{
		// Whether the TGW delivers into an AZ without an attachment subnet is
		// not documented (SEMANTICS.md §4.3, §12.7). A2's security group
		// refuses protocol 0 either way, so that is the first block.
		name:     "instance B to A2 over the transit gateway, protocol 0: A2's security group admits only tcp 22",
		snapshot: "test-transit-gateway", from: "i-0b14080af811fda3d", to: "10.10.20.154", proto: "0",
		batfish: "DENIED_IN at A2",
		want:    checks.Unreachable, layer: checks.LayerSecurityGroup, component: "sg-051f619de836dbaf3", dir: checks.Forward,
	},
	{
		name:     "instance A to B on tcp 22 over the transit gateway: both VPCs propagate, so the request and the reply route",
		snapshot: "test-transit-gateway", from: "i-06ba034d88c84ef07", to: "192.168.1.106:22",
		batfish: "(port variant of testFromAtoB)",
		want:    checks.Reachable,
		via:     []string{"tgw-044be4464fcc69aff"}, replyVia: []string{"tgw-rtb-0fa40c8df355dce6e"},
	},
	{
		// The request may reach A2 (SEMANTICS.md §12.7), but A2's reply
		// cannot enter the TGW from an AZ with no attachment subnet: the
		// reply fails in both readings (§4.3).
		name:     "instance B to A2 on tcp 22: A2 admits it, but A2's reply cannot enter the transit gateway from its AZ",
		snapshot: "test-transit-gateway", from: "i-0b14080af811fda3d", to: "10.10.20.154:22",
		batfish: "(port variant of testFromBtoA2; the forward packet is delivered)",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "tgw-attach-07f5ec59e9f540021", dir: checks.Return,
	},

	// test-transit-gateway-multi-table: each VPC's attachment is associated
	// with the table the other VPC propagates to.
	{
		name:     "instance A to B through separate transit gateway route tables, protocol 0: B's security group admits only tcp 22",
		snapshot: "test-transit-gateway-multi-table", from: "i-06ba034d88c84ef07", to: "192.168.1.106", proto: "0",
		batfish: "DENIED_IN at B",
		want:    checks.Unreachable, layer: checks.LayerSecurityGroup, component: "sg-065c26b39e45ae384", dir: checks.Forward,
	},
	{
		name:     "instance B to A through separate transit gateway route tables, protocol 0: A's security group admits only tcp 22 and ICMP echo",
		snapshot: "test-transit-gateway-multi-table", from: "i-0b14080af811fda3d", to: "10.10.10.157", proto: "0",
		batfish: "DENIED_IN at A",
		want:    checks.Unreachable, layer: checks.LayerSecurityGroup, component: "sg-09606ce9642cac154", dir: checks.Forward,
	},
	{
		name:     "instance A to B on tcp 22: A's table holds B's propagated route and B's table holds A's",
		snapshot: "test-transit-gateway-multi-table", from: "i-06ba034d88c84ef07", to: "192.168.1.106:22",
		batfish: "(port variant of testFromAtoB)",
		want:    checks.Reachable,
		via:     []string{"tgw-rtb-0fa40c8df355dce6e"}, replyVia: []string{"tgw-rtb-096a7119299ab1c42"},
	},

	// test-transit-gateway-asymmetric-paths: VPCs bat and fish are attached
	// to two TGWs; bat routes to fish through tgw bat, fish routes to bat
	// through tgw fish.
	{
		name:     "instance bat to fish through tgw bat, protocol 0: fish's security group admits only tcp 22, udp traceroute and ICMP echo",
		snapshot: "test-transit-gateway-asymmetric-paths", from: "i-04bbbcaefdd1937f9", to: "10.2.1.100", proto: "0",
		batfish: "DENIED_IN at fish",
		want:    checks.Unreachable, layer: checks.LayerSecurityGroup, component: "sg-0c6a627999ec6b8df", dir: checks.Forward,
		via: []string{"tgw-01e19888e3ba041ac"},
	},
	{
		name:     "instance fish to bat through tgw fish, protocol 0: bat's security group admits only tcp 22, udp traceroute and ICMP echo",
		snapshot: "test-transit-gateway-asymmetric-paths", from: "i-0973ce90749865a7f", to: "10.1.1.100", proto: "0",
		batfish: "DENIED_IN at bat",
		want:    checks.Unreachable, layer: checks.LayerSecurityGroup, component: "sg-002171e90685d74fa", dir: checks.Forward,
		via: []string{"tgw-0a33c739a4f8978a8"},
	},
	{
		// Routing of the reply is independent of the request (SEMANTICS.md
		// §1 step 8): the reply takes the other TGW and still arrives.
		name:     "instance bat to fish on tcp 22: the request crosses tgw bat and the reply returns through tgw fish",
		snapshot: "test-transit-gateway-asymmetric-paths", from: "i-04bbbcaefdd1937f9", to: "10.2.1.100:22",
		batfish: "(port variant of testBatToFish)",
		want:    checks.Reachable,
		via:     []string{"tgw-01e19888e3ba041ac"}, replyVia: []string{"tgw-rtb-061e69b98b99d5da8"},
	},

	// test-transit-gateway-multi-account: two accounts share one TGW. The
	// snapshot holds no describe-network-acls output. Batfish applies no
	// ACL then; in AWS every subnet has one (SEMANTICS.md §5.1), so the
	// verdict cannot be known.
	{
		name:     "instance A to B on tcp 22 across accounts over a shared transit gateway: no network ACLs in the snapshot",
		snapshot: "test-transit-gateway-multi-account", from: "i-0bdf35d561be3d962", to: "10.2.1.183:22",
		batfish: "ACCEPTED",
		want:    checks.Unknown, unknownLayer: checks.LayerNACL,
		via: []string{"tgw-0efdeab79e9a8e490"},
	},
	{
		name:     "instance B to A on tcp 22 across accounts over a shared transit gateway: no network ACLs in the snapshot",
		snapshot: "test-transit-gateway-multi-account", from: "i-03df168b3f73cc262", to: "10.1.1.100:22",
		batfish: "ACCEPTED",
		want:    checks.Unknown, unknownLayer: checks.LayerNACL,
		via: []string{"tgw-0efdeab79e9a8e490"},
	},

	// test-transit-gateway-peering: tgw bat (VPCs bat and bat2, two route
	// tables) peers with tgw fish (VPC fish). On tgw bat the peering
	// attachment is associated with tgw-rtb-05d2952671d1f460a, which holds
	// only bat's CIDR; bat2's table has the static route to fish. On tgw
	// fish, tgw-rtb-00be87593fb2cd0ae has fish's CIDR and a static route
	// to bat2 over the peering, none to bat. TGW peering carries static
	// routes only (SEMANTICS.md §4.1).
	{
		name:     "instance bat to fish: bat's transit gateway route table has no route to fish",
		snapshot: "test-transit-gateway-peering", from: "i-08f3abb6471637c66", to: "192.168.1.100", proto: "0",
		batfish: "NO_ROUTE at tgw bat",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "tgw-rtb-05d2952671d1f460a", dir: checks.Forward,
	},
	{
		name:     "instance bat2 to fish over the transit gateway peering, protocol 0: fish's security group admits only tcp 22, udp traceroute and ICMP echo",
		snapshot: "test-transit-gateway-peering", from: "i-05e25e43074216229", to: "192.168.1.100", proto: "0",
		batfish: "DENIED_IN at fish",
		want:    checks.Unreachable, layer: checks.LayerSecurityGroup, component: "sg-0365783e832fbf535", dir: checks.Forward,
	},
	{
		name:     "instance fish to bat: fish's transit gateway route table has no route to bat",
		snapshot: "test-transit-gateway-peering", from: "i-0afb0a59f6bf36397", to: "10.10.1.100", proto: "0",
		batfish: "NO_ROUTE at tgw fish",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "tgw-rtb-00be87593fb2cd0ae", dir: checks.Forward,
	},
	{
		name:     "instance fish to bat2 over the transit gateway peering: the peering attachment's table on tgw bat has no route to bat2",
		snapshot: "test-transit-gateway-peering", from: "i-0afb0a59f6bf36397", to: "10.20.1.100", proto: "0",
		batfish: "NO_ROUTE at tgw bat",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "tgw-rtb-05d2952671d1f460a", dir: checks.Forward,
	},
	{
		name:     "instance bat2 to fish on tcp 22 over the transit gateway peering: fish admits it, but fish's reply finds no route to bat2 on tgw bat",
		snapshot: "test-transit-gateway-peering", from: "i-05e25e43074216229", to: "192.168.1.100:22",
		batfish: "(port variant of testBat2ToFish; the forward packet is delivered)",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "tgw-rtb-05d2952671d1f460a", dir: checks.Return,
	},

	// test-nat-gateway: a private subnet routes 0.0.0.0/0 to a public NAT
	// gateway whose subnet routes 0.0.0.0/0 to the IGW.
	{
		name:     "instance in the private subnet to 8.8.8.8 on tcp 80: out through the NAT gateway, then its subnet's internet gateway",
		snapshot: "test-nat-gateway", from: "i-0a128d26e59be60f3", to: "8.8.8.8:80",
		batfish: "EXITS_NETWORK, reply ACCEPTED",
		want:    checks.Reachable, exitGateway: "igw-071753b9c23d8a9b2", exitKind: checks.ExitInternet,
		via: []string{"nat-07ab4846da51f4612"},
	},
	{
		// SEMANTICS.md §8.3: a NAT gateway passes TCP, UDP and ICMP only.
		name:     "instance in the private subnet to 8.8.8.8 on IP protocol 107: the NAT gateway passes only TCP, UDP and ICMP",
		snapshot: "test-nat-gateway", from: "i-0a128d26e59be60f3", to: "8.8.8.8", proto: "107",
		batfish: "DENIED_IN at the NAT gateway",
		want:    checks.Unreachable, component: "nat-07ab4846da51f4612", dir: checks.Forward,
	},
	{
		// SEMANTICS.md §8.3: unsolicited inbound connections to a NAT
		// gateway's public IP are dropped.
		name:     "internet host to the NAT gateway's public IP on tcp 80: no session, so the NAT gateway drops it",
		snapshot: "test-nat-gateway", from: "8.8.8.8", to: "3.135.127.225:80",
		batfish: "DENIED_IN at the NAT gateway",
		want:    checks.Unreachable, component: "nat-07ab4846da51f4612", dir: checks.Forward,
	},
	{
		// The flow is addressed to the NAT gateway itself, which serves no
		// port. The §8.3/§12.8 question (whether a NAT gateway serves its
		// own subnet as a gateway) does not arise.
		name:     "instance in the NAT gateway's own subnet to the NAT gateway's private IP on tcp 80: a NAT gateway is no destination",
		snapshot: "test-nat-gateway", from: "i-0b31b509174d7f5de", to: "10.1.250.210:80",
		batfish: "DENIED_IN at the NAT gateway",
		want:    checks.Unreachable, component: "nat-07ab4846da51f4612", dir: checks.Forward,
	},

	// test-public-private-subnet: the public subnet routes 0.0.0.0/0 to the
	// IGW; the private subnet (main table) routes 0.0.0.0/0 to a VGW whose
	// only VPN is static-routes-only with 19.168.0.0/16. Both of its tunnels
	// are DOWN in VgwTelemetry, which Batfish does not read: reach blocks
	// every path over the VPN there (VPN_TUNNEL_DOWN). The one NACL allows
	// everything; the default security groups admit only their own
	// members.
	{
		// A static-routes-only VPN carries only its static routes, so the
		// VGW has nowhere to send the public IP. No Direct Connect data is in
		// the snapshot, so "unknown" is also honest; "reachable" is not.
		name:     "private instance to the public instance's public IP: routed to the VGW, whose static VPN routes cover only 19.168.0.0/16",
		snapshot: "test-public-private-subnet", from: "i-099cf38911942421c", to: "13.58.55.60", proto: "0",
		batfish: "NO_ROUTE at the VGW",
		want:    checks.Unreachable, unknownOK: true, layer: checks.LayerRoute, dir: checks.Forward,
	},
	{
		name:     "private instance to the public instance's private IP, protocol 0: the default security group admits only its members",
		snapshot: "test-public-private-subnet", from: "i-099cf38911942421c", to: "10.0.0.47", proto: "0",
		batfish: "DENIED_IN at the public instance",
		want:    checks.Unreachable, layer: checks.LayerSecurityGroup, component: "sg-0662342465612f419", dir: checks.Forward,
	},
	{
		name:     "public instance to the private instance, protocol 0: the default security group admits only its members",
		snapshot: "test-public-private-subnet", from: "i-094a9e5b545a4fde4", to: "10.0.1.204", proto: "0",
		batfish: "DENIED_IN at the private instance",
		want:    checks.Unreachable, layer: checks.LayerSecurityGroup, component: "sg-063f2bb51713c3236", dir: checks.Forward,
	},
	{
		name:     "internet host to the public instance's public IP, protocol 0: the IGW translates it, the security group refuses it",
		snapshot: "test-public-private-subnet", from: "8.8.8.8", to: "13.58.55.60", proto: "0",
		batfish: "DENIED_IN at the public instance",
		want:    checks.Unreachable, layer: checks.LayerSecurityGroup, component: "sg-0662342465612f419", dir: checks.Forward,
		via: []string{"igw-0eac198308206c358"},
	},
	{
		// SEMANTICS.md §8.1: the internet reaches an interface only through
		// its public IP.
		name:     "internet host to the public instance's private IP: no route from the internet to a private address",
		snapshot: "test-public-private-subnet", from: "8.8.8.8", to: "10.0.0.47", proto: "0",
		batfish: "NULL_ROUTED at the internet",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "igw-0eac198308206c358", dir: checks.Forward,
	},
	{
		name:     "public instance to 8.8.8.8: out through the internet gateway with its public IP",
		snapshot: "test-public-private-subnet", from: "i-094a9e5b545a4fde4", to: "8.8.8.8", proto: "0",
		batfish: "EXITS_NETWORK through the IGW",
		want:    checks.Reachable, exitGateway: "igw-0eac198308206c358", exitKind: checks.ExitInternet,
	},
	{
		name:     "private instance to 8.8.8.8: routed to the VGW, whose static VPN routes cover only 19.168.0.0/16",
		snapshot: "test-public-private-subnet", from: "i-099cf38911942421c", to: "8.8.8.8", proto: "0",
		batfish: "NO_ROUTE at the VGW",
		want:    checks.Unreachable, unknownOK: true, layer: checks.LayerRoute, dir: checks.Forward,
	},
	{
		// 19.168.0.0/16 is public address space: the public subnet has no
		// VGW route, so the site is reached over the internet.
		name:     "public instance to the VPN site 19.168.0.0: the public subnet sends it to the internet gateway",
		snapshot: "test-public-private-subnet", from: "i-094a9e5b545a4fde4", to: "19.168.0.0", proto: "0",
		batfish: "EXITS_NETWORK through the IGW",
		want:    checks.Reachable, exitGateway: "igw-0eac198308206c358", exitKind: checks.ExitInternet,
	},
	{
		name:     "private instance to the VPN site 19.168.0.0: out through the VGW, inside the VPN's static route, but both tunnels are DOWN",
		snapshot: "test-public-private-subnet", from: "i-099cf38911942421c", to: "19.168.0.0", proto: "0",
		batfish: "EXITS_NETWORK through the VGW (one trace per tunnel)",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "vpn-05044757278685fd3", dir: checks.Forward,
		exitGateway: "vgw-070087240d6fa2989", exitKind: checks.ExitOnPrem,
	},
	{
		// On-premises traffic for a VPC private address can only arrive
		// through the VGW, which announces the whole VPC CIDR (an IGW never
		// carries traffic to a private address, §8.1). The request then
		// meets the public instance's security group.
		name:     "VPN site host 19.168.0.1 to the public instance's private IP, protocol 0: it would enter through the VGW, whose VPN tunnels are all DOWN",
		snapshot: "test-public-private-subnet", from: "19.168.0.1", to: "10.0.0.47", proto: "0",
		batfish: "DENIED_IN at the public instance",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "vpn-05044757278685fd3", dir: checks.Forward,
	},
	{
		name:     "VPN site host 19.168.0.1 to the private instance, protocol 0: it would enter through the VGW, whose VPN tunnels are all DOWN",
		snapshot: "test-public-private-subnet", from: "19.168.0.1", to: "10.0.1.204", proto: "0",
		batfish: "DENIED_IN at the private instance",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "vpn-05044757278685fd3", dir: checks.Forward,
		via: []string{"vgw-070087240d6fa2989"},
	},

	// test-public-subnet: one instance with public IP 18.216.80.133 in a
	// subnet routed to the IGW.
	{
		name:     "internet host to the instance's public IP on tcp 80: the security group admits only tcp 22",
		snapshot: "test-public-subnet", from: "8.8.8.8", to: "18.216.80.133:80",
		batfish: "DENIED_IN at the instance",
		want:    checks.Unreachable, layer: checks.LayerSecurityGroup, component: "sg-09ccba6656672061b", dir: checks.Forward,
		via: []string{"igw-0a409e562d251f766"},
	},
	{
		// Neither address belongs to the account: what the internet does
		// with it is not in the snapshot.
		name:     "internet host to 54.191.107.23, a public IP no interface in the account holds: nothing to evaluate",
		snapshot: "test-public-subnet", from: "8.8.8.8", to: "54.191.107.23", proto: "0",
		batfish: "NULL_ROUTED at the AWS backbone",
		want:    checks.Unknown, unknownLayer: checks.LayerRoute,
	},
	{
		name:     "internet host to the instance's private IP: no route from the internet to a private address",
		snapshot: "test-public-subnet", from: "8.8.8.8", to: "10.0.0.91", proto: "0",
		batfish: "NULL_ROUTED at the internet",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "igw-0a409e562d251f766", dir: checks.Forward,
	},
	{
		name:     "instance to 8.8.8.8: out through the internet gateway with its public IP",
		snapshot: "test-public-subnet", from: "i-06669a407b2ef3ae5", to: "8.8.8.8", proto: "0",
		batfish: "EXITS_NETWORK through the IGW",
		want:    checks.Reachable, exitGateway: "igw-0a409e562d251f766", exitKind: checks.ExitInternet,
	},

	// test-subnet: two instances in one subnet of 10.10.0.0/16.
	{
		// SEMANTICS.md §1 step 2: within a subnet only the security groups
		// apply.
		name:     "instance 1 to instance 2 in the same subnet, protocol 0: instance 2's security group refuses it",
		snapshot: "test-subnet", from: "i-08ef86e76fceabd8d", to: "10.10.1.44", proto: "0",
		batfish: "DENIED_IN at instance 2",
		want:    checks.Unreachable, layer: checks.LayerSecurityGroup, component: "sg-02566e413c0030c70", dir: checks.Forward,
	},
	{
		// SEMANTICS.md §2.5: the local route delivers only to an address an
		// interface holds.
		name:     "instance 1 to 10.10.0.1, inside the VPC CIDR but held by no interface: the local route delivers nowhere",
		snapshot: "test-subnet", from: "i-08ef86e76fceabd8d", to: "10.10.0.1", proto: "0",
		batfish: "NULL_ROUTED at the VPC",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "rtb-07243bb4843d61c35", dir: checks.Forward,
	},

	// test-vpc-peering: VPC A (10.10.0.0/16) peers with VPC B; A routes only
	// 192.168.1.0/24 to the peering, B routes 10.10.0.0/16.
	{
		name:     "instance A to B over the VPC peering, protocol 0: B's security group admits only tcp 22",
		snapshot: "test-vpc-peering", from: "i-06ba034d88c84ef07", to: "192.168.1.106", proto: "0",
		batfish: "DENIED_IN at B",
		want:    checks.Unreachable, layer: checks.LayerSecurityGroup, component: "sg-065c26b39e45ae384", dir: checks.Forward,
		via: []string{"pcx-0b89b559e3319d6cf"},
	},
	{
		name:     "instance B to A over the VPC peering, protocol 0: A's security group admits only tcp 22",
		snapshot: "test-vpc-peering", from: "i-0b14080af811fda3d", to: "10.10.10.157", proto: "0",
		batfish: "DENIED_IN at A",
		want:    checks.Unreachable, layer: checks.LayerSecurityGroup, component: "sg-09606ce9642cac154", dir: checks.Forward,
		via: []string{"pcx-0b89b559e3319d6cf"},
	},
	{
		name:     "instance A to 192.168.100.1: A's route table sends only 192.168.1.0/24 to the peering",
		snapshot: "test-vpc-peering", from: "i-06ba034d88c84ef07", to: "192.168.100.1", proto: "0",
		batfish: "NO_ROUTE at subnet A",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "rtb-0891861fffaea6d52", dir: checks.Forward,
	},
	{
		// SEMANTICS.md §3: a peering delivers only to addresses an interface
		// of the peer VPC holds.
		name:     "instance B to 10.10.100.1 over the peering: inside A's CIDR but in no subnet",
		snapshot: "test-vpc-peering", from: "i-0b14080af811fda3d", to: "10.10.100.1", proto: "0",
		batfish: "NULL_ROUTED at VPC A",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "pcx-0b89b559e3319d6cf", dir: checks.Forward,
	},
	{
		name:     "instance B to 10.10.10.11 over the peering: inside A's subnet but held by no interface",
		snapshot: "test-vpc-peering", from: "i-0b14080af811fda3d", to: "10.10.10.11", proto: "0",
		batfish: "NEIGHBOR_UNREACHABLE at subnet A",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "pcx-0b89b559e3319d6cf", dir: checks.Forward,
	},
	{
		name:     "instance A to B on tcp 22 over the VPC peering: routes on both sides, B admits tcp 22",
		snapshot: "test-vpc-peering", from: "i-06ba034d88c84ef07", to: "192.168.1.106:22",
		batfish: "(port variant of testFromAtoB)",
		want:    checks.Reachable,
		via:     []string{"pcx-0b89b559e3319d6cf"}, replyVia: []string{"rtb-017c36290c9baf017"},
	},

	// test-vpc-peering-multi-account: the same across two accounts, with no
	// describe-network-acls output (SEMANTICS.md §5.1: every subnet has an
	// ACL, so the verdict cannot be known).
	{
		name:     "instance A to B on tcp 22 over a cross-account VPC peering: no network ACLs in the snapshot",
		snapshot: "test-vpc-peering-multi-account", from: "i-07ae69cc808e8804e", to: "10.2.1.252:22",
		batfish: "ACCEPTED",
		want:    checks.Unknown, unknownLayer: checks.LayerNACL,
		via: []string{"pcx-0040f7640e10191f4"},
	},
	{
		name:     "instance B to A on tcp 22 over a cross-account VPC peering: no network ACLs in the snapshot",
		snapshot: "test-vpc-peering-multi-account", from: "i-066ce0b1efbb5602c", to: "10.1.1.100:22",
		batfish: "ACCEPTED",
		want:    checks.Unknown, unknownLayer: checks.LayerNACL,
		via: []string{"pcx-0040f7640e10191f4"},
	},

	// test-vpc-endpoint-gateway: both subnets' tables route the S3 prefix
	// list to a gateway endpoint; only the public subnet has 0.0.0.0/0 to
	// the IGW.
	{
		// SEMANTICS.md §8.4: the prefix-list route sends S3 addresses to the
		// endpoint.
		name:     "private instance to an S3 address on tcp 443: out through the gateway endpoint",
		snapshot: "test-vpc-endpoint-gateway", from: "i-01c6c0647fdccc89e", to: "52.216.237.77:443",
		batfish: "ACCEPTED both ways through the endpoint",
		want:    checks.Reachable, exitGateway: "vpce-0b7357542bb7b83ec", exitKind: checks.ExitAWSService,
	},
	{
		// §8.4: the service prefixes are more specific than 0.0.0.0/0.
		name:     "public instance to an S3 address on tcp 443: the endpoint's prefix-list route beats the default route to the IGW",
		snapshot: "test-vpc-endpoint-gateway", from: "i-0464d440ca0ee9e34", to: "52.216.237.77:443",
		batfish: "ACCEPTED both ways through the endpoint",
		want:    checks.Reachable, exitGateway: "vpce-0b7357542bb7b83ec", exitKind: checks.ExitAWSService,
	},
	{
		name:     "private instance to another AWS service address on tcp 443: outside the endpoint's prefix list, and no default route",
		snapshot: "test-vpc-endpoint-gateway", from: "i-01c6c0647fdccc89e", to: "54.222.57.1:443",
		batfish: "NO_ROUTE at the private subnet",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "rtb-04f71fc2caa8d94cf", dir: checks.Forward,
	},
	{
		// The kind is not checked: Batfish models AWS public ranges as a
		// separate services node; reach does not know them.
		name:     "public instance to another AWS service address on tcp 443: out through the internet gateway",
		snapshot: "test-vpc-endpoint-gateway", from: "i-0464d440ca0ee9e34", to: "54.222.57.1:443",
		batfish: "ACCEPTED both ways through the IGW",
		want:    checks.Reachable, exitGateway: "igw-0c8afe4471084ccba",
	},

	// test-vpc-endpoint-interface: an interface endpoint with one ENI.
	{
		name:     "instance in the endpoint's subnet to the interface endpoint on tcp 443: delivered in the subnet, the endpoint's group admits it",
		snapshot: "test-vpc-endpoint-interface", from: "i-0a0fbd0cfa774970f", to: "10.1.101.97:443",
		batfish: "ACCEPTED both ways",
		want:    checks.Reachable,
	},
	{
		name:     "instance in another subnet to the interface endpoint on tcp 443: over the local route, the endpoint's group admits it",
		snapshot: "test-vpc-endpoint-interface", from: "i-0eb6eb395a0d09117", to: "10.1.101.97:443",
		batfish: "ACCEPTED both ways",
		want:    checks.Reachable,
		via:     []string{"rtb-07e4f0e11d543c220"},
	},

	// test-vpn-gateway: the VPC's main table routes 0.0.0.0/0 to a VGW with
	// one BGP VPN whose two tunnels are DOWN ("IPSEC IS DOWN") in
	// VgwTelemetry, which Batfish does not read; reach blocks the paths over
	// it (VPN_TUNNEL_DOWN). The sources below are any on-premises address
	// (the subnet routes them all to the VGW).
	{
		name:     "on-premises host to the instance through the VGW, protocol 0: every tunnel of the VPN is DOWN",
		snapshot: "test-vpn-gateway", from: "172.16.0.1", to: "10.0.1.204", proto: "0",
		batfish: "DENIED_IN at the instance",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "vpn-03701a53bba3c48b7", dir: checks.Forward,
		via: []string{"vgw-0c09bd7fadac961bf"},
	},
	{
		name:     "on-premises host to 10.0.1.205 through the VGW: inside the instance's subnet but held by no interface",
		snapshot: "test-vpn-gateway", from: "172.16.0.1", to: "10.0.1.205", proto: "0",
		batfish: "NEIGHBOR_UNREACHABLE at the subnet",
		want:    checks.Unreachable, layer: checks.LayerRoute,
	},
	{
		name:     "on-premises host to 10.0.2.1 through the VGW: inside the VPC CIDR but in no subnet",
		snapshot: "test-vpn-gateway", from: "172.16.0.1", to: "10.0.2.1", proto: "0",
		batfish: "NULL_ROUTED at the VPC",
		want:    checks.Unreachable, layer: checks.LayerRoute,
	},
	{
		// The VPC hands the packet to the VGW; the BGP routes beyond it are
		// on-premises (the on-prem router drops it in Batfish's model). The
		// verdict speaks of the path up to and through the VGW.
		name:     "instance to 8.8.8.8: the default route leads to the VGW, whose VPN tunnels are all DOWN",
		snapshot: "test-vpn-gateway", from: "i-099cf38911942421c", to: "8.8.8.8", proto: "0",
		batfish: "NO_ROUTE at the on-premises router",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "vpn-03701a53bba3c48b7", dir: checks.Forward,
		exitGateway: "vgw-0c09bd7fadac961bf", exitKind: checks.ExitOnPrem,
	},
	{
		name:     "instance to the VGW's tunnel outside IP 18.217.248.9: routed to the VGW towards on-premises, not to the tunnel endpoint, and every tunnel is DOWN",
		snapshot: "test-vpn-gateway", from: "i-099cf38911942421c", to: "18.217.248.9", proto: "0",
		batfish: "NO_ROUTE at the on-premises router",
		want:    checks.Unreachable, layer: checks.LayerRoute, component: "vpn-03701a53bba3c48b7", dir: checks.Forward,
		exitGateway: "vgw-0c09bd7fadac961bf", exitKind: checks.ExitOnPrem,
	},
	{
		// A VGW's tunnel endpoint speaks IKE and IPsec, not tcp 80, and
		// reach does not model it; no interface holds the address.
		name:     "internet host to the VGW's tunnel outside IP on tcp 80: no interface in the account holds the address",
		snapshot: "test-vpn-gateway", from: "8.8.8.8", to: "18.217.248.9:80",
		batfish: "ACCEPTED at the VGW",
		want:    checks.Unknown, unknownLayer: checks.LayerRoute,
	},

	// test-direct-connect-gateway: the VPC routes 0.0.0.0/0 to a TGW whose
	// table has propagations from a Direct Connect gateway and a BGP VPN.
	// The snapshot lists only static routes (none) for that table: the
	// prefixes learned from on-premises are not in it.
	{
		name:     "on-premises host to the instance over Direct Connect and the TGW: the reply's route is learned from on-premises and not in the snapshot",
		snapshot: "test-direct-connect-gateway", from: "10.10.0.5", to: "10.100.1.10", proto: "0",
		batfish: "ACCEPTED",
		want:    checks.Unknown, unknownLayer: checks.LayerRoute,
	},
	{
		name:     "instance to on-premises 10.10.0.1 over the TGW: the route to it is learned from on-premises and not in the snapshot",
		snapshot: "test-direct-connect-gateway", from: "i-dx01", to: "10.10.0.1", proto: "0",
		batfish: "ACCEPTED (over Direct Connect)",
		want:    checks.Unknown, unknownLayer: checks.LayerRoute,
	},

	// test-direct-connect-private-vif: the VPC routes to a VGW with private
	// VIFs.
	{
		name:     "on-premises host to the instance over a private VIF and the VGW: the security group admits all",
		snapshot: "test-direct-connect-private-vif", from: "10.20.0.5", to: "10.50.1.10", proto: "0",
		batfish: "ACCEPTED",
		want:    checks.Reachable,
		via:     []string{"vgw-priv01"},
	},
	{
		name:     "instance to on-premises 10.20.0.1: out through the VGW to Direct Connect",
		snapshot: "test-direct-connect-private-vif", from: "i-priv01", to: "10.20.0.1", proto: "0",
		batfish: "ACCEPTED at the on-premises router",
		want:    checks.Reachable, exitGateway: "vgw-priv01", exitKind: checks.ExitOnPrem,
	},

	// test-load-balancer: an internal NLB created without security groups,
	// with a listener on tcp 80, one ENI in each server subnet. "If you
	// don't assign a security group to your Network Load Balancer, all
	// client traffic can reach the Network Load Balancer listeners" (ELB
	// user guide, load-balancer-security-groups), and "if your load
	// balancer has no listeners, it can't receive traffic from clients"
	// (ELB user guide, load-balancer-listeners): a port without a listener
	// is refused by the load balancer itself.
	//
	// The listener forwards to test-lb-tg: test1 (us-east-2b) and test20
	// (us-east-2a), healthy on port 22, whose group admits the jump host.
	// The load balancer turns cross-zone on, but the snapshot has no
	// target group attributes, and the group's
	// load_balancing.cross_zone.enabled may override the load balancer's:
	// the node reaches the target in its own zone, and the other is
	// unknown (ELB user guide, network/target-group-cross-zone).
	{
		name:     "jump host to the NLB's first address on its listener port 80: an NLB without security groups filters nothing; the node in us-east-2b reaches test1",
		snapshot: "test-load-balancer", from: "i-0c8ce8bbdd98cc4e8", to: "10.1.1.237:80",
		batfish: "ACCEPTED both ways (forwarded to a server)",
		want:    checks.Reachable,
		targets: map[string]checks.Verdict{"i-055b0db7be365202c": checks.Reachable, "i-0f4af951d61a19245": checks.Unknown},
	},
	{
		name:     "jump host to the NLB's second address on its listener port 80: an NLB without security groups filters nothing; the node in us-east-2a reaches test20",
		snapshot: "test-load-balancer", from: "i-0c8ce8bbdd98cc4e8", to: "10.1.20.123:80",
		batfish: "ACCEPTED both ways (forwarded to a server)",
		want:    checks.Reachable,
		targets: map[string]checks.Verdict{"i-0f4af951d61a19245": checks.Reachable, "i-055b0db7be365202c": checks.Unknown},
	},
	{
		name:     "jump host to the NLB's first address on tcp 81: the NLB listens only on 80",
		snapshot: "test-load-balancer", from: "i-0c8ce8bbdd98cc4e8", to: "10.1.1.237:81",
		batfish: "DENIED_IN at the load balancer",
		want:    checks.Unreachable, layer: checks.LayerService, dir: checks.Forward,
		component: "arn:aws:elasticloadbalancing:us-east-2:554773406868:loadbalancer/net/test-lb/725b996cb6be8fba",
	},
	{
		name:     "jump host to the NLB's second address on tcp 81: the NLB listens only on 80",
		snapshot: "test-load-balancer", from: "i-0c8ce8bbdd98cc4e8", to: "10.1.20.123:81",
		batfish: "DENIED_IN at the load balancer",
		want:    checks.Unreachable, layer: checks.LayerService, dir: checks.Forward,
		component: "arn:aws:elasticloadbalancing:us-east-2:554773406868:loadbalancer/net/test-lb/725b996cb6be8fba",
	},
}

// TestCorpusPaths runs every flow of corpusFlows on its snapshot.
func TestCorpusPaths(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("set of real snapshots not available: %v", err)
	}
	nets := map[string]*checks.Network{}
	network := func(t *testing.T, name string) *checks.Network {
		t.Helper()
		if n, ok := nets[name]; ok {
			return n
		}
		dir := filepath.Join(corpusDir, name, "aws_configs")
		if _, err := os.Stat(dir); err != nil {
			t.Skipf("snapshot %s not available: %v", name, err)
		}
		inv, err := snapshot.Read(dir)
		if err != nil {
			t.Fatalf("snapshot.Read(%s): %v", dir, err)
		}
		n, err := convert.Network(inv)
		if err != nil {
			t.Fatalf("Network(%s): %v", dir, err)
		}
		nets[name] = n
		return n
	}
	seen := map[string]bool{}
	for _, f := range corpusFlows {
		if seen[f.name] {
			t.Fatalf("two flows are named %q", f.name)
		}
		seen[f.name] = true
		t.Run(f.snapshot+"/"+f.name, func(t *testing.T) {
			n := network(t, f.snapshot)
			q, err := checks.NewQuery(f.from, f.to, f.proto, 0, 0)
			if err != nil {
				t.Fatalf("NewQuery(%q, %q, %q): %v", f.from, f.to, f.proto, err)
			}
			rep, err := checks.Evaluate(n, q)
			if err != nil {
				t.Fatalf("Evaluate: %v", err)
			}
			problems := f.mismatches(&rep)
			if len(problems) > 0 {
				t.Errorf("%s\n  got: %s\n  Batfish: %s", strings.Join(problems, "\n  "), describeReport(&rep), f.batfish)
			}
		})
	}
}

// mismatches lists how the report departs from the flow's expectation.
func (f *corpusFlow) mismatches(rep *checks.Report) []string {
	var out []string
	if rep.Verdict == checks.Unknown && f.unknownOK {
		return nil
	}
	if rep.Verdict != f.want {
		return []string{fmt.Sprintf("verdict %s, want %s", rep.Verdict, f.want)}
	}
	switch f.want {
	case checks.Unreachable:
		b := rep.BlockedBy
		if b == nil {
			return []string{"unreachable without blocked_by"}
		}
		if f.layer != "" && b.Layer != f.layer {
			out = append(out, fmt.Sprintf("blocked_by layer %s, want %s", b.Layer, f.layer))
		}
		if f.component != "" && b.Component != f.component {
			out = append(out, fmt.Sprintf("blocked_by component %s, want %s", b.Component, f.component))
		}
		if f.dir != "" && b.Direction != f.dir {
			out = append(out, fmt.Sprintf("blocked_by direction %s, want %s", b.Direction, f.dir))
		}
	default:
		if rep.BlockedBy != nil {
			out = append(out, fmt.Sprintf("blocked_by %+v on a %s verdict", *rep.BlockedBy, rep.Verdict))
		}
	}
	if f.unknownLayer != "" {
		if l := rep.Layer(f.unknownLayer); l == nil || l.Status != checks.StatusUnknown {
			out = append(out, fmt.Sprintf("layer %s is not unknown", f.unknownLayer))
		}
	}
	if f.exitGateway != "" {
		switch {
		case rep.Exit == nil:
			out = append(out, fmt.Sprintf("no exit, want %s", f.exitGateway))
		case rep.Exit.Gateway != f.exitGateway:
			out = append(out, fmt.Sprintf("exit through %s, want %s", rep.Exit.Gateway, f.exitGateway))
		case f.exitKind != "" && rep.Exit.Kind != f.exitKind:
			out = append(out, fmt.Sprintf("exit kind %s, want %s", rep.Exit.Kind, f.exitKind))
		}
	} else if f.want == checks.Reachable && rep.Exit != nil {
		out = append(out, fmt.Sprintf("exit through %s, want delivery inside the account", rep.Exit.Gateway))
	}
	if f.targets != nil {
		got := map[string]checks.Verdict{}
		for _, t := range rep.Destination.Targets {
			got[t.ID] = t.Verdict
		}
		if !maps.Equal(got, f.targets) {
			out = append(out, fmt.Sprintf("targets %v, want %v", got, f.targets))
		}
	}
	for _, c := range f.via {
		if !slices.ContainsFunc(rep.Hops, func(h checks.Hop) bool { return h.Component == c }) {
			out = append(out, fmt.Sprintf("request does not pass %s", c))
		}
	}
	for _, c := range f.replyVia {
		if !consulted(rep, checks.Return, c) {
			out = append(out, fmt.Sprintf("reply routing does not consult %s", c))
		}
	}
	return out
}

// consulted reports whether a route-layer decision in the direction names
// the component, or routes through it.
func consulted(rep *checks.Report, dir checks.Direction, component string) bool {
	l := rep.Layer(checks.LayerRoute)
	if l == nil {
		return false
	}
	for _, d := range l.Decisions {
		if d.Direction == dir && (d.Component == component || strings.Contains(d.Rule, component)) {
			return true
		}
	}
	return false
}

// describeReport renders what a failure message needs: the verdict, the
// block, the exit and every finding that is not informational.
func describeReport(rep *checks.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "verdict %s", rep.Verdict)
	if rep.BlockedBy != nil {
		fmt.Fprintf(&b, "; blocked_by %s %s %s (%s): %s", rep.BlockedBy.Layer, rep.BlockedBy.Component, rep.BlockedBy.Code, rep.BlockedBy.Direction, rep.BlockedBy.Rule)
	}
	if rep.Exit != nil {
		fmt.Fprintf(&b, "; exit %s (%s)", rep.Exit.Gateway, rep.Exit.Kind)
	}
	for _, l := range rep.Layers {
		for _, f := range l.Findings {
			if f.Severity == checks.SeverityInfo {
				continue
			}
			fmt.Fprintf(&b, "; %s %s: %s %s %s", l.Name, l.Status, f.Code, f.Component, f.Direction)
		}
	}
	return b.String()
}
