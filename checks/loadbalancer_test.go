package checks

import (
	"strings"
	"testing"
)

// loadBalancer makes eni an interface of the load balancer whose ARN ends
// in "loadbalancer/"+path ("net/NAME/ID"), with the listeners given
// (listeners read).
func (b *netBuilder) loadBalancer(eni, path string, listeners ...Listener) *LoadBalancer {
	b.n.ENIs[eni].Description = "ELB " + path
	if b.n.LoadBalancers == nil {
		b.n.LoadBalancers = map[string]*LoadBalancer{}
	}
	parts := strings.Split(path, "/")
	typ := map[string]string{"net": "network", "app": "application", "gwy": "gateway"}[parts[0]]
	lb := &LoadBalancer{ARN: "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/" + path, Name: parts[1], Type: typ,
		Scheme: "internal", VPCID: b.n.ENIs[eni].VPCID, State: "active", Listeners: listeners, ListenersRead: true}
	b.n.LoadBalancers[lb.ARN] = lb
	return lb
}

// TestLoadBalancerListeners: "Before you start using your load balancer,
// you must add at least one listener. If your load balancer has no
// listeners, it can't receive traffic from clients" (Elastic Load
// Balancing user guides, "Listeners for your Network Load Balancers" and
// "Listeners for your Application Load Balancers"); a listener's protocol
// says what it carries (TCP, TLS, HTTP, HTTPS over TCP; UDP; TCP_UDP both).
func TestLoadBalancerListeners(t *testing.T) {
	const nlb = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/api/0123456789abcdef"
	forward := []string{"forward"}
	for _, tc := range []struct {
		name     string
		setup    func(b *netBuilder)
		to       string
		proto    string
		verdict  Verdict
		status   Status
		code     string
		inDetail string
	}{
		{"a listener on the port", func(b *netBuilder) {
			b.loadBalancer("eni-server", "net/api/0123456789abcdef", Listener{Port: 443, Protocol: "TCP", Actions: forward})
		}, "10.0.2.20:443", "tcp", Unknown, StatusUnknown, "TARGETS_NOT_CHECKED", "names no target group"},
		{"no listener on the port", func(b *netBuilder) {
			b.loadBalancer("eni-server", "net/api/0123456789abcdef", Listener{Port: 80, Protocol: "TCP", Actions: forward}, Listener{Port: 8443, Protocol: "TLS", Actions: forward})
		}, "10.0.2.20:443", "tcp", Unreachable, StatusFail, "LOAD_BALANCER_LISTENER_PORT_RESTRICTION", "listeners on 80/tcp, 8443/tls"},
		{"a load balancer without listeners", func(b *netBuilder) {
			b.loadBalancer("eni-server", "net/api/0123456789abcdef")
		}, "10.0.2.20:443", "tcp", Unreachable, StatusFail, "LOAD_BALANCER_LISTENER_PORT_RESTRICTION", "has no listeners"},
		{"a UDP listener does not take TCP", func(b *netBuilder) {
			b.loadBalancer("eni-server", "net/api/0123456789abcdef", Listener{Port: 443, Protocol: "UDP", Actions: forward})
		}, "10.0.2.20:443", "tcp", Unreachable, StatusFail, "LOAD_BALANCER_LISTENER_PORT_RESTRICTION", "none for 443/tcp"},
		{"a TCP_UDP listener takes UDP", func(b *netBuilder) {
			b.n.SecurityGroups["sg-server"].Inbound = append(b.n.SecurityGroups["sg-server"].Inbound, SGRule{Protocol: ProtocolUDP, Ports: PortRange{53, 53}, Peer: SGPeer{CIDR: pfx("10.0.0.0/16")}})
			b.loadBalancer("eni-server", "net/api/0123456789abcdef", Listener{Port: 53, Protocol: "TCP_UDP", Actions: forward})
		}, "10.0.2.20:53", "udp", Unknown, StatusUnknown, "TARGETS_NOT_CHECKED", ""},
		{"a fixed-response listener answers by itself", func(b *netBuilder) {
			b.loadBalancer("eni-server", "app/web/0123456789abcdef", Listener{Port: 443, Protocol: "HTTPS", Actions: []string{"fixed-response"}})
		}, "10.0.2.20:443", "tcp", Reachable, StatusPass, "", ""},
		{"load balancers not read", func(b *netBuilder) {
			b.n.ENIs["eni-server"].Description = "ELB net/api/0123456789abcdef"
		}, "10.0.2.20:443", "tcp", Unknown, StatusUnknown, "DATA_MISSING", "load balancers were not read"},
		{"listeners not read", func(b *netBuilder) {
			b.loadBalancer("eni-server", "net/api/0123456789abcdef").ListenersRead = false
		}, "10.0.2.20:443", "tcp", Unknown, StatusUnknown, "DATA_MISSING", "listeners were not read"},
		{"a load balancer not among those read", func(b *netBuilder) {
			b.loadBalancer("eni-client", "net/other/00000000000000ff")
			b.n.ENIs["eni-server"].Description = "ELB net/api/0123456789abcdef"
		}, "10.0.2.20:443", "tcp", Unknown, StatusUnknown, "DATA_MISSING", "not among the load balancers read"},
		{"a Classic Load Balancer is not modelled", func(b *netBuilder) {
			b.n.LoadBalancers = map[string]*LoadBalancer{}
			b.n.ENIs["eni-server"].Description = "ELB classic-web"
		}, "10.0.2.20:443", "tcp", Unknown, StatusUnknown, "LOAD_BALANCER_NOT_MODELLED", "Classic"},
		{"a Gateway Load Balancer is not modelled", func(b *netBuilder) {
			b.loadBalancer("eni-server", "gwy/inspect/0123456789abcdef")
		}, "10.0.2.20:443", "tcp", Unknown, StatusUnknown, "LOAD_BALANCER_NOT_MODELLED", "Gateway"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := twoVPCs()
			tc.setup(b)
			q := mustQuery(t, "eni-client", tc.to, tc.proto, 0)
			r, err := Evaluate(b.n, q)
			if err != nil {
				t.Fatal(err)
			}
			svc := r.Layer(LayerService)
			if r.Verdict != tc.verdict || svc.Status != tc.status {
				t.Fatalf("verdict %s, service %s; want %s, %s\n%s", r.Verdict, svc.Status, tc.verdict, tc.status, dump(r))
			}
			if tc.code == "" {
				return
			}
			f := finding(r, LayerService, tc.code)
			if f == nil || !strings.Contains(f.Detail, tc.inDetail) {
				t.Fatalf("want a %s finding saying %q\n%s", tc.code, tc.inDetail, dump(r))
			}
			if tc.verdict == Unreachable {
				if r.BlockedBy == nil || r.BlockedBy.Layer != LayerService || r.BlockedBy.Component != nlb {
					t.Errorf("blocked_by %+v, want the service layer at %s", r.BlockedBy, nlb)
				}
			}
		})
	}
}

