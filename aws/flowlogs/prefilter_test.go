package flowlogs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/reachnet/reach/checks"
)

// generatedLines is a flow-log file holding every kind of line a filter
// meets: both actions and none, NODATA and SKIPDATA, TCP, UDP and ICMP,
// IPv6, several interfaces, and malformed lines of every sort (a bad
// address, port, protocol, action, time; too few and too many fields; a
// line longer than any record), in the default format.
func generatedLines(n int) []string {
	rng := rand.New(rand.NewPCG(17, 1))
	enis := []string{"eni-0f6a7b8c9d0e10012", "eni-0f6a7b8c9d0e10022", "eni-0f6a7b8c9d0e10026"}
	addrs := []string{"10.0.16.45", "10.0.33.12", "10.0.81.7", "2600:1f18::45", "2600:1f18::12"}
	var lines []string
	for i := range n {
		e, s, d := enis[rng.IntN(len(enis))], addrs[rng.IntN(len(addrs))], addrs[rng.IntN(len(addrs))]
		sport, dport := 32768+rng.IntN(28000), []int{5432, 443, 53}[rng.IntN(3)]
		proto := []int{6, 6, 17, 1}[rng.IntN(4)]
		action := []string{"ACCEPT", "REJECT", "REJECT"}[rng.IntN(3)]
		line := fmt.Sprintf("2 111122223333 %s %s %s %d %d %d 3 180 1763632800 1763632860 %s OK", e, s, d, sport, dport, proto, action)
		switch i % 23 {
		case 3:
			line = fmt.Sprintf("2 111122223333 %s - - - - - - - 1763632800 1763632860 - NODATA", e)
		case 5:
			line = fmt.Sprintf("2 111122223333 %s - - - - - - - 1763632800 1763632860 - SKIPDATA", e)
		case 7:
			line = strings.Replace(line, " "+d+" ", " 10.0.999.1 ", 1)
		case 9:
			line = strings.Replace(line, fmt.Sprintf(" %d ", dport), " 70000 ", 1)
		case 11:
			line = strings.Replace(line, " "+action+" ", " MAYBE ", 1)
		case 13:
			line = strings.Replace(line, " OK", "", 1)
		case 15:
			line += " extra"
		case 17:
			line = strings.Replace(line, "1763632860", "soon", 1)
		case 19:
			line = strings.Replace(line, fmt.Sprintf(" %d 3 ", proto), " 300 3 ", 1)
		case 21:
			line = e + strings.Repeat("x", maxLine+10)
		}
		lines = append(lines, line)
	}
	return lines
}

// prefilterCases are the filters the sources are given, alone and
// together.
var prefilterCases = []struct {
	name   string
	filter Filter
}{
	{"none", Filter{}},
	{"action", Filter{Action: "REJECT"}},
	{"accept", Filter{Action: "ACCEPT"}},
	{"interfaces", Filter{ENIs: []string{"eni-0f6a7b8c9d0e10022", "eni-0f6a7b8c9d0e10026"}}},
	{"protocol", Filter{Protocol: checks.ProtocolUDP}},
	{"port", Filter{Port: 5432}},
	{"one host", Filter{Hosts: []netip.Addr{netip.MustParseAddr("10.0.33.12")}}},
	{"the path's five-tuple", Filter{Hosts: []netip.Addr{netip.MustParseAddr("10.0.16.45"), netip.MustParseAddr("10.0.33.12")}, Port: 5432, Protocol: checks.ProtocolTCP}},
	{"IPv6 hosts", Filter{Hosts: []netip.Addr{netip.MustParseAddr("2600:1f18::45"), netip.MustParseAddr("2600:1f18::12")}}},
	{"everything", Filter{Action: "REJECT", ENIs: []string{"eni-0f6a7b8c9d0e10022"}, Protocol: checks.ProtocolTCP, Port: 5432,
		Hosts: []netip.Addr{netip.MustParseAddr("10.0.81.7")}}},
}

