package tui

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/render"
	"github.com/reachnet/reach/tui/screen"
)

// journal remembers every path checked in the session, for the report
// the R key writes: the newest check of each path, the layers that
// changed between its re-checks, and the second opinions that ran on it.
type journal struct {
	started time.Time
	paths   []*journalPath
}

type journalPath struct {
	key string
	rec render.SessionPath
	// analyzer is kept apart from the report: each new check of the path
	// is compared with it again, as the checklist does.
	analyzer *checks.AnalyzerResult
	// settled is the newest report made on a whole network, which the
	// next one is compared with.
	settled *checks.Report
}

func (j *journal) find(p screen.PathSpec, arrow string) *journalPath {
	for _, e := range j.paths {
		if e.key == p.Key() {
			return e
		}
	}
	e := &journalPath{key: p.Key(), rec: render.SessionPath{Path: p.Text(arrow)}}
	j.paths = append(j.paths, e)
	return e
}

// recordCheck notes a check of the model's path. Reports made while data
// still loads are not re-checks: their layers turn from unknown to known
// as kinds land, which is no change of the network.
func (m *Model) recordCheck(rep *checks.Report, err error) {
	if m.path.Empty() {
		return
	}
	now := m.env.Now()
	e := m.journal.find(m.path, m.env.Glyphs.Arrow)
	settled := len(m.pending) == 0
	if e.rec.Checks == 0 || e.rec.First.IsZero() {
		e.rec.First = now
	}
	e.rec.Last = now
	if settled {
		e.rec.Checks++
	}
	e.rec.LoadedAt = m.loadedAt
	if m.net != nil {
		e.rec.Gaps = render.GapsText(m.net.Gaps)
	}
	if err != nil {
		e.rec.Err = err.Error()
		e.rec.Report = nil
		return
	}
	next := *rep
	if e.analyzer != nil {
		next.Layers = append([]checks.Layer(nil), rep.Layers...)
		res := *e.analyzer
		checks.CompareAnalyzer(&next, &res)
	}
	if settled {
		e.rec.Changes = append(e.rec.Changes, render.LayerChanges(e.settled, &next, now)...)
		e.settled = &next
	}
	e.rec.Err = ""
	e.rec.Report = &next
}

// recordAnalyzer attaches Reachability Analyzer's answer to the path.
func (m *Model) recordAnalyzer(res checks.AnalyzerResult) {
	if m.path.Empty() {
		return
	}
	e := m.journal.find(m.path, m.env.Glyphs.Arrow)
	e.analyzer = &res
	if e.rec.Report != nil {
		next := *e.rec.Report
		next.Layers = append([]checks.Layer(nil), e.rec.Report.Layers...)
		next.Analyzer = nil
		checks.CompareAnalyzer(&next, &res)
		e.rec.Report = &next
	}
}

// recordDiagnosis attaches a flow-log diagnosis to the path the tail
// follows, when it follows the checked path.
func (m *Model) recordDiagnosis(d checks.Diagnosis) {
	if m.path.Empty() || m.tail.Spec.Target.Query == nil {
		return
	}
	e := m.journal.find(m.path, m.env.Glyphs.Arrow)
	e.rec.Diagnosis = &d
}

// session is the journal as the report writes it.
func (m *Model) session() render.Session {
	s := render.Session{Started: m.journal.started, Written: m.env.Now(), Source: m.sourceName(), Scope: m.scope}
	for _, e := range m.journal.paths {
		rec := e.rec
		rec.Gaps = append([]string(nil), rec.Gaps...)
		rec.Changes = append([]render.SessionChange(nil), rec.Changes...)
		s.Paths = append(s.Paths, rec)
	}
	return s
}

// reportWrittenMsg reports where the session report went.
type reportWrittenMsg struct {
	path string
	err  error
}

// writeReport writes the session report in a command: the Markdown is
// built here, from a copy, and only the file is written off the loop.
func (m *Model) writeReport() tea.Cmd {
	var buf bytes.Buffer
	s := m.session()
	if err := render.SessionMarkdown(&buf, s); err != nil {
		m.setStatus("session report: "+err.Error(), true)
		return nil
	}
	dir := m.opts.ReportDir
	if dir == "" && m.opts.StateDir != "" {
		dir = filepath.Join(m.opts.StateDir, "reports")
	}
	name := "reach-session-" + s.Written.UTC().Format("20060102-150405") + ".md"
	m.setStatus("writing the session report"+m.env.Glyphs.Ellipsis, false)
	body := buf.Bytes()
	return func() tea.Msg {
		if dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return reportWrittenMsg{err: err}
			}
		}
		path := filepath.Join(dir, name)
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		return reportWrittenMsg{path: path, err: os.WriteFile(path, body, 0o600)}
	}
}

func (m *Model) onReportWritten(msg reportWrittenMsg) {
	if msg.err != nil {
		m.env.Log.Error("session report", "err", msg.err)
		m.setStatus(fmt.Sprintf("session report not written: %v", msg.err), true)
		return
	}
	m.env.Log.Info("session report", "path", msg.path, "paths", len(m.journal.paths))
	m.setStatus(fmt.Sprintf("session report (%d paths) written to %s", len(m.journal.paths), msg.path), false)
}
