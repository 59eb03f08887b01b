// The example of evaluating a path to a host name.

package checks_test

import (
	"fmt"

	"github.com/reachnet/reach/checks"
)

// A name in a private hosted zone: associated with the client's VPC, it
// resolves and the path to its address is evaluated; the dns layer says
// how.
func ExampleEvaluate_hostname() {
	n := exampleNetwork()
	yes := true
	n.VPCs["vpc-1"].DNSSupport, n.VPCs["vpc-1"].DNSHostnames = &yes, &yes
	n.HostedZones["Z0EXAMPLE"] = &checks.HostedZone{ID: "Z0EXAMPLE", Name: "internal.example.com", Private: true,
		VPCs:    []checks.ZoneVPC{{VPCID: "vpc-1"}},
		Records: []checks.Record{{Name: "web.internal.example.com.", Type: "A", TTL: 60, Values: []string{"10.0.2.20"}}}}
	q, _ := checks.NewQuery("eni-client", "web.internal.example.com:443", "tcp", 0, 0)
	rep, _ := checks.Evaluate(n, q)
	fmt.Println(rep.Verdict, rep.Destination.Address)
	dns := rep.Layer(checks.LayerDNS)
	fmt.Println(dns.Status, dns.Summary)
	for _, d := range dns.Decisions {
		fmt.Printf("%s: %s\n", d.Component, d.Rule)
	}
	// Output:
	// reachable 10.0.2.20
	// pass web.internal.example.com → 10.0.2.20
	// vpc-1: Route 53 Resolver of vpc-1 via AmazonProvidedDNS (no DHCP options set)
	// Z0EXAMPLE: private hosted zone internal.example.com (Z0EXAMPLE) (most specific match)
	// Z0EXAMPLE: web.internal.example.com A 10.0.2.20
}
