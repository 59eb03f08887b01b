// Service cases: what AWS services add on top of the packet path (Lambda,
// RDS, NAT gateways, endpoint policies, other accounts, Resolver
// endpoints), the state of the destination's instance and interface, and
// the reading of endpoint policies.

package checks

import (
	"net/netip"
	"testing"
)

func TestServiceLayer(t *testing.T) {
	// withFix: a blocking finding of the code must carry a fix.
	withFix := func(code string) func(t *testing.T, r Report) {
		return func(t *testing.T, r Report) {
			t.Helper()
			if f := finding(r, LayerService, code); f != nil && f.Severity == SeverityBlock && f.Fix == "" {
				t.Errorf("%s has no fix", code)
			}
		}
	}
	lambdaViaIGW := func(b *netBuilder) {
		b.n.ENIs["eni-client"].InterfaceType = "lambda"
		b.table("rtb-lambda", "vpc-app", "subnet-a")
		b.route("rtb-lambda", "0.0.0.0/0", TargetIGW, "igw-1")
	}
	rds := func(b *netBuilder) {
		e := b.n.ENIs["eni-server"]
		e.RequesterID, e.Description = "amazon-rds", "RDSNetworkInterface"
	}
	twoAccounts := func(b *netBuilder) {
		b.n.ENIs["eni-client"].OwnerID, b.n.ENIs["eni-server"].OwnerID = "111111111111", "222222222222"
	}
	stoppedServer := func(b *netBuilder) {
		b.n.ENIs["eni-server"].InstanceID = "i-server"
		b.n.Instances["i-server"] = &Instance{ID: "i-server", State: "stopped", ENIIDs: []string{"eni-server"}}
	}
	runPaths(t, []pathCase{
		{
			name:  "ordinary interfaces",
			world: internetVPC,
			from:  "eni-client", to: "10.0.2.20:443",
			verdict:  Reachable,
			statuses: map[string]Status{LayerService: StatusSkip},
		},
		{
			name:  "Lambda through an internet gateway",
			world: internetVPC, change: lambdaViaIGW,
			from: "eni-client", to: "93.184.216.34:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerService: StatusFail},
			findings: []wantFinding{{layer: LayerService, code: "LAMBDA_VIA_INTERNET_GATEWAY", component: "rtb-lambda",
				fixIs: "aws ec2 replace-route --route-table-id rtb-lambda --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-1"}},
			// The route blocks first; the service layer explains.
			blocked: &Blocked{Layer: LayerRoute, Code: "NO_PUBLIC_IP"},
			verify:  withFix("LAMBDA_VIA_INTERNET_GATEWAY"),
		},
		{
			name:  "a Lambda subnet's internet route is noted on other paths",
			world: internetVPC, change: lambdaViaIGW,
			from: "eni-client", to: "10.0.2.20:443",
			verdict:  Reachable,
			statuses: map[string]Status{LayerService: StatusPass},
			findings: []wantFinding{{layer: LayerService, code: "LAMBDA_VIA_INTERNET_GATEWAY", severity: SeverityInfo, component: "rtb-lambda"}},
		},
		{
			name:   "Lambda through a NAT gateway",
			world:  internetVPC,
			change: func(b *netBuilder) { b.n.ENIs["eni-client"].InterfaceType = "lambda" },
			from:   "eni-client", to: "93.184.216.34:443",
			verdict:  Reachable,
			statuses: map[string]Status{LayerService: StatusPass},
		},
		{
			name:  "RDS from the internet",
			world: internetVPC, change: rds,
			from: "203.0.113.9", to: "10.0.2.20:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerService: StatusFail},
			findings: []wantFinding{{layer: LayerService, code: "RDS_NOT_PUBLICLY_ACCESSIBLE", component: "eni-server"}},
			verify:   withFix("RDS_NOT_PUBLICLY_ACCESSIBLE"),
		},
		{
			name:   "RDS from its VPC",
			world:  internetVPC,
			change: func(b *netBuilder) { b.n.ENIs["eni-server"].RequesterID = "amazon-rds" },
			from:   "eni-client", to: "10.0.2.20:443",
			verdict:  Reachable,
			statuses: map[string]Status{LayerService: StatusPass},
		},
		{
			name:  "a NAT gateway accepts no connection",
			world: internetVPC,
			from:  "eni-client", to: "10.0.0.5:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerService: StatusFail},
			findings: []wantFinding{{layer: LayerService, code: "NAT_GATEWAY_NOT_A_DESTINATION", component: "nat-1"}},
		},
		{
			name:  "gateway endpoint policy with a Deny",
			world: internetVPC,
			change: func(b *netBuilder) {
				b.n.PrefixLists["pl-s3"] = &PrefixList{ID: "pl-s3", CIDRs: []netip.Prefix{pfx("52.216.0.0/15")}}
				b.n.Endpoints["vpce-s3"] = &Endpoint{ID: "vpce-s3", Type: "Gateway", State: "available", VPCID: "vpc-app", ServiceName: "com.amazonaws.us-east-1.s3",
					PolicyDocument: `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Sid":"NoPut","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*"}]}`}
				b.route("rtb-main-vpc-app", "pl-s3", TargetEndpoint, "vpce-s3")
			},
			from: "eni-client", to: "52.216.10.10:443",
			verdict:  Reachable,
			statuses: map[string]Status{LayerService: StatusWarn},
			findings: []wantFinding{{layer: LayerService, code: "ENDPOINT_POLICY_RESTRICTS", component: "vpce-s3"}},
			verify:   withFix("ENDPOINT_POLICY_RESTRICTS"),
		},
		{
			name:  "gateway endpoint with the default policy",
			world: internetVPC,
			change: func(b *netBuilder) {
				b.n.PrefixLists["pl-s3"] = &PrefixList{ID: "pl-s3", CIDRs: []netip.Prefix{pfx("52.216.0.0/15")}}
				b.n.Endpoints["vpce-s3"] = &Endpoint{ID: "vpce-s3", Type: "Gateway", State: "available", VPCID: "vpc-app"}
				b.route("rtb-main-vpc-app", "pl-s3", TargetEndpoint, "vpce-s3")
			},
			from: "eni-client", to: "52.216.10.10:443",
			verdict:  Reachable,
			statuses: map[string]Status{LayerService: StatusPass},
		},
		{
			name:  "another account's interface",
			world: internetVPC, change: twoAccounts,
			from: "eni-client", to: "10.0.2.20:443",
			verdict:  Reachable,
			statuses: map[string]Status{LayerService: StatusPass},
			findings: []wantFinding{{layer: LayerService, code: "CROSS_ACCOUNT", component: "eni-server"}},
			verify:   withFix("CROSS_ACCOUNT"),
		},
		{
			name:  "another account's database",
			world: internetVPC,
			change: func(b *netBuilder) {
				twoAccounts(b)
				b.n.ENIs["eni-server"].RequesterID = "amazon-rds"
			},
			from: "eni-client", to: "10.0.2.20:443",
			verdict:  Reachable,
			statuses: map[string]Status{LayerService: StatusWarn},
			findings: []wantFinding{{layer: LayerService, code: "CROSS_ACCOUNT", component: "eni-server"}},
			verify:   withFix("CROSS_ACCOUNT"),
		},
		{
			name:  "an outbound endpoint answers nothing",
			world: internetVPC,
			change: func(b *netBuilder) {
				withForwarding(b)
				b.n.SecurityGroups["sg-rslvr-out"].Inbound = []SGRule{{Protocol: ProtocolAll, Peer: SGPeer{CIDR: pfx("10.0.0.0/8")}}}
			},
			from: "eni-client", to: "10.0.2.53:53",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerService: StatusFail},
			findings: []wantFinding{{layer: LayerService, code: "RESOLVER_OUTBOUND_NOT_A_SERVER", component: "rslvr-out-1"}},
		},
		{
			name:   "a stopped instance",
			change: stoppedServer,
			from:   "eni-client", to: "10.0.2.20:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerService: StatusFail, LayerRoute: StatusPass},
			findings: []wantFinding{{layer: LayerService, code: "BAD_STATE", component: "i-server", fixIs: "aws ec2 start-instances --instance-ids i-server"}},
		},
		{
			name: "without instance data the state is unknown, never assumed running",
			change: func(b *netBuilder) {
				stoppedServer(b)
				delete(b.n.Instances, "i-server")
				b.n.Gaps = append(b.n.Gaps, Gap{Kind: KindInstances, Reason: "AccessDenied", Action: "ec2:DescribeInstances"})
			},
			from: "eni-client", to: "10.0.2.20:443",
			verdict:  Unknown,
			statuses: map[string]Status{LayerService: StatusUnknown},
		},
		{
			name:   "a detached destination interface",
			change: func(b *netBuilder) { b.n.ENIs["eni-server"].Status = "available" },
			from:   "eni-client", to: "10.0.2.20:443",
			verdict:  Unreachable,
			statuses: map[string]Status{LayerService: StatusFail, LayerRoute: StatusPass},
		},
	})
}

func TestAnalysePolicy(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		full bool
	}{
		{``, true},
		{`{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`, true},
		{`{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["s3:*"],"Resource":["*"]}}`, true},
		{`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, true},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:s3:::my-bucket/*"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"*","Resource":"*"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","NotAction":"s3:Delete*","Resource":"*"}]}`, false},
		{`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3*:*","Resource":"*"}]}`, false},
		{`not json`, false},
		{`{"Statement":"nope"}`, false},
	} {
		v, why := analysePolicy(tc.doc)
		if (v == policyFull) != tc.full {
			t.Errorf("%s: full=%v (%s), want %v", tc.doc, v == policyFull, why, tc.full)
		}
	}
}
