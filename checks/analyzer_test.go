package checks

import (
	"slices"
	"strings"
	"testing"
)

func analyzerReport(verdict Verdict, statuses map[string]Status) Report {
	rep := Report{Verdict: verdict}
	for _, name := range LayerOrder {
		s, ok := statuses[name]
		if !ok {
			s = StatusPass
		}
		rep.Layers = append(rep.Layers, Layer{Name: name, Status: s, Summary: name + " summary"})
	}
	return rep
}

func TestCompareAnalyzer(t *testing.T) {
	yes, no := true, false
	sgBlock := AnalyzerExplanation{Code: "ENI_SG_RULES_MISMATCH", Direction: "ingress", Layer: LayerSecurityGroup, Component: "sg-1"}
	aclBlock := AnalyzerExplanation{Code: "SUBNET_ACL_RESTRICTION", Direction: "egress", Layer: LayerNACL, Component: "acl-1"}
	cases := []struct {
		name        string
		verdict     Verdict
		statuses    map[string]Status
		hops        []Hop
		res         AnalyzerResult
		agrees      bool
		diffLayers  []string
		layerStatus Status
	}{
		{
			name:        "both reachable",
			verdict:     Reachable,
			res:         AnalyzerResult{Status: AnalyzerSucceeded, PathFound: &yes},
			agrees:      true,
			layerStatus: StatusPass,
		},
		{
			name:        "both blame the security group",
			verdict:     Unreachable,
			statuses:    map[string]Status{LayerSecurityGroup: StatusFail},
			res:         AnalyzerResult{Status: AnalyzerSucceeded, PathFound: &no, Explanations: []AnalyzerExplanation{sgBlock}},
			agrees:      true,
			layerStatus: StatusPass,
		},
		{
			name:        "local reachable, analyzer blames the nacl",
			verdict:     Reachable,
			res:         AnalyzerResult{Status: AnalyzerSucceeded, PathFound: &no, Explanations: []AnalyzerExplanation{aclBlock}},
			diffLayers:  []string{LayerNACL},
			layerStatus: StatusWarn,
		},
		{
			name:        "different layers blamed",
			verdict:     Unreachable,
			statuses:    map[string]Status{LayerSecurityGroup: StatusFail},
			res:         AnalyzerResult{Status: AnalyzerSucceeded, PathFound: &no, Explanations: []AnalyzerExplanation{aclBlock}},
			diffLayers:  []string{LayerNACL, LayerSecurityGroup},
			layerStatus: StatusWarn,
		},
		{
			name:        "local unreachable, analyzer finds a path",
			verdict:     Unreachable,
			statuses:    map[string]Status{LayerRoute: StatusFail},
			res:         AnalyzerResult{Status: AnalyzerSucceeded, PathFound: &yes},
			diffLayers:  []string{LayerRoute},
			layerStatus: StatusWarn,
		},
		{
			name:        "both reachable through the same gateway",
			verdict:     Reachable,
			hops:        []Hop{{Component: "eni-1"}, {Component: "nat-1"}, {Component: "igw-1"}},
			res:         AnalyzerResult{Status: AnalyzerSucceeded, PathFound: &yes, ForwardPath: []string{"eni-1", "subnet-1", "nat-1", "igw-1"}},
			agrees:      true,
			layerStatus: StatusPass,
		},
		{
			name:        "both reachable through different gateways",
			verdict:     Reachable,
			hops:        []Hop{{Component: "eni-1"}, {Component: "pcx-1"}},
			res:         AnalyzerResult{Status: AnalyzerSucceeded, PathFound: &yes, ForwardPath: []string{"eni-1", "tgw-1"}},
			diffLayers:  []string{LayerRoute},
			layerStatus: StatusWarn,
		},
		{
			name:        "analyzer blames what reach does not model",
			verdict:     Reachable,
			res:         AnalyzerResult{Status: AnalyzerSucceeded, PathFound: &no, Explanations: []AnalyzerExplanation{{Code: "SOMETHING_NEW"}}},
			diffLayers:  []string{"verdict"},
			layerStatus: StatusWarn,
		},
		{
			name:        "a local unknown layer is not a disagreement, nor an agreement",
			verdict:     Unknown,
			statuses:    map[string]Status{LayerNACL: StatusUnknown},
			res:         AnalyzerResult{Status: AnalyzerSucceeded, PathFound: &no, Explanations: []AnalyzerExplanation{aclBlock}},
			layerStatus: StatusUnknown,
		},
		{
			name:        "no answer",
			verdict:     Unreachable,
			res:         AnalyzerResult{Status: AnalyzerTimedOut, Message: "no answer in time"},
			layerStatus: StatusUnknown,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep := analyzerReport(tc.verdict, tc.statuses)
			rep.Hops = tc.hops
			res := tc.res
			CompareAnalyzer(&rep, &res)
			if res.Agrees != tc.agrees {
				t.Errorf("agrees %v, want %v (%+v)", res.Agrees, tc.agrees, res.Differences)
			}
			var layers []string
			for _, d := range res.Differences {
				layers = append(layers, d.Layer)
				if d.Local == "" || d.Analyzer == "" {
					t.Errorf("difference %+v does not show both sides", d)
				}
			}
			slices.Sort(layers)
			if !slices.Equal(layers, tc.diffLayers) {
				t.Errorf("differences on %v, want %v", layers, tc.diffLayers)
			}
			if rep.Verdict != tc.verdict {
				t.Errorf("the verdict changed to %s", rep.Verdict)
			}
			l := rep.Layer(LayerReachabilityAnalyzer)
			if l == nil || l.Status != tc.layerStatus {
				t.Fatalf("analyzer layer %+v, want status %s", l, tc.layerStatus)
			}
			if len(rep.Layers) != len(LayerOrder)+1 || rep.Layers[len(rep.Layers)-1].Name != LayerReachabilityAnalyzer {
				t.Errorf("the analyzer is not the last row: %d layers", len(rep.Layers))
			}
		})
	}
}