// TestRejectsNeverHidesARecord: a line the raw-field filter drops is one
// the full parse accepts and the filter refuses; it never hides a record
// the filter keeps, nor a malformed line.
func TestRejectsNeverHidesARecord(t *testing.T) {
	lines := generatedLines(2000)
	// One format is decided in one pass; several in two (the field count
	// picks the format first).
	parsers := map[string]func() *Parser{
		"one format":  func() *Parser { return NewParser() },
		"two formats": func() *Parser { return NewParser(mustFormat(AllFieldsFormat()), DefaultFormat) },
	}
	for _, tc := range prefilterCases {
		for pname, newParser := range parsers {
			t.Run(tc.name+"/"+pname, func(t *testing.T) {
				p := newParser()
				var r checks.Flow
				dropped := 0
				for _, l := range lines {
					if !rejects(p, &tc.filter, l) {
						continue
					}
					dropped++
					if err := p.ParseString(l, &r); err != nil {
						t.Fatalf("dropped a malformed line (%v): %q", err, l)
					}
					if tc.filter.Match(&r) {
						t.Fatalf("dropped a record the filter keeps: %q", l)
					}
				}
				if tc.name != "none" && dropped == 0 {
					t.Errorf("the raw-field filter decided nothing")
				}
			})
		}
	}
}

// TestRejectsFastNeverHidesARecord holds the one-pass filter of files to
// the same rule, on the generated lines and on mutations of them that put
// every kind of blank, a leading zero, a long number and a stray byte
// where the full parse would refuse them.
func TestRejectsFastNeverHidesARecord(t *testing.T) {
	lines := generatedLines(3000)
	rng := rand.New(rand.NewPCG(5, 9))
	mutations := []func(string) string{
		func(l string) string { return strings.Replace(l, " ", "  ", 1+rng.IntN(5)) },
		func(l string) string { return strings.Replace(l, " ", "\t", 1+rng.IntN(5)) },
		func(l string) string { i := rng.IntN(len(l)); return l[:i] + "\r" + l[i:] },
		func(l string) string { return " " + l },
		func(l string) string { return l + " " },
		func(l string) string { return l + "\r\n" },
		func(l string) string { return strings.Replace(l, " 10.", " 010.", 1) },
		func(l string) string { return strings.Replace(l, " 1763632800 ", " 17636328001763632800 ", 1) },
		func(l string) string { return strings.Replace(l, " 3 180 ", " 3 99999999999999999999 ", 1) },
		func(l string) string { i := rng.IntN(len(l)); return l[:i] + "\xff" + l[i:] },
		func(l string) string { i := rng.IntN(len(l)); return l[:i] + l[min(len(l), i+1+rng.IntN(4)):] },
		func(l string) string { return strings.Replace(l, " 6 ", " 06 ", 1) },
		func(l string) string { return strings.Replace(l, " OK", " -", 1) },
	}
	var all []string
	for _, l := range lines {
		all = append(all, l)
		for range 3 {
			all = append(all, mutations[rng.IntN(len(mutations))](l))
		}
	}
	for _, tc := range prefilterCases {
		t.Run(tc.name, func(t *testing.T) {
			p := NewParser()
			var r checks.Flow
			decided, dropped := 0, 0
			for _, l := range all {
				drop, ok := rejectsFast(p, &tc.filter, []byte(l+"\n"))
				if !ok {
					continue
				}
				decided++
				if !drop {
					// A line kept is read by parseVouched, which must give
					// what the full parse gives.
					var want, got checks.Flow
					errWant := p.ParseString(l, &want)
					errGot := parseVouched(p, []byte(l+"\n"), &got)
					if (errWant == nil) != (errGot == nil) || !reflect.DeepEqual(got, want) {
						t.Fatalf("parseVouched(%q) = %+v, %v; the full parse %+v, %v", l, got, errGot, want, errWant)
					}
					continue
				}
				dropped++
				if err := p.ParseString(l, &r); err != nil {
					t.Fatalf("dropped a malformed line (%v): %q", err, l)
				}
				if tc.filter.Match(&r) {
					t.Fatalf("dropped a record the filter keeps: %q", l)
				}
			}
			if tc.name != "none" && tc.name != "IPv6 hosts" && dropped == 0 {
				t.Errorf("the one-pass filter decided nothing (%d lines decided)", decided)
			}
		})
	}
}

