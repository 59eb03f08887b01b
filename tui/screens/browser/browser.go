// Package browser is the first screen: every ENI in a table, filtered as
// you type and sorted by column.
package browser

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/components/cells"
	"github.com/reachnet/reach/tui/components/columns"
	"github.com/reachnet/reach/tui/screen"
)

// Model is the first screen: every ENI in a table, filtered as you type.
// Rows come precomputed in the catalog; the browser keeps only indexes into
// them and draws the visible window.
type Model struct {
	env     *screen.Env
	Catalog *catalog.Catalog
	// Visible indexes cat.rows: all of them, or those matching the filter,
	// in the order of order.
	Visible []int
	// order is cat.rows sorted by sortCol (nil: the catalog's own order,
	// by name); sortDesc reverses it.
	order    []int32
	SortCol  int
	sortDesc bool
	Filter   string
	input    textinput.Model
	Typing   bool
	cursor   int // index into visible
	offset   int // first visible row drawn
	w, h     int
	layout   []columns.Placed
	Loading  bool
	// Failed is the error that ended the last load, "" when it did not.
	Failed string
	// SyncSearch, when positive, replaces syncSearch (tests).
	SyncSearch int
	// matched are the rows (catalog indexes, ascending) matching
	// matchedQuery, the normalized filter they were searched for; nil
	// with an empty query.
	matched      []int32
	matchedQuery string
	// searches are earlier results in this catalog, oldest first.
	searches []search
	// searchGen numbers refilters, so that a search finishing after a
	// newer keystroke is dropped; searching says one is running.
	searchGen int
	searching bool
	// shown is the catalog Visible indexes; keep is the row to select
	// when a search that runs off the terminal's goroutine lands.
	shown *catalog.Catalog
	keep  string
}

func New(e *screen.Env) *Model {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "filter: name, ID, address, subnet, VPC, group…"
	if e.ASCII {
		in.Placeholder = "filter: name, ID, address, subnet, VPC, group..."
	}
	b := &Model{env: e, input: in, Loading: true, SortCol: -1}
	b.Restyle()
	return b
}

func (b *Model) Restyle() {
	s := textinput.DefaultStyles(b.env.Styles.Palette.Dark)
	s.Focused.Prompt = b.env.Styles.Accent
	s.Blurred.Prompt = b.env.Styles.Subtle
	s.Focused.Placeholder = b.env.Styles.Subtle
	s.Cursor.Blink = false
	b.input.SetStyles(s)
}

func (b *Model) Title() string { return "ENIs" }

func (b *Model) Capturing() bool { return b.Typing }

// SetCatalog swaps in rows built from a newer network, keeping the selected
// ENI selected when it still exists. A filter over many rows is searched
// again off the terminal's goroutine (the returned command).
func (b *Model) SetCatalog(c *catalog.Catalog) tea.Cmd {
	sel := b.SelectedID()
	b.Catalog = c
	b.searches = nil
	b.matched, b.matchedQuery = nil, ""
	b.resort()
	cmd := b.refilter(sel)
	b.relayout()
	return cmd
}

func (b *Model) SelectedID() string {
	if b.Catalog == nil || b.cursor < 0 || b.cursor >= len(b.Visible) {
		return ""
	}
	return b.Catalog.Rows[b.Visible[b.cursor]].ID
}

// syncSearch is the most rows a keystroke reads haystacks of on the
// terminal's goroutine (a few milliseconds of substring search); a search
// over more runs in a command, and its result replaces the rows when it
// lands.
const syncSearch = 20_000

// maxSearches bounds the earlier results kept for narrowing and for
// deleting a character.
const maxSearches = 32

// search is the rows (catalog indexes, ascending) matching one normalized
// query in the current catalog.
type search struct {
	query string
	rows  []int32
}

// Searched carries a filter's matches computed off the terminal's
// goroutine; a result for an older catalog or keystroke is dropped.
type Searched struct {
	catalog *catalog.Catalog
	gen     int
	query   string
	rows    []int32
}

