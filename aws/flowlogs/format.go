package flowlogs

import (
	"fmt"
	"strings"

	"github.com/reachnet/reach/checks"
)

// field identifies one flow-log field.
type field uint8

// The fields, in the order of AWS's table of available fields ("Flow log
// records", Available fields), which is also the order of the full
// format.
const (
	fUnknown field = iota
	// Version 2: the default format.
	fVersion
	fAccountID
	fInterfaceID
	fSrcAddr
	fDstAddr
	fSrcPort
	fDstPort
	fProtocol
	fPackets
	fBytes
	fStart
	fEnd
	fAction
	fLogStatus
	// Version 3.
	fVPCID
	fSubnetID
	fInstanceID
	fTCPFlags
	fType
	fPktSrcAddr
	fPktDstAddr
	// Version 4.
	fRegion
	fAZID
	fSublocationType
	fSublocationID
	// Version 5.
	fPktSrcAWSService
	fPktDstAWSService
	fFlowDirection
	fTrafficPath
	// Version 7.
	fECSClusterARN
	fECSClusterName
	fECSContainerInstanceARN
	fECSContainerInstanceID
	fECSContainerID
	fECSSecondContainerID
	fECSServiceName
	fECSTaskDefinitionARN
	fECSTaskARN
	fECSTaskID
	// Version 8.
	fRejectReason
	// Newer than version 8: resource-id, and encryption-status (VPC
	// encryption controls). Third-party material places both in version
	// 10; AWS's table was not at hand to confirm, and a record's own
	// ${version} says which it is anyway.
	fResourceID
	fEncryptionStatus
	numFields
)

// FieldInfo describes one field reach understands.
type FieldInfo struct {
	// Name is the field as a format names it, without ${}.
	Name string
	// Version is the flow-log version that introduced it.
	Version int
}

var fieldInfo = [numFields]FieldInfo{
	fVersion: {"version", 2}, fAccountID: {"account-id", 2}, fInterfaceID: {"interface-id", 2},
	fSrcAddr: {"srcaddr", 2}, fDstAddr: {"dstaddr", 2}, fSrcPort: {"srcport", 2}, fDstPort: {"dstport", 2},
	fProtocol: {"protocol", 2}, fPackets: {"packets", 2}, fBytes: {"bytes", 2}, fStart: {"start", 2},
	fEnd: {"end", 2}, fAction: {"action", 2}, fLogStatus: {"log-status", 2},
	fVPCID: {"vpc-id", 3}, fSubnetID: {"subnet-id", 3}, fInstanceID: {"instance-id", 3}, fTCPFlags: {"tcp-flags", 3},
	fType: {"type", 3}, fPktSrcAddr: {"pkt-srcaddr", 3}, fPktDstAddr: {"pkt-dstaddr", 3},
	fRegion: {"region", 4}, fAZID: {"az-id", 4}, fSublocationType: {"sublocation-type", 4}, fSublocationID: {"sublocation-id", 4},
	fPktSrcAWSService: {"pkt-src-aws-service", 5}, fPktDstAWSService: {"pkt-dst-aws-service", 5},
	fFlowDirection: {"flow-direction", 5}, fTrafficPath: {"traffic-path", 5},
	fECSClusterARN: {"ecs-cluster-arn", 7}, fECSClusterName: {"ecs-cluster-name", 7},
	fECSContainerInstanceARN: {"ecs-container-instance-arn", 7}, fECSContainerInstanceID: {"ecs-container-instance-id", 7},
	fECSContainerID: {"ecs-container-id", 7}, fECSSecondContainerID: {"ecs-second-container-id", 7},
	fECSServiceName: {"ecs-service-name", 7}, fECSTaskDefinitionARN: {"ecs-task-definition-arn", 7},
	fECSTaskARN: {"ecs-task-arn", 7}, fECSTaskID: {"ecs-task-id", 7},
	fRejectReason:     {"reject-reason", 8},
	fResourceID:       {"resource-id", 10},
	fEncryptionStatus: {"encryption-status", 10},
}

var fieldByName = func() map[string]field {
	m := make(map[string]field, numFields)
	for f := fVersion; f < numFields; f++ {
		m[fieldInfo[f].Name] = f
	}
	return m
}()

