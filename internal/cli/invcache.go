package cli

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/internal/xdg"
	"github.com/reachnet/reach/render"
)

// The inventory cache lets shell completion offer the path ends a person
// types (ENI and instance IDs, addresses, Name tags, DNS names) without
// calling AWS on every tab. After reach loads a live account or a
// snapshot, it writes them to $XDG_CACHE_HOME/reach/inventory.txt
// (~/.cache/reach/inventory.txt):
//
//	# reach inventory: live prod us-east-1
//	10.0.16.10	eni-0f6a7b8c9d0e10012 app-1
//	app-1	i-01a2b3c4d5e6f0012
//	eni-0f6a7b8c9d0e10012	app-1 10.0.16.10
//
// one "VALUE<TAB>DESCRIPTION" line per candidate, sorted. It holds
// identifiers, addresses and names only: no credentials, no rules. The
// file is 0600 in a 0700 directory all the same, since an account's
// addresses and names are not for other users of a shared bastion.

const cacheFile = "inventory.txt"

// endEntry is one completion candidate.
type endEntry struct {
	value, desc string
}

// cacheDir is reach's directory under the XDG cache directory.
func cacheDir() (string, error) { return xdg.Dir(xdg.Cache) }

// endEntries lists the candidates a network offers for --from and --to.
func endEntries(n *checks.Network) []endEntry {
	return finishEntries(rawEndEntries(n))
}

// rawEndEntries collects the candidates, their descriptions not yet made
// one clean line: the cheap part, done while the network is not shared.
func rawEndEntries(n *checks.Network) []endEntry {
	out := make([]endEntry, 0, 2*len(n.ENIs)+len(n.Instances))
	add := func(value, desc string) {
		if value == "" || strings.IndexFunc(value, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) >= 0 {
			// A value with spaces or control characters cannot be one
			// shell word; its ID is offered instead.
			return
		}
		out = append(out, endEntry{value, desc})
	}
	instName := func(id string) string {
		if i := n.Instances[id]; i != nil {
			return i.Name
		}
		return ""
	}
	names := make(map[string][]string, len(n.ENIs))
	for id, e := range n.ENIs {
		label := e.Name
		if label == "" {
			label = instName(e.InstanceID)
		}
		if label == "" {
			label = e.Description
		}
		add(id, strings.TrimSpace(label+" "+e.PrimaryIP().String()))
		for _, p := range e.PrivateIPs {
			add(p.Addr.String(), id+" "+label)
			if p.Public.IsValid() {
				add(p.Public.String(), "public, "+id+" "+label)
			}
		}
		if e.Name != "" && e.InstanceID == "" {
			names[e.Name] = append(names[e.Name], id)
		}
	}
	for id, inst := range n.Instances {
		add(id, strings.TrimSpace("instance "+inst.Name))
		if inst.Name != "" {
			names[inst.Name] = append(names[inst.Name], id)
		}
	}
	for name, ids := range names {
		slices.Sort(ids)
		add(name, "Name tag: "+strings.Join(ids, " "))
	}
	for _, z := range n.HostedZones {
		kind := "public zone " + z.Name
		if z.Private {
			kind = "private zone " + z.Name
		}
		for _, r := range z.Records {
			if r.Type != "A" && r.Type != "AAAA" && r.Type != "CNAME" {
				continue
			}
			name := strings.ToLower(strings.TrimSuffix(r.Name, "."))
			if strings.HasPrefix(name, `\052`) || strings.HasPrefix(name, "*") {
				continue // a wildcard is not a name anyone types
			}
			add(name, kind)
		}
	}
	return out
}

// finishEntries sorts raw entries, keeps the first of each value and cleans
// the descriptions kept.
func finishEntries(es []endEntry) []endEntry {
	es = sortEntries(es)
	for i := range es {
		es[i].desc = cleanDesc(es[i].desc)
	}
	return es
}

// sortEntries sorts by value and keeps the first of duplicates.
func sortEntries(es []endEntry) []endEntry {
	// The first entry of a value wins; dropping the others before sorting
	// lets an unstable sort (much faster at a large account's hundreds of
	// thousands of entries) give the same result.
	seen := make(map[string]bool, len(es))
	kept := es[:0]
	for _, e := range es {
		if !seen[e.value] {
			seen[e.value] = true
			kept = append(kept, e)
		}
	}
	slices.SortFunc(kept, func(a, b endEntry) int { return cmp.Compare(a.value, b.value) })
	return kept
}

// cleanDesc makes a description one short line: Name tags and
// descriptions come from the account and may hold anything, including
// escape sequences meant for a terminal.
func cleanDesc(s string) string {
	if isOneCleanLine(s) {
		return s
	}
	s = strings.Join(strings.Fields(render.Inert(s)), " ")
	if r := []rune(s); len(r) > 80 {
		s = string(r[:79]) + "…"
	}
	return s
}

