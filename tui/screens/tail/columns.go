package tail

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/components/columns"
	"github.com/reachnet/reach/tui/screen"
)

// Pure renderers of the flow tail's list: its columns and their layout, a
// record's cells, a row. They take what they draw as arguments; their
// golden files pin them at 80 and 120 columns.

// Tail columns, in display order.
const (
	tcTime = iota
	tcENI
	tcSrc
	tcDst
	tcProto
	tcAction
	tcPkts
	tcBytes
	tcFlags
	tcDir
	NumColumns
)

// tailColumn is one column of the tail; prio 0 is kept first when the
// terminal is narrow, as k9s drops columns.
type tailColumn struct {
	title    string
	min, max int
	prio     int
	right    bool // numbers align right
}

// The interface that wrote a record tells which side rejected it, so it
// is kept right after the action and the source, narrowed to its name.
var tailColumns = [NumColumns]tailColumn{
	tcTime:   {title: "TIME", min: 8, max: 8, prio: 4},
	tcENI:    {title: "INTERFACE", min: 10, max: 21, prio: 2},
	tcSrc:    {title: "SOURCE", min: 15, max: 47, prio: 1},
	tcDst:    {title: "DESTINATION", min: 15, max: 47, prio: 3},
	tcProto:  {title: "PROTO", min: 3, max: 6, prio: 5},
	tcAction: {title: "ACTION", min: 6, max: 8, prio: 0},
	tcPkts:   {title: "PKTS", min: 4, max: 6, prio: 7, right: true},
	tcBytes:  {title: "BYTES", min: 5, max: 6, prio: 8, right: true},
	tcFlags:  {title: "FLAGS", min: 7, max: 15, prio: 6},
	tcDir:    {title: "DIR", min: 3, max: 3, prio: 9},
}

// layoutColumns lays out the tail's columns with the browser's rule
// (columns.Fit).
func layoutColumns(natural [NumColumns]int, total int) []columns.Placed {
	return columns.Fit(natural[:], total, func(c int) columns.Spec {
		t := tailColumns[c]
		return columns.Spec{Title: t.title, Min: t.min, Max: t.max, Prio: t.prio}
	})
}

// newRecord formats a record's cells. All cells share one string (one
// allocation per record): at 20,000 records a second the garbage matters
// more than the formatting.
func newRecord(f checks.Flow, ascii bool, loc *time.Location) Record {
	var buf [192]byte
	b := buf[:0]
	var ends [NumColumns]int
	for c := range NumColumns {
		switch c {
		case tcTime:
			t := f.Start
			if t.IsZero() {
				t = f.End
			}
			if t.IsZero() {
				b = append(b, '-')
			} else {
				b = t.In(loc).AppendFormat(b, "15:04:05")
			}
		case tcENI:
			b = append(b, catalog.OrDash(cells.Clean(f.InterfaceID, ascii))...)
		case tcSrc:
			b = appendEnd(b, f.Src, f.SrcPort, f.Protocol)
		case tcDst:
			b = appendEnd(b, f.Dst, f.DstPort, f.Protocol)
		case tcProto:
			if f.Protocol == checks.ProtocolAll {
				b = append(b, '-')
			} else {
				b = append(b, f.Protocol.String()...)
			}
		case tcAction:
			b = append(b, actionWord(f, ascii)...)
		case tcPkts:
			b = appendCount(b, f.Packets)
		case tcBytes:
			b = appendCount(b, f.Bytes)
		case tcFlags:
			b = appendFlags(b, f)
		case tcDir:
			b = append(b, dirWord(f.FlowDirection)...)
		}
		ends[c] = len(b)
	}
	s := string(b)
	r := Record{Flow: f}
	start := 0
	for c, end := range ends {
		r.cells[c] = s[start:end]
		start = end
	}
	return r
}

// appendEnd writes "10.0.1.5:443", "[fe80::1]:443", or the address alone
// for a protocol without ports.
func appendEnd(b []byte, a netip.Addr, port uint16, p checks.Protocol) []byte {
	if !a.IsValid() {
		return append(b, '-')
	}
	if !p.HasPorts() {
		return a.AppendTo(b)
	}
	if a.Is6() && !a.Is4In6() {
		b = append(b, '[')
		b = a.AppendTo(b)
		b = append(b, ']')
	} else {
		b = a.AppendTo(b)
	}
	b = append(b, ':')
	return strconv.AppendUint(b, uint64(port), 10)
}

// actionWord is the action, or the log status of a record without one.
func actionWord(f checks.Flow, ascii bool) string {
	switch {
	case f.Action == "ACCEPT" || f.Action == "REJECT":
		return f.Action
	case f.Action == "" && (f.LogStatus == "NODATA" || f.LogStatus == "SKIPDATA"):
		return f.LogStatus
	case f.Action == "":
		return "-"
	}
	return cells.Clean(f.Action, ascii)
}

