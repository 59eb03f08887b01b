// The second opinion: AWS's Reachability Analyzer, mapped onto reach's
// layers and compared with the local verdict layer by layer. A difference
// is a warning; it never changes the verdict nor the exit status.

package checks

import (
	"fmt"
	"sort"
	"strings"
)

// AnalyzerStatus is how an analysis ended.
type AnalyzerStatus string

// Analysis outcomes.
const (
	AnalyzerSucceeded AnalyzerStatus = "succeeded"
	AnalyzerFailed    AnalyzerStatus = "failed"
	AnalyzerTimedOut  AnalyzerStatus = "timed-out"
	AnalyzerDenied    AnalyzerStatus = "denied"
	AnalyzerError     AnalyzerStatus = "error"
)

// AnalyzerExplanation is one explanation of an unreachable path, placed on
// the layer and the component reach uses.
type AnalyzerExplanation struct {
	Code      string `json:"code"`
	Direction string `json:"direction"`
	// Layer is one of reach's layer names, or "" when the code speaks of
	// something reach does not model.
	Layer     string `json:"layer"`
	Component string `json:"component"`
}

// AnalyzerDifference is one layer on which the two engines disagree.
type AnalyzerDifference struct {
	Layer    string `json:"layer"`
	Local    string `json:"local"`
	Analyzer string `json:"analyzer"`
}

// AnalyzerResult is the second opinion as the check contract prints it.
type AnalyzerResult struct {
	Status AnalyzerStatus `json:"status"`
	// PathFound is set only when the analysis succeeded.
	PathFound    *bool                 `json:"path_found,omitempty"`
	Agrees       bool                  `json:"agrees"`
	AnalysisID   string                `json:"analysis_id,omitempty"`
	Explanations []AnalyzerExplanation `json:"explanations"`
	Differences  []AnalyzerDifference  `json:"differences"`
	CleanedUp    bool                  `json:"cleaned_up"`
	Message      string                `json:"message,omitempty"`
	// ForwardPath and ReturnPath are the component IDs the analysis walked,
	// in order, when a path was found.
	ForwardPath []string `json:"forward_path,omitempty"`
	ReturnPath  []string `json:"return_path,omitempty"`
}

// explanationLayers maps explanation codes, by exact name, to the layer
// that decides the same thing in reach. Codes not listed fall back to the
// prefixes below and then to the components the explanation names.
var explanationLayers = map[string]string{
	"BAD_STATE":                       LayerRoute,
	"BAD_STATE_ATTACHMENT":            LayerRoute,
	"BAD_STATE_ROUTE":                 LayerRoute,
	"BAD_STATE_VPN":                   LayerRoute,
	"CANNOT_ROUTE":                    LayerRoute,
	"NO_ROUTE_TO_DESTINATION":         LayerRoute,
	"HIGHER_PRIORITY_ROUTE":           LayerRoute,
	"ELB_ACL_RESTRICTION":             LayerNACL,
	"SUBNET_ACL_RESTRICTION":          LayerNACL,
	"ENI_SG_RULES_MISMATCH":           LayerSecurityGroup,
	"ELB_LISTENERS_MISMATCH":          LayerService,
	"ELBV2_LISTENERS_MISMATCH":        LayerService,
	"ELBV2_LISTENER_HAS_NO_TG":        LayerService,
	"ELBV2_NO_TARGETS_IN_AZ":          LayerService,
	"ELB_INSTALLED_AZ_RESTRICTION":    LayerService,
	"ELB_NOT_CROSSZONE":               LayerService,
	"ELB_LISTENER_PORT_RESTRICTION":   LayerService,
	"ELBV2_LISTENER_PORT_RESTRICTION": LayerService,
}

// explanationPrefixes place the families of codes the table above does not
// name one by one.
var explanationPrefixes = []struct{ prefix, layer string }{
	{"ELBV2_", LayerService},
	{"ELB_", LayerService},
	{"TGW_", LayerRoute},
	{"PCX_", LayerRoute},
	{"IGW_", LayerRoute},
	{"NGW_", LayerRoute},
	{"VGW_", LayerRoute},
	{"VPCE_", LayerRoute},
	{"ROUTE_", LayerRoute},
}

