package flowlogs

import (
	"errors"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reachnet/reach/checks"
)

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }
func unix(s int64) time.Time { return time.Unix(s, 0).UTC() }

// blank is a record with nothing parsed: what a format without a field
// leaves in it.
func blank() checks.Flow { return checks.Flow{TCPFlags: -1, TrafficPath: -1, EncryptionStatus: -1} }

// TestParseEveryVersion parses a record of each flow-log version with every
// field that version introduced (in custom orders, as custom formats
// allow), and compares the whole checks.Flow.
func TestParseEveryVersion(t *testing.T) {
	type tc struct {
		name, format, line string
		want               func(f *checks.Flow)
	}
	for _, c := range []tc{
		{
			name: "v2 default format (AWS example, accepted SSH)",
			line: "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
			want: func(f *checks.Flow) {
				f.Version, f.AccountID, f.InterfaceID = 2, "123456789010", "eni-1235b8ca123456789"
				f.Src, f.Dst, f.SrcPort, f.DstPort, f.Protocol = ip("172.31.16.139"), ip("172.31.16.21"), 20641, 22, checks.ProtocolTCP
				f.Packets, f.Bytes, f.Start, f.End, f.Action, f.LogStatus = 20, 4249, unix(1418530010), unix(1418530070), "ACCEPT", "OK"
			},
		},
		{
			name:   "v3 fields (AWS example, through a NAT gateway)",
			format: "${version} ${vpc-id} ${subnet-id} ${instance-id} ${interface-id} ${account-id} ${type} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${pkt-srcaddr} ${pkt-dstaddr} ${protocol} ${bytes} ${packets} ${start} ${end} ${action} ${tcp-flags} ${log-status}",
			line:   "3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42 10.0.0.62 43416 5001 52.213.180.42 10.0.0.62 6 568 8 1566848875 1566848933 ACCEPT 2 OK",
			want: func(f *checks.Flow) {
				f.Version, f.VPCID, f.SubnetID, f.InstanceID = 3, "vpc-abcdefab012345678", "subnet-aaaaaaaa012345678", "i-01234567890123456"
				f.InterfaceID, f.AccountID, f.Type = "eni-1235b8ca123456789", "123456789010", "IPv4"
				f.Src, f.Dst, f.SrcPort, f.DstPort = ip("52.213.180.42"), ip("10.0.0.62"), 43416, 5001
				f.PktSrc, f.PktDst, f.Protocol, f.Bytes, f.Packets = ip("52.213.180.42"), ip("10.0.0.62"), checks.ProtocolTCP, 568, 8
				f.Start, f.End, f.Action, f.TCPFlags, f.LogStatus = unix(1566848875), unix(1566848933), "ACCEPT", 2, "OK"
			},
		},
		{
			name:   "v4 fields (an Outpost)",
			format: "${version} ${interface-id} ${srcaddr} ${dstaddr} ${region} ${az-id} ${sublocation-type} ${sublocation-id} ${action} ${log-status}",
			line:   "4 eni-0123456789abcdef0 10.0.1.5 10.0.2.9 us-west-2 usw2-az1 outpost op-0123456789abcdef0 REJECT OK",
			want: func(f *checks.Flow) {
				f.Version, f.InterfaceID, f.Src, f.Dst = 4, "eni-0123456789abcdef0", ip("10.0.1.5"), ip("10.0.2.9")
				f.Region, f.AZID, f.SublocationType, f.SublocationID = "us-west-2", "usw2-az1", "outpost", "op-0123456789abcdef0"
				f.Action, f.LogStatus = "REJECT", "OK"
			},
		},
		{
			name:   "v5 fields (to S3 through a gateway endpoint)",
			format: "${version} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${pkt-src-aws-service} ${pkt-dst-aws-service} ${flow-direction} ${traffic-path} ${action} ${log-status}",
			line:   "5 10.0.16.45 52.216.10.20 40512 443 6 - S3 egress 7 ACCEPT OK",
			want: func(f *checks.Flow) {
				f.Version, f.Src, f.Dst, f.SrcPort, f.DstPort, f.Protocol = 5, ip("10.0.16.45"), ip("52.216.10.20"), 40512, 443, checks.ProtocolTCP
				f.PktDstAWSService, f.FlowDirection, f.TrafficPath, f.Action, f.LogStatus = "S3", "egress", 7, "ACCEPT", "OK"
			},
		},
		{
			name: "v7 fields (an ECS task)",
			format: "${version} ${srcaddr} ${dstaddr} ${ecs-cluster-arn} ${ecs-cluster-name} ${ecs-container-instance-arn} ${ecs-container-instance-id} " +
				"${ecs-container-id} ${ecs-second-container-id} ${ecs-service-name} ${ecs-task-definition-arn} ${ecs-task-arn} ${ecs-task-id} ${action}",
			line: "7 10.0.5.7 10.0.6.8 arn:aws:ecs:us-east-1:123456789012:cluster/web web arn:aws:ecs:us-east-1:123456789012:container-instance/web/0a1b2c " +
				"0a1b2c 3f2e1d0c9b8a 4e5f6a7b8c9d web-svc arn:aws:ecs:us-east-1:123456789012:task-definition/web:3 arn:aws:ecs:us-east-1:123456789012:task/web/9f8e7d 9f8e7d ACCEPT",
			want: func(f *checks.Flow) {
				f.Version, f.Src, f.Dst = 7, ip("10.0.5.7"), ip("10.0.6.8")
				f.ECSClusterARN, f.ECSClusterName = "arn:aws:ecs:us-east-1:123456789012:cluster/web", "web"
				f.ECSContainerInstanceARN, f.ECSContainerInstanceID = "arn:aws:ecs:us-east-1:123456789012:container-instance/web/0a1b2c", "0a1b2c"
				f.ECSContainerID, f.ECSSecondContainerID, f.ECSServiceName = "3f2e1d0c9b8a", "4e5f6a7b8c9d", "web-svc"
				f.ECSTaskDefinitionARN = "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3"
				f.ECSTaskARN, f.ECSTaskID, f.Action = "arn:aws:ecs:us-east-1:123456789012:task/web/9f8e7d", "9f8e7d", "ACCEPT"
			},
		},
		{
			name:   "v8 reject-reason (VPC Block Public Access)",
			format: "${version} ${interface-id} ${srcaddr} ${dstaddr} ${dstport} ${protocol} ${action} ${reject-reason}",
			line:   "8 eni-0a1b2c3d4e5f60718 198.51.100.7 10.0.1.20 443 6 REJECT BPA",
			want: func(f *checks.Flow) {
				f.Version, f.InterfaceID, f.Src, f.Dst, f.DstPort, f.Protocol = 8, "eni-0a1b2c3d4e5f60718", ip("198.51.100.7"), ip("10.0.1.20"), 443, checks.ProtocolTCP
				f.Action, f.RejectReason = "REJECT", "BPA"
			},
		},
		{
			name:   "newest fields: resource-id and encryption-status",
			format: "${version} ${srcaddr} ${dstaddr} ${resource-id} ${encryption-status}",
			line:   "10 10.0.1.5 10.0.2.9 nat-0a1b2c3d4e5f60718 1",
			want: func(f *checks.Flow) {
				f.Version, f.Src, f.Dst, f.ResourceID, f.EncryptionStatus = 10, ip("10.0.1.5"), ip("10.0.2.9"), "nat-0a1b2c3d4e5f60718", 1
			},
		},
		{
			name: "IPv6 (AWS example)",
			line: "2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK",
			want: func(f *checks.Flow) {
				f.Version, f.AccountID, f.InterfaceID = 2, "123456789010", "eni-1235b8ca123456789"
				f.Src, f.Dst = ip("2001:db8:1234:a100:8d6e:3477:df66:f105"), ip("2001:db8:1234:a102:3304:8879:34cf:4071")
				f.SrcPort, f.DstPort, f.Protocol, f.Packets, f.Bytes = 34892, 22, checks.ProtocolTCP, 54, 8855
				f.Start, f.End, f.Action, f.LogStatus = unix(1477913708), unix(1477913820), "ACCEPT", "OK"
			},
		},
		{
			name: "NODATA (AWS example)",
			line: "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA",
			want: func(f *checks.Flow) {
				f.Version, f.AccountID, f.InterfaceID = 2, "123456789010", "eni-1235b8ca123456789"
				f.Start, f.End, f.LogStatus = unix(1431280876), unix(1431280934), "NODATA"
			},
		},
		{
			name: "SKIPDATA (AWS example)",
			line: "2 123456789010 eni-11111111aaaaaaaaa - - - - - - - 1431280876 1431280934 - SKIPDATA",
			want: func(f *checks.Flow) {
				f.Version, f.AccountID, f.InterfaceID = 2, "123456789010", "eni-11111111aaaaaaaaa"
				f.Start, f.End, f.LogStatus = unix(1431280876), unix(1431280934), "SKIPDATA"
			},
		},
		{
			name: "ICMP has no ports; account unknown for a service's interface",
			line: "2 unknown eni-0f6a7b8c9d0e10023 10.1.5.20 10.0.16.200 0 0 1 4 336 1763632800 1763632860 ACCEPT OK",
			want: func(f *checks.Flow) {
				f.Version, f.AccountID, f.InterfaceID, f.Src, f.Dst, f.Protocol = 2, "unknown", "eni-0f6a7b8c9d0e10023", ip("10.1.5.20"), ip("10.0.16.200"), checks.ProtocolICMP
				f.Packets, f.Bytes, f.Start, f.End, f.Action, f.LogStatus = 4, 336, unix(1763632800), unix(1763632860), "ACCEPT", "OK"
			},
		},
		{
			name:   "unknown fields are skipped, tabs and repeated spaces tolerated, CRLF trimmed",
			format: "${version} ${instance-tag} ${srcaddr} ${next-hop-vpc-id} ${dstaddr}",
			line:   "9\tenv=prod   10.0.0.1 vpc-0abc 10.0.0.2\r\n",
			want: func(f *checks.Flow) {
				f.Version, f.Src, f.Dst = 9, ip("10.0.0.1"), ip("10.0.0.2")
			},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			format, err := ParseFormat(c.format)
			if err != nil {
				t.Fatal(err)
			}
			want := blank()
			c.want(&want)
			for _, mode := range []string{"bytes", "string"} {
				p := NewParser(format)
				got := checks.Flow{Src: ip("1.1.1.1"), Action: "stale"} // Parse must reset it
				if mode == "bytes" {
					err = p.Parse([]byte(c.line), &got)
				} else {
					err = p.ParseString(c.line, &got)
				}
				if err != nil {
					t.Fatalf("%s: %v", mode, err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s:\n got %+v\nwant %+v", mode, got, want)
				}
			}
		})
	}
}