func dirWord(d string) string {
	switch strings.ToLower(d) {
	case "ingress":
		return "in"
	case "egress":
		return "out"
	}
	return "-"
}

// appendCount writes a count in at most 5 cells: 9999, 12k, 1.2M.
func appendCount(b []byte, n int64) []byte {
	if n < 0 {
		return append(b, '-')
	}
	if n < 10000 {
		return strconv.AppendInt(b, n, 10)
	}
	v, u := float64(n)/1000, 0
	for v >= 999.5 && u < 5 {
		v /= 1000
		u++
	}
	prec := 0
	if v < 9.95 {
		prec = 1
	}
	b = strconv.AppendFloat(b, v, 'f', prec, 64)
	return append(b, "kMGTPE"[u])
}

// tcpFlagOrder is the order flags are spelled in: the handshake first.
var tcpFlagOrder = []struct {
	bit  int
	name string
}{{2, "SYN"}, {16, "ACK"}, {1, "FIN"}, {4, "RST"}, {8, "PSH"}, {32, "URG"}, {64, "ECE"}, {128, "CWR"}}

// appendFlags decodes tcp-flags (the OR of the flags seen in the window;
// AWS records FIN 1, SYN 2, RST 4 and SYN-ACK 18): "SYN,ACK,FIN".
func appendFlags(b []byte, f checks.Flow) []byte {
	if f.Protocol != checks.ProtocolTCP || f.TCPFlags <= 0 {
		return append(b, '-')
	}
	first := true
	for _, fl := range tcpFlagOrder {
		if f.TCPFlags&fl.bit == 0 {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		b = append(b, fl.name...)
		first = false
	}
	if first {
		b = strconv.AppendInt(b, int64(f.TCPFlags), 10)
	}
	return b
}

func flagsText(f checks.Flow) string { return string(appendFlags(nil, f)) }

// header draws the column titles for a layout.
func header(e *screen.Env, layout []columns.Placed, w int) string {
	var b strings.Builder
	for i, c := range layout {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(alignCell(tailColumns[c.Col].title, c.W, tailColumns[c.Col].right, e.Glyphs.Ellipsis))
	}
	return e.Paint.Header.On(cells.Fit(b.String(), w, e.Glyphs.Ellipsis))
}

func alignCell(s string, w int, right bool, tail string) string {
	if right {
		if sw := cells.Width(s); sw < w {
			return strings.Repeat(" ", w-sw) + s
		}
	}
	return cells.Fit(s, w, tail)
}

// row draws one record to the layout; only visible rows pass here. A
// REJECT is drawn in the Fail style (bold without colour), so it stands
// out in 16 colours and with NO_COLOR; the word says it as well.
func row(e *screen.Env, r *Record, layout []columns.Placed, w int, selected bool, cat *catalog.Catalog) string {
	p := &e.Paint
	var line strings.Builder
	line.Grow(w + 48)
	for i, c := range layout {
		if i > 0 {
			line.WriteByte(' ')
		}
		text := r.cells[c.Col]
		if c.Col == tcENI && cells.Width(text) > c.W {
			text = shortInterface(text, c.W, cat, e.Glyphs.Ellipsis)
		}
		cell := alignCell(text, c.W, tailColumns[c.Col].right, e.Glyphs.Ellipsis)
		if selected {
			line.WriteString(cell)
			continue
		}
		switch c.Col {
		case tcAction:
			switch r.Flow.Action {
			case "REJECT":
				cell = p.Fail.On(cell)
			case "ACCEPT":
				cell = p.Text.On(cell)
			default:
				cell = p.Subtle.On(cell)
			}
		case tcTime, tcENI, tcDir:
			cell = p.Subtle.On(cell)
		default:
			cell = p.Text.On(cell)
		}
		line.WriteString(cell)
	}
	if selected {
		return p.Sel.On(cells.Fit(line.String(), w, e.Glyphs.Ellipsis))
	}
	return line.String()
}

// shortInterface fits an interface ID into a narrow column: its name when
// the inventory has one that fits, otherwise the end of the ID, which is
// the part that tells interfaces apart.
func shortInterface(id string, w int, cat *catalog.Catalog, ellipsis string) string {
	if cat != nil {
		if n, ok := cat.Names[id]; ok && cells.Width(n) <= w {
			return n
		}
	}
	r := []rune(id)
	keep := w - cells.Width(ellipsis)
	if keep <= 0 || len(r) <= keep {
		return id
	}
	return ellipsis + string(r[len(r)-keep:])
}

// commas writes 1234567 as 1,234,567.
func commas(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
