package checklist

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/screen"
)

// LayerRow is one row of the checklist.
type LayerRow struct {
	Name    string
	Status  screen.RowStatus
	summary string
	// Changed is when the layer last flipped between decided statuses
	// (zero when it never did since the path was chosen).
	Changed time.Time
	// Differs is true when a resource of this layer on the path differs
	// from the baseline (reach tui --baseline DIR).
	Differs bool
	// Target is set on the rows after the layers: one per target of a
	// load balancer, the second leg of the path.
	Target *checks.TargetVerdict
}

// layerInputs names the kinds of data each layer reads. A layer is pending
// while one of them is still loading. The names beyond checks' own kinds
// are the AWS CLI commands aws records gaps under; they are spelled out
// here so that tui need not import aws.
var layerInputs = map[string][]checks.DataKind{
	checks.LayerRoute: {
		checks.KindVPCs, checks.KindSubnets, checks.KindNetworkInterfaces, checks.KindInstances, checks.KindRouteTables,
		checks.KindPrefixLists, checks.KindPeerings, checks.KindInternetGateways, checks.KindEgressOnlyGateways,
		checks.KindNATGateways, checks.KindVPNGateways, checks.KindTransitGateways, checks.KindTransitGatewayAttachments,
		checks.KindTransitGatewayRouteTables, checks.KindVPCEndpoints,
		"get-managed-prefix-list-entries", "search-transit-gateway-routes", "get-transit-gateway-route-table-propagations",
		"describe-transit-gateway-vpc-attachments", "describe-addresses",
	},
	checks.LayerNACL: {
		checks.KindSubnets, checks.KindNetworkInterfaces, checks.KindNetworkACLs, checks.KindRouteTables,
	},
	checks.LayerSecurityGroup: {
		checks.KindNetworkInterfaces, checks.KindSecurityGroups, checks.KindPrefixLists, checks.KindPeerings,
		checks.KindRouteTables, "get-managed-prefix-list-entries",
	},
	checks.LayerSourceDestCheck: {
		checks.KindNetworkInterfaces, checks.KindInstances, checks.KindRouteTables,
	},
	checks.LayerDNS: {
		checks.KindVPCs, checks.KindVPCEndpoints, checks.KindVPCAttributes, checks.KindDHCPOptions,
		checks.KindHostedZones, checks.KindHostedZoneVPCs, checks.KindRecordSets, checks.KindResolverEndpoints,
		checks.KindResolverEndpointIPs, checks.KindResolverRules, checks.KindResolverRuleAssociations,
		// The Resolver's forwarding path is a packet path of its own.
		checks.KindNetworkInterfaces, checks.KindSecurityGroups, checks.KindRouteTables, checks.KindNetworkACLs,
	},
	checks.LayerService: {
		checks.KindNetworkInterfaces, checks.KindVPCEndpoints,
	},
}

// PendingKinds returns the kinds of a network still loading.
func PendingKinds(n *checks.Network) map[checks.DataKind]bool {
	out := map[checks.DataKind]bool{}
	if n == nil {
		return out
	}
	for _, g := range n.Gaps {
		if g.Pending {
			out[g.Kind] = true
		}
	}
	return out
}

// layerPending reports whether a layer waits for data: one of its inputs
// is still loading, or one of its findings names a kind that is. A layer
// that already fails stays failed: a rule that drops the packet does not
// start to admit it because more data arrives.
func layerPending(l *checks.Layer, pending map[checks.DataKind]bool, toHost bool) bool {
	if len(pending) == 0 || l.Status == checks.StatusFail {
		return false
	}
	if l.Name == checks.LayerDNS && !toHost {
		// No name to resolve: DNS data cannot change this layer.
		return false
	}
	for _, k := range layerInputs[l.Name] {
		if pending[k] {
			return true
		}
	}
	for _, f := range l.Findings {
		for k := range pending {
			if strings.Contains(f.Rule, string(k)) || strings.Contains(f.Detail, string(k)) {
				return true
			}
		}
	}
	return false
}

// layerRows derives the checklist rows from the newest report. With no
// report yet (evaluating, or the query cannot be answered while data is
// loading) every layer is pending; after an error that no data will fix
// every layer is none.
func layerRows(rep *checks.Report, evalErr error, pending map[checks.DataKind]bool, toHost bool, ascii bool) []LayerRow {
	names := slices.Clone(checks.LayerOrder)
	if rep != nil {
		for _, l := range rep.Layers {
			if !slices.Contains(names, l.Name) {
				names = append(names, l.Name)
			}
		}
	}
	rows := make([]LayerRow, len(names))
	for i, name := range names {
		rows[i] = LayerRow{Name: name, Status: screen.RowPending}
		switch {
		case rep == nil && evalErr != nil && !WaitsForData(evalErr, pending):
			rows[i].Status = screen.RowNone
		case rep == nil:
		default:
			l := rep.Layer(name)
			if l == nil {
				rows[i].Status = screen.RowNone
				continue
			}
			rows[i].summary = cells.FromEngine(l.Summary, ascii)
			if layerPending(l, pending, toHost) {
				continue
			}
			rows[i].Status = screen.StatusOf(l.Status)
		}
	}
	if rep != nil {
		rows = append(rows, targetRows(rep.Destination.Targets, ascii)...)
	}
	return rows
}

// maxTargetRows is how many targets the checklist lists before it says
// how many more there are.
const maxTargetRows = 8

// targetRows are the second leg of a path to a load balancer: a row per
// target, failing ones first as the engine orders them.
func targetRows(targets []checks.TargetVerdict, ascii bool) []LayerRow {
	arrow := "→ "
	if ascii {
		arrow = "-> "
	}
	rows := make([]LayerRow, 0, min(len(targets), maxTargetRows+1))
	for i := range targets {
		if i == maxTargetRows {
			// The screen keeps room for the evidence; every target is in
			// reach check's report.
			rows = append(rows, LayerRow{Name: fmt.Sprintf("%s%d more", arrow, len(targets)-i), Status: screen.RowNone,
				summary: "targets not listed here; reach check -o json lists every one"})
			break
		}
		t := &targets[i]
		name := t.ID
		if t.Name != "" {
			name = t.Name
		}
		status := checks.StatusUnknown
		switch t.Verdict {
		case checks.Reachable:
			status = checks.StatusPass
		case checks.Unreachable:
			status = checks.StatusFail
		}
		// Names and reasons carry AWS's strings: made inert here, once.
		rows = append(rows, LayerRow{Name: arrow + cells.Clean(name, ascii), Status: screen.StatusOf(status), summary: cells.FromEngine(t.Reason, ascii), Target: t})
	}
	return rows
}

// WaitsForData reports whether an evaluation error may go away once the
// pending kinds land: the source is named by a Name tag or an ID that is
// not loaded yet, or the engine itself says data is missing.
func WaitsForData(err error, pending map[checks.DataKind]bool) bool {
	if len(pending) == 0 {
		return false
	}
	var de *checks.DataError
	if errors.As(err, &de) {
		return true
	}
	return pending[checks.KindNetworkInterfaces] || pending[checks.KindInstances]
}