// refilter recomputes the visible rows for the filter. A query extending
// an earlier one searches only that one's matches, a query searched before
// (a deleted character) reuses its result, and rows that lack a byte of the
// query are ruled out without reading them. When more rows than syncSearch
// remain to be read, the search runs in the returned command and the rows
// shown stay those of the previous query until it lands.
func (b *Model) refilter(keep string) tea.Cmd {
	b.searchGen++
	b.searching = false
	if b.Catalog == nil {
		b.Visible = b.Visible[:0]
		b.cursor = 0
		b.clamp()
		return nil
	}
	q := catalog.NormalizeQuery(b.Filter)
	switch {
	case q == "":
		b.matched, b.matchedQuery = nil, ""
	case q == b.matchedQuery:
	default:
		if rows, ok := b.remembered(q); ok {
			b.matched, b.matchedQuery = rows, q
			break
		}
		cands, exact := b.Catalog.Candidates(q, b.narrowest(q))
		if exact {
			b.remember(q, cands)
			break
		}
		if len(cands) > b.syncLimit() {
			b.searching = true
			b.keep = keep
			if b.shown != b.Catalog {
				// The rows shown index an older catalog: none until
				// the search lands.
				b.Visible = b.Visible[:0]
				b.shown = b.Catalog
				b.cursor, b.offset = 0, 0
			}
			cat, gen := b.Catalog, b.searchGen
			return func() tea.Msg {
				return Searched{catalog: cat, gen: gen, query: q, rows: cat.Match(q, cands)}
			}
		}
		b.remember(q, b.Catalog.Match(q, cands))
	}
	b.show(keep)
	return nil
}

func (b *Model) syncLimit() int {
	if b.SyncSearch > 0 {
		return b.SyncSearch
	}
	return syncSearch
}

// Searched applies a search that ran off the terminal's goroutine.
func (b *Model) Searched(s Searched) {
	if s.catalog != b.Catalog || s.gen != b.searchGen {
		return
	}
	b.searching = false
	b.remember(s.query, s.rows)
	keep := b.SelectedID()
	if keep == "" {
		keep = b.keep
	}
	b.show(keep)
}

// Searching says a search is running off the terminal's goroutine: the
// rows shown are those of the previous query.
func (b *Model) Searching() bool { return b.searching }

// remember makes rows the current matches and keeps them for later
// queries.
func (b *Model) remember(q string, rows []int32) {
	b.matched, b.matchedQuery = rows, q
	if len(b.searches) == maxSearches {
		b.searches = slices.Delete(b.searches, 0, 1)
	}
	b.searches = append(b.searches, search{query: q, rows: rows})
}

func (b *Model) remembered(q string) ([]int32, bool) {
	for i := len(b.searches) - 1; i >= 0; i-- {
		if b.searches[i].query == q {
			return b.searches[i].rows, true
		}
	}
	return nil, false
}

// narrowest returns the fewest rows known to hold every match of q: those
// of an earlier query that q extends, or nil for all rows.
func (b *Model) narrowest(q string) []int32 {
	var best []int32
	for _, s := range b.searches {
		if catalog.Narrows(q, s.query) && (best == nil || len(s.rows) < len(best)) {
			best = s.rows
		}
	}
	return best
}

// show lays the matches out in the sorted order and keeps the selected
// row selected.
func (b *Model) show(keep string) {
	b.Visible = b.Visible[:0]
	b.shown = b.Catalog
	rows := len(b.Catalog.Rows)
	switch {
	case b.matchedQuery == "" && b.order == nil:
		for i := range rows {
			b.Visible = append(b.Visible, i)
		}
	case b.matchedQuery == "":
		for _, i := range b.order {
			b.Visible = append(b.Visible, int(i))
		}
	case b.order == nil:
		for _, i := range b.matched {
			b.Visible = append(b.Visible, int(i))
		}
	default:
		in := make([]uint64, (rows+63)/64)
		for _, i := range b.matched {
			in[i>>6] |= 1 << (i & 63)
		}
		for _, i := range b.order {
			if in[i>>6]&(1<<(i&63)) != 0 {
				b.Visible = append(b.Visible, int(i))
			}
		}
	}
	b.cursor = 0
	if keep != "" {
		if i := slices.IndexFunc(b.Visible, func(r int) bool { return b.Catalog.Rows[r].ID == keep }); i >= 0 {
			b.cursor = i
		}
	}
	b.clamp()
}

// SetFilter applies a filter as if it had been typed after /.
func (b *Model) SetFilter(text string) tea.Cmd {
	b.Typing = false
	b.input.Blur()
	b.Filter = text
	b.input.SetValue(text)
	return b.refilter(b.SelectedID())
}

