package convert

import (
	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/checks"
)

// FlowLogs fills n.FlowLogs from the inventory's describe-flow-logs
// output. It leaves n.FlowLogs nil when that output was not read (not in
// the snapshot, or the call failed), so discovery can say the coverage is
// unknown rather than absent; the failure itself is already among the
// inventory's gaps, which Network copies into n.Gaps.
//
// Network calls it; it is idempotent, so a caller holding a network from
// an older Network call may call it again.
func FlowLogs(inv *inventory.Inventory, n *checks.Network) {
	if inv == nil || n == nil {
		return
	}
	if !inv.Present[inventory.KindFlowLogs] && len(inv.FlowLogs) == 0 {
		n.FlowLogs = nil
		return
	}
	n.FlowLogs = make(map[string]*checks.FlowLog, len(inv.FlowLogs))
	for _, fl := range inv.FlowLogs {
		id := inventory.Sanitize(awsString(fl.FlowLogId))
		if id == "" {
			// Nothing can refer to a flow log without an ID, and the
			// engine keys them by ID; it still covers its resource.
			id = "flow-log-of-" + inventory.Sanitize(awsString(fl.ResourceId))
		}
		m := &checks.FlowLog{
			ID:              id,
			Name:            inventory.Sanitize(nameTagOf(fl.Tags)),
			ResourceID:      inventory.Sanitize(awsString(fl.ResourceId)),
			TrafficType:     inventory.Sanitize(string(fl.TrafficType)),
			DestinationType: inventory.Sanitize(string(fl.LogDestinationType)),
			LogGroupName:    inventory.Sanitize(awsString(fl.LogGroupName)),
			Destination:     inventory.Sanitize(awsString(fl.LogDestination)),
			Format:          inventory.Sanitize(awsString(fl.LogFormat)),
			Status:          inventory.Sanitize(awsString(fl.FlowLogStatus)),
			DeliverStatus:   inventory.Sanitize(awsString(fl.DeliverLogsStatus)),
			DeliverError:    inventory.Sanitize(awsString(fl.DeliverLogsErrorMessage)),
		}
		if m.DestinationType == "" {
			// Flow logs created before destinations other than CloudWatch
			// Logs existed name only a log group.
			if m.LogGroupName != "" {
				m.DestinationType = checks.FlowLogDestCloudWatchLogs
			}
		}
		if m.Format == "" {
			m.Format = checks.DefaultFlowLogFormat
		}
		if fl.MaxAggregationInterval != nil {
			m.MaxAggregationInterval = int(*fl.MaxAggregationInterval)
		}
		if fl.DestinationOptions != nil {
			m.FileFormat = inventory.Sanitize(string(fl.DestinationOptions.FileFormat))
		}
		n.FlowLogs[id] = m
	}
}