// Fields lists every field reach parses, in AWS's order.
func Fields() []FieldInfo {
	return append([]FieldInfo(nil), fieldInfo[fVersion:]...)
}

// AllFieldsFormat is a custom format carrying every field reach parses, in
// AWS's order.
func AllFieldsFormat() string {
	var b strings.Builder
	for f := fVersion; f < numFields; f++ {
		if f > fVersion {
			b.WriteByte(' ')
		}
		b.WriteString("${" + fieldInfo[f].Name + "}")
	}
	return b.String()
}

// maxColumns bounds a format: AWS has about 40 fields, so more columns
// than this is not a flow-log format.
const maxColumns = 128

// Format is a parsed log format: which field each space-separated column
// of a record holds. It is immutable and safe to share.
type Format struct {
	text    string
	cols    []field
	names   []string
	version int
	unknown []string
	has     [numFields]bool
}

// DefaultFormat is the version 2 default format.
var DefaultFormat = mustFormat(checks.DefaultFlowLogFormat)

func mustFormat(s string) *Format {
	f, err := parseFormat(s)
	if err != nil {
		panic("flowlogs: " + err.Error())
	}
	return f
}

// ParseFormat parses a log format as describe-flow-logs and
// create-flow-logs spell it: "${version} ${srcaddr} …". An empty string is
// the default format. Fields reach does not know (a future version's, or a
// transit gateway flow log's) are accepted: their columns are skipped and
// listed by Unknown.
func ParseFormat(s string) (*Format, error) {
	if strings.TrimSpace(s) == "" {
		return DefaultFormat, nil
	}
	return parseFormat(s)
}

func parseFormat(s string) (*Format, error) {
	toks := strings.Fields(s)
	if len(toks) > maxColumns {
		return nil, fmt.Errorf("log format has %d fields; flow logs have at most about 40", len(toks))
	}
	f := &Format{text: strings.Join(toks, " ")}
	for i, t := range toks {
		if !strings.HasPrefix(t, "${") || !strings.HasSuffix(t, "}") || len(t) < 4 {
			return nil, fmt.Errorf("log format: field %d %q: expected ${name}, as in ${srcaddr}", i+1, cut(t, 40))
		}
		name := t[2 : len(t)-1]
		if !validFieldName(name) {
			return nil, fmt.Errorf("log format: field %d %q: a field name is lowercase letters, digits and dashes", i+1, cut(t, 40))
		}
		f.add(name)
	}
	return f, nil
}

// ParseHeader recognises the header line that starts every flow-log file
// delivered to S3 ("version account-id interface-id …": the format's field
// names without ${}), and returns its format. It reports false for a line
// that is not such a header.
func ParseHeader(line string) (*Format, bool) {
	toks := strings.Fields(line)
	if len(toks) < 2 || len(toks) > maxColumns {
		return nil, false
	}
	known := 0
	for _, t := range toks {
		if !validFieldName(t) {
			return nil, false
		}
		if fieldByName[t] != fUnknown {
			known++
		}
	}
	// Every header names at least a couple of known fields; a record has
	// addresses and numbers, which are not field names.
	if known < 2 {
		return nil, false
	}
	f := &Format{}
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = "${" + t + "}"
		f.add(t)
	}
	f.text = strings.Join(parts, " ")
	return f, true
}

func (f *Format) add(name string) {
	id := fieldByName[name]
	f.cols = append(f.cols, id)
	f.names = append(f.names, name)
	if id == fUnknown {
		f.unknown = append(f.unknown, name)
		return
	}
	f.has[id] = true
	f.version = max(f.version, fieldInfo[id].Version)
}

func validFieldName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// String returns the format as AWS spells it.
func (f *Format) String() string { return f.text }

// Columns is the number of space-separated fields of a record.
func (f *Format) Columns() int { return len(f.cols) }

// Names returns the field names, in column order.
func (f *Format) Names() []string { return append([]string(nil), f.names...) }

// Version is the highest version among the format's known fields, the
// value a record's ${version} holds.
func (f *Format) Version() int { return f.version }

// Unknown lists the field names reach does not parse (their columns are
// skipped).
func (f *Format) Unknown() []string { return append([]string(nil), f.unknown...) }

// Has reports whether the format carries the named field.
func (f *Format) Has(name string) bool {
	id := fieldByName[name]
	return id != fUnknown && f.has[id]
}

func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