// ExplanationLayer is the reach layer an explanation speaks of. kinds are
// the kinds of components the explanation names ("acl", "securityGroup",
// "routeTable", "loadBalancer", ...), the fallback for codes reach does not
// know by name. The answer is "" when nothing places it.
func ExplanationLayer(code string, kinds []string) string {
	if l, ok := explanationLayers[code]; ok {
		return l
	}
	for _, p := range explanationPrefixes {
		if strings.HasPrefix(code, p.prefix) {
			return p.layer
		}
	}
	switch {
	case strings.Contains(code, "ACL"):
		return LayerNACL
	case strings.Contains(code, "SG_") || strings.Contains(code, "SECURITY_GROUP"):
		return LayerSecurityGroup
	case strings.Contains(code, "SOURCE_DEST"):
		return LayerSourceDestCheck
	case strings.Contains(code, "ROUTE") || strings.Contains(code, "RTB"):
		return LayerRoute
	}
	for _, k := range kinds {
		switch k {
		case "acl", "aclRule":
			return LayerNACL
		case "securityGroup", "securityGroupRule":
			return LayerSecurityGroup
		case "routeTable", "routeTableRoute", "subnetRouteTable", "transitGatewayRouteTable":
			return LayerRoute
		case "loadBalancer", "loadBalancerListener", "loadBalancerTargetGroup":
			return LayerService
		}
	}
	return ""
}

// comparedLayers are the layers both engines decide; the analyzer does not
// resolve names, so dns is reach's alone.
var comparedLayers = []string{LayerRoute, LayerNACL, LayerSecurityGroup, LayerSourceDestCheck, LayerService}

// CompareAnalyzer diffs the second opinion against the report, layer by
// layer, fills res.Differences and res.Agrees, and appends the
// reachability-analyzer layer and res itself to the report. It changes neither the
// verdict nor any other layer: a disagreement is a warning to read both.
func CompareAnalyzer(rep *Report, res *AnalyzerResult) {
	res.Differences = nil
	res.Agrees = false
	if res.Explanations == nil {
		res.Explanations = []AnalyzerExplanation{}
	}
	if res.Status == AnalyzerSucceeded && res.PathFound != nil {
		found := *res.PathFound
		blocks := map[string][]AnalyzerExplanation{}
		for _, e := range res.Explanations {
			blocks[e.Layer] = append(blocks[e.Layer], e)
		}
		for _, name := range comparedLayers {
			l := rep.Layer(name)
			if l == nil || l.Status == StatusUnknown || l.Status == StatusSkip {
				// Missing data decides nothing, here as in the verdict.
				continue
			}
			localBlocks := l.Status == StatusFail
			analyzerBlocks := !found && len(blocks[name]) > 0
			if localBlocks == analyzerBlocks {
				continue
			}
			res.Differences = append(res.Differences, AnalyzerDifference{
				Layer:    name,
				Local:    describeLocal(l),
				Analyzer: describeAnalyzer(found, blocks[name]),
			})
		}
		localReachable := rep.Verdict == Reachable
		if found && localReachable {
			if d, ok := gatewayDifference(rep, res.ForwardPath); ok {
				res.Differences = append(res.Differences, d)
			}
		}
		if len(res.Differences) == 0 && rep.Verdict != Unknown && localReachable != found {
			// The verdicts differ although no compared layer does: the
			// analyzer blames something reach does not model, or the
			// reverse.
			res.Differences = append(res.Differences, AnalyzerDifference{
				Layer:    "verdict",
				Local:    string(rep.Verdict),
				Analyzer: describeAnalyzer(found, blocks[""]),
			})
		}
		res.Agrees = len(res.Differences) == 0 && rep.Verdict != Unknown
	}
	if res.Differences == nil {
		res.Differences = []AnalyzerDifference{}
	}
	rep.Layers = append(rep.Layers, analyzerLayer(rep, res))
	rep.Analyzer = res
}

