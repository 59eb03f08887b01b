package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/flowlogs"
	"github.com/reachnet/reach/aws/inventory"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/demo"
	"github.com/reachnet/reach/render"
)

// exitFlowsFailed: the records could not be read.
const exitFlowsFailed = 1

// flowsRun is one invocation's state.
type flowsRun struct {
	stdout io.Writer
	json   bool
	ascii  bool
	limit  int
	cancel context.CancelFunc

	net  *checks.Network
	path *flowlogs.Path
	// attributions caches the explanation of records by their tuple.
	attributions map[attrKey]checks.Attribution

	// display selects the records printed (--action, --eni).
	display flowlogs.Filter

	// out buffers what is printed; it is flushed after every batch, so
	// that a tail shows its records as they arrive.
	out *bufio.Writer
	// diag reads the path's records as they pass, keeping counters rather
	// than records: the diagnosis of any number of records takes bounded
	// memory.
	diag *checks.FlowDiagnoser
	// line is the buffer a record's line is written into.
	line []byte

	shown, malformed, dropped, filtered int
	source                              string
}

type attrKey struct {
	src, dst       netip.Addr
	sport, dport   uint16
	proto          checks.Protocol
	action, reason string
	reply          bool
}

// runFlows is reach flows; its flags are flowsFlagSpecs (commands.go).
func runFlows(p *parsed, stdout, stderr io.Writer) int {
	// The configuration file's profile, Region, ascii and client ports
	// apply as they do to check.
	conf, err := applyConfig(p)
	if err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	noteConfigOrganization(p, conf, stderr)
	src := p.source()
	file, live, since := p.str("file"), p.flag("live"), p.dur("since")
	output := p.str("output")
	switch {
	case output != "text" && output != "json":
		return fail(stderr, exitUsage, "flows: -o %q: expected text or json", output)
	case src.demo && src.snapshot != "":
		return fail(stderr, exitUsage, "flows: --demo and --snapshot exclude each other: pick one")
	case countTrue(file != "", live, since != 0) > 1:
		return fail(stderr, exitUsage, "flows: --file, --live and --since exclude each other: pick one")
	case since < 0 || p.dur("for") < 0 || p.num("limit") < 0:
		return fail(stderr, exitUsage, "flows: --since, --for and --limit take positive values")
	case src.demo && (live || since != 0):
		return fail(stderr, exitUsage, "flows: the demo account has no CloudWatch Logs: drop --live/--since to read its synthetic stream")
	case !src.demo && file == "" && !live && since == 0:
		return fail(stderr, exitUsage, "flows: say where the records come from: --live, --since DURATION or --file PATH (or --demo)")
	case p.flag("follow") && !src.demo:
		return fail(stderr, exitUsage, "flows: --follow keeps the demo stream going; a live tail follows anyway")
	case (p.str("from") == "") != (p.str("to") == ""):
		return fail(stderr, exitUsage, "flows: a path needs both --from and --to")
	}
	action := strings.ToUpper(p.str("action"))
	if action != "" && action != "ACCEPT" && action != "REJECT" {
		return fail(stderr, exitUsage, "flows: --action %q: expected ACCEPT or REJECT", p.str("action"))
	}
	var enis []string
	for _, e := range strings.Split(p.str("eni"), ",") {
		if e = strings.TrimSpace(e); e != "" {
			if _, err := checks.ParseEnd(e); err != nil || !strings.HasPrefix(e, "eni-") {
				return fail(stderr, exitUsage, "flows: --eni %q: expected eni-… IDs, comma-separated", e)
			}
			enis = append(enis, e)
		}
	}
	var formats []*flowlogs.Format
	if s := p.str("format"); s != "" {
		f, err := flowlogs.ParseFormat(s)
		if err != nil {
			return fail(stderr, exitUsage, "flows: --format: %v", err)
		}
		formats = []*flowlogs.Format{f}
	}
	port := p.num("port")
	if port < 0 || port > 65535 {
		return fail(stderr, exitUsage, "flows: --port %d: expected 1-65535", port)
	}
	// The path selects what is read and diagnosed; --action and --eni only
	// what is printed, so that the diagnosis sees both halves of a path.
	filter := flowlogs.Filter{Port: uint16(port)}
	if proto := p.str("protocol"); proto != "" {
		pr, err := checks.ParseProtocol(proto)
		if err != nil {
			return fail(stderr, exitUsage, "flows: --protocol: %v", err)
		}
		if pr != checks.ProtocolAll {
			filter.Protocol = pr
		}
	}
	if (live || since != 0) && p.str("from") == "" && len(enis) == 0 {
		return fail(stderr, exitUsage, "flows: --live and --since read the streams of a path's interfaces: give --from and --to, or --eni")
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if d := p.dur("for"); d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	r := &flowsRun{stdout: out, out: out, json: output == "json", ascii: p.flag("ascii"), limit: p.num("limit"), cancel: cancel,
		attributions: map[attrKey]checks.Attribution{}}

	// The network: needed to resolve the path, find its flow logs and
	// explain the records. A file alone can be read without one.
	// A profile or Region typed on the command line asks for the account's
	// network; the configuration file's alone does not, so that a file is
	// still read offline.
	needNetwork := src.demo || src.snapshot != "" || live || since != 0 || p.changed("profile") || p.changed("region")
	var cfg sdkaws.Config
	if needNetwork {
		var code int
		var ok bool
		r.net, cfg, code, ok = loadFlowsNetwork(ctx, src, p.str("from"), p.str("to"), enis, live || since != 0, stderr)
		if !ok {
			return code
		}
		applyPorts(r.net, conf)
	}
	r.display = flowlogs.Filter{Action: action, ENIs: enis}
	if from, to := p.str("from"), p.str("to"); from != "" {
		path, err := resolveFlowsPath(r.net, from, to, p.str("protocol"), port)
		var dataErr *checks.DataError
		if errors.As(err, &dataErr) {
			return r.unresolved(checks.UnknownReport(checks.CheckArgs{From: from, To: to, Protocol: p.str("protocol"), Port: port}, dataErr))
		}
		if err != nil {
			return fail(stderr, exitUsage, "flows: %v", err)
		}
		r.path = path
		filter = path.Filter()
		if r.net != nil {
			r.diag = checks.NewFlowDiagnoser(r.net, path.Query)
		}
	} else {
		// Without a path nothing is diagnosed, so what is not printed is
		// not needed at all: the source drops it as it reads.
		filter.Action, filter.ENIs = r.display.Action, r.display.ENIs
	}
	// r.batch prints each record and counts it for the diagnosis (which
	// copies what it keeps) before it returns: the sources may lend it
	// their buffers.
	opts := flowlogs.Options{Formats: formats, Filter: filter, LendBatches: true}

	// The records.
	var source flowlogs.Source
	var window checks.FlowWindow
	var disc *checks.FlowLogDiscovery
	pathENIs := append([]string(nil), enis...)
	if r.path != nil {
		for _, e := range r.path.ENIs() {
			if !containsStr(pathENIs, e) {
				pathENIs = append(pathENIs, e)
			}
		}
	}
	if r.net != nil && len(pathENIs) > 0 {
		d := checks.DiscoverFlowLogs(r.net, pathENIs...)
		disc = &d
	}
	now := time.Now()
	switch {
	case file != "":
		in, err := flowlogs.OpenFile(file)
		if err != nil {
			return fail(stderr, exitUsage, "flows: --file: %v", err)
		}
		defer in.Close()
		name := file
		if file == "-" {
			name = "stdin"
		}
		source = flowlogs.NewFileSource(in, name, opts)
		if disc != nil {
			// Exported records may come from any destination.
			window.Recorded = disc.Recorder(false)
		}
	case src.demo:
		dopts := flowlogs.DemoOptions{Options: opts, Follow: p.flag("follow"), Now: time.Now}
		source = flowlogs.NewDemoSource(r.net, dopts)
		window = checks.FlowWindow{Since: now.Add(-flowlogs.DefaultDemoWindow), Now: now, Interval: time.Minute}
		if disc != nil {
			window.Recorded = disc.Recorder(false)
		}
	default:
		if disc == nil {
			return fail(stderr, exitFlowsFailed, "flows: %s", render.NoInterface("neither end of the path is an interface in the account"))
		}
		r.printDiscovery(*disc)
		account := ""
		if e := r.net.ENIs[pathENIs[0]]; e != nil {
			account = e.OwnerID
		}
		var hosts []netip.Addr
		if r.path != nil {
			hosts = r.path.QueryHosts()
		}
		target, found, err := flowlogs.TargetFor(*disc, cfg.Region, account, hosts...)
		if msg := render.NoFlowCoverage(*disc, pathENIs); err != nil && msg != "" {
			return fail(stderr, exitFlowsFailed, "flows: %s", msg)
		}
		if err != nil {
			return fail(stderr, exitFlowsFailed, "flows: %v", err)
		}
		if len(opts.Formats) == 0 {
			opts.Formats = found
		}
		client := flowlogs.NewClient(cfg)
		interval, delay := discoveredWait(*disc, pathENIs)
		window = checks.FlowWindow{Interval: interval, Delay: delay, Recorded: disc.Recorder(true)}
		if live {
			source = flowlogs.NewLiveTailSource(client, target, flowlogs.PollOptions{Options: opts})
			window.Since = now
		} else {
			source = flowlogs.NewInsightsSource(client, target, now.Add(-since), now, flowlogs.InsightsOptions{Options: opts, Hosts: hosts})
			window.Since = now.Add(-since)
		}
	}
	r.source = source.Name()
	r.note("source: " + source.Name())
	if r.net == nil {
		r.note("no network given (--demo, --snapshot, --profile or --region): records are printed without the rules behind them")
	}
	r.out.Flush()
	err = source.Run(ctx, r.batch)
	window.Now = time.Now()
	if u, ok := source.(interface{ Unconfirmed() string }); ok {
		// A query or tail that found nothing through a pre-filter no
		// broader read confirmed shows no absence.
		window.Unconfirmed = u.Unconfirmed()
	}
	if src.demo && !p.flag("follow") {
		// The demo's history ends where it began.
		window.Now = now
	}
	r.finish(window)
	if err != nil {
		return fail(stderr, exitFlowsFailed, "flows: %v", err)
	}
	return 0
}

// unresolved prints the report of a path whose end cannot be found for
// want of data (verdict unknown), as check does, and says so in the exit
// status.
func (r *flowsRun) unresolved(rep checks.Report) int {
	if r.json {
		writeJSONLine(r.stdout, map[string]any{"kind": "report", "report": rep})
	} else if err := render.Text(r.stdout, &rep, r.ascii); err != nil {
		return exitUsage
	}
	return rep.ExitCode()
}

func countTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func containsStr(ss []string, s string) bool {
	for _, v := range ss {
		if v == s {
			return true
		}
	}
	return false
}

// loadFlowsNetwork reads the network as loadNetwork does, keeps the AWS
// configuration for the CloudWatch Logs client, and converts the flow
// logs (describe-flow-logs), which discovery reads.
func loadFlowsNetwork(ctx context.Context, src sourceFlags, from, to string, enis []string, needLogs bool, stderr io.Writer) (*checks.Network, sdkaws.Config, int, bool) {
	var cfg sdkaws.Config
	var inv *inventory.Inventory
	var err error
	live := !src.demo && src.snapshot == ""
	label, partial := src.label(), false
	if live || needLogs {
		cfg, err = loadAWSConfig(ctx, src)
		if err != nil {
			return nil, cfg, fail(stderr, exitUsage, "flows: %s", aws.Explain(err)), false
		}
	}
	switch {
	case src.demo:
		inv, err = snapshot.ReadFS(demo.FS(), ".")
	case src.snapshot != "":
		inv, err = snapshot.Read(src.snapshot)
	default:
		label = liveLabel(src.profile, cfg.Region)
		loader := src.loader(cfg)
		ends := append([]string(nil), enis...)
		if from != "" {
			ends = append(ends, from, to)
		}
		if len(ends) > 0 && targetable(ends) {
			inv, _, err = loader.LoadPath(ctx, ends, nil, nil)
			partial = true
		} else {
			inv, _, err = loader.LoadAll(ctx, nil)
		}
		switch {
		case ctx.Err() != nil:
			return nil, cfg, fail(stderr, exitInterrupted, "flows: interrupted while loading the account"), false
		case err != nil && inv != nil && !aws.UserMustAct(err):
			// Nothing arrived alike for every call: the gaps say so, and
			// the path's report is unknown.
			fmt.Fprintf(stderr, "reach: flows: %s\n", render.Inert(aws.Explain(err)))
			err = nil
		case err != nil:
			err = errors.New(aws.Explain(err))
		}
	}
	if err != nil {
		return nil, cfg, fail(stderr, exitUsage, "flows: %v", err), false
	}
	net, err := convert.Network(inv)
	if err != nil {
		return nil, cfg, fail(stderr, exitUsage, "flows: %v", err), false
	}
	convert.FlowLogs(inv, net)
	if !src.demo {
		// As check does: the demo completes from the embedded data; a live
		// account or a snapshot is remembered for completing the next
		// command's --from and --to (a targeted load adds to the cache).
		writeInventoryCache(label, net, partial)
	}
	return net, cfg, 0, true
}

// resolveFlowsPath resolves the path the user named: its interfaces and
// addresses select the records and the streams to read.
func resolveFlowsPath(net *checks.Network, from, to, protocol string, port int) (*flowlogs.Path, error) {
	if net == nil {
		// No network: only addresses can select records.
		f, err1 := checks.ParseEnd(from)
		t, err2 := checks.ParseEnd(to)
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		if f.Kind != checks.EndAddress || t.Kind != checks.EndAddress {
			return nil, fmt.Errorf("--from %s --to %s: without a network (--demo, --snapshot, --profile or --region) the ends must be IP addresses", from, to)
		}
		proto := checks.ProtocolTCP
		if protocol != "" {
			p, err := checks.ParseProtocol(protocol)
			if err != nil {
				return nil, err
			}
			proto = p
		}
		q := checks.Query{From: f, To: t, Protocol: proto, Port: port}
		if q.Port == 0 {
			q.Port = t.Port
		}
		return &flowlogs.Path{Query: q, Client: f.Addr, Server: t.Addr}, nil
	}
	fromArg, err := checks.ResolveName(net, "--from", from)
	if err != nil {
		return nil, err
	}
	toArg, err := checks.ResolveName(net, "--to", to)
	if err != nil {
		return nil, err
	}
	q, err := checks.NewQuery(fromArg, toArg, protocol, port, 0)
	if err != nil {
		return nil, err
	}
	p, err := flowlogs.ResolvePath(net, q)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// discoveredWait is the aggregation interval and delivery delay of the
// slowest tailable flow log covering the ENIs.
func discoveredWait(d checks.FlowLogDiscovery, enis []string) (interval, delay time.Duration) {
	for _, c := range d.Tailable() {
		if containsStr(enis, c.ENI) && c.FlowLog != nil {
			interval = max(interval, c.FlowLog.Interval())
			delay = max(delay, c.FlowLog.DeliveryDelay())
		}
	}
	return interval, delay
}

// batch prints one batch as it arrives.
func (r *flowsRun) batch(b flowlogs.Batch) {
	if b.Note != "" {
		r.note(b.Note)
	}
	if b.Source != "" && b.Source != r.source {
		r.source = b.Source
		r.note("source: " + b.Source)
	}
	if b.Sampled {
		r.note("Live Tail sampled the stream (over 500 matching records a second): some records are missing")
	}
	for _, m := range b.Samples {
		r.emit(map[string]any{"kind": "malformed", "line": m.Line, "reason": m.Reason},
			"malformed line ("+m.Reason+"): "+m.Line)
	}
	r.malformed += b.Malformed
	r.dropped += b.Dropped
	r.filtered += b.Filtered
	for i := range b.Flows {
		if r.limit > 0 && r.shown >= r.limit {
			r.cancel()
			return
		}
		f := &b.Flows[i]
		if r.diag != nil {
			r.diag.Add(f)
		}
		if !r.display.Match(f) || r.path != nil && len(r.path.Legs) > 0 && !r.path.Match(f) {
			// A path through a load balancer is read broadly (its
			// targets' legs hold other addresses): only its own records
			// and its legs' are shown.
			r.filtered++
			continue
		}
		r.shown++
		r.record(f)
	}
	if r.limit > 0 && r.shown >= r.limit {
		r.cancel()
	}
	r.out.Flush()
}

func (r *flowsRun) note(s string) {
	r.emit(map[string]any{"kind": "note", "note": s}, s)
}

// emit prints a non-record line: a JSON object, or a "# " comment.
func (r *flowsRun) emit(obj map[string]any, text string) {
	if r.json {
		writeJSONLine(r.stdout, obj)
		return
	}
	fmt.Fprintln(r.stdout, "# "+render.FlowPlain(text, r.ascii))
}

func writeJSONLine(w io.Writer, v any) {
	_ = render.WriteJSONLine(w, v)
}

// explain attributes a record: every reject, and any record the
// configuration disagrees with. ok is false when there is nothing to say.
func (r *flowsRun) explain(f *checks.Flow) (checks.Attribution, bool) {
	if r.net == nil || f.LogStatus != "" && f.LogStatus != "OK" {
		return checks.Attribution{}, false
	}
	reply := r.path != nil && r.path.IsReply(f)
	k := attrKey{f.Src, f.Dst, f.SrcPort, f.DstPort, f.Protocol, f.Action, f.RejectReason, reply}
	a, ok := r.attributions[k]
	if !ok {
		if reply {
			a = checks.AttributeReply(r.net, *f)
		} else {
			a = checks.Attribute(r.net, *f)
		}
		if len(r.attributions) > 10_000 {
			clear(r.attributions)
		}
		r.attributions[k] = a
	}
	return a, f.Action == "REJECT" || !a.Agrees
}

func (r *flowsRun) record(f *checks.Flow) {
	a, explained := r.explain(f)
	if r.json {
		obj := render.FlowRecordJSON(f)
		obj["kind"] = "record"
		if explained {
			obj["attribution"] = a
		}
		writeJSONLine(r.stdout, obj)
		return
	}
	var why *checks.Attribution
	if explained {
		why = &a
	}
	r.line = render.AppendFlowRecord(r.line[:0], f, why, r.ascii)
	r.line = append(r.line, '\n')
	_, _ = r.out.Write(r.line)
}

// printDiscovery says which flow logs cover the path and what reach can do
// with them.
func (r *flowsRun) printDiscovery(d checks.FlowLogDiscovery) {
	if r.json {
		writeJSONLine(r.stdout, map[string]any{"kind": "coverage", "coverage": d})
		r.out.Flush()
		return
	}
	for _, l := range render.FlowCoverage(d) {
		r.note(l)
	}
	r.out.Flush()
}

// finish prints the counts and, for a path, the diagnosis.
func (r *flowsRun) finish(w checks.FlowWindow) {
	summary := fmt.Sprintf("%d records shown", r.shown)
	if r.filtered > 0 {
		summary += fmt.Sprintf(" (%d others filtered out)", r.filtered)
	}
	if r.limit > 0 && r.shown >= r.limit {
		summary += fmt.Sprintf("; stopped at --limit %d, so the diagnosis reads only these", r.limit)
	}
	switch {
	case r.malformed == 1:
		summary += ", 1 malformed line"
	case r.malformed > 1:
		summary += fmt.Sprintf(", %d malformed lines", r.malformed)
	}
	if r.dropped > 0 {
		summary += fmt.Sprintf(", %d dropped (reading fell behind)", r.dropped)
	}
	if r.json {
		writeJSONLine(r.stdout, map[string]any{"kind": "summary", "records": r.shown, "filtered": r.filtered, "malformed": r.malformed, "dropped": r.dropped, "source": r.source})
	} else {
		r.note(summary)
	}
	if r.diag == nil {
		r.out.Flush()
		return
	}
	d := r.diag.Diagnosis(w)
	if r.json {
		writeJSONLine(r.stdout, map[string]any{"kind": "diagnosis", "diagnosis": d})
		r.out.Flush()
		return
	}
	for _, l := range render.FlowDiagnosis(d) {
		r.note(l)
	}
	r.out.Flush()
}
