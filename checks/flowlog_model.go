// Flow logs: the model of a flow log's configuration, and which interfaces
// and actions the account's flow logs cover.

package checks

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Flow-log destination types, as describe-flow-logs spells them.
const (
	FlowLogDestCloudWatchLogs = "cloud-watch-logs"
	FlowLogDestS3             = "s3"
	FlowLogDestFirehose       = "kinesis-data-firehose"
)

// Delivery delays documented for VPC flow logs ("Flow log records",
// Aggregation interval): after a record's aggregation interval closes, the
// service "typically delivers logs to CloudWatch Logs in about 5 minutes
// and to Amazon S3 in about 10 minutes", on a best-effort basis. AWS gives
// no figure for Firehose; reach assumes the S3 one.
const (
	CloudWatchLogsDeliveryDelay = 5 * time.Minute
	S3DeliveryDelay             = 10 * time.Minute
)

// DefaultAggregationInterval is the maximum aggregation interval of a flow
// log created without one (10 minutes). Interfaces of Nitro instances
// aggregate over 1 minute or less whatever the setting.
const DefaultAggregationInterval = 10 * time.Minute

// DefaultFlowLogFormat is the version 2 default format: what a flow log
// without a custom format writes, field for field.
const DefaultFlowLogFormat = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"

// suggestedFlowLogFormat is the format reach proposes for a new flow log:
// the default fields plus those that make attribution exact (the direction,
// the addresses before NAT, the TCP flags of a handshake, why a packet was
// rejected).
const suggestedFlowLogFormat = DefaultFlowLogFormat + " ${vpc-id} ${subnet-id} ${tcp-flags} ${pkt-srcaddr} ${pkt-dstaddr} ${flow-direction} ${traffic-path} ${reject-reason}"

// FlowLog is one flow log of describe-flow-logs.
type FlowLog struct {
	ID   string
	Name string
	// ResourceID is what the flow log is attached to: vpc-…, subnet-…,
	// eni-…, or a transit gateway or its attachment (which cover no ENI).
	ResourceID string
	// TrafficType is ACCEPT, REJECT or ALL (empty for transit gateway flow
	// logs, which record everything).
	TrafficType string
	// DestinationType is one of the FlowLogDest constants.
	DestinationType string
	// LogGroupName is the CloudWatch Logs group (cloud-watch-logs only).
	LogGroupName string
	// Destination is the destination's ARN: the log group, the bucket (with
	// its prefix) or the Firehose delivery stream.
	Destination string
	// Format is the log format as configured (DefaultFlowLogFormat when
	// describe-flow-logs gives none).
	Format string
	// FileFormat is S3's file format: "plain-text" or "parquet".
	FileFormat string
	// MaxAggregationInterval is in seconds (60 or 600; 0 when unknown).
	MaxAggregationInterval int
	// Status is the flow log's status (ACTIVE); DeliverStatus is SUCCESS or
	// FAILED, with DeliverError saying why.
	Status        string
	DeliverStatus string
	DeliverError  string
}

// Interval is the flow log's maximum aggregation interval.
func (fl *FlowLog) Interval() time.Duration {
	if fl.MaxAggregationInterval <= 0 {
		return DefaultAggregationInterval
	}
	return time.Duration(fl.MaxAggregationInterval) * time.Second
}

// DeliveryDelay is the documented typical delay between the end of an
// aggregation interval and the records' arrival at the destination.
func (fl *FlowLog) DeliveryDelay() time.Duration {
	if fl.DestinationType == FlowLogDestCloudWatchLogs {
		return CloudWatchLogsDeliveryDelay
	}
	return S3DeliveryDelay
}

// Records reports whether the flow log records traffic of the action
// ("ACCEPT" or "REJECT").
func (fl *FlowLog) Records(action string) bool {
	switch fl.TrafficType {
	case "ALL", "":
		return true
	}
	return strings.EqualFold(fl.TrafficType, action)
}