// SortBy sorts the list by a column, as k9s does: the column's key again
// reverses the order.
func (b *Model) SortBy(col int) {
	if b.SortCol == col {
		b.sortDesc = !b.sortDesc
	} else {
		b.SortCol, b.sortDesc = col, false
	}
	sel := b.SelectedID()
	b.resort()
	if b.Catalog != nil {
		b.show(sel)
	}
	b.relayout()
}

// Descending says the sorted column is in reverse order.
func (b *Model) Descending() bool { return b.sortDesc }

// resort picks the sorted order; the catalog sorted every column when it
// was built, so a sort keystroke only lays the matches out again.
func (b *Model) resort() {
	if b.Catalog == nil || b.SortCol < 0 {
		b.order = nil
		return
	}
	b.order = b.Catalog.Order(b.SortCol, b.sortDesc)
}

// SortColumn maps a column's name (as :sort takes it) to its index.
func SortColumn(name string) (int, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	for i, c := range catalog.Columns {
		title := strings.ToLower(c.Title)
		if name == title || strings.ReplaceAll(title, " ", "-") == name || strings.Fields(title)[0] == name {
			return i, true
		}
	}
	return 0, false
}

func (b *Model) SetSize(w, h int) {
	b.w, b.h = w, h
	b.input.SetWidth(max(w-20, 10))
	b.relayout()
	b.clamp()
}

func (b *Model) relayout() {
	var natural [catalog.NumCols]int
	for i := range catalog.Columns {
		natural[i] = catalog.Columns[i].Max
	}
	natural[catalog.ColAccount], natural[catalog.ColRegion] = -1, -1
	if b.Catalog != nil && len(b.Catalog.Rows) > 0 {
		natural = b.Catalog.Natural
	}
	if b.SortCol >= 0 {
		// Room for the sort mark after the title.
		natural[b.SortCol] = max(natural[b.SortCol], cells.Width(catalog.Columns[b.SortCol].Title)+1)
	}
	b.layout = LayoutColumns(natural, b.w)
}

// LayoutColumns lays out the browser's columns (columns.Fit).
func LayoutColumns(natural [catalog.NumCols]int, total int) []columns.Placed {
	return columns.Fit(natural[:], total, func(c int) columns.Spec { return catalog.Columns[c] })
}

func (b *Model) listHeight() int {
	h := b.h - 1 // column headers
	if b.Typing || b.Filter != "" {
		h-- // the filter line
	}
	return max(h, 1)
}

func (b *Model) clamp() {
	n := len(b.Visible)
	if b.cursor >= n {
		b.cursor = n - 1
	}
	if b.cursor < 0 {
		b.cursor = 0
	}
	lh := b.listHeight()
	if b.cursor < b.offset {
		b.offset = b.cursor
	}
	if b.cursor >= b.offset+lh {
		b.offset = b.cursor - lh + 1
	}
	if b.offset > max(n-lh, 0) {
		b.offset = max(n-lh, 0)
	}
	if b.offset < 0 {
		b.offset = 0
	}
}

