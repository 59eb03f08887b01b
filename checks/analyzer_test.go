package checks

import (
	"slices"
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