// TestParseAllFields parses a record in the format of every field reach
// knows, in AWS's order, and one where every field is "-".
func TestParseAllFields(t *testing.T) {
	format, err := ParseFormat(AllFieldsFormat())
	if err != nil {
		t.Fatal(err)
	}
	if format.Columns() != len(Fields()) || len(format.Unknown()) != 0 || format.Version() != 10 {
		t.Fatalf("all-fields format: %d columns, unknown %v, version %d", format.Columns(), format.Unknown(), format.Version())
	}
	values := []string{
		"10", "123456789010", "eni-0a", "10.0.0.1", "10.0.0.2", "1024", "443", "17", "3", "300", "1700000000", "1700000060", "REJECT", "OK",
		"vpc-0a", "subnet-0a", "i-0a", "18", "IPv4", "10.0.0.1", "10.0.0.2",
		"us-east-1", "use1-az1", "wavelength", "wlz-0a",
		"AMAZON", "S3", "ingress", "2",
		"arn:c", "c", "arn:ci", "ci", "ct1", "ct2", "svc", "arn:td", "arn:t", "t",
		"BPA", "eni-0a", "3",
	}
	if len(values) != format.Columns() {
		t.Fatalf("%d values for %d fields", len(values), format.Columns())
	}
	want := checks.Flow{
		Version: 10, AccountID: "123456789010", InterfaceID: "eni-0a", Src: ip("10.0.0.1"), Dst: ip("10.0.0.2"), SrcPort: 1024, DstPort: 443,
		Protocol: checks.ProtocolUDP, Packets: 3, Bytes: 300, Start: unix(1700000000), End: unix(1700000060), Action: "REJECT", LogStatus: "OK",
		VPCID: "vpc-0a", SubnetID: "subnet-0a", InstanceID: "i-0a", TCPFlags: 18, Type: "IPv4", PktSrc: ip("10.0.0.1"), PktDst: ip("10.0.0.2"),
		Region: "us-east-1", AZID: "use1-az1", SublocationType: "wavelength", SublocationID: "wlz-0a",
		PktSrcAWSService: "AMAZON", PktDstAWSService: "S3", FlowDirection: "ingress", TrafficPath: 2,
		ECSClusterARN: "arn:c", ECSClusterName: "c", ECSContainerInstanceARN: "arn:ci", ECSContainerInstanceID: "ci",
		ECSContainerID: "ct1", ECSSecondContainerID: "ct2", ECSServiceName: "svc", ECSTaskDefinitionARN: "arn:td", ECSTaskARN: "arn:t", ECSTaskID: "t",
		RejectReason: "BPA", ResourceID: "eni-0a", EncryptionStatus: 3,
	}
	p := NewParser(format)
	var got checks.Flow
	if err := p.ParseString(strings.Join(values, " "), &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("\n got %+v\nwant %+v", got, want)
	}
	dashes := strings.TrimSpace(strings.Repeat("- ", format.Columns()))
	if err := p.ParseString(dashes, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, blank()) {
		t.Errorf("every field '-': got %+v", got)
	}
}