func TestExplanationLayer(t *testing.T) {
	cases := []struct {
		code  string
		kinds []string
		want  string
	}{
		{"NO_ROUTE_TO_DESTINATION", nil, LayerRoute},
		{"TGW_RTB_CANNOT_ROUTE", nil, LayerRoute},
		{"SUBNET_ACL_RESTRICTION", nil, LayerNACL},
		{"ENI_SG_RULES_MISMATCH", nil, LayerSecurityGroup},
		{"ELBV2_LISTENER_HAS_NO_TG", nil, LayerService},
		{"UNHEARD_OF", []string{"acl"}, LayerNACL},
		{"UNHEARD_OF", []string{"vpc"}, ""},
	}
	for _, tc := range cases {
		if got := ExplanationLayer(tc.code, tc.kinds); got != tc.want {
			t.Errorf("ExplanationLayer(%s, %v) = %q, want %q", tc.code, tc.kinds, got, tc.want)
		}
	}
}

func TestAnalyzerPathAgainstHops(t *testing.T) {
	yes := true
	forward := []Hop{{Component: "eni-src"}, {Component: "sg-app"}, {Component: "sg-base"}, {Component: "acl-a"}, {Component: "rtb-a"}, {Component: "tgw-attach-a"}, {Component: "tgw-rtb-1"}, {Component: "tgw-1"}, {Component: "tgw-attach-b"}, {Component: "acl-b"}, {Component: "sg-db"}, {Component: "eni-dst"}}
	reply := []Hop{{Component: "acl-b"}, {Component: "rtb-b"}, {Component: "tgw-1"}, {Component: "acl-a"}}
	sameForward := []string{"i-src", "eni-src", "sg-app", "acl-a", "rtb-a", "tgw-attach-a", "tgw-rtb-1", "tgw-1", "tgw-attach-b", "acl-b", "sg-db", "eni-dst", "i-dst"}
	sameReturn := []string{"eni-dst", "acl-b", "rtb-b", "tgw-1", "acl-a", "eni-src"}
	cases := []struct {
		name        string
		reply       []Hop
		fwd, ret    []string
		diffs       []string
		diffSays    string
		onLocalPath map[string]bool
	}{
		{name: "the same components both ways", reply: reply, fwd: sameForward, ret: sameReturn,
			onLocalPath: map[string]bool{"forward eni-src": true, "forward sg-app": true, "return rtb-b": true, "forward tgw-attach-a": true}},
		{name: "the request leaves through another route table", reply: reply,
			fwd: []string{"eni-src", "sg-app", "acl-a", "rtb-z", "tgw-1", "acl-b", "sg-db", "eni-dst"}, ret: sameReturn,
			diffs: []string{LayerRoute}, diffSays: "rtb-z", onLocalPath: map[string]bool{"forward rtb-z": false, "forward acl-a": true, "return acl-a": true}},
		{name: "the reply crosses another network acl", reply: reply, fwd: sameForward,
			ret:   []string{"eni-dst", "acl-q", "rtb-b", "tgw-1", "acl-a", "eni-src"},
			diffs: []string{LayerNACL}, diffSays: "acl-b"},
		{name: "the analyzer admits through a group reach never evaluated", reply: reply,
			fwd: []string{"eni-src", "sg-app", "acl-a", "rtb-a", "tgw-1", "acl-b", "sg-other", "eni-dst"}, ret: sameReturn,
			diffs: []string{LayerSecurityGroup}, diffSays: "sg-other"},
		{name: "transit gateway attachments and tables are not compared", reply: reply,
			fwd: []string{"eni-src", "sg-app", "acl-a", "rtb-a", "tgw-attach-x", "tgw-rtb-9", "tgw-1", "acl-b", "sg-db", "eni-dst"}, ret: sameReturn,
			onLocalPath: map[string]bool{"forward tgw-attach-x": false}},
		{name: "a layer the analyzer names nothing of is not compared", reply: reply,
			fwd: []string{"eni-src", "eni-dst"}, ret: []string{"eni-dst", "eni-src"}},
		{name: "no local reply walk: the return path is not compared", fwd: sameForward,
			ret:         []string{"eni-dst", "acl-q", "rtb-q", "eni-src"},
			onLocalPath: map[string]bool{"return acl-q": false}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rep := analyzerReport(Reachable, nil)
			rep.Hops, rep.returnHops = forward, tc.reply
			res := AnalyzerResult{Status: AnalyzerSucceeded, PathFound: &yes, ForwardPath: tc.fwd, ReturnPath: tc.ret}
			CompareAnalyzer(&rep, &res)
			var layers []string
			for _, d := range res.Differences {
				layers = append(layers, d.Layer)
				if !strings.Contains(d.Local+" "+d.Analyzer, tc.diffSays) {
					t.Errorf("difference %+v does not name %s", d, tc.diffSays)
				}
			}
			if !slices.Equal(layers, tc.diffs) {
				t.Errorf("differences on %v, want %v: %+v", layers, tc.diffs, res.Differences)
			}
			if res.Agrees != (len(tc.diffs) == 0) {
				t.Errorf("agrees %v with differences %v", res.Agrees, layers)
			}
			if len(res.Hops) != len(tc.fwd)+len(tc.ret) {
				t.Fatalf("%d hops mapped, want every component of both paths (%d)", len(res.Hops), len(tc.fwd)+len(tc.ret))
			}
			for i, h := range res.Hops {
				want := string(Forward)
				if i >= len(tc.fwd) {
					want = string(Return)
				}
				if h.Direction != want {
					t.Errorf("hop %d %s direction %s, want %s", i, h.Component, h.Direction, want)
				}
				if strings.HasPrefix(h.Component, "i-") && h.OnLocalPath != nil {
					t.Errorf("%s: reach records no instance hops, yet on_local_path is set", h.Component)
				}
				if on, ok := tc.onLocalPath[h.Direction+" "+h.Component]; ok && (h.OnLocalPath == nil || *h.OnLocalPath != on) {
					t.Errorf("%s (%s): on_local_path %v, want %v", h.Component, h.Direction, h.OnLocalPath, on)
				}
			}
		})
	}
}

