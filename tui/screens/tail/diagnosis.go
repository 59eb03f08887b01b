package tail

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/screen"
)

// Renderers of what the tail explains: the attribution of the record
// opened with enter, and the diagnosis of a path's records. Pure like the
// row renderers in columns.go; golden files pin them.

// attrState says where the attribution of the opened record stands.
type attrState int

const (
	AttrRunning attrState = iota
	AttrNoNetwork
	AttrDone
)

// attributionLines explains one record: the record itself, then what the
// configuration says of it (checks.Attribute): the verdict, whether the
// record is a request or a reply, the deciding layer, component and rule,
// the sentence, the fix, and whether the record agrees.
func attributionLines(e *screen.Env, f checks.Flow, a *checks.Attribution, err error, state attrState, c *catalog.Catalog, loc *time.Location, w int) []string {
	st := e.Styles
	var out []string
	add := func(s string) { out = append(out, s) }
	addWrapped := func(s string, indent string, style func(...string) string) {
		for _, l := range cells.Wrap(s, max(w-len(indent), 8), "  ") {
			add(indent + style(l))
		}
	}
	rec := newRecord(f, e.ASCII, loc)
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
	add(word + "  " + st.Title.Render(rec.cells[tcSrc]+" "+e.Glyphs.Arrow+" "+rec.cells[tcDst]) + " " + st.Text.Render(proto))

	var when string
	if !f.Start.IsZero() {
		when = f.Start.In(loc).Format("15:04:05")
		if !f.End.IsZero() && !f.End.Equal(f.Start) {
			when += " to " + f.End.In(loc).Format("15:04:05")
		}
	}
	var facts []string
	if f.InterfaceID != "" {
		facts = append(facts, "on "+c.Label(f.InterfaceID))
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
		addWrapped(strings.Join(facts, " "+e.Glyphs.Dot+" "), "  ", st.Subtle.Render)
	}
	counts := fmt.Sprintf("%s packets %s %s bytes", commas(f.Packets), e.Glyphs.Dot, commas(f.Bytes))
	if f.Protocol == checks.ProtocolTCP && f.TCPFlags >= 0 {
		counts += " " + e.Glyphs.Dot + " flags " + flagsText(f)
		if f.TCPFlags > 0 {
			counts += " (" + strconv.Itoa(f.TCPFlags) + ")"
		}
	}
	add("  " + st.Text.Render(cells.Truncate(counts, max(w-2, 1), e.Glyphs.Ellipsis)))
	var ids []string
	for _, kv := range [][2]string{{"account", f.AccountID}, {"vpc", f.VPCID}, {"subnet", f.SubnetID}, {"instance", f.InstanceID}} {
		if kv[1] != "" {
			ids = append(ids, kv[0]+" "+c.Label(kv[1]))
		}
	}
	if len(ids) > 0 {
		addWrapped(strings.Join(ids, " "+e.Glyphs.Dot+" "), "  ", st.Subtle.Render)
	}
	if (f.PktSrc.IsValid() && f.PktSrc != f.Src) || (f.PktDst.IsValid() && f.PktDst != f.Dst) {
		addWrapped("packet addresses "+addrOrDash(f.PktSrc)+" "+e.Glyphs.Arrow+" "+addrOrDash(f.PktDst)+" (the record's addresses are the interface's)", "  ", st.Subtle.Render)
	}
	if s := cells.Clean(f.PktSrcAWSService+" "+f.PktDstAWSService, e.ASCII); strings.TrimSpace(s) != "" {
		addWrapped("AWS service: "+strings.TrimSpace(s), "  ", st.Subtle.Render)
	}
	if f.RejectReason != "" {
		addWrapped("reject reason: "+cells.Clean(f.RejectReason, e.ASCII), "  ", st.Warn.Render)
	}
	add("")

	switch {
	case err != nil:
		addWrapped(cells.FromEngine(err.Error(), e.ASCII), "", st.Error.Render)
		return out
	case state == AttrNoNetwork:
		add(st.Pending.Render("the network has not loaded yet; the attribution follows when it lands"))
		return out
	case state == AttrRunning || a == nil:
		add(st.Pending.Render("attributing" + e.Glyphs.Ellipsis))
		return out
	}
	var verdict string
	switch a.Verdict {
	case checks.Reachable:
		verdict = st.OK.Render(e.Glyphs.Pass + " REACHABLE")
	case checks.Unreachable:
		verdict = st.Fail.Render(e.Glyphs.Fail + " UNREACHABLE")
	default:
		verdict = st.Unknown.Render(e.Glyphs.Unknown + " UNKNOWN")
	}
	role := "the request (forward)"
	if a.Direction == checks.Return {
		role = "the reply (return) of a connection the destination opened"
	}
	add(st.Title.Render("configuration") + "  " + verdict + st.Subtle.Render("  "+e.Glyphs.Dot+" this record is "+role))
	if a.Agrees {
		add(st.OK.Render(e.Glyphs.Pass + " the record agrees with the configuration"))
	} else {
		add(st.Warn.Render(e.Glyphs.Warn + " the record contradicts the configuration"))
	}
	if a.Layer != "" || a.Component != "" {
		head := "decided by " + a.Layer + " " + c.Label(a.Component)
		if a.Code != "" {
			head += "  " + a.Code
		}
		addWrapped(cells.FromEngine(head, e.ASCII), "", st.Text.Render)
	}
	if a.Rule != "" {
		addWrapped("rule: "+cells.FromEngine(a.Rule, e.ASCII), "  ", st.Matched.Render)
	}
	if a.Detail != "" {
		addWrapped(cells.FromEngine(a.Detail, e.ASCII), "  ", st.Text.Render)
	}
	if a.Fix != "" {
		for _, l := range cells.Wrap("fix: "+cells.FromEngine(a.Fix, e.ASCII), max(w-2, 8), "     ") {
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
	// ToneWarn: the records show a problem (and lines set through the
	// hook alone).
	ToneWarn diagTone = iota
	// toneOK: the path carries traffic, as the configuration says.
	toneOK
	// ToneWait: too early to conclude, or nothing records what would.
	ToneWait
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
func diagnosisLines(e *screen.Env, d *checks.Diagnosis, err error, w checks.FlowWindow, loc *time.Location, width int) ([]string, diagTone) {
	if err != nil {
		return fitDiagnosis(e, "diagnosis failed: "+err.Error(), "", width), toneError
	}
	if d == nil {
		return nil, ToneWarn
	}
	if len(d.Findings) == 0 {
		return fitDiagnosis(e, "diagnosis: "+d.Summary, countsLine(e, d.Counts), width), ToneWait
	}
	f := d.Findings[0]
	tone := ToneWarn
	switch {
	case !f.Agrees:
		tone = toneError
	case f.Pattern == checks.PatternAccepted:
		tone = toneOK
	case f.Pattern == checks.PatternWaiting || f.Pattern == checks.PatternNoCoverage:
		tone = ToneWait
	}
	if f.Pattern == checks.PatternWaiting && !d.WaitUntil.IsZero() {
		until := d.WaitUntil.In(loc).Format("15:04:05")
		var head string
		// Absent records mean a routing miss only where the checklist
		// finds none open; otherwise the wait is to judge the absence.
		concluded := "a routing miss can only be concluded after "
		if d.Absence != checks.AbsenceRouteMiss {
			concluded = "their absence can only be judged after "
		}
		switch {
		case d.Counts.Records == 0:
			head = "waiting: no records yet; " + concluded + until
		case d.Counts.AtDestination == 0:
			head = "waiting: no record at the destination yet; " + concluded + until
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
		lines = append(lines, cells.Wrap(cells.FromEngine("also: "+other.Summary, e.ASCII), width, "  ")...)
	}
	if f.Fix != "" {
		lines = append(lines, cells.Wrap(cells.FromEngine(countsLine(e, d.Counts), e.ASCII), width, "  ")...)
	}
	return lines, tone
}

// fitDiagnosis wraps the head and the line below it to the width, whole:
// the view draws what fits above the records, and e shows all of it.
func fitDiagnosis(e *screen.Env, head, second string, w int) []string {
	lines := cells.Wrap(cells.FromEngine(head, e.ASCII), w, "  ")
	if second != "" {
		lines = append(lines, cells.Wrap(cells.FromEngine(second, e.ASCII), w, "  ")...)
	}
	return lines
}

// countsLine sums up the records a diagnosis read.
func countsLine(e *screen.Env, c checks.FlowCounts) string {
	dot := " " + e.Glyphs.Dot + " "
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