// TestFieldTable pins the documented order and versions of the fields.
func TestFieldTable(t *testing.T) {
	want := "version:2 account-id:2 interface-id:2 srcaddr:2 dstaddr:2 srcport:2 dstport:2 protocol:2 packets:2 bytes:2 start:2 end:2 action:2 log-status:2 " +
		"vpc-id:3 subnet-id:3 instance-id:3 tcp-flags:3 type:3 pkt-srcaddr:3 pkt-dstaddr:3 " +
		"region:4 az-id:4 sublocation-type:4 sublocation-id:4 " +
		"pkt-src-aws-service:5 pkt-dst-aws-service:5 flow-direction:5 traffic-path:5 " +
		"ecs-cluster-arn:7 ecs-cluster-name:7 ecs-container-instance-arn:7 ecs-container-instance-id:7 ecs-container-id:7 ecs-second-container-id:7 ecs-service-name:7 ecs-task-definition-arn:7 ecs-task-arn:7 ecs-task-id:7 " +
		"reject-reason:8 resource-id:10 encryption-status:10"
	var got []string
	for _, f := range Fields() {
		got = append(got, f.Name+":"+strconv.Itoa(f.Version))
	}
	if strings.Join(got, " ") != want {
		t.Errorf("fields:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if DefaultFormat.String() != checks.DefaultFlowLogFormat || DefaultFormat.Version() != 2 || DefaultFormat.Columns() != 14 {
		t.Errorf("default format %q version %d", DefaultFormat, DefaultFormat.Version())
	}
}

// TestParseMalformed: a bad line is an error naming the field and why, never
// a panic, and the parser goes on with the next line.
func TestParseMalformed(t *testing.T) {
	p := NewParser()
	good := "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK"
	for _, c := range []struct {
		name, line, reason string
		column             int
	}{
		{"empty", "   ", "empty line", 0},
		{"too few fields", "2 123456789010 eni-1 10.0.0.1", "4 fields, but the log format has 14", 0},
		{"too many fields", good + " extra", "15 fields, but the log format has 14", 0},
		{"bad source address", strings.Replace(good, "172.31.16.139", "172.31.16.1399", 1), errAddr, 4},
		{"leading zero", strings.Replace(good, "172.31.16.139", "172.031.16.139", 1), errAddr, 4},
		{"port out of range", strings.Replace(good, " 22 ", " 70000 ", 1), errNumber, 7},
		{"protocol out of range", strings.Replace(good, " 6 20 ", " 256 20 ", 1), errProtocol, 8},
		{"negative packets", strings.Replace(good, " 20 4249", " -20 4249", 1), errNumber, 9},
		{"bad action", strings.Replace(good, "ACCEPT", "DENY", 1), errAction, 13},
		{"bad status", strings.Replace(good, " OK", " FINE", 1), errStatus, 14},
		{"bad time", strings.Replace(good, "1418530010", "14185300x0", 1), errTime, 11},
		{"time past 9999", strings.Replace(good, "1418530010", "99999999999999", 1), errTime, 11},
		{"a header line", "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status", "", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			var f checks.Flow
			err := p.ParseString(c.line, &f)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a ParseError", err)
			}
			if pe.Column != c.column || c.reason != "" && pe.Reason != c.reason {
				t.Errorf("got column %d %q, want column %d %q", pe.Column, pe.Reason, c.column, c.reason)
			}
			if err := p.ParseString(good, &f); err != nil || f.DstPort != 22 {
				t.Errorf("the next good line: %v %+v", err, f)
			}
		})
	}
}

