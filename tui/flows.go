package tui

import "github.com/reachnet/reach/tui/screens/tail"

// The flow tail's sources are the tail screen's (package screens/tail);
// internal/cli builds them through these names, so it needs no screen.
type (
	// FlowSource yields flow-log records in batches (see tail.FlowSource).
	FlowSource = tail.FlowSource
	// FlowBatch is what a source emits at once.
	FlowBatch = tail.FlowBatch
	// FlowTarget is what a tail shows: a path's ends or one interface.
	FlowTarget = tail.FlowTarget
	// FlowWindower is a source that knows the time window it reads.
	FlowWindower = tail.FlowWindower
	// FlowOpener builds the source of a tail, off the terminal's goroutine.
	FlowOpener = tail.FlowOpener
)
