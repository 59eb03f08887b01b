package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/render"
)

// reportPath is one path of reach report, as typed.
type reportPath struct {
	from, to, protocol string
	port, sourcePort   int
}

func (p reportPath) text() string {
	to := p.to
	if p.port != 0 && !strings.Contains(to, ":") {
		to += ":" + strconv.Itoa(p.port)
	}
	proto := p.protocol
	if proto == "" {
		proto = "tcp"
	}
	return p.from + " → " + to + "/" + strings.ToLower(proto)
}

// runReport checks a list of paths headless and writes the session report
// the terminal's R key writes: reach report (--demo | --snapshot DIR |
// live flags) [--from SRC --to DST ...] [--paths FILE] [--out FILE].
func runReport(p *parsed, stdout, stderr io.Writer) int {
	cfg, err := applyConfig(p)
	if err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	noteConfigOrganization(p, cfg, stderr)
	var paths []reportPath
	if p.str("from") != "" || p.str("to") != "" {
		if p.str("from") == "" || p.str("to") == "" {
			return fail(stderr, exitUsage, "report: --from and --to go together")
		}
		paths = append(paths, reportPath{from: p.str("from"), to: p.str("to"), port: p.num("port"), protocol: p.str("protocol"), sourcePort: p.num("source-port")})
	}
	if f := p.str("paths"); f != "" {
		more, err := readReportPaths(f)
		if err != nil {
			return fail(stderr, exitUsage, "report: %v", err)
		}
		paths = append(paths, more...)
	}
	if len(paths) == 0 {
		return fail(stderr, exitUsage, "report: no path: pass --from and --to, or --paths FILE (one \"FROM TO [PORT] [PROTOCOL]\" a line)")
	}
	froms, tos := make([]string, len(paths)), make([]string, len(paths))
	for i, rp := range paths {
		froms[i], tos[i] = rp.from, rp.to
	}
	started := time.Now()
	net, _, code, ok := loadNetwork(p.source(), froms, tos, false, stderr)
	if !ok {
		return code
	}
	loaded := time.Now()
	applyPorts(net, cfg)
	src := p.source()
	s := render.Session{Started: started, Source: src.label()}
	if src.snapshot != "" {
		s.Scope = snapshotScope(src.snapshot)
	}
	gaps := render.GapsText(net.Gaps)
	for _, rp := range paths {
		sp := render.SessionPath{Path: rp.text(), First: time.Now(), Checks: 1, LoadedAt: loaded, Gaps: gaps}
		sp.Last = sp.First
		rep, err := checks.Check(net, checks.CheckArgs{From: rp.from, To: rp.to, Protocol: rp.protocol, Port: rp.port, SourcePort: rp.sourcePort})
		if err != nil {
			sp.Err = err.Error()
		} else {
			sp.Report = &rep
		}
		s.Paths = append(s.Paths, sp)
	}
	s.Written = time.Now()
	var buf bytes.Buffer
	if err := render.SessionMarkdown(&buf, s); err != nil {
		return fail(stderr, 1, "report: %v", err)
	}
	out := p.str("out")
	if out == "" || out == "-" {
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			return fail(stderr, 1, "report: %v", err)
		}
		return 0
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return fail(stderr, 1, "report: %v", err)
	}
	fmt.Fprintf(stderr, "reach report: %d paths written to %s\n", len(paths), render.Inert(out))
	return 0
}

// readReportPaths reads one path a line: FROM TO [PORT] [PROTOCOL], where
// TO may carry :PORT; blank lines and lines starting with # are skipped.
func readReportPaths(name string) ([]reportPath, error) {
	var r io.Reader
	if name == "-" {
		r = os.Stdin
	} else {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	var out []reportPath
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		if len(fields) < 2 || len(fields) > 4 {
			return nil, fmt.Errorf("%s:%d: expected FROM TO [PORT] [PROTOCOL], got %d words", name, line, len(fields))
		}
		rp := reportPath{from: fields[0], to: fields[1]}
		for _, f := range fields[2:] {
			if n, err := strconv.Atoi(f); err == nil {
				if n < 0 || n > 65535 {
					return nil, fmt.Errorf("%s:%d: port %d out of range", name, line, n)
				}
				rp.port = n
				continue
			}
			rp.protocol = f
		}
		out = append(out, rp)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}
