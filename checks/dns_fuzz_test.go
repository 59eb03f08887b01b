// Fuzz targets for DNS names and for resolution.

package checks

import (
	"strings"
	"testing"
)

func FuzzDNSNames(f *testing.F) {
	for _, s := range []string{"", ".", "Example.COM.", `\052.example.com.`, `a\1`, `\\\\`, `x\377\400.`, "a..b", strings.Repeat("a.", 200)} {
		f.Add(s, "example.com")
	}
	f.Fuzz(func(t *testing.T, name, domain string) {
		n := normName(name)
		if strings.HasSuffix(n, ".") && !strings.HasSuffix(name, "..") && !strings.Contains(name, `\`) {
			t.Errorf("normName(%q) = %q keeps a trailing dot", name, n)
		}
		if !inDomain(n, n) || !inDomain(n, "") {
			t.Errorf("%q is not in its own domain", n)
		}
		if labels(n) < 0 {
			t.Errorf("labels(%q) < 0", n)
		}
		// parentName always shortens, so walks up a name end.
		for p, steps := n, 0; p != ""; p, steps = parentName(p), steps+1 {
			if steps > len(n)+1 {
				t.Fatalf("parentName does not end for %q", n)
			}
		}
		d := normName(domain)
		if inDomain(n, d) && labels(d) > labels(n) && d != "" {
			t.Errorf("%q in %q with more labels", n, d)
		}
		_, _, _ = parseELBDescription(name)
		_, _ = ec2PublicName(n)
	})
}

// FuzzDNSResolve resolves arbitrary names through arbitrary records: no
// input may panic, loop forever, or give a reachable verdict without an
// answer.
func FuzzDNSResolve(f *testing.F) {
	f.Add("web.example.internal", "A", "10.0.2.20", "", "web.example.internal")
	f.Add("a.example.internal", "CNAME", "a.example.internal", "", "a.example.internal")
	f.Add("x.example.internal", "A", "", "x.example.internal.", "x.example.internal")
	f.Add(`\052.example.internal`, "A", "10.0.2.20", "", "q.example.internal")
	f.Add("lb.example.internal", "A", "", "dualstack.internal-a-1.us-east-1.elb.amazonaws.com", "lb.example.internal")
	f.Add("v.example.internal", "A", "", "vpce-1-2-us-east-1a.svc.us-east-1.vpce.amazonaws.com", "v.example.internal")
	f.Add("c.example.internal", "CNAME", "ip-10-0-2-20.ec2.internal", "", "c.example.internal")
	f.Add("example.internal", "NS", "ns.example.", "", "deep.sub.example.internal")
	f.Fuzz(func(t *testing.T, recName, recType, value, alias, query string) {
		b := dnsWorld()
		// The search domain comes from the same input: a single-label
		// query gets it appended.
		b.n.DHCPOptions["dopt-amazon"].DomainName = value
		withForwarding(b, udpOut("0.0.0.0/0"))
		z := b.n.HostedZones["Zapp"]
		r := addRec(z, recName, recType, value)
		if alias != "" {
			r.Alias = &AliasTarget{DNSName: alias, HostedZoneID: "Zapp"}
		}
		addRec(z, "loop.example.internal", "CNAME", recName)
		q, err := NewQuery("eni-client", query+":443", "tcp", 0, 0)
		if err != nil {
			return
		}
		rep, err := Evaluate(b.n, q)
		if err != nil {
			return
		}
		switch rep.Verdict {
		case Reachable:
			if s := rep.Layer(LayerDNS).Status; q.To.Kind == EndHost && s != StatusPass && s != StatusWarn {
				t.Errorf("reachable with dns %s", s)
			}
		case Unreachable:
			if rep.BlockedBy == nil {
				t.Error("unreachable without blocked_by")
			}
		case Unknown:
		default:
			t.Errorf("verdict %q", rep.Verdict)
		}
	})
}
