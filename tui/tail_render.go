package tui

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/reachnet/reach/checks"
)

// Pure renderers of the flow tail: a record's cells, a row, the column
// layout, and the attribution of one record. They take what they draw as
// arguments; their golden files pin them at 80 and 120 columns.

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
	numTailCols
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
var tailColumns = [numTailCols]tailColumn{
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

// layoutTailColumns lays out the tail's columns with the browser's rule
// (fitColumns).
func layoutTailColumns(natural [numTailCols]int, total int) []colLayout {
	return fitColumns(natural[:], total, func(c int) column {
		t := tailColumns[c]
		return column{title: t.title, min: t.min, max: t.max, prio: t.prio}
	})
}

// newTailRec formats a record's cells. All cells share one string (one
// allocation per record): at 20,000 records a second the garbage matters
// more than the formatting.
func newTailRec(f checks.Flow, ascii bool, loc *time.Location) tailRec {
	var buf [192]byte
	b := buf[:0]
	var ends [numTailCols]int
	for c := range numTailCols {
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
			b = append(b, orDash(clean(f.InterfaceID, ascii))...)
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
	r := tailRec{flow: f}
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
	return clean(f.Action, ascii)
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

// tailHeader draws the column titles for a layout.
func tailHeader(e *env, layout []colLayout, w int) string {
	var b strings.Builder
	for i, c := range layout {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(alignCell(tailColumns[c.col].title, c.w, tailColumns[c.col].right, e.g.ellipsis))
	}
	return e.p.header.on(fit(b.String(), w, e.g.ellipsis))
}

func alignCell(s string, w int, right bool, tail string) string {
	if right {
		if sw := width(s); sw < w {
			return strings.Repeat(" ", w-sw) + s
		}
	}
	return fit(s, w, tail)
}

// tailRow draws one record to the layout; only visible rows pass here. A
// REJECT is drawn in the Fail style (bold without colour), so it stands
// out in 16 colours and with NO_COLOR; the word says it as well.
func tailRow(e *env, r *tailRec, layout []colLayout, w int, selected bool, cat *catalog) string {
	p := &e.p
	var line strings.Builder
	line.Grow(w + 48)
	for i, c := range layout {
		if i > 0 {
			line.WriteByte(' ')
		}
		text := r.cells[c.col]
		if c.col == tcENI && width(text) > c.w {
			text = shortInterface(text, c.w, cat, e.g.ellipsis)
		}
		cell := alignCell(text, c.w, tailColumns[c.col].right, e.g.ellipsis)
		if selected {
			line.WriteString(cell)
			continue
		}
		switch c.col {
		case tcAction:
			switch r.flow.Action {
			case "REJECT":
				cell = p.fail.on(cell)
			case "ACCEPT":
				cell = p.text.on(cell)
			default:
				cell = p.subtle.on(cell)
			}
		case tcTime, tcENI, tcDir:
			cell = p.subtle.on(cell)
		default:
			cell = p.text.on(cell)
		}
		line.WriteString(cell)
	}
	if selected {
		return p.sel.on(fit(line.String(), w, e.g.ellipsis))
	}
	return line.String()
}

// shortInterface fits an interface ID into a narrow column: its name when
// the inventory has one that fits, otherwise the end of the ID, which is
// the part that tells interfaces apart.
func shortInterface(id string, w int, cat *catalog, ellipsis string) string {
	if cat != nil {
		if n, ok := cat.names[id]; ok && width(n) <= w {
			return n
		}
	}
	r := []rune(id)
	keep := w - width(ellipsis)
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

// attrState says where the attribution of the opened record stands.
type attrState int

const (
	attrRunning attrState = iota
	attrNoNetwork
	attrDone
)

// attributionLines explains one record: the record itself, then what the
// configuration says of it (checks.Attribute): the verdict, whether the
// record is a request or a reply, the deciding layer, component and rule,
// the sentence, the fix, and whether the record agrees.
func attributionLines(e *env, f checks.Flow, a *checks.Attribution, err error, state attrState, c *catalog, loc *time.Location, w int) []string {
	st := e.st
	var out []string
	add := func(s string) { out = append(out, s) }
	addWrapped := func(s string, indent string, style func(...string) string) {
		for _, l := range wrap(s, max(w-len(indent), 8), "  ") {
			add(indent + style(l))
		}
	}
	rec := newTailRec(f, e.ascii, loc)
	word := rec.cells[tcAction]
	switch f.Action {
	case "REJECT":
		word = st.Fail.Render(word)
	case "ACCEPT":
		word = st.OK.Render(word)
	default:
		word = st.Subtle.Render(word)
	}
	proto := rec.cells[tcProto]
	add(word + "  " + st.Title.Render(rec.cells[tcSrc]+" "+e.g.arrow+" "+rec.cells[tcDst]) + " " + st.Text.Render(proto))

	var when string
	if !f.Start.IsZero() {
		when = f.Start.In(loc).Format("15:04:05")
		if !f.End.IsZero() && !f.End.Equal(f.Start) {
			when += " to " + f.End.In(loc).Format("15:04:05")
		}
	}
	var facts []string
	if f.InterfaceID != "" {
		facts = append(facts, "on "+c.label(f.InterfaceID))
	}
	if when != "" {
		facts = append(facts, when)
	}
	switch dirWord(f.FlowDirection) {
	case "in":
		facts = append(facts, "ingress")
	case "out":
		facts = append(facts, "egress")
	}
	if len(facts) > 0 {
		addWrapped(strings.Join(facts, " "+e.g.dot+" "), "  ", st.Subtle.Render)
	}
	counts := fmt.Sprintf("%s packets %s %s bytes", commas(f.Packets), e.g.dot, commas(f.Bytes))
	if f.Protocol == checks.ProtocolTCP && f.TCPFlags >= 0 {
		counts += " " + e.g.dot + " flags " + flagsText(f)
		if f.TCPFlags > 0 {
			counts += " (" + strconv.Itoa(f.TCPFlags) + ")"
		}
	}
	add("  " + st.Text.Render(truncate(counts, max(w-2, 1), e.g.ellipsis)))
	var ids []string
	for _, kv := range [][2]string{{"account", f.AccountID}, {"vpc", f.VPCID}, {"subnet", f.SubnetID}, {"instance", f.InstanceID}} {
		if kv[1] != "" {
			ids = append(ids, kv[0]+" "+c.label(kv[1]))
		}
	}
	if len(ids) > 0 {
		addWrapped(strings.Join(ids, " "+e.g.dot+" "), "  ", st.Subtle.Render)
	}
	if (f.PktSrc.IsValid() && f.PktSrc != f.Src) || (f.PktDst.IsValid() && f.PktDst != f.Dst) {
		addWrapped("packet addresses "+addrOrDash(f.PktSrc)+" "+e.g.arrow+" "+addrOrDash(f.PktDst)+" (the record's addresses are the interface's)", "  ", st.Subtle.Render)
	}
	if s := clean(f.PktSrcAWSService+" "+f.PktDstAWSService, e.ascii); strings.TrimSpace(s) != "" {
		addWrapped("AWS service: "+strings.TrimSpace(s), "  ", st.Subtle.Render)
	}
	if f.RejectReason != "" {
		addWrapped("reject reason: "+clean(f.RejectReason, e.ascii), "  ", st.Warn.Render)
	}
	add("")

	switch {
	case err != nil:
		addWrapped(engineText(err.Error(), e.ascii), "", st.Error.Render)
		return out
	case state == attrNoNetwork:
		add(st.Pending.Render("the network has not loaded yet; the attribution follows when it lands"))
		return out
	case state == attrRunning || a == nil:
		add(st.Pending.Render("attributing" + e.g.ellipsis))
		return out
	}
	var verdict string
	switch a.Verdict {
	case checks.Reachable:
		verdict = st.OK.Render(e.g.pass + " REACHABLE")
	case checks.Unreachable:
		verdict = st.Fail.Render(e.g.fail + " UNREACHABLE")
	default:
		verdict = st.Unknown.Render(e.g.unknown + " UNKNOWN")
	}
	role := "the request (forward)"
	if a.Direction == checks.Return {
		role = "the reply (return) of a connection the destination opened"
	}
	add(st.Title.Render("configuration") + "  " + verdict + st.Subtle.Render("  "+e.g.dot+" this record is "+role))
	if a.Agrees {
		add(st.OK.Render(e.g.pass + " the record agrees with the configuration"))
	} else {
		add(st.Warn.Render(e.g.warn + " the record contradicts the configuration"))
	}
	if a.Layer != "" || a.Component != "" {
		head := "decided by " + a.Layer + " " + c.label(a.Component)
		if a.Code != "" {
			head += "  " + a.Code
		}
		addWrapped(engineText(head, e.ascii), "", st.Text.Render)
	}
	if a.Rule != "" {
		addWrapped("rule: "+engineText(a.Rule, e.ascii), "  ", st.Matched.Render)
	}
	if a.Detail != "" {
		addWrapped(engineText(a.Detail, e.ascii), "  ", st.Text.Render)
	}
	if a.Fix != "" {
		for _, l := range wrap("fix: "+engineText(a.Fix, e.ascii), max(w-2, 8), "     ") {
			add("  " + st.Accent.Render(l))
		}
	}
	return out
}

func addrOrDash(a netip.Addr) string {
	if !a.IsValid() {
		return "-"
	}
	return a.String()
}

// diagTone is how the diagnosis lines are drawn.
type diagTone int

const (
	// toneWarn: the records show a problem (and lines set through the
	// hook alone).
	toneWarn diagTone = iota
	// toneOK: the path carries traffic, as the configuration says.
	toneOK
	// toneWait: too early to conclude, or nothing records what would.
	toneWait
	// toneError: the records contradict the configuration, or the
	// diagnosis failed.
	toneError
)

// diagnosisLines are the (at most two) lines a path's tail draws above its
// records: the diagnosis's summary, its first finding's sentence, on the
// first line, and on the second either the rest of that sentence, when it
// is too long for one line, or the finding's fix, or the counts behind it.
// While the diagnosis waits for records still in flight, the lines say
// until when, in the tail's time zone, and why. They are plain text; the
// screen cleans and colours them.
func diagnosisLines(e *env, d *checks.Diagnosis, err error, w checks.FlowWindow, loc *time.Location, width int) ([]string, diagTone) {
	if err != nil {
		return fitDiagnosis(e, "diagnosis failed: "+err.Error(), "", width), toneError
	}
	if d == nil {
		return nil, toneWarn
	}
	if len(d.Findings) == 0 {
		return fitDiagnosis(e, "diagnosis: "+d.Summary, countsLine(e, d.Counts), width), toneWait
	}
	f := d.Findings[0]
	tone := toneWarn
	switch {
	case !f.Agrees:
		tone = toneError
	case f.Pattern == checks.PatternAccepted:
		tone = toneOK
	case f.Pattern == checks.PatternWaiting || f.Pattern == checks.PatternNoCoverage:
		tone = toneWait
	}
	if f.Pattern == checks.PatternWaiting && !d.WaitUntil.IsZero() {
		until := d.WaitUntil.In(loc).Format("15:04:05")
		var head string
		switch {
		case d.Counts.Records == 0:
			head = "waiting: no records yet; a routing miss can only be concluded after " + until
		case d.Counts.AtDestination == 0:
			head = "waiting: no record at the destination yet; a routing miss can only be concluded after " + until
		default:
			head = "waiting: no reply recorded at the source yet; a lost reply can only be concluded after " + until
		}
		why := fmt.Sprintf("flow logs deliver records up to %s after the traffic (aggregation interval %s, delivery delay %s)",
			shortDuration(w.Interval+w.Delay), shortDuration(w.Interval), shortDuration(w.Delay))
		return fitDiagnosis(e, head, why, width), tone
	}
	second := countsLine(e, d.Counts)
	if f.Fix != "" {
		second = "fix: " + f.Fix
	}
	lines := fitDiagnosis(e, "diagnosis: "+d.Summary, second, width)
	// Below what fits above the records: the other patterns, and the
	// counts when the fix took their line.
	for _, other := range d.Findings[1:] {
		lines = append(lines, wrap(engineText("also: "+other.Summary, e.ascii), width, "  ")...)
	}
	if f.Fix != "" {
		lines = append(lines, wrap(engineText(countsLine(e, d.Counts), e.ascii), width, "  ")...)
	}
	return lines, tone
}

// fitDiagnosis wraps the head and the line below it to the width, whole:
// the view draws what fits above the records, and e shows all of it.
func fitDiagnosis(e *env, head, second string, w int) []string {
	lines := wrap(engineText(head, e.ascii), w, "  ")
	if second != "" {
		lines = append(lines, wrap(engineText(second, e.ascii), w, "  ")...)
	}
	return lines
}

// countsLine sums up the records a diagnosis read.
func countsLine(e *env, c checks.FlowCounts) string {
	dot := " " + e.g.dot + " "
	return fmt.Sprintf("requests: %s accepted, %s rejected%sreplies: %s accepted, %s rejected",
		commas(int64(c.RequestsAccepted)), commas(int64(c.RequestsRejected)), dot,
		commas(int64(c.RepliesAccepted)), commas(int64(c.RepliesRejected)))
}

// shortDuration prints 1m, 5m, 1m30s, 45s, 0s.
func shortDuration(d time.Duration) string {
	d = d.Round(time.Second)
	switch {
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	case d >= time.Minute:
		return fmt.Sprintf("%dm%ds", d/time.Minute, d%time.Minute/time.Second)
	}
	return fmt.Sprintf("%ds", d/time.Second)
}