func TestComponentLayer(t *testing.T) {
	for id, want := range map[string]string{
		"acl-1": LayerNACL, "sg-1": LayerSecurityGroup, "rtb-1": LayerRoute, "tgw-rtb-1": LayerRoute,
		"tgw-attach-1": LayerRoute, "tgw-1": LayerRoute, "igw-1": LayerRoute, "nat-1": LayerRoute, "pcx-1": LayerRoute,
		"vgw-1": LayerRoute, "vpce-1": LayerRoute, "eigw-1": LayerRoute, "eni-1": "", "i-1": "", "subnet-1": "", "vpc-1": "",
	} {
		if got := ComponentLayer(id); got != want {
			t.Errorf("ComponentLayer(%s) = %q, want %q", id, got, want)
		}
	}
}

// TestEveryDocumentedExplanationCode places every code of the explanation
// code reference (docs.aws.amazon.com/vpc/latest/reachability/
// explanation-codes.html) on the layer that decides the same thing in
// reach, or on none where reach models no such thing; a code the table
// misplaces would turn into a wrong disagreement.
func TestEveryDocumentedExplanationCode(t *testing.T) {
	route, nacl, sg, sdc, svc := LayerRoute, LayerNACL, LayerSecurityGroup, LayerSourceDestCheck, LayerService
	documented := map[string]string{
		"BAD_STATE": route, "BAD_STATE_ATTACHMENT": route, "BAD_STATE_ROUTE": route, "BAD_STATE_VPN": route,
		"CANNOT_ROUTE": route, "ELB_ACL_RESTRICTION": nacl, "ELB_INSTALLED_AZ_RESTRICTION": svc,
		"ELB_LISTENER_PORT_RESTRICTION": svc, "ELB_LISTENERS_MISMATCH": svc, "ELB_NOT_CROSSZONE": svc,
		"ELBV2_LISTENER_HAS_NO_TG": svc, "ELBV2_LISTENER_PORT_RESTRICTION": svc, "ELBV2_LISTENER_REQUIRES_TG_ACCEPT": svc,
		"ELBV2_LISTENERS_MISMATCH": svc, "ELBV2_NO_TARGETS_IN_AZ": svc, "ELBV2_SOURCE_ADDRESS_PRESERVATION": svc,
		"ENI_ADDRESS_RESTRICTION": sdc, "ENI_SG_RULES_MISMATCH": sg, "ENI_SOURCE_DEST_CHECK_RESTRICTION": sdc,
		"FIREWALL_RULES_RESTRICTION": "", "GATEWAY_REJECTS_SPOOFED_TRAFFIC": route,
		"GWLB_DESTINATION_PORT_RESTRICTION": svc, "GWLB_PROTOCOL_RESTRICTION": svc, "HIGHER_PRIORITY_ROUTE": route,
		"IGW_DESTINATION_ADDRESS_IN_VPC_CIDRS": route, "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS": route,
		"IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS": route, "IGW_NAT_REFLECTION": "",
		"IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS": route, "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS": route,
		"IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS": route, "IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS": route,
		"INGRESS_RTB_NO_PUBLIC_IP": route, "INGRESS_RTB_TRAFFIC_REDIRECTION": route, "MORE_SPECIFIC_ROUTE": route,
		"NGW_DEST_ADDRESS_PRESERVATION": route, "NGW_REQUIRES_SOURCE_IN_VPC": route, "NGW_SOURCE_ADDRESS_REASSIGN": route,
		"NO_POSSIBLE_DESTINATION": route, "NO_ROUTE_TO_DESTINATION": route, "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR": route,
		"REGIONAL_NGW_ROUTE_AZ_RESTRICTION": route, "REMAP_EPHEMERAL_PORT": "", "SG_HAS_NO_RULES": sg,
		"SG_REFERENCES_NOT_PRESERVED": sg, "SG_REFERENCING_SUPPORT": sg, "SUBNET_ACL_RESTRICTION": nacl,
		"TARGET_ADDRESS_RESTRICTION": svc, "TARGET_PORT_RESTRICTION": svc, "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION": route,
		"TGW_ATTACH_VPC_AZ_RESTRICTION": route, "TGW_BAD_STATE_VPN": route, "TGW_ROUTE_AZ_RESTRICTION": route,
		"TGW_RTB_BAD_STATE_ROUTE": route, "TGW_RTB_CANNOT_ROUTE": route, "TGW_RTB_HIGHER_PRIORITY_ROUTE": route,
		"TGW_RTB_MORE_SPECIFIC_ROUTE": route, "TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT": route, "TGW_RTB_ROUTES_ARE_UNKNOWN": "",
		"UNKNOWN_DESTINATION": "", "UNKNOWN_PEERED_SGS": sg, "UNKNOWN_RESOURCE": "",
		"VGW_PRIVATE_IP_ASSOCIATION_FOR_EGRESS": route, "VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS": route,
		"VPC_BLOCK_PUBLIC_ACCESS_ENABLED": "", "VPC_LOCAL_ROUTE_CIDR_RESTRICTION": route,
		"VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION": route, "VPCE_GATEWAY_PROTOCOL_RESTRICTION": route,
		"VPCE_INTRA_VPC_TRAFFIC": svc, "VPCE_SERVICE_NOT_INSTALLED_IN_AZ": svc,
		"DISCONNECTED_VPCS": route, "NO_PATH": "", "NO_SOURCE_OR_DESTINATION": "", "UNASSOCIATED_COMPONENT": "",
		"UNSUPPORTED_COMPONENT": "", "COMPONENT_FILTER_RESTRICTION": "", "COMPONENT_FILTER_RESTRICTION_REMOVED_COMPONENT": "",
		"FILTER_AT_DESTINATION_DESTINATION_ADDRESS": "", "FILTER_AT_DESTINATION_DESTINATION_PORT_RANGE": "",
		"FILTER_AT_DESTINATION_PROTOCOL": "", "FILTER_AT_DESTINATION_SOURCE_ADDRESS": "",
		"FILTER_AT_DESTINATION_SOURCE_PORT_RANGE": "", "FILTER_AT_SOURCE_DESTINATION_ADDRESS": "",
		"FILTER_AT_SOURCE_DESTINATION_PORT_RANGE": "", "FILTER_AT_SOURCE_PROTOCOL": "", "FILTER_AT_SOURCE_SOURCE_ADDRESS": "",
		"FILTER_AT_SOURCE_SOURCE_PORT_RANGE": "", "IGW_EXPECTS_PUBLIC_ADDRESS": "",
	}
	for code, want := range documented {
		// Even an explanation that also names an ACL keeps its code's
		// layer: the code decides, the components only break ties.
		if got := ExplanationLayer(code, []string{"acl"}); got != want {
			t.Errorf("%s: layer %q, want %q", code, got, want)
		}
		if _, listed := explanationLayers[code]; !listed {
			t.Errorf("%s is documented but not in the table", code)
		}
	}
	// PROTOCOL_RESTRICTION blames whichever component it names.
	if got := ExplanationLayer("PROTOCOL_RESTRICTION", []string{"acl"}); got != nacl {
		t.Errorf("PROTOCOL_RESTRICTION on an acl: %q", got)
	}
	if got := ExplanationLayer("PROTOCOL_RESTRICTION", []string{"vpcEndpoint"}); got != "" {
		t.Errorf("PROTOCOL_RESTRICTION on an endpoint: %q", got)
	}
	for code := range explanationLayers {
		if _, ok := documented[code]; !ok {
			t.Errorf("%s is in the table but not in the reference", code)
		}
	}
}

