package flowlogs

import (
	"net/netip"
	"reflect"
	"testing"

	"github.com/reachnet/reach/checks"
)

var fuzzSeeds = []string{
	"2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK",
	"2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA",
	"2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8::1 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK",
	"2 unknown eni-0a ::ffff:10.0.0.1 10.0.0.2 0 0 1 4 336 1763632800 1763632860 REJECT OK",
	"10 123456789010 eni-0a 10.0.0.1 10.0.0.2 1024 443 17 3 300 1700000000 1700000060 REJECT OK vpc-0a subnet-0a i-0a 18 IPv4 10.0.0.1 10.0.0.2 us-east-1 use1-az1 wavelength wlz-0a AMAZON S3 ingress 2 arn:c c arn:ci ci ct1 ct2 svc arn:td arn:t t BPA eni-0a 3",
	"", "-", "2 3", "\t\r\n",
}

// FuzzParseLine: no line makes the parser panic, and a line that parses
// writes back (Format.Append) to a line that parses to the same record.
func FuzzParseLine(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	all := mustFormat(AllFieldsFormat())
	f.Fuzz(func(t *testing.T, line string) {
		for _, format := range []*Format{DefaultFormat, all} {
			p := NewParser(format)
			var r checks.Flow
			if p.ParseString(line, &r) != nil {
				continue
			}
			var fromBytes checks.Flow
			if err := p.Parse([]byte(line), &fromBytes); err != nil || !reflect.DeepEqual(fromBytes, r) {
				t.Fatalf("bytes and string disagree on %q: %v\n%+v\n%+v", line, err, fromBytes, r)
			}
			out := format.Append(nil, &r)
			var again checks.Flow
			if err := p.Parse(out, &again); err != nil {
				t.Fatalf("%q parsed, but its rewrite %q does not: %v", line, out, err)
			}
			if out2 := format.Append(nil, &again); string(out2) != string(out) {
				t.Fatalf("rewrite is not stable: %q → %q → %q", line, out, out2)
			}
		}
	})
}

// FuzzParseFormat: no format string makes ParseFormat panic, and a format
// that parses prints to one that parses the same.
func FuzzParseFormat(f *testing.F) {
	f.Add(checks.DefaultFlowLogFormat)
	f.Add(AllFieldsFormat())
	f.Add("${version} ${instance-tag} ${srcaddr}")
	f.Add("${}")
	f.Add("$ {version}")
	f.Fuzz(func(t *testing.T, s string) {
		format, err := ParseFormat(s)
		if err != nil {
			return
		}
		again, err := ParseFormat(format.String())
		if err != nil || again.String() != format.String() || !reflect.DeepEqual(again.cols, format.cols) {
			t.Fatalf("%q → %q → %v, %v", s, format.String(), again, err)
		}
		if h, ok := ParseHeader(s); ok && h.Columns() == 0 {
			t.Fatalf("empty header format from %q", s)
		}
	})
}

// FuzzParseAddr holds the allocation-free address parser to netip's.
func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{"10.0.0.1", "::", "2001:db8::1", "::ffff:1.2.3.4", "1:2:3:4:5:6:7:8", "01.2.3.4", "1::2::3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, werr := netip.ParseAddr(s)
		if werr == nil && want.Zone() != "" {
			return
		}
		got, ok := parseAddr(s)
		if ok != (werr == nil) || ok && got != want {
			t.Fatalf("%q: got %v %v, netip %v %v", s, got, ok, want, werr)
		}
	})
}
