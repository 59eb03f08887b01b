package aws

import (
	"github.com/reachnet/reach/checks"
)

// ConvertFlowLogs fills n.FlowLogs from the inventory's describe-flow-logs
// output. It leaves n.FlowLogs nil when that output was not read (not in
// the snapshot, or the call failed), so discovery can say the coverage is
// unknown rather than absent; the failure itself is already among the
// inventory's gaps, which Convert copies into n.Gaps.
//
// Convert calls it; it is idempotent, so a caller holding a network from
// an older Convert may call it again.
func ConvertFlowLogs(inv *Inventory, n *checks.Network) {
	if inv == nil || n == nil {
		return
	}
	if !inv.Present[KindFlowLogs] && len(inv.FlowLogs) == 0 {
		n.FlowLogs = nil
		return
	}
	n.FlowLogs = make(map[string]*checks.FlowLog, len(inv.FlowLogs))
	for _, fl := range inv.FlowLogs {
		id := sanitize(awsString(fl.FlowLogId))
		if id == "" {
			// Nothing can refer to a flow log without an ID, and the
			// engine keys them by ID; it still covers its resource.
			id = "flow-log-of-" + sanitize(awsString(fl.ResourceId))
		}
		m := &checks.FlowLog{
			ID:              id,
			Name:            sanitize(nameTagOf(fl.Tags)),
			ResourceID:      sanitize(awsString(fl.ResourceId)),
			TrafficType:     sanitize(string(fl.TrafficType)),
			DestinationType: sanitize(string(fl.LogDestinationType)),
			LogGroupName:    sanitize(awsString(fl.LogGroupName)),
			Destination:     sanitize(awsString(fl.LogDestination)),
			Format:          sanitize(awsString(fl.LogFormat)),
			Status:          sanitize(awsString(fl.FlowLogStatus)),
			DeliverStatus:   sanitize(awsString(fl.DeliverLogsStatus)),
			DeliverError:    sanitize(awsString(fl.DeliverLogsErrorMessage)),
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
			m.FileFormat = sanitize(string(fl.DestinationOptions.FileFormat))
		}
		n.FlowLogs[id] = m
	}
}