func TestParseFormatErrors(t *testing.T) {
	for _, s := range []string{"${version} srcaddr", "${}", "${Version}", "${src addr}", "$version", strings.Repeat("${version} ", maxColumns+1)} {
		if f, err := ParseFormat(s); err == nil {
			t.Errorf("ParseFormat(%q) = %v, want an error", s, f)
		}
	}
	if f, err := ParseFormat("  "); err != nil || f != DefaultFormat {
		t.Errorf("blank format: %v %v", f, err)
	}
	f, err := ParseFormat("${version}  ${srcaddr}\t${instance-tag}")
	if err != nil || f.String() != "${version} ${srcaddr} ${instance-tag}" || !f.Has("srcaddr") || f.Has("dstaddr") ||
		!reflect.DeepEqual(f.Unknown(), []string{"instance-tag"}) || !reflect.DeepEqual(f.Names(), []string{"version", "srcaddr", "instance-tag"}) {
		t.Errorf("got %v %v", f, err)
	}
}

func TestParseHeader(t *testing.T) {
	f, ok := ParseHeader("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n")
	if !ok || f.String() != checks.DefaultFlowLogFormat {
		t.Errorf("S3 header: %v %v", f, ok)
	}
	for _, s := range []string{
		"2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
		"version", "hello world", "",
	} {
		if _, ok := ParseHeader(s); ok {
			t.Errorf("ParseHeader(%q) recognised a header", s)
		}
	}
}