// isOneCleanLine reports whether cleanDesc would leave s as it is: short
// printable ASCII, single spaces between words. Most descriptions are, and a
// large account has hundreds of thousands.
func isOneCleanLine(s string) bool {
	if len(s) > 80 || strings.HasPrefix(s, " ") || strings.HasSuffix(s, " ") || strings.Contains(s, "  ") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// writeInventoryCache records n's candidates for completion. A partial load
// (reach check's targeted load) adds to the cache of the same source
// instead of replacing it. Failing to write is not worth failing the
// command for: completion is a convenience, so errors are dropped.
//
// Only the collecting happens before it returns; sorting and writing go on
// beside the command (at a large account, hundreds of thousands of entries),
// and Main waits for them before the process ends.
func writeInventoryCache(label string, n *checks.Network, partial bool) {
	raw := rawEndEntries(n)
	pendingCacheWrites.Add(1)
	go func() {
		defer pendingCacheWrites.Done()
		entries := finishEntries(raw)
		// One write at a time: a partial load merges with what the
		// write before it left.
		cacheWriteMu.Lock()
		defer cacheWriteMu.Unlock()
		_ = saveEntries(label, entries, partial)
	}()
}

// writeInventoryCacheAside is writeInventoryCache with the collecting done
// beside the command too, for a network the command only reads once loaded
// (reach check, sweep and report): compiling it, evaluating paths and
// collecting its ends then all read it at once. A command that changes the
// network it loaded must use writeInventoryCache.
func writeInventoryCacheAside(label string, n *checks.Network, partial bool) {
	pendingCacheWrites.Add(1)
	go func() {
		defer pendingCacheWrites.Done()
		entries := endEntries(n)
		cacheWriteMu.Lock()
		defer cacheWriteMu.Unlock()
		_ = saveEntries(label, entries, partial)
	}()
}

// pendingCacheWrites are the inventory cache writes still going on.
var (
	pendingCacheWrites sync.WaitGroup
	cacheWriteMu       sync.Mutex
)

func saveInventoryCache(label string, n *checks.Network, partial bool) error {
	return saveEntries(label, endEntries(n), partial)
}

func saveEntries(label string, entries []endEntry, partial bool) error {
	dir, err := cacheDir()
	if err != nil {
		return err
	}
	if partial {
		if old, es, err := readInventoryCache(); err == nil && old == label {
			entries = sortEntries(append(entries, es...))
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".inventory-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "# reach inventory: %s\n", cleanDesc(label))
	for _, e := range entries {
		w.WriteString(e.value)
		w.WriteByte('\t')
		w.WriteString(e.desc)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	// Rename, so that a completion reading the file meanwhile sees the old
	// or the new one, never half of one.
	return os.Rename(f.Name(), filepath.Join(dir, cacheFile))
}

// cacheHoldsSnapshot reports whether the inventory cache already holds the
// snapshot at dir under label: written after every file of the snapshot
// and the running binary last changed, so writing it again would write the
// same lines. At a large account that writing costs as much CPU as
// reading the snapshot; a snapshot checked again and again pays it once.
func cacheHoldsSnapshot(label, dir string) bool {
	cdir, err := cacheDir()
	if err != nil {
		return false
	}
	f, err := os.Open(filepath.Join(cdir, cacheFile))
	if err != nil {
		return false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return false
	}
	written := info.ModTime()
	header, err := bufio.NewReader(f).ReadString('\n')
	if err != nil || header != "# reach inventory: "+cleanDesc(label)+"\n" {
		return false
	}
	if exe, err := os.Executable(); err != nil {
		return false
	} else if st, err := os.Stat(exe); err != nil || !st.ModTime().Before(written) {
		return false
	}
	held := true
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		var st fs.FileInfo
		if err == nil {
			st, err = d.Info()
		}
		if err != nil || !st.ModTime().Before(written) {
			held = false
			return fs.SkipAll
		}
		return nil
	})
	return held
}

// readInventoryCache returns the cache's source label and entries; a
// missing cache is fs.ErrNotExist.
func readInventoryCache() (string, []endEntry, error) {
	dir, err := cacheDir()
	if err != nil {
		return "", nil, err
	}
	f, err := os.Open(filepath.Join(dir, cacheFile))
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	label := ""
	var out []endEntry
	for sc.Scan() {
		line := sc.Text()
		if l, ok := strings.CutPrefix(line, "# reach inventory: "); ok && label == "" {
			label = l
			continue
		}
		if line == "" || line[0] == '#' {
			continue
		}
		v, d, _ := strings.Cut(line, "\t")
		out = append(out, endEntry{v, d})
	}
	if err := sc.Err(); err != nil {
		return "", nil, err
	}
	if label == "" && out == nil {
		return "", nil, fmt.Errorf("%s: not a reach inventory cache: %w", f.Name(), fs.ErrInvalid)
	}
	return label, out, nil
}

var errNoCache = errors.New("no inventory cache yet: run reach or reach check once on the account")