func (b *Model) Update(msg tea.Msg) (tea.Cmd, screen.Intent) {
	k := b.env.Keys
	if b.Typing {
		if km, ok := msg.(tea.KeyPressMsg); ok {
			switch {
			case key.Matches(km, k.Filter.Apply):
				b.Typing = false
				b.input.Blur()
				b.clamp()
				return nil, nil
			case key.Matches(km, k.Filter.Clear):
				b.Typing = false
				b.input.Blur()
				b.Filter = ""
				b.input.SetValue("")
				return b.refilter(b.SelectedID()), nil
			case km.String() == "up" || km.String() == "down":
				// Arrows move the selection while the filter is typed.
				b.Move(map[string]int{"up": -1, "down": 1}[km.String()])
				return nil, nil
			}
		}
		var cmd tea.Cmd
		b.input, cmd = b.input.Update(msg)
		if v := b.input.Value(); v != b.Filter {
			b.Filter = v
			cmd = tea.Batch(cmd, b.refilter(b.SelectedID()))
		}
		return cmd, nil
	}
	km, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	switch {
	case key.Matches(km, k.Browser.Filter):
		b.Typing = true
		b.Filter = ""
		b.input.SetValue("")
		return tea.Batch(b.refilter(b.SelectedID()), b.input.Focus()), nil
	case key.Matches(km, k.Global.Back):
		if b.Filter != "" {
			b.Filter = ""
			b.input.SetValue("")
			return b.refilter(b.SelectedID()), nil
		}
		return nil, nil
	case key.Matches(km, k.Browser.Enter):
		if id := b.SelectedID(); id != "" {
			return nil, screen.OpenDetail{ID: id}
		}
	case key.Matches(km, k.Browser.Source):
		if id := b.SelectedID(); id != "" {
			return nil, screen.SetEnd{Dest: false, Value: id}
		}
	case key.Matches(km, k.Browser.Dest):
		if id := b.SelectedID(); id != "" {
			return nil, screen.SetEnd{Dest: true, Value: id}
		}
	case key.Matches(km, k.Tail.Open):
		if id := b.SelectedID(); id != "" {
			return nil, screen.OpenTail{ENI: id}
		}
	case key.Matches(km, k.Sweep.Inbound), key.Matches(km, k.Sweep.Outbound):
		if id := b.SelectedID(); id != "" {
			return nil, screen.OpenSweep{ENI: id, Inbound: key.Matches(km, k.Sweep.Inbound)}
		}
	case key.Matches(km, k.Browser.SortName):
		b.SortBy(catalog.ColName)
	case key.Matches(km, k.Browser.SortID):
		b.SortBy(catalog.ColID)
	case key.Matches(km, k.Browser.SortType):
		b.SortBy(catalog.ColType)
	case key.Matches(km, k.Browser.SortPrivate):
		b.SortBy(catalog.ColPrivate)
	case key.Matches(km, k.Browser.SortSubnet):
		b.SortBy(catalog.ColSubnet)
	case key.Matches(km, k.Browser.SortVPC):
		b.SortBy(catalog.ColVPC)
	default:
		b.listKey(km)
	}
	return nil, nil
}

func (b *Model) listKey(km tea.KeyPressMsg) {
	k := b.env.Keys.List
	lh := b.listHeight()
	switch {
	case key.Matches(km, k.Up):
		b.Move(-1)
	case key.Matches(km, k.Down):
		b.Move(1)
	case key.Matches(km, k.PageUp):
		b.Move(-lh)
	case key.Matches(km, k.PageDown):
		b.Move(lh)
	case key.Matches(km, k.Top):
		b.Move(-len(b.Visible))
	case key.Matches(km, k.Bottom):
		b.Move(len(b.Visible))
	}
}

func (b *Model) Move(d int) {
	b.cursor += d
	b.clamp()
}