// LogGroupARN returns the ARN of the CloudWatch Logs group without the
// trailing ":*" some APIs add ("" for other destinations or when
// describe-flow-logs gave no ARN). Live Tail names log groups by ARN.
func (fl *FlowLog) LogGroupARN() string {
	if fl.DestinationType != FlowLogDestCloudWatchLogs || !strings.HasPrefix(fl.Destination, "arn:") {
		return ""
	}
	return strings.TrimSuffix(fl.Destination, ":*")
}

// hasField reports whether the flow log's format carries ${name}.
func (fl *FlowLog) hasField(name string) bool {
	f := fl.Format
	if f == "" {
		f = DefaultFlowLogFormat
	}
	return strings.Contains(f, "${"+name+"}")
}

// Coverage levels: where the flow log that covers an ENI is attached.
const (
	CoverageENI    = "network-interface"
	CoverageSubnet = "subnet"
	CoverageVPC    = "vpc"
)

// FlowLogCoverage says that one flow log records one ENI's traffic, where it
// goes, and what reach can do with it.
type FlowLogCoverage struct {
	ENI       string `json:"eni"`
	FlowLogID string `json:"flow_log"`
	// Level is CoverageENI, CoverageSubnet or CoverageVPC; AttachedTo is
	// the ID of the resource the flow log is attached to.
	Level           string `json:"level"`
	AttachedTo      string `json:"attached_to"`
	DestinationType string `json:"destination_type"`
	LogGroup        string `json:"log_group,omitempty"`
	Destination     string `json:"destination,omitempty"`
	TrafficType     string `json:"traffic_type"`
	IntervalSeconds int    `json:"aggregation_interval_seconds"`
	Format          string `json:"format"`
	// Tailable is true when reach can read the records itself: a
	// CloudWatch Logs destination (Live Tail, FilterLogEvents, Insights).
	Tailable bool `json:"tailable"`
	// Notes say what reach can and cannot do with this flow log, one plain
	// sentence each.
	Notes   []string `json:"notes,omitempty"`
	FlowLog *FlowLog `json:"-"`
}

// FlowLogDiscovery is the flow-log coverage of a set of ENIs.
type FlowLogDiscovery struct {
	// Coverage lists every flow log covering each ENI, in the order the
	// ENIs were given, the most specific attachment first.
	Coverage []FlowLogCoverage `json:"coverage"`
	// Uncovered lists the ENIs no flow log records.
	Uncovered []string `json:"uncovered,omitempty"`
	// Unknown is set when the flow-log configuration could not be read:
	// coverage is then unknown, not absent.
	Unknown string `json:"unknown,omitempty"`
	// CreateCommand creates a flow log for the uncovered ENIs (or, when
	// their only flow logs go to S3 or Firehose, one reach can tail).
	CreateCommand string `json:"create_command,omitempty"`
	// Notes are sentences about the set as a whole.
	Notes []string `json:"notes,omitempty"`
}

// Tailable returns the coverage entries reach can read from CloudWatch
// Logs.
func (d FlowLogDiscovery) Tailable() []FlowLogCoverage {
	var out []FlowLogCoverage
	for _, c := range d.Coverage {
		if c.Tailable {
			out = append(out, c)
		}
	}
	return out
}

// Wait is how long after the traffic the records of eni can arrive through
// the tailable flow logs that cover it: the longest aggregation interval
// plus the documented delivery delay. It is 0 when nothing tailable covers
// the ENI.
func (d FlowLogDiscovery) Wait(eni string) time.Duration {
	var w time.Duration
	for _, c := range d.Coverage {
		if c.ENI == eni && c.Tailable && c.FlowLog != nil {
			w = max(w, c.FlowLog.Interval()+c.FlowLog.DeliveryDelay())
		}
	}
	return w
}

// Covers reports whether some flow log reach can read records eni's
// traffic of the action ("ACCEPT", "REJECT"), or of both when action is "".
func (d FlowLogDiscovery) Covers(eni, action string) bool {
	for _, c := range d.Coverage {
		if c.ENI != eni || !c.Tailable || c.FlowLog == nil {
			continue
		}
		if action == "" && c.FlowLog.Records("ACCEPT") && c.FlowLog.Records("REJECT") || action != "" && c.FlowLog.Records(action) {
			return true
		}
	}
	return false
}

