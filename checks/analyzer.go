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
	// Hops are the components of both paths placed on reach's layers,
	// each marked whether reach's walk crossed it too.
	Hops []AnalyzerHop `json:"hops,omitempty"`
}

// explanationLayers maps every code of the Reachability Analyzer
// explanation-code reference (docs.aws.amazon.com/vpc/latest/reachability/
// explanation-codes.html, sections "Path is not reachable" and
// "Configuration") to the layer that decides the same thing in reach. ""
// is a code reach knows and no layer of it models: Network Firewall rules,
// Block Public Access, components the analyzer could not describe, the
// path's own definition. PROTOCOL_RESTRICTION is left out on purpose: it
// blames whichever component it names, so its kinds place it. Codes not
// listed (newer ones) fall back to the prefixes below and then to the
// kinds of components they name.
var explanationLayers = map[string]string{
	"BAD_STATE":                                      LayerRoute,
	"BAD_STATE_ATTACHMENT":                           LayerRoute,
	"BAD_STATE_ROUTE":                                LayerRoute,
	"BAD_STATE_VPN":                                  LayerRoute,
	"CANNOT_ROUTE":                                   LayerRoute,
	"ELB_ACL_RESTRICTION":                            LayerNACL,
	"ELB_INSTALLED_AZ_RESTRICTION":                   LayerService,
	"ELB_LISTENER_PORT_RESTRICTION":                  LayerService,
	"ELB_LISTENERS_MISMATCH":                         LayerService,
	"ELB_NOT_CROSSZONE":                              LayerService,
	"ELBV2_LISTENER_HAS_NO_TG":                       LayerService,
	"ELBV2_LISTENER_PORT_RESTRICTION":                LayerService,
	"ELBV2_LISTENER_REQUIRES_TG_ACCEPT":              LayerService,
	"ELBV2_LISTENERS_MISMATCH":                       LayerService,
	"ELBV2_NO_TARGETS_IN_AZ":                         LayerService,
	"ELBV2_SOURCE_ADDRESS_PRESERVATION":              LayerService,
	"ENI_ADDRESS_RESTRICTION":                        LayerSourceDestCheck,
	"ENI_SG_RULES_MISMATCH":                          LayerSecurityGroup,
	"ENI_SOURCE_DEST_CHECK_RESTRICTION":              LayerSourceDestCheck,
	"FIREWALL_RULES_RESTRICTION":                     "",
	"GATEWAY_REJECTS_SPOOFED_TRAFFIC":                LayerRoute,
	"GWLB_DESTINATION_PORT_RESTRICTION":              LayerService,
	"GWLB_PROTOCOL_RESTRICTION":                      LayerService,
	"HIGHER_PRIORITY_ROUTE":                          LayerRoute,
	"IGW_DESTINATION_ADDRESS_IN_VPC_CIDRS":           LayerRoute,
	"IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS":  LayerRoute,
	"IGW_DESTINATION_ADDRESS_NOT_IN_RFC6598_EGRESS":  LayerRoute,
	"IGW_NAT_REFLECTION":                             "",
	"IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS":         LayerRoute,
	"IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS":           LayerRoute,
	"IGW_SOURCE_ADDRESS_NOT_IN_RFC1918_INGRESS":      LayerRoute,
	"IGW_SOURCE_ADDRESS_NOT_IN_RFC6598_INGRESS":      LayerRoute,
	"INGRESS_RTB_NO_PUBLIC_IP":                       LayerRoute,
	"INGRESS_RTB_TRAFFIC_REDIRECTION":                LayerRoute,
	"MORE_SPECIFIC_ROUTE":                            LayerRoute,
	"NGW_DEST_ADDRESS_PRESERVATION":                  LayerRoute,
	"NGW_REQUIRES_SOURCE_IN_VPC":                     LayerRoute,
	"NGW_SOURCE_ADDRESS_REASSIGN":                    LayerRoute,
	"NO_POSSIBLE_DESTINATION":                        LayerRoute,
	"NO_ROUTE_TO_DESTINATION":                        LayerRoute,
	"PCX_REQUIRES_ADDRESS_IN_VPC_CIDR":               LayerRoute,
	"REGIONAL_NGW_ROUTE_AZ_RESTRICTION":              LayerRoute,
	"REMAP_EPHEMERAL_PORT":                           "",
	"SG_HAS_NO_RULES":                                LayerSecurityGroup,
	"SG_REFERENCES_NOT_PRESERVED":                    LayerSecurityGroup,
	"SG_REFERENCING_SUPPORT":                         LayerSecurityGroup,
	"SUBNET_ACL_RESTRICTION":                         LayerNACL,
	"TARGET_ADDRESS_RESTRICTION":                     LayerService,
	"TARGET_PORT_RESTRICTION":                        LayerService,
	"TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION":         LayerRoute,
	"TGW_ATTACH_VPC_AZ_RESTRICTION":                  LayerRoute,
	"TGW_BAD_STATE_VPN":                              LayerRoute,
	"TGW_ROUTE_AZ_RESTRICTION":                       LayerRoute,
	"TGW_RTB_BAD_STATE_ROUTE":                        LayerRoute,
	"TGW_RTB_CANNOT_ROUTE":                           LayerRoute,
	"TGW_RTB_HIGHER_PRIORITY_ROUTE":                  LayerRoute,
	"TGW_RTB_MORE_SPECIFIC_ROUTE":                    LayerRoute,
	"TGW_RTB_NO_ROUTE_TO_TGW_ATTACHMENT":             LayerRoute,
	"TGW_RTB_ROUTES_ARE_UNKNOWN":                     "",
	"UNKNOWN_DESTINATION":                            "",
	"UNKNOWN_PEERED_SGS":                             LayerSecurityGroup,
	"UNKNOWN_RESOURCE":                               "",
	"VGW_PRIVATE_IP_ASSOCIATION_FOR_EGRESS":          LayerRoute,
	"VGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS":         LayerRoute,
	"VPC_BLOCK_PUBLIC_ACCESS_ENABLED":                "",
	"VPC_LOCAL_ROUTE_CIDR_RESTRICTION":               LayerRoute,
	"VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION": LayerRoute,
	"VPCE_GATEWAY_PROTOCOL_RESTRICTION":              LayerRoute,
	"VPCE_INTRA_VPC_TRAFFIC":                         LayerService,
	"VPCE_SERVICE_NOT_INSTALLED_IN_AZ":               LayerService,
	// Configuration: no path is possible at all.
	"DISCONNECTED_VPCS":        LayerRoute,
	"NO_PATH":                  "",
	"NO_SOURCE_OR_DESTINATION": "",
	"UNASSOCIATED_COMPONENT":   "",
	"UNSUPPORTED_COMPONENT":    "",
	// Search filters: reach sets none but the path's own source and
	// destination addresses, so these speak of the path's definition.
	"COMPONENT_FILTER_RESTRICTION":                   "",
	"COMPONENT_FILTER_RESTRICTION_REMOVED_COMPONENT": "",
	"FILTER_AT_DESTINATION_DESTINATION_ADDRESS":      "",
	"FILTER_AT_DESTINATION_DESTINATION_PORT_RANGE":   "",
	"FILTER_AT_DESTINATION_PROTOCOL":                 "",
	"FILTER_AT_DESTINATION_SOURCE_ADDRESS":           "",
	"FILTER_AT_DESTINATION_SOURCE_PORT_RANGE":        "",
	"FILTER_AT_SOURCE_DESTINATION_ADDRESS":           "",
	"FILTER_AT_SOURCE_DESTINATION_PORT_RANGE":        "",
	"FILTER_AT_SOURCE_PROTOCOL":                      "",
	"FILTER_AT_SOURCE_SOURCE_ADDRESS":                "",
	"FILTER_AT_SOURCE_SOURCE_PORT_RANGE":             "",
	"IGW_EXPECTS_PUBLIC_ADDRESS":                     "",
}

