package render

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/reachnet/reach/checks"
)

// The flows report: flow-log records, the flow logs that cover a path,
// and the diagnosis, as reach flows prints them; the wording of flow-log
// coverage is written here once for the command line and the terminal.

// FlowPlain makes a line of the flows report printable: inert (records and
// malformed lines are whatever a log holds), and with its glyphs spelled in
// ASCII when asked.
func FlowPlain(s string, ascii bool) string {
	s = Inert(s)
	if !ascii {
		return s
	}
	return strings.NewReplacer("→", "->", "…", "...", "↳", ">").Replace(s)
}

// FlowRecord is one record as a line: start time, interface and
// direction, the ends, protocol and action, and, when a is not nil, the
// rule that explains it ("!" when the configuration disagrees with what
// happened).
func FlowRecord(f *checks.Flow, a *checks.Attribution, ascii bool) string {
	return string(AppendFlowRecord(nil, f, a, ascii))
}

// AppendFlowRecord appends FlowRecord's line to dst. Only the strings a
// record or its attribution carry from a log are made inert; the rest
// (times, addresses, numbers, the glyphs) is written as it is, so that a
// million records print in the time it takes to read them.
func AppendFlowRecord(dst []byte, f *checks.Flow, a *checks.Attribution, ascii bool) []byte {
	t := f.Start
	if t.IsZero() {
		t = f.End
	}
	if t.IsZero() {
		dst = append(dst, '-')
	} else {
		dst = t.UTC().AppendFormat(dst, time.RFC3339)
	}
	dst = append(dst, "  "...)
	dst = append(dst, FlowPlain(dash(f.InterfaceID), ascii)...)
	if f.FlowDirection != "" {
		dst = append(dst, ' ')
		dst = append(dst, FlowPlain(f.FlowDirection, ascii)...)
	}
	if f.LogStatus == "NODATA" || f.LogStatus == "SKIPDATA" {
		dst = append(dst, "  "...)
		return append(dst, FlowPlain(f.LogStatus, ascii)...)
	}
	dst = append(dst, "  "...)
	dst = appendEnd(dst, f.Src, f.SrcPort, f.Protocol)
	if ascii {
		dst = append(dst, " -> "...)
	} else {
		dst = append(dst, " → "...)
	}
	dst = appendEnd(dst, f.Dst, f.DstPort, f.Protocol)
	dst = append(dst, "  "...)
	dst = append(dst, FlowPlain(f.Protocol.String(), ascii)...)
	dst = append(dst, "  "...)
	dst = append(dst, FlowPlain(dash(f.Action), ascii)...)
	if f.RejectReason != "" {
		dst = append(dst, " ("...)
		dst = append(dst, FlowPlain(f.RejectReason, ascii)...)
		dst = append(dst, ')')
	}
	if a != nil {
		mark := ""
		if !a.Agrees {
			mark = "!"
		}
		dst = append(dst, FlowPlain(fmt.Sprintf("  %s↳ %s %s (%s): %s", mark, dash(a.Layer), dash(a.Component), a.Direction, a.Detail), ascii)...)
	}
	return dst
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func appendEnd(dst []byte, a netip.Addr, port uint16, p checks.Protocol) []byte {
	if !a.IsValid() {
		return append(dst, '-')
	}
	if !p.HasPorts() {
		return a.AppendTo(dst)
	}
	return netip.AddrPortFrom(a, port).AppendTo(dst)
}

// FlowRecordJSON is a record as JSON: the fields the record has, named as
// the log format names them.
func FlowRecordJSON(f *checks.Flow) map[string]any {
	m := map[string]any{}
	set := func(k string, v any, present bool) {
		if present {
			m[k] = v
		}
	}
	set("version", f.Version, f.Version != 0)
	set("account_id", f.AccountID, f.AccountID != "")
	set("interface_id", f.InterfaceID, f.InterfaceID != "")
	set("srcaddr", f.Src.String(), f.Src.IsValid())
	set("dstaddr", f.Dst.String(), f.Dst.IsValid())
	withTraffic := f.LogStatus != "NODATA" && f.LogStatus != "SKIPDATA"
	set("srcport", f.SrcPort, withTraffic && f.Protocol.HasPorts())
	set("dstport", f.DstPort, withTraffic && f.Protocol.HasPorts())
	set("protocol", int(f.Protocol), withTraffic)
	set("packets", f.Packets, withTraffic)
	set("bytes", f.Bytes, withTraffic)
	set("start", f.Start.UTC().Format(time.RFC3339), !f.Start.IsZero())
	set("end", f.End.UTC().Format(time.RFC3339), !f.End.IsZero())
	set("action", f.Action, f.Action != "")
	set("log_status", f.LogStatus, f.LogStatus != "")
	set("vpc_id", f.VPCID, f.VPCID != "")
	set("subnet_id", f.SubnetID, f.SubnetID != "")
	set("instance_id", f.InstanceID, f.InstanceID != "")
	set("tcp_flags", f.TCPFlags, f.TCPFlags >= 0)
	set("type", f.Type, f.Type != "")
	set("pkt_srcaddr", f.PktSrc.String(), f.PktSrc.IsValid())
	set("pkt_dstaddr", f.PktDst.String(), f.PktDst.IsValid())
	set("region", f.Region, f.Region != "")
	set("az_id", f.AZID, f.AZID != "")
	set("sublocation_type", f.SublocationType, f.SublocationType != "")
	set("sublocation_id", f.SublocationID, f.SublocationID != "")
	set("pkt_src_aws_service", f.PktSrcAWSService, f.PktSrcAWSService != "")
	set("pkt_dst_aws_service", f.PktDstAWSService, f.PktDstAWSService != "")
	set("flow_direction", f.FlowDirection, f.FlowDirection != "")
	set("traffic_path", f.TrafficPath, f.TrafficPath >= 0)
	set("ecs_cluster_arn", f.ECSClusterARN, f.ECSClusterARN != "")
	set("ecs_cluster_name", f.ECSClusterName, f.ECSClusterName != "")
	set("ecs_container_instance_arn", f.ECSContainerInstanceARN, f.ECSContainerInstanceARN != "")
	set("ecs_container_instance_id", f.ECSContainerInstanceID, f.ECSContainerInstanceID != "")
	set("ecs_container_id", f.ECSContainerID, f.ECSContainerID != "")
	set("ecs_second_container_id", f.ECSSecondContainerID, f.ECSSecondContainerID != "")
	set("ecs_service_name", f.ECSServiceName, f.ECSServiceName != "")
	set("ecs_task_definition_arn", f.ECSTaskDefinitionARN, f.ECSTaskDefinitionARN != "")
	set("ecs_task_arn", f.ECSTaskARN, f.ECSTaskARN != "")
	set("ecs_task_id", f.ECSTaskID, f.ECSTaskID != "")
	set("reject_reason", f.RejectReason, f.RejectReason != "")
	set("resource_id", f.ResourceID, f.ResourceID != "")
	set("encryption_status", f.EncryptionStatus, f.EncryptionStatus >= 0)
	return m
}

// FlowCoverage says, one line each, which flow logs record the
// interfaces, what reach can do with them, and how to create one when
// none can be read.
func FlowCoverage(d checks.FlowLogDiscovery) []string {
	var out []string
	if d.Unknown != "" {
		out = append(out, d.Unknown)
	}
	for _, c := range d.Coverage {
		dest := c.LogGroup
		if dest == "" {
			dest = c.Destination
		}
		out = append(out, fmt.Sprintf("%s: flow log %s (on %s %s) to %s %s, %s traffic, aggregation interval %ds",
			c.ENI, c.FlowLogID, c.Level, c.AttachedTo, c.DestinationType, dest, c.TrafficType, c.IntervalSeconds))
		for _, n := range c.Notes {
			out = append(out, "  "+n)
		}
	}
	out = append(out, d.Notes...)
	if d.CreateCommand != "" {
		out = append(out, "to create one: "+d.CreateCommand)
	}
	return out
}

// NoInterface completes a sentence that says an end is not one of the
// account's interfaces ("i-0abc is not an interface in the account"):
// then it has no flow log.
func NoInterface(sentence string) string {
	return sentence + ", so no flow log of it can be read"
}

// NoFlowCoverage says on one line why no flow log of the interfaces can
// be tailed: the flow-log configuration could not be read, or no flow log
// reach can read records them, with the command that creates one. It is
// "" when one can be tailed.
func NoFlowCoverage(d checks.FlowLogDiscovery, enis []string) string {
	switch {
	case len(d.Tailable()) > 0:
		return ""
	case d.Unknown != "":
		return fmt.Sprintf("the flow logs of %s cannot be found: %s", strings.Join(enis, " and "), d.Unknown)
	}
	msg := fmt.Sprintf("no flow log reach can read records %s (reach tails CloudWatch Logs; it cannot tail S3 or Firehose destinations)", strings.Join(enis, " or "))
	if d.CreateCommand != "" {
		msg += "; to create one: " + d.CreateCommand
	}
	return msg
}

// PartialFlowCoverage is the note of a path only one end of which is
// recorded where reach can read it: the other end's records will be
// missing. It is "" when every end is covered.
func PartialFlowCoverage(d checks.FlowLogDiscovery, enis []string) string {
	var missing []string
	for _, e := range enis {
		if !slices.ContainsFunc(d.Tailable(), func(c checks.FlowLogCoverage) bool { return c.ENI == e }) {
			missing = append(missing, e)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	note := fmt.Sprintf("no flow log reach can read records %s: only the other end's records will show", strings.Join(missing, " or "))
	if d.CreateCommand != "" {
		note += "; to create one: " + d.CreateCommand
	}
	return note
}

// FlowDiagnosis is the diagnosis of a path's records, one line each.
func FlowDiagnosis(d checks.Diagnosis) []string {
	out := []string{fmt.Sprintf("diagnosis of %s (the configuration says %s)", d.Path, d.Verdict)}
	for _, f := range d.Findings {
		out = append(out, fmt.Sprintf("  %s: %s", f.Pattern, f.Summary))
		if f.Fix != "" {
			out = append(out, "    fix: "+f.Fix)
		}
	}
	if len(d.Findings) == 0 {
		out = append(out, "  "+d.Summary)
	}
	return out
}