// DiscoverFlowLogs finds the flow logs that record each ENI's traffic: those
// attached to the ENI, to its subnet or to its VPC. Unknown ENI IDs are
// reported as uncovered. The network's FlowLogs must have been filled (nil
// means describe-flow-logs was not read, and the result says so).
func DiscoverFlowLogs(n *Network, eniIDs ...string) FlowLogDiscovery {
	var d FlowLogDiscovery
	if n.FlowLogs == nil {
		d.Unknown = "the flow-log configuration was not read (describe-flow-logs)"
		for _, g := range n.Gaps {
			if g.Kind == "describe-flow-logs" && g.Scope == "" {
				d.Unknown = fmt.Sprintf("the flow-log configuration could not be read (describe-flow-logs: %s)", g.Reason)
				d.Unknown += remedy(g)
			}
		}
		return d
	}
	byResource := map[string][]*FlowLog{}
	for _, id := range sortedKeys(n.FlowLogs) {
		fl := n.FlowLogs[id]
		byResource[fl.ResourceID] = append(byResource[fl.ResourceID], fl)
	}
	var account string
	seen := map[string]bool{}
	var needTailable []string
	for _, id := range eniIDs {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		e := n.ENIs[id]
		var subnet, vpc string
		if e != nil {
			subnet, vpc = e.SubnetID, e.VPCID
			if vpc == "" {
				if s := n.Subnets[subnet]; s != nil {
					vpc = s.VPCID
				}
			}
			if account == "" {
				account = e.OwnerID
			}
		}
		var covs []FlowLogCoverage
		for _, lv := range []struct{ level, res string }{{CoverageENI, id}, {CoverageSubnet, subnet}, {CoverageVPC, vpc}} {
			if lv.res == "" {
				continue
			}
			for _, fl := range byResource[lv.res] {
				covs = append(covs, coverageOf(id, lv.level, fl))
			}
		}
		if len(covs) == 0 {
			d.Uncovered = append(d.Uncovered, id)
			continue
		}
		if !slices.ContainsFunc(covs, func(c FlowLogCoverage) bool { return c.Tailable }) {
			needTailable = append(needTailable, id)
		}
		d.Coverage = append(d.Coverage, covs...)
	}
	if len(d.Uncovered) > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("no flow log records %s: reach has no traffic evidence for %s; the command below creates one (reach itself only reads)",
			strings.Join(d.Uncovered, ", "), plural(len(d.Uncovered), "it", "them")))
	}
	if len(needTailable) > 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("%s %s recorded only to S3 or Firehose, which reach cannot tail; the command below adds a CloudWatch Logs flow log",
			strings.Join(needTailable, ", "), plural(len(needTailable), "is", "are")))
	}
	if want := append(slices.Clone(d.Uncovered), needTailable...); len(want) > 0 {
		d.CreateCommand = createFlowLogCommand(want, account)
	}
	return d
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// coverageOf describes one flow log covering one ENI, with what reach can
// and cannot do with it.
func coverageOf(eni, level string, fl *FlowLog) FlowLogCoverage {
	c := FlowLogCoverage{
		ENI: eni, FlowLogID: fl.ID, Level: level, AttachedTo: fl.ResourceID,
		DestinationType: fl.DestinationType, LogGroup: fl.LogGroupName, Destination: fl.Destination,
		TrafficType: fl.TrafficType, IntervalSeconds: int(fl.Interval() / time.Second), Format: fl.Format, FlowLog: fl,
	}
	if c.Format == "" {
		c.Format = DefaultFlowLogFormat
	}
	active := fl.Status == "" || strings.EqualFold(fl.Status, "ACTIVE")
	switch fl.DestinationType {
	case FlowLogDestCloudWatchLogs:
		c.Tailable = active
		c.Notes = append(c.Notes, fmt.Sprintf("reach can tail log group %s (Live Tail, or FilterLogEvents polling) and query its history (Logs Insights); records arrive up to %s after the traffic (aggregation interval %s, delivery typically within %s)",
			fl.LogGroupName, fmtDuration(fl.Interval()+CloudWatchLogsDeliveryDelay), fmtDuration(fl.Interval()), fmtDuration(CloudWatchLogsDeliveryDelay)))
	case FlowLogDestS3:
		bucket, prefix := s3Location(fl.Destination)
		where := "s3://" + bucket + "/" + prefix
		note := fmt.Sprintf("records go to %s, in files delivered about every %s; reach cannot read S3 (its policy has no s3:GetObject): download them with `aws s3 cp --recursive %sAWSLogs/ ./flowlogs/` and read them with `reach flows --file FILE`",
			where, fmtDuration(S3DeliveryDelay), where)
		if strings.EqualFold(fl.FileFormat, "parquet") {
			note = fmt.Sprintf("records go to %s as Parquet files; reach reads only the plain-text format, so reach cannot use them", where)
		}
		c.Notes = append(c.Notes, note)
	case FlowLogDestFirehose:
		c.Notes = append(c.Notes, fmt.Sprintf("records go to the Firehose stream %s; reach cannot read a delivery stream: read the records where the stream delivers them and give them to `reach flows --file FILE`", fl.Destination))
	default:
		c.Notes = append(c.Notes, fmt.Sprintf("records go to a %q destination, which reach does not know", fl.DestinationType))
	}
	if !active {
		c.Notes = append(c.Notes, fmt.Sprintf("the flow log is %s, not ACTIVE: it records nothing", fl.Status))
	}
	if strings.EqualFold(fl.DeliverStatus, "FAILED") {
		msg := "delivery is failing"
		if fl.DeliverError != "" {
			msg += " (" + fl.DeliverError + ")"
		}
		c.Notes = append(c.Notes, msg+": records may be missing, so their absence proves nothing")
	}
	switch strings.ToUpper(fl.TrafficType) {
	case "REJECT":
		c.Notes = append(c.Notes, "only rejected traffic is recorded: accepted requests and replies never appear, so an idle path and a working one look the same")
	case "ACCEPT":
		c.Notes = append(c.Notes, "only accepted traffic is recorded: rejected packets never appear")
	}
	var missing []string
	for _, f := range []string{"srcaddr", "dstaddr", "dstport", "action"} {
		if !fl.hasField(f) {
			missing = append(missing, "${"+f+"}")
		}
	}
	if len(missing) > 0 {
		c.Notes = append(c.Notes, fmt.Sprintf("the log format lacks %s: reach cannot match records to a path or tell accepts from rejects without them", strings.Join(missing, " ")))
	}
	return c
}