// explanationPrefixes place the families of codes the table above does not
// name one by one.
var explanationPrefixes = []struct{ prefix, layer string }{
	{"ELBV2_", LayerService},
	{"ELB_", LayerService},
	{"GWLB_", LayerService},
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
		mapAnalyzerPath(rep, res)
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
			res.Differences = append(res.Differences, pathDifferences(rep, res)...)
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
		var names []string
		for _, d := range res.Differences {
			if !slicesContains(names, d.Layer) {
				names = append(names, d.Layer)
			}
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

// AnalyzerHop is one component of the analyzer's forward or return path,
// placed on the layer reach decides it in.
type AnalyzerHop struct {
	// Direction is "forward" (the request) or "return" (the reply).
	Direction string `json:"direction"`
	Component string `json:"component"`
	// Layer is the reach layer of the component's kind, "" for kinds
	// that no layer decides (interfaces, instances, subnets).
	Layer string `json:"layer,omitempty"`
	// OnLocalPath says whether reach's own walk of the same direction
	// crossed the component; absent for kinds reach does not record as
	// hops (instances, subnets, VPCs, load balancer listeners...).
	OnLocalPath *bool `json:"on_local_path,omitempty"`
}

// ComponentLayer is the layer that decides a path component of the kind
// its ID names: route tables and the gateways between networks are the
// route layer, network ACLs the nacl layer, security groups theirs.
// Interfaces and everything reach records no hop for answer "".
func ComponentLayer(id string) string {
	switch {
	case strings.HasPrefix(id, "acl-"):
		return LayerNACL
	case strings.HasPrefix(id, "sg-"):
		return LayerSecurityGroup
	case strings.HasPrefix(id, "rtb-"), strings.HasPrefix(id, "tgw-"):
		// Also tgw-rtb- and tgw-attach-: the transit gateway's tables
		// and attachments route.
		return LayerRoute
	}
	for _, p := range gatewayPrefixes {
		if strings.HasPrefix(id, p) {
			return LayerRoute
		}
	}
	return ""
}

// recordedAsHop reports whether reach records components of id's kind as
// hops, so that their absence from its path means something.
func recordedAsHop(id string) bool {
	return ComponentLayer(id) != "" || strings.HasPrefix(id, "eni-")
}

// gatewayPrefixes name the components that carry traffic between networks.
var gatewayPrefixes = []string{"igw-", "nat-", "pcx-", "tgw-", "vgw-", "vpce-", "eigw-"}

// comparedOnPath says whether a component's presence on one path and
// absence from the other is a difference. The parts of a transit gateway
// (its route tables and attachments) are not: the analyzer names the
// attachments on both sides of the gateway, reach the ones it chose to
// follow; the gateway itself is compared. Security groups are compared
// one way only (see pathDifferences).
func comparedOnPath(id string) bool {
	if strings.HasPrefix(id, "tgw-attach-") || strings.HasPrefix(id, "tgw-rtb-") {
		return false
	}
	l := ComponentLayer(id)
	return l == LayerRoute || l == LayerNACL || l == LayerSecurityGroup
}

// mapAnalyzerPath places every component of the analyzer's forward and
// return paths on reach's layers and marks the ones reach's walk crossed.
func mapAnalyzerPath(rep *Report, res *AnalyzerResult) {
	res.Hops = nil
	add := func(direction string, ids []string, local []Hop) {
		crossed := map[string]bool{}
		for _, h := range local {
			crossed[h.Component] = true
		}
		for _, id := range ids {
			h := AnalyzerHop{Direction: direction, Component: id, Layer: ComponentLayer(id)}
			if recordedAsHop(id) {
				on := crossed[id]
				h.OnLocalPath = &on
			}
			res.Hops = append(res.Hops, h)
		}
	}
	add(string(Forward), res.ForwardPath, rep.Hops)
	add(string(Return), res.ReturnPath, rep.returnHops)
}

// pathDifferences compares, when both engines find a path, the components
// each crossed in each direction, layer by layer: a route table, gateway
// or network ACL on one path and not on the other means the two engines
// route the traffic differently even though both say reachable. Security
// groups count one way: reach lists every group of an interface it
// filters at, the analyzer the one whose rule admitted the packet, so only
// a group of the analyzer's that reach never evaluated is a difference.
// A layer of which the analyzer's path names no component is not
// compared (it lists the components it evaluated, and a path with no
// component of a kind says nothing about them), nor a direction either
// engine recorded no path for.
func pathDifferences(rep *Report, res *AnalyzerResult) []AnalyzerDifference {
	var out []AnalyzerDifference
	for _, d := range []struct {
		direction Direction
		theirs    []string
		ours      []Hop
	}{
		{Forward, res.ForwardPath, rep.Hops},
		{Return, res.ReturnPath, rep.returnHops},
	} {
		if len(d.theirs) == 0 || len(d.ours) == 0 {
			continue
		}
		for _, layer := range []string{LayerRoute, LayerNACL, LayerSecurityGroup} {
			local := componentsOn(layer, hopIDs(d.ours))
			remote := componentsOn(layer, d.theirs)
			if len(remote) == 0 {
				continue
			}
			onlyTheirs := missingFrom(remote, local)
			onlyOurs := missingFrom(local, remote)
			if layer == LayerSecurityGroup {
				onlyOurs = nil
			}
			if len(onlyTheirs) == 0 && len(onlyOurs) == 0 {
				continue
			}
			out = append(out, AnalyzerDifference{
				Layer:    layer,
				Local:    "pass: " + describePath(d.direction, local, onlyOurs),
				Analyzer: describePath(d.direction, remote, onlyTheirs),
			})
		}
	}
	return out
}

func hopIDs(hops []Hop) []string {
	ids := make([]string, len(hops))
	for i, h := range hops {
		ids[i] = h.Component
	}
	return ids
}

// componentsOn are the compared components of one layer among ids, once
// each, in path order.
func componentsOn(layer string, ids []string) []string {
	var out []string
	for _, id := range ids {
		if comparedOnPath(id) && ComponentLayer(id) == layer && !slicesContains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

func missingFrom(ids, other []string) []string {
	var out []string
	for _, id := range ids {
		if !slicesContains(other, id) {
			out = append(out, id)
		}
	}
	return out
}

func describePath(d Direction, ids, only []string) string {
	what := "request"
	if d == Return {
		what = "reply"
	}
	if len(ids) == 0 {
		return fmt.Sprintf("the %s crosses none of this layer's components", what)
	}
	s := fmt.Sprintf("the %s crosses %s", what, strings.Join(ids, ", "))
	if len(only) > 0 {
		s += fmt.Sprintf(" (%s not on the other path)", strings.Join(only, ", "))
	}
	return s
}

func slicesContains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// AnalyzerPath is the analyzer's path in one direction ("forward" or
// "return") as one line, its components in order; a component reach's walk
// did not cross is marked with a star. "" when the analysis gave no path.
func (a *AnalyzerResult) AnalyzerPath(direction string) string {
	var parts []string
	for _, h := range a.Hops {
		if h.Direction != direction {
			continue
		}
		p := h.Component
		if h.OnLocalPath != nil && !*h.OnLocalPath {
			p += "*"
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " → ")
}

// AnalyzerPathMarked reports whether any component of the analyzer's path
// is one reach's walk did not cross (starred by AnalyzerPath).
func (a *AnalyzerResult) AnalyzerPathMarked() bool {
	for _, h := range a.Hops {
		if h.OnLocalPath != nil && !*h.OnLocalPath {
			return true
		}
	}
	return false
}