// TestFileSourceAgreesWithSequentialParse: the file source, parsing on
// every core, keeps exactly the records a line-by-line parse and filter
// keeps, in the file's order, and counts the same filtered and malformed
// lines.
func TestFileSourceAgreesWithSequentialParse(t *testing.T) {
	lines := generatedLines(20_000)
	text := strings.Join(lines, "\n") + "\n"
	for _, tc := range prefilterCases {
		t.Run(tc.name, func(t *testing.T) {
			p := NewParser()
			var want []checks.Flow
			var r checks.Flow
			filtered, malformed := 0, 0
			for _, l := range lines {
				switch {
				case len(l) > maxLine:
					malformed++
				case p.ParseString(l, &r) != nil:
					malformed++
				case !tc.filter.Match(&r):
					filtered++
				default:
					want = append(want, r)
				}
			}
			var got Batch
			src := NewFileSource(bytes.NewReader([]byte(text)), "generated", Options{Filter: tc.filter})
			if err := src.Run(context.Background(), func(b Batch) {
				got.Flows = append(got.Flows, b.Flows...)
				got.Filtered += b.Filtered
				got.Malformed += b.Malformed
			}); err != nil {
				t.Fatal(err)
			}
			if len(got.Flows) != len(want) || !reflect.DeepEqual(got.Flows, want) {
				t.Errorf("%d records, want %d (or their order differs)", len(got.Flows), len(want))
			}
			if got.Filtered != filtered || got.Malformed != malformed {
				t.Errorf("filtered %d, malformed %d; want %d, %d", got.Filtered, got.Malformed, filtered, malformed)
			}
		})
	}
}

// TestFileSourceReadsInAnyBlocks: however the reader cuts the input (a
// byte at a time, half of what is asked, blocks of random sizes, a pipe),
// the file source keeps the same records in the same order and counts the
// same lines, blank lines and lines longer than any record included.
func TestFileSourceReadsInAnyBlocks(t *testing.T) {
	lines := generatedLines(800)
	// Blank lines, a run of them longer than a chunk, and a long line
	// spanning several chunks.
	lines = append(lines[:100], append([]string{"", "   ", strings.Repeat("\n", chunkBytes+10), "eni-0x" + strings.Repeat("y", 3*chunkBytes)}, lines[100:]...)...)
	text := strings.Join(lines, "\n")
	filter := Filter{Action: "REJECT"}
	want := sequential(t, lines, filter)
	rng := rand.New(rand.NewPCG(3, 3))
	readers := map[string]func() io.Reader{
		"whole":            func() io.Reader { return strings.NewReader(text) },
		"one byte":         func() io.Reader { return iotest.OneByteReader(strings.NewReader(text)) },
		"half":             func() io.Reader { return iotest.HalfReader(strings.NewReader(text)) },
		"data+EOF":         func() io.Reader { return iotest.DataErrReader(strings.NewReader(text)) },
		"random":           func() io.Reader { return &randomReader{r: strings.NewReader(text), rng: rng} },
		"no final newline": func() io.Reader { return strings.NewReader(strings.TrimRight(text, "\n")) },
	}
	for name, newReader := range readers {
		for _, lend := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/lend=%v", name, lend), func(t *testing.T) {
				var got Batch
				// A lent batch's records are copied by the append below
				// before the callback returns, as the lending asks.
				src := NewFileSource(newReader(), name, Options{Filter: filter, LendBatches: lend})
				if err := src.Run(context.Background(), func(b Batch) {
					got.Flows = append(got.Flows, b.Flows...)
					got.Filtered += b.Filtered
					got.Malformed += b.Malformed
				}); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got.Flows, want.Flows) || got.Filtered != want.Filtered || got.Malformed != want.Malformed {
					t.Errorf("%d records, %d filtered, %d malformed; want %d, %d, %d", len(got.Flows), got.Filtered, got.Malformed, len(want.Flows), want.Filtered, want.Malformed)
				}
			})
		}
	}
}