// s3Location splits an S3 destination ARN (arn:aws:s3:::bucket/prefix/)
// into the bucket and the prefix, the prefix ending in "/" when not empty.
func s3Location(arn string) (bucket, prefix string) {
	rest := arn
	if i := strings.Index(arn, ":::"); i >= 0 {
		rest = arn[i+3:]
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	return bucket, prefix
}

// createFlowLogCommand is the AWS CLI command that records the ENIs' traffic
// to CloudWatch Logs with a 1-minute aggregation interval. The IAM role
// that lets the flow-log service publish cannot be guessed, so it stays a
// placeholder.
func createFlowLogCommand(enis []string, account string) string {
	if account == "" {
		account = "ACCOUNT_ID"
	}
	return fmt.Sprintf("aws ec2 create-flow-logs --resource-type NetworkInterface --resource-ids %s --traffic-type ALL --max-aggregation-interval 60 --log-destination-type cloud-watch-logs --log-group-name /reach/flow-logs --deliver-logs-permission-arn arn:aws:iam::%s:role/FLOW_LOGS_DELIVERY_ROLE --log-format '%s'",
		strings.Join(enis, " "), account, suggestedFlowLogFormat)
}

// fmtDuration prints 1m, 5m, 10m, 1m30s, 45s.
func fmtDuration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d >= time.Minute:
		return fmt.Sprintf("%dm%ds", d/time.Minute, (d%time.Minute)/time.Second)
	}
	return fmt.Sprintf("%ds", d/time.Second)
}