func describeLocal(l *Layer) string {
	if l.Summary == "" {
		return string(l.Status)
	}
	return string(l.Status) + ": " + l.Summary
}

func describeAnalyzer(found bool, blocks []AnalyzerExplanation) string {
	if found {
		return "pass: path found"
	}
	if len(blocks) == 0 {
		return "no path found; no explanation on this layer"
	}
	parts := make([]string, 0, len(blocks))
	for _, e := range blocks {
		p := e.Code
		if e.Component != "" {
			p += " " + e.Component
		}
		if e.Direction != "" {
			p += " (" + e.Direction + ")"
		}
		parts = append(parts, p)
	}
	sort.Strings(parts)
	return "fail: " + strings.Join(parts, "; ")
}

// analyzerLayer is the seventh row: pass when the engines agree, warn when
// they differ, unknown when the analyzer gave no answer. Its findings stay
// empty: the differences, with both sides, are the report's analyzer
// object, and no finding of it may ever block.
func analyzerLayer(rep *Report, res *AnalyzerResult) Layer {
	l := Layer{Name: LayerReachabilityAnalyzer, Findings: []Finding{}}
	switch {
	case res.Status != AnalyzerSucceeded || res.PathFound == nil:
		l.Status = StatusUnknown
		l.Summary = fmt.Sprintf("no second opinion: %s", res.Status)
		if res.Message != "" {
			l.Summary += ": " + res.Message
		}
	case res.Agrees:
		l.Status = StatusPass
		l.Summary = "agrees: " + pathWord(*res.PathFound)
	case rep.Verdict == Unknown:
		l.Status = StatusUnknown
		l.Summary = "the local verdict is unknown; the analyzer says " + pathWord(*res.PathFound)
	default:
		l.Status = StatusWarn
		names := make([]string, len(res.Differences))
		for i, d := range res.Differences {
			names[i] = d.Layer
		}
		l.Summary = fmt.Sprintf("disagrees on %s: the analyzer says %s", strings.Join(names, ", "), pathWord(*res.PathFound))
	}
	return l
}

func pathWord(found bool) string {
	if found {
		return "path found"
	}
	return "no path"
}

// gatewayPrefixes name the components that carry traffic between networks;
// both engines must route the request through the same ones.
var gatewayPrefixes = []string{"igw-", "nat-", "pcx-", "tgw-", "vgw-", "vpce-", "eigw-"}

func isGateway(id string) bool {
	if strings.HasPrefix(id, "tgw-attach-") || strings.HasPrefix(id, "tgw-rtb-") {
		// Parts of a transit gateway, which the two engines name
		// differently; the gateway itself is compared.
		return false
	}
	for _, p := range gatewayPrefixes {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

// gatewayDifference compares the gateways of the request's path: when
// both find a path but through different gateways, the route layer
// differs even though both say reachable. Without the analyzer's path
// components there is nothing to compare.
func gatewayDifference(rep *Report, forward []string) (AnalyzerDifference, bool) {
	if len(forward) == 0 {
		return AnalyzerDifference{}, false
	}
	var local, theirs []string
	for _, h := range rep.Hops {
		if isGateway(h.Component) && !slicesContains(local, h.Component) {
			local = append(local, h.Component)
		}
	}
	for _, id := range forward {
		if isGateway(id) && !slicesContains(theirs, id) {
			theirs = append(theirs, id)
		}
	}
	sort.Strings(local)
	sort.Strings(theirs)
	if strings.Join(local, " ") == strings.Join(theirs, " ") {
		return AnalyzerDifference{}, false
	}
	say := func(ids []string) string {
		if len(ids) == 0 {
			return "path found through no gateway"
		}
		return "path found through " + strings.Join(ids, ", ")
	}
	return AnalyzerDifference{Layer: LayerRoute, Local: "pass: " + say(local), Analyzer: say(theirs)}, true
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