// sequential is what a line-by-line parse and filter of lines keeps.
func sequential(t *testing.T, lines []string, filter Filter) Batch {
	t.Helper()
	p := NewParser()
	var b Batch
	var r checks.Flow
	for _, text := range lines {
		for _, l := range strings.Split(text, "\n") {
			switch {
			case strings.TrimSpace(l) == "":
			case len(l)+1 > maxLine:
				b.Malformed++
			case p.ParseString(l, &r) != nil:
				b.Malformed++
			case !filter.Match(&r):
				b.Filtered++
			default:
				b.Flows = append(b.Flows, r)
			}
		}
	}
	return b
}

// randomReader returns between one byte and twice a chunk per read.
type randomReader struct {
	r   io.Reader
	rng *rand.Rand
}

func (r *randomReader) Read(p []byte) (int, error) {
	n := 1 + r.rng.IntN(2*chunkBytes)
	return r.r.Read(p[:min(n, len(p))])
}

// TestWordScans: the eight-bytes-at-a-time scans find what a byte-by-byte
// loop finds, for every byte value at every offset.
func TestWordScans(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	slow := func(line []byte, i int, stop func(byte) bool) int {
		for i < len(line) && !stop(line[i]) {
			i++
		}
		return i
	}
	for range 20000 {
		line := make([]byte, rng.IntN(40))
		for j := range line {
			switch rng.IntN(3) {
			case 0:
				line[j] = byte('0' + rng.IntN(10))
			case 1:
				line[j] = byte(rng.IntN(256))
			default:
				line[j] = "0123456789 ./:-\t\r"[rng.IntN(17)]
			}
		}
		i := 0
		if len(line) > 0 {
			i = rng.IntN(len(line))
		}
		if got, want := digitRun(line, i), slow(line, i, func(c byte) bool { return c < '0' || c > '9' }); got != want {
			t.Fatalf("digitRun(%q, %d) = %d, want %d", line, i, got, want)
		}
		if got, want := nextBlank(line, i), slow(line, i, func(c byte) bool { return c <= ' ' }); got != want {
			t.Fatalf("nextBlank(%q, %d) = %d, want %d", line, i, got, want)
		}
	}
}

// TestScan4AgreesWithParse4: the unrolled address scan accepts exactly
// what parse4 accepts, on addresses and near-addresses of every shape.
func TestScan4AgreesWithParse4(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	tokens := []string{"0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.02.3.4", "1..2.3", ".1.2.3", "1.2.3.", "1000.1.1.1", "1.2.3.4a", "10.0.16.45", "1.2.3.0", "0.1.2.3", "00.1.2.3", "1.2.3.256", "199.299.1.1"}
	for range 20000 {
		b := make([]byte, 1+rng.IntN(17))
		for j := range b {
			b[j] = "0123456789..1"[rng.IntN(13)]
		}
		tokens = append(tokens, string(b))
	}
	for _, tok := range tokens {
		want, wantOK := parse4(tok)
		for _, line := range []string{tok, tok + " rest"} {
			a, end, ok := scan4([]byte(line), 0)
			if ok != wantOK || ok && (netip.AddrFrom4(a) != want || end != len(tok)) {
				t.Fatalf("scan4(%q) = %v %d %v; parse4 says %v %v", line, a, end, ok, want, wantOK)
			}
		}
	}
}
