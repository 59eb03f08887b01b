package tui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/tui/screen"
)

// maxRecents bounds the remembered paths.
const maxRecents = 20

func recentFile(dir string) string { return filepath.Join(dir, "recent.json") }

// loadRecents reads the remembered paths; a missing file is no error.
func loadRecents(dir string) ([]screen.RecentPath, error) {
	if dir == "" {
		return nil, nil
	}
	b, err := os.ReadFile(recentFile(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read recent paths: %w", err)
	}
	var rs []screen.RecentPath
	if err := json.Unmarshal(b, &rs); err != nil {
		return nil, fmt.Errorf("read recent paths %s: %w", recentFile(dir), err)
	}
	if len(rs) > maxRecents {
		rs = rs[:maxRecents]
	}
	return rs, nil
}

// remember puts a path first in the list, once.
func remember(rs []screen.RecentPath, p screen.PathSpec, now time.Time) []screen.RecentPath {
	out := make([]screen.RecentPath, 0, len(rs)+1)
	out = append(out, screen.RecentPath{Path: p, When: now})
	for _, r := range rs {
		if r.Path.Key() != p.Key() {
			out = append(out, r)
		}
	}
	if len(out) > maxRecents {
		out = out[:maxRecents]
	}
	return out
}

// recentsSavedMsg reports the outcome of saveRecents.
type recentsSavedMsg struct{ err error }

// saveRecents writes the list atomically (temporary file, then rename) so
// that two reach processes never leave a torn file.
func saveRecents(dir string, rs []screen.RecentPath) tea.Cmd {
	if dir == "" {
		return nil
	}
	rs = slices.Clone(rs)
	return func() tea.Msg {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return recentsSavedMsg{fmt.Errorf("save recent paths: %w", err)}
		}
		b, err := json.MarshalIndent(rs, "", "  ")
		if err != nil {
			return recentsSavedMsg{fmt.Errorf("save recent paths: %w", err)}
		}
		tmp, err := os.CreateTemp(dir, "recent-*.json")
		if err != nil {
			return recentsSavedMsg{fmt.Errorf("save recent paths: %w", err)}
		}
		_, werr := tmp.Write(append(b, '\n'))
		cerr := tmp.Close()
		if werr == nil {
			werr = cerr
		}
		if werr == nil {
			werr = os.Rename(tmp.Name(), recentFile(dir))
		}
		if werr != nil {
			os.Remove(tmp.Name())
			return recentsSavedMsg{fmt.Errorf("save recent paths: %w", werr)}
		}
		return recentsSavedMsg{}
	}
}
