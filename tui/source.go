package tui

import (
	"context"
	"fmt"
	"sync"

	"github.com/reachnet/reach/checks"
)

// Source is where the network comes from: the live account, a snapshot
// directory or the demo. The terminal does not care which; it asks for a
// load when it starts, when the user presses r, and on every watch tick.
type Source interface {
	// Name describes the source in the header: "demo", "snapshot ./snap",
	// "live prod/us-east-1". It is drawn after control characters are
	// removed.
	Name() string
	// Load starts one load. The channel carries one or more updates, each a
	// whole network as loaded so far, then a last update with Done set (and
	// Err when the load failed), then it is closed. Cancelling ctx abandons
	// the load; the channel is then closed without a Done update.
	Load(ctx context.Context) <-chan Update
}

// Update is one step of a load. Each update stands alone: it carries the
// whole network loaded so far, never a difference, so a consumer that
// falls behind may skip to the newest one.
type Update struct {
	// Network is the network so far. Kinds still in flight are Gaps with
	// Pending set; kinds that failed are Gaps without it. The network must
	// not be changed after it is handed over; it is compiled before the
	// terminal sees it.
	Network *checks.Network
	// Build, when Network is nil, makes the update's Network and Hostnames
	// lazily, on a goroutine of the terminal's, and only for the newest
	// update waiting to be delivered: converting a whole inventory for each
	// of twenty kinds that land within a second would be wasted work.
	Build func() (Update, error)
	// Kind is the kind of data that just landed, for the progress line;
	// empty for a load that lands all at once.
	Kind checks.DataKind
	// Hostnames are DNS names the path picker offers as destinations
	// (record names of the hosted zones); nil keeps the previous ones.
	Hostnames []string
	// Scope says what the data is, for the header: "account 111122223333
	// · us-east-1 · profile prod", "snapshot ./incident-4711 · taken
	// 2026-12-05 14:02", "demo". Empty keeps the previous one; a source
	// learns it during the load (the account needs a call), so it comes
	// with an update rather than with the source.
	Scope string
	// Done marks the last update of a load; Err is then the reason the
	// load failed, if it did.
	Done bool
	Err  error
}

// LoadFunc loads a network and hands each step to emit. emit never blocks
// and may be called from any goroutine until LoadFunc returns; updates that
// the terminal has not yet taken are replaced by newer ones. The error
// becomes the Err of the final update.
type LoadFunc func(ctx context.Context, emit func(Update)) error

// NewSource returns a Source whose every load runs load on a goroutine of
// its own. A snapshot source should read the directory inside load, so
// that watch mode sees the files change; the demo can return the same
// network every time.
func NewSource(name string, load LoadFunc) Source {
	return &funcSource{name: name, load: load}
}

// Static returns a Source that always yields the same network, for tests and
// for callers that loaded the network before starting the terminal.
func Static(name string, n *checks.Network, hostnames []string) Source {
	return NewSource(name, func(ctx context.Context, emit func(Update)) error {
		emit(Update{Network: n, Hostnames: hostnames})
		return nil
	})
}

type funcSource struct {
	name string
	load LoadFunc
}

func (s *funcSource) Name() string { return s.name }

// Load runs the load and a pump that delivers the newest update at a time,
// so a slow terminal never slows the loader and never reads stale data.
func (s *funcSource) Load(ctx context.Context) <-chan Update {
	out := make(chan Update)
	mb := &mailbox{wake: make(chan struct{}, 1)}
	go func() {
		err := safeLoad(ctx, s.load, mb.put)
		mb.finish(err)
	}()
	go mb.pump(ctx, out)
	return out
}

// safeLoad turns a panic in a loader into an error: a loader bug must not
// take the terminal down with the user's screen in raw mode.
func safeLoad(ctx context.Context, load LoadFunc, emit func(Update)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("load failed: %v", r)
		}
	}()
	return load(ctx, emit)
}

// mailbox keeps the newest undelivered update and whether the load ended.
type mailbox struct {
	mu     sync.Mutex
	latest *Update
	done   bool
	err    error
	wake   chan struct{}
}

func (mb *mailbox) put(u Update) {
	mb.mu.Lock()
	if mb.done {
		mb.mu.Unlock()
		return
	}
	if u.Scope == "" && mb.latest != nil {
		// A newer update replaces an undelivered one; what it says of the
		// source must not be lost with it.
		u.Scope = mb.latest.Scope
	}
	mb.latest = &u
	mb.mu.Unlock()
	select {
	case mb.wake <- struct{}{}:
	default:
	}
}

func (mb *mailbox) finish(err error) {
	mb.mu.Lock()
	mb.done, mb.err = true, err
	mb.mu.Unlock()
	select {
	case mb.wake <- struct{}{}:
	default:
	}
}

func (mb *mailbox) take() (u *Update, done bool, err error) {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	u, mb.latest = mb.latest, nil
	return u, mb.done, mb.err
}

func (mb *mailbox) pump(ctx context.Context, out chan<- Update) {
	defer close(out)
	send := func(u Update) bool {
		select {
		case out <- u:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		select {
		case <-mb.wake:
		case <-ctx.Done():
			return
		}
		for {
			u, done, err := mb.take()
			if u != nil {
				ready, berr := prepareUpdate(*u)
				if berr != nil {
					// A conversion error ends the load: later steps would
					// fail the same way.
					send(Update{Done: true, Err: berr})
					return
				}
				if !send(ready) {
					return
				}
				continue
			}
			if done {
				send(Update{Done: true, Err: err})
				return
			}
			break
		}
	}
}

// prepareUpdate builds a lazy update and compiles its network, so that the
// terminal's goroutines only ever read it.
func prepareUpdate(u Update) (res Update, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("building the network failed: %v", r)
		}
	}()
	if u.Network == nil && u.Build != nil {
		b, err := u.Build()
		if err != nil {
			return Update{}, err
		}
		u.Network = b.Network
		if b.Hostnames != nil {
			u.Hostnames = b.Hostnames
		}
	}
	u.Build = nil
	if u.Network != nil {
		u.Network.Compile()
	}
	return u, nil
}