// TestParserPicksFormatByFieldCount: flow logs with different formats may
// share a log group.
func TestParserPicksFormatByFieldCount(t *testing.T) {
	custom, err := ParseFormat("${version} ${interface-id} ${srcaddr} ${dstaddr} ${dstport} ${action} ${flow-direction}")
	if err != nil {
		t.Fatal(err)
	}
	p := NewParser(DefaultFormat, custom)
	var f checks.Flow
	if err := p.ParseString("5 eni-0a 10.0.0.1 10.0.0.2 443 REJECT ingress", &f); err != nil || f.FlowDirection != "ingress" || f.DstPort != 443 {
		t.Errorf("custom: %v %+v", err, f)
	}
	if err := p.ParseString("2 123456789010 eni-0a 10.0.0.1 10.0.0.2 1024 443 6 1 60 1 2 ACCEPT OK", &f); err != nil || f.AccountID != "123456789010" {
		t.Errorf("default: %v %+v", err, f)
	}
	if err := p.ParseString("1 2 3", &f); err == nil || !strings.Contains(err.Error(), "14 or 7") {
		t.Errorf("no format fits: %v", err)
	}
}

// TestParseDoesNotAllocate holds the parser to its promise: once a line's
// repeated strings are interned, parsing allocates nothing, from bytes or
// from a string, IPv4 or IPv6. (An allocation count is exact; no timing is
// asserted.)
func TestParseDoesNotAllocate(t *testing.T) {
	p := NewParser()
	lines := append(append([][]byte{}, benchLines...),
		[]byte("2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8::f 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK"),
		[]byte("2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA"))
	strs := make([]string, len(lines))
	for i, l := range lines {
		strs[i] = string(l)
	}
	var f checks.Flow
	for _, l := range lines {
		if err := p.Parse(l, &f); err != nil {
			t.Fatal(err)
		}
	}
	if n := testing.AllocsPerRun(200, func() {
		for i := range lines {
			_ = p.Parse(lines[i], &f)
			_ = p.ParseString(strs[i], &f)
		}
	}); n != 0 {
		t.Errorf("%v allocations per run of %d lines", n, 2*len(lines))
	}
}

// TestParseAddrMatchesNetip compares the allocation-free address parser
// with the standard library's on tricky inputs (the fuzz target goes
// further).
func TestParseAddrMatchesNetip(t *testing.T) {
	for _, s := range []string{
		"0.0.0.0", "255.255.255.255", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1..2.3", "1.2.3.", ".1.2.3",
		"::", "::1", "1::", "2001:db8::1", "2001:db8:0:0:0:0:0:1", "::ffff:10.0.0.1", "::ffff:10.0.0.256", "1:2:3:4:5:6:7:8",
		"1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::1:2:3:4:5:6:7", "1::2::3", "12345::1", "fe80::1%eth0", ":1", "1:", "1:2:3:4:5:6:1.2.3.4",
		"1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4", "a:B:c:D::", "g::1", "", "-",
	} {
		want, werr := netip.ParseAddr(s)
		got, ok := parseAddr(s)
		if want.Zone() != "" {
			werr = errors.New("zones are not flow-log addresses")
		}
		if ok != (werr == nil) || ok && got != want {
			t.Errorf("%q: got %v %v, netip %v %v", s, got, ok, want, werr)
		}
	}
}