// View draws the column headers, the visible window of rows and the filter
// line: exactly h lines.
func (b *Model) View() string {
	st := b.env.Styles
	lines := make([]string, 0, b.h)
	var hdr strings.Builder
	for i, c := range b.layout {
		if i > 0 {
			hdr.WriteByte(' ')
		}
		title := catalog.Columns[c.Col].Title
		if c.Col == b.SortCol {
			// The sorted column says so, and which way, as in k9s.
			title += b.env.Glyphs.SortMark(b.sortDesc)
		}
		hdr.WriteString(cells.Fit(title, c.W, b.env.Glyphs.Ellipsis))
	}
	lines = append(lines, b.env.Paint.Header.On(cells.Fit(hdr.String(), b.w, b.env.Glyphs.Ellipsis)))
	lh := b.listHeight()
	switch {
	case len(b.Visible) == 0 && b.searching:
		lines = append(lines, st.Pending.Render(cells.Truncate(fmt.Sprintf("searching for %q%s", b.Filter, b.env.Glyphs.Ellipsis), b.w, b.env.Glyphs.Ellipsis)))
	case len(b.Visible) == 0 && b.Filter != "":
		lines = append(lines, st.Subtle.Render(cells.Truncate(fmt.Sprintf("no ENI matches %q", b.Filter), b.w, b.env.Glyphs.Ellipsis)))
	case len(b.Visible) == 0 && b.Loading:
		lines = append(lines, st.Pending.Render(cells.Truncate("loading network interfaces"+b.env.Glyphs.Ellipsis, b.w, b.env.Glyphs.Ellipsis)))
	case len(b.Visible) == 0 && b.Failed != "":
		lines = append(lines, st.Error.Render(cells.Truncate(b.env.Glyphs.Fail+" the network interfaces could not be read: "+b.Failed, b.w, b.env.Glyphs.Ellipsis)))
	case len(b.Visible) == 0 && b.Catalog != nil && b.Catalog.ENIGap != "":
		lines = append(lines, st.Error.Render(cells.Truncate(b.env.Glyphs.Fail+" the network interfaces could not be read: "+b.Catalog.ENIGap, b.w, b.env.Glyphs.Ellipsis)))
	case len(b.Visible) == 0:
		lines = append(lines, st.Subtle.Render(cells.Truncate("no network interfaces in this account and region", b.w, b.env.Glyphs.Ellipsis)))
	}
	for i := b.offset; i < len(b.Visible) && i < b.offset+lh; i++ {
		lines = append(lines, b.drawRow(b.Catalog.Rows[b.Visible[i]], i == b.cursor))
	}
	for len(lines) < 1+lh {
		lines = append(lines, "")
	}
	if b.Typing || b.Filter != "" {
		count := fmt.Sprintf(" %d/%d", len(b.Visible), b.total())
		if b.searching {
			// The rows are still the previous query's.
			count = fmt.Sprintf(" %s/%d", b.env.Glyphs.Ellipsis, b.total())
		}
		var f string
		if b.Typing {
			f = b.input.View()
		} else {
			f = st.Accent.Render("/" + b.Filter)
		}
		f = cells.Truncate(f, max(b.w-len(count), 1), b.env.Glyphs.Ellipsis)
		pad := max(b.w-cells.Width(f)-len(count), 0)
		lines = append(lines, f+strings.Repeat(" ", pad)+st.Subtle.Render(count))
	}
	return strings.Join(lines[:min(len(lines), b.h)], "\n")
}

func (b *Model) total() int {
	if b.Catalog == nil {
		return 0
	}
	return len(b.Catalog.Rows)
}

// drawRow formats one row to the layout; only visible rows pass here.
func (b *Model) drawRow(r catalog.Row, selected bool) string {
	p := &b.env.Paint
	var line strings.Builder
	line.Grow(b.w + 64)
	if selected {
		for i, c := range b.layout {
			if i > 0 {
				line.WriteByte(' ')
			}
			line.WriteString(cells.Fit(r.Cells[c.Col], c.W, b.env.Glyphs.Ellipsis))
		}
		return p.Sel.On(cells.Fit(line.String(), b.w, b.env.Glyphs.Ellipsis))
	}
	for i, c := range b.layout {
		if i > 0 {
			line.WriteByte(' ')
		}
		cell := cells.Fit(r.Cells[c.Col], c.W, b.env.Glyphs.Ellipsis)
		switch c.Col {
		case catalog.ColStatus:
			if r.Cells[catalog.ColStatus] == "in-use" {
				cell = p.OK.On(cell)
			} else {
				cell = p.Warn.On(cell)
			}
		case catalog.ColSDC:
			if r.Cells[catalog.ColSDC] == "off" {
				cell = p.Warn.On(cell)
			} else {
				cell = p.Subtle.On(cell)
			}
		case catalog.ColID:
			cell = p.Subtle.On(cell)
		default:
			cell = p.Text.On(cell)
		}
		line.WriteString(cell)
	}
	return line.String()
}

func (b *Model) ShortHelp() []key.Binding {
	k := b.env.Keys
	if b.Typing {
		return []key.Binding{k.Filter.Apply, k.Filter.Clear}
	}
	return []key.Binding{k.Global.Help, k.Browser.Filter, k.Browser.Enter, k.Browser.Source, k.Browser.Dest, k.Global.Pick, k.Global.Quit}
}

func (b *Model) FullHelp() [][]key.Binding {
	k := b.env.Keys
	return [][]key.Binding{
		{k.Browser.Filter, k.Filter.Apply, k.Filter.Clear, k.Browser.Enter, k.Browser.Source, k.Browser.Dest, k.Tail.Open, k.Sweep.Inbound, k.Sweep.Outbound},
		{k.Browser.SortName, k.Browser.SortID, k.Browser.SortType, k.Browser.SortPrivate, k.Browser.SortSubnet, k.Browser.SortVPC},
		k.List.Bindings(),
	}
}
