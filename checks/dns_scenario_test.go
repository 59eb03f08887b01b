package checks_test

import (
	"strings"
	"testing"

	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/demo"
)

// demoWithDNS loads the demo account (demo/snapshot) as reach --demo does.
func demoWithDNS(t *testing.T) *checks.Network {
	t.Helper()
	inv, err := snapshot.ReadFS(demo.FS(), ".")
	if err != nil {
		t.Fatalf("read the demo: %v", err)
	}
	n, err := convert.Network(inv)
	if err != nil {
		t.Fatalf("convert the demo: %v", err)
	}
	if len(n.HostedZones) == 0 {
		t.Fatal("convert.Network converted no hosted zone: it must call convertDNS")
	}
	return n
}

// dnsCase is one path of demo/PATHS.md that exercises the dns and service
// layers, with what each layer must say.
type dnsCase struct {
	name     string
	from, to string
	proto    string
	verdict  checks.Verdict
	// blocked is "layer component code direction", empty when nothing
	// blocks.
	blocked string
	// exit is "gateway kind", empty when the path stays in the account.
	exit string
	// layers maps a layer to its status.
	layers map[string]checks.Status
	// finding is "layer code component" of a finding that must be there.
	finding []string
	// address is the destination address shown.
	address string
}

func TestDemoDNSAndServicePaths(t *testing.T) {
	n := demoWithDNS(t)
	const (
		prodApp    = "i-01a2b3c4d5e6f0012"
		stagingApp = "i-01a2b3c4d5e6f0021"
		sandbox    = "i-01a2b3c4d5e6f0031"
		lambdaENI  = "eni-0f6a7b8c9d0e10025"
		zone       = "Z0354961T7UQXK6LNBPN"
		rule       = "rslvr-rr-0a1b2c3d4e5f60001"
	)
	for _, c := range []dnsCase{
		{name: "D1 name through the private zone", from: prodApp, to: "payment-api.internal.mycompany.com:443", verdict: checks.Reachable,
			layers:  map[string]checks.Status{checks.LayerDNS: checks.StatusPass, checks.LayerService: checks.StatusWarn, checks.LayerSecurityGroup: checks.StatusPass},
			address: "10.0.16.200"},
		{name: "D2 same name from staging", from: stagingApp, to: "payment-api.internal.mycompany.com:443", verdict: checks.Reachable,
			layers: map[string]checks.Status{checks.LayerDNS: checks.StatusPass}, address: "10.0.16.200"},
		{name: "D3 same name from sandbox", from: sandbox, to: "payment-api.internal.mycompany.com:443", verdict: checks.Unreachable,
			blocked: "dns " + zone + " DNS_NXDOMAIN forward",
			layers:  map[string]checks.Status{checks.LayerDNS: checks.StatusFail, checks.LayerRoute: checks.StatusSkip}},
		{name: "D4 forwarded name, blocked forwarding path", from: prodApp, to: "ldap.corp.internal:636", verdict: checks.Unreachable,
			blocked: "dns sg-0e5f6a7b8c9d00017 DNS_FORWARDING_BLOCKED forward",
			layers:  map[string]checks.Status{checks.LayerDNS: checks.StatusFail}},
		{name: "D5 on-premises resolver to the inbound endpoint", from: "172.16.0.53", to: "10.0.16.53:53", proto: "udp", verdict: checks.Reachable,
			layers: map[string]checks.Status{checks.LayerDNS: checks.StatusPass, checks.LayerService: checks.StatusPass}},
		{name: "D6 CNAME to the RDS endpoint name", from: prodApp, to: "db.internal.mycompany.com:5432", verdict: checks.Reachable,
			layers: map[string]checks.Status{checks.LayerDNS: checks.StatusPass, checks.LayerService: checks.StatusPass}},
		{name: "D7 forwarding rule not associated", from: stagingApp, to: "ldap.corp.internal:636", verdict: checks.Unknown,
			layers:  map[string]checks.Status{checks.LayerDNS: checks.StatusUnknown},
			finding: []string{"dns DNS_RULE_NOT_ASSOCIATED " + rule, "dns DNS_PUBLIC rslvr-autodefined-rr-internet-resolver"}},
		{name: "D8 interface endpoint private DNS", from: prodApp, to: "secretsmanager.us-east-1.amazonaws.com:443", verdict: checks.Reachable,
			layers: map[string]checks.Status{checks.LayerDNS: checks.StatusPass, checks.LayerService: checks.StatusPass}, address: "10.0.16.150"},
		{name: "S1 Lambda to the internet", from: lambdaENI, to: "93.184.216.34:443", verdict: checks.Unreachable,
			blocked: "route igw-02b3c4d5e6f7a0001 NO_PUBLIC_IP forward",
			layers:  map[string]checks.Status{checks.LayerRoute: checks.StatusFail, checks.LayerService: checks.StatusFail},
			finding: []string{"service LAMBDA_VIA_INTERNET_GATEWAY rtb-0c3d4e5f6a7b80014"}},
		{name: "11 forwarding path over UDP", from: "10.0.16.10", to: "172.16.0.53:53", proto: "udp", verdict: checks.Unreachable,
			blocked: "security-group sg-0e5f6a7b8c9d00017 ENI_SG_RULES_MISMATCH forward", exit: "vgw-04d5e6f7a8b9c0001 on-premises"},
		{name: "1 app to the database", from: prodApp, to: "10.0.33.12:5432", verdict: checks.Reachable,
			layers: map[string]checks.Status{checks.LayerService: checks.StatusPass}},
		{name: "8 gateway endpoint policy", from: prodApp, to: "52.216.10.20:443", verdict: checks.Reachable, exit: "vpce-06f7a8b9c0d1e0001 aws-service",
			layers: map[string]checks.Status{checks.LayerService: checks.StatusPass}},
	} {
		t.Run(c.name, func(t *testing.T) {
			proto := c.proto
			if proto == "" {
				proto = "tcp"
			}
			q, err := checks.NewQuery(c.from, c.to, proto, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			r, err := checks.Evaluate(n, q)
			if err != nil {
				t.Fatal(err)
			}
			show := func() string {
				var sb strings.Builder
				for _, l := range r.Layers {
					sb.WriteString("  " + l.Name + " " + string(l.Status) + ": " + l.Summary + "\n")
					for _, f := range l.Findings {
						sb.WriteString("    - " + f.Code + " " + f.Component + " :: " + f.Detail + "\n")
					}
				}
				return sb.String()
			}
			if r.Verdict != c.verdict {
				t.Errorf("verdict %s, want %s\n%s", r.Verdict, c.verdict, show())
			}
			var blocked, exit string
			if b := r.BlockedBy; b != nil {
				blocked = strings.Join([]string{b.Layer, b.Component, b.Code, string(b.Direction)}, " ")
			}
			if blocked != c.blocked {
				t.Errorf("blocked_by %q, want %q", blocked, c.blocked)
			}
			if r.Exit != nil {
				exit = r.Exit.Gateway + " " + r.Exit.Kind
			}
			if exit != c.exit {
				t.Errorf("exit %q, want %q", exit, c.exit)
			}
			for layer, want := range c.layers {
				if got := r.Layer(layer).Status; got != want {
					t.Errorf("layer %s %s, want %s\n%s", layer, got, want, show())
				}
			}
			for _, want := range c.finding {
				parts := strings.Fields(want)
				found := false
				for _, f := range r.Layer(parts[0]).Findings {
					found = found || f.Code == parts[1] && f.Component == parts[2]
				}
				if !found {
					t.Errorf("no finding %q\n%s", want, show())
				}
			}
			if c.address != "" && r.Destination.Address != c.address {
				t.Errorf("destination address %s, want %s", r.Destination.Address, c.address)
			}
		})
	}
}