// TestLoadBalancerTargetHealth: a group with no target taking traffic
// refuses at the group, before any leg; the legs themselves are
// TestTargetLegs's. Draining targets get no new connections
// ("Elastic Load Balancing stops sending requests to targets that are
// deregistering", ELB user guides, deregistration delay); unused ones are in
// no use (target health states: "unused"); and "if a target group contains
// only unhealthy registered targets, the load balancer routes requests to
// all those targets, regardless of their health status" (health checks for
// target groups).
func TestLoadBalancerTargetHealth(t *testing.T) {
	const tgARN = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/api/89abcdef01234567"
	target := func(id, state string) Target { return Target{ID: id, Port: 8443, State: state} }
	for _, tc := range []struct {
		name    string
		group   *TargetGroup
		verdict Verdict
		code    string
	}{
		{"no targets registered", &TargetGroup{ARN: tgARN, TargetsRead: true}, Unreachable, "TARGET_GROUP_NO_TARGETS"},
		{"every target draining or unused", &TargetGroup{ARN: tgARN, TargetsRead: true, Targets: []Target{target("i-1", "draining"), target("i-2", "unused")}}, Unreachable, "TARGET_GROUP_NO_TARGETS"},
		{"health not read: unknown", &TargetGroup{ARN: tgARN}, Unknown, "DATA_MISSING"},
		{"a group not among those read: unknown", nil, Unknown, "DATA_MISSING"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := twoVPCs()
			b.loadBalancer("eni-server", "net/api/0123456789abcdef", Listener{Port: 443, Protocol: "TCP", Actions: []string{"forward"}, TargetGroupARNs: []string{tgARN}})
			b.n.TargetGroups = map[string]*TargetGroup{}
			if tc.group != nil {
				b.n.TargetGroups[tgARN] = tc.group
			}
			r := check(t, b.n, "eni-client", "10.0.2.20:443")
			if r.Verdict != tc.verdict || finding(r, LayerService, tc.code) == nil {
				t.Fatalf("verdict %s, want %s with %s\n%s", r.Verdict, tc.verdict, tc.code, dump(r))
			}
			if tc.verdict == Unreachable && (r.BlockedBy == nil || r.BlockedBy.Component != tgARN) {
				t.Errorf("blocked_by %+v, want the target group %s", r.BlockedBy, tgARN)
			}
		})
	}
}

// TestLoadBalancerEnd: a load balancer named by its ARN or name is reached
// by its DNS name; a Name tag of an instance or interface keeps its
// meaning, and a name two load balancers share names neither.
func TestLoadBalancerEnd(t *testing.T) {
	const arn = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/api/0123456789abcdef"
	for _, tc := range []struct {
		name, typed, want string
		setup             func(b *netBuilder)
	}{
		{"by ARN with a port", arn + ":443", "api-0123456789abcdef.elb.us-east-1.amazonaws.com:443", nil},
		{"by ARN", arn, "api-0123456789abcdef.elb.us-east-1.amazonaws.com", nil},
		{"by name with a port", "api:443", "api-0123456789abcdef.elb.us-east-1.amazonaws.com:443", nil},
		{"an unknown ARN", arn + "0:443", "", nil},
		{"a Name tag wins", "api:443", "", func(b *netBuilder) { b.n.ENIs["eni-peer"].Name = "api" }},
		{"a name two load balancers share", "api", "", func(b *netBuilder) {
			other := *b.n.LoadBalancers[arn]
			other.ARN = arn + "ff"
			b.n.LoadBalancers[other.ARN] = &other
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := twoVPCs()
			b.loadBalancer("eni-server", "net/api/0123456789abcdef").DNSName = "api-0123456789abcdef.elb.us-east-1.amazonaws.com"
			if tc.setup != nil {
				tc.setup(b)
			}
			got, ok := b.n.LoadBalancerEnd(tc.typed)
			if got != tc.want || ok != (tc.want != "") {
				t.Errorf("LoadBalancerEnd(%q) = %q, %t; want %q", tc.typed, got, ok, tc.want)
			}
		})
	}
}