// TestAnalyzerPathOfARealWalk sets beside the engine's own walk of a
// peered path an analyzer path that crosses the same components: they
// agree, the reply's components are recorded, and a reply through another
// peering is a route difference.
func TestAnalyzerPathOfARealWalk(t *testing.T) {
	yes := true
	n := twoVPCs().n
	q := mustQuery(t, "eni-client", "10.1.1.30:5432", "tcp", 0)
	rep, err := Evaluate(n, q)
	if err != nil || rep.Verdict != Reachable {
		t.Fatalf("the peered path: %v %s\n%s", err, rep.Verdict, dump(rep))
	}
	replyIDs := hopIDs(rep.returnHops)
	for _, want := range []string{"pcx-1", "rtb-main-vpc-data", "acl-default-vpc-data", "acl-default-vpc-app"} {
		if !slices.Contains(replyIDs, want) {
			t.Errorf("the reply's hops %v lack %s", replyIDs, want)
		}
	}
	forward, reply := hopIDs(rep.Hops), slices.Clone(replyIDs)
	same := rep
	res := AnalyzerResult{Status: AnalyzerSucceeded, PathFound: &yes, ForwardPath: forward, ReturnPath: reply}
	CompareAnalyzer(&same, &res)
	if !res.Agrees {
		t.Errorf("the walk's own components disagree: %+v", res.Differences)
	}
	other := slices.Clone(reply)
	other[slices.Index(other, "pcx-1")] = "pcx-9"
	rep2, _ := Evaluate(n, q)
	res2 := AnalyzerResult{Status: AnalyzerSucceeded, PathFound: &yes, ForwardPath: forward, ReturnPath: other}
	CompareAnalyzer(&rep2, &res2)
	if res2.Agrees || len(res2.Differences) != 1 || res2.Differences[0].Layer != LayerRoute || !strings.Contains(res2.Differences[0].Analyzer, "reply") {
		t.Errorf("a reply through another peering: %+v", res2.Differences)
	}
}
