package flowlogs

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/reachnet/reach/checks"
)

// A file is read by one goroutine that cuts it into chunks of whole lines,
// parsed by a worker per core, each with its own Parser; the results are
// handed on in the order of the chunks, so records keep the file's order.
// A record is copied only when it passes the filter: the rest cost a parse
// into a worker's scratch record and nothing more.

// chunkBytes is the text a chunk holds, about 600 default-format records.
const chunkBytes = 64 << 10

// chunk is a run of lines copied out of the reader.
type chunk struct {
	data  []byte
	lines []lineSpan
	// done receives the chunk's result (res, or a read error); the
	// collector waits on chunks in the order they were read.
	done chan *chunkResult
	res  chunkResult
}

// lineSpan is one line of a chunk; long marks a line longer than maxLine,
// of which data holds only the first bytes.
type lineSpan struct {
	start, end int
	long       bool
}

// chunks are reused once their records are handed on, so that reading
// allocates only while the pipeline fills.
var chunks = sync.Pool{New: func() any {
	return &chunk{data: make([]byte, 0, chunkBytes+maxLine), done: make(chan *chunkResult, 1)}
}}

func newChunk() *chunk { return chunks.Get().(*chunk) }

func (c *chunk) release() {
	c.data, c.lines = c.data[:0], c.lines[:0]
	c.res.flows, c.res.samples = c.res.flows[:0], nil
	c.res.filtered, c.res.malformed, c.res.readErr = 0, 0, nil
	chunks.Put(c)
}

type chunkResult struct {
	flows     []checks.Flow
	filtered  int
	malformed int
	samples   []Malformed
	readErr   error
}

// readParallel reads br to its end (first, firstErr: the line already
// read, as readLine returned it), and hands the records to b.
func readParallel(ctx context.Context, br *bufio.Reader, first []byte, firstErr error, opts Options, b *batcher, name string) error {
	workers := max(1, min(runtime.GOMAXPROCS(0), 8))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan *chunk, workers)
	order := make(chan *chunk, 2*workers)

	go func() {
		defer close(work)
		defer close(order)
		c := newChunk()
		line, err := first, firstErr
		send := func() bool {
			select {
			case order <- c:
			case <-ctx.Done():
				return false
			}
			select {
			case work <- c:
			case <-ctx.Done():
				return false
			}
			c = newChunk()
			return true
		}
		for {
			long := errors.Is(err, errLongLine)
			switch {
			case errors.Is(err, io.EOF):
				if len(c.lines) > 0 {
					send()
				}
				return
			case err != nil && !long:
				// The lines read before the error are records all the same.
				if len(c.lines) > 0 && !send() {
					return
				}
				c.done <- &chunkResult{readErr: fmt.Errorf("read %s: %w", name, err)}
				select {
				case order <- c:
				case <-ctx.Done():
				}
				return
			case long || len(bytes.TrimSpace(line)) > 0:
				start := len(c.data)
				c.data = append(c.data, line...)
				c.lines = append(c.lines, lineSpan{start: start, end: len(c.data), long: long})
			}
			// Hand the chunk on when it is full, or when the next read may
			// wait (standard input fed as the records happen).
			if (len(c.data) >= chunkBytes || br.Buffered() == 0) && len(c.lines) > 0 && !send() {
				return
			}
			if ctx.Err() != nil {
				return
			}
			line, err = readLine(br)
		}
	}()

	for range workers {
		go func() {
			p := NewParser(opts.Formats...)
			filter := opts.Filter
			var scratch checks.Flow
			for c := range work {
				c.done <- parseChunk(p, &filter, &scratch, c)
			}
		}()
	}

	for c := range order {
		var res *chunkResult
		select {
		case res = <-c.done:
		case <-ctx.Done():
			return nil
		}
		if res.readErr != nil {
			return res.readErr
		}
		b.addChunk(res)
		c.release()
		if ctx.Err() != nil {
			return nil
		}
	}
	return nil
}

// parseChunk parses a chunk's lines, keeping the records that pass the
// filter.
func parseChunk(p *Parser, filter *Filter, scratch *checks.Flow, c *chunk) *chunkResult {
	res := &c.res
	for _, l := range c.lines {
		line := c.data[l.start:l.end]
		if l.long {
			res.malformedLine(line, fmt.Errorf("line longer than %d bytes", maxLine))
			continue
		}
		if drop, decided := rejectsFast(p, filter, line); decided {
			if drop {
				res.filtered++
				continue
			}
		} else if rejects(p, filter, line) {
			res.filtered++
			continue
		}
		if err := p.Parse(line, scratch); err != nil {
			res.malformedLine(line, err)
			continue
		}
		if !filter.Match(scratch) {
			res.filtered++
			continue
		}
		res.flows = append(res.flows, *scratch)
	}
	return res
}

func (r *chunkResult) malformedLine(line []byte, err error) {
	r.malformed++
	if len(r.samples) < maxSamples {
		r.samples = append(r.samples, Malformed{Line: cut(trimSpace(string(line)), 200), Reason: err.Error()})
	}
}
