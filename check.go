package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"github.com/reachnet/reach/aws"
	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/demo"
	"github.com/reachnet/reach/render"
)

// sourceFlags say where the network comes from.
type sourceFlags struct {
	snapshot string
	demo     bool
	profile  string
	region   string
}

func (s *sourceFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&s.snapshot, "snapshot", "", "read the network from a snapshot directory of AWS CLI JSON")
	fs.BoolVar(&s.demo, "demo", false, "use the built-in demo account")
	fs.StringVar(&s.profile, "profile", "", "AWS shared config profile")
	fs.StringVar(&s.region, "region", "", "AWS Region")
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var src sourceFlags
	src.register(fs)
	from := fs.String("from", "", "source: eni-…, i-… or an IPv4 address")
	to := fs.String("to", "", "destination: IPv4 address, eni-…, i-… or hostname, optionally :PORT")
	port := fs.Int("port", 0, "destination port")
	protocol := fs.String("protocol", "tcp", "tcp, udp, icmp, all or a protocol number")
	sourcePort := fs.Int("source-port", 0, "the client's source port (default: its whole ephemeral range)")
	output := fs.String("o", "text", "output: text, json or markdown")
	ascii := fs.Bool("ascii", false, "no glyphs beyond ASCII")
	if err := fs.Parse(args); err != nil {
		return fail(stderr, exitUsage, "check: %v", err)
	}
	if fs.NArg() > 0 {
		return fail(stderr, exitUsage, "check: unexpected argument %q (flags only; see reach help)", fs.Arg(0))
	}
	if *from == "" || *to == "" {
		return fail(stderr, exitUsage, "check: --from and --to are required (for example --from eni-0abc --to 10.0.2.20:443)")
	}
	switch *output {
	case "text", "json", "markdown":
	default:
		return fail(stderr, exitUsage, "check: -o %q: expected text, json or markdown", *output)
	}
	net, code, ok := loadNetwork(src, []string{*from}, []string{*to}, stderr)
	if !ok {
		return code
	}
	fromArg, err := resolveName(net, *from)
	if err != nil {
		return fail(stderr, exitUsage, "check: --from %v", err)
	}
	toArg, err := resolveName(net, *to)
	if err != nil {
		return fail(stderr, exitUsage, "check: --to %v", err)
	}
	q, err := checks.NewQuery(fromArg, toArg, *protocol, *port, *sourcePort)
	if err != nil {
		return fail(stderr, exitUsage, "check: %v", err)
	}
	rep, err := checks.Evaluate(net, q)
	var dataErr *checks.DataError
	switch {
	case errors.As(err, &dataErr):
		return fail(stderr, exitUnknown, "check: %v", err)
	case err != nil:
		return fail(stderr, exitUsage, "check: %v", err)
	}
	rep.Source.Input, rep.Destination.Input = *from, *to
	switch *output {
	case "json":
		err = render.JSON(stdout, &rep)
	case "markdown":
		err = render.Markdown(stdout, &rep)
	default:
		err = render.Text(stdout, &rep, *ascii)
	}
	if err != nil {
		return fail(stderr, exitUsage, "write report: %v", err)
	}
	return rep.ExitCode()
}

// loadNetwork reads the network the flags name. A live load reads only
// what the path's ends touch when they are IDs or addresses, so the first
// verdict does not wait for the whole region.
func loadNetwork(src sourceFlags, from, to []string, stderr io.Writer) (*checks.Network, int, bool) {
	if src.demo && src.snapshot != "" {
		return nil, fail(stderr, exitUsage, "--demo and --snapshot exclude each other: pick one"), false
	}
	var inv *aws.Inventory
	var err error
	switch {
	case src.demo:
		inv, err = aws.ReadSnapshotFS(demo.FS(), ".")
		if err != nil {
			return nil, fail(stderr, exitUsage, "demo scenario: %v", err), false
		}
	case src.snapshot != "":
		inv, err = aws.ReadSnapshot(src.snapshot)
		if err != nil {
			return nil, fail(stderr, exitUsage, "%v", err), false
		}
	default:
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		cfg, err := aws.LoadConfig(ctx, src.profile, src.region)
		if err == nil {
			err = aws.CheckCredentials(ctx, cfg, src.profile)
		}
		if err != nil {
			return nil, fail(stderr, exitUsage, "%s", aws.Explain(err)), false
		}
		loader := aws.NewLoader(cfg)
		if targetable(from) && targetable(to) {
			inv, _, err = loader.LoadPath(ctx, from, to, nil)
		} else {
			inv, _, err = loader.LoadAll(ctx, nil)
		}
		if err != nil {
			return nil, fail(stderr, exitUsage, "%s", aws.Explain(err)), false
		}
	}
	net, err := aws.Convert(inv)
	if err != nil {
		return nil, fail(stderr, exitUsage, "%v", err), false
	}
	return net, 0, true
}

// targetable reports whether every end names an ID, an address or a host
// name, which a targeted load can find without reading every interface.
func targetable(ends []string) bool {
	for _, e := range ends {
		host, _, _ := strings.Cut(e, ":")
		if !(strings.HasPrefix(host, "eni-") || strings.HasPrefix(host, "i-") || strings.Contains(host, ".") || strings.HasPrefix(e, "[")) {
			return false
		}
	}
	return true
}

// resolveName lets people name a path end by its Name tag ("app-1",
// "app-1:443") as well as by ID or address; anything else passes through
// to the query parser.
func resolveName(net *checks.Network, arg string) (string, error) {
	host, port, hasPort := strings.Cut(arg, ":")
	if strings.HasPrefix(host, "eni-") || strings.HasPrefix(host, "i-") || strings.Contains(host, ".") || strings.Count(arg, ":") > 1 || strings.HasPrefix(arg, "[") {
		return arg, nil
	}
	var matches []string
	for id, inst := range net.Instances {
		if inst.Name == host {
			matches = append(matches, id)
		}
	}
	if len(matches) == 0 {
		for id, e := range net.ENIs {
			if e.Name == host {
				matches = append(matches, id)
			}
		}
	}
	switch len(matches) {
	case 0:
		return arg, nil
	case 1:
		if hasPort {
			return matches[0] + ":" + port, nil
		}
		return matches[0], nil
	}
	return "", fmt.Errorf("%q: the name tag matches %d resources (%s); use an ID", host, len(matches), strings.Join(matches, ", "))
}
