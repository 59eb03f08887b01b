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

// A file is read by one goroutine, in blocks straight into chunks cut at
// line ends, parsed by a worker per core, each with its own Parser; the
// results are handed on in the order of the chunks, so records keep the
// file's order. Most lines are decided by the one-pass filter
// (rejectsFast) without being parsed; a record kept is parsed into its
// place in the chunk's result.

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

// lineReader reads a file in blocks straight into chunks and cuts them
// into lines: one copy from the reader and a fast search for newlines,
// where reading line by line would copy each line and walk its bytes. The
// chunk's data ends with the part of a line the block ended in; carry
// moves it to the next chunk.
type lineReader struct {
	// scanned is how far the chunk's data has been cut into lines.
	scanned int
	// asked is how much the last read asked for.
	asked int
	// searched is how far past scanned the data holds no newline: a line
	// that arrives in many small reads is searched once, not once a read.
	searched int
	// skipping is set while the rest of a line longer than maxLine is
	// read and thrown away; its first bytes are already a long line.
	skipping bool
}

// fill reads once into the free end of c's data and cuts the lines it
// completes.
func (lr *lineReader) fill(br *bufio.Reader, c *chunk) (int, error) {
	if len(c.lines) == 0 && lr.scanned > 0 {
		// Only blank lines so far: drop them, or a chunk of them would
		// leave no room to read into.
		c.data = append(c.data[:0], c.data[lr.scanned:]...)
		lr.searched -= lr.scanned
		lr.scanned = 0
	}
	free := c.data[len(c.data):cap(c.data)]
	lr.asked = len(free)
	n, err := br.Read(free)
	c.data = c.data[:len(c.data)+n]
	lr.cut(c)
	return n, err
}

// cut records the complete lines of c's data after scanned.
func (lr *lineReader) cut(c *chunk) {
	for {
		rest := c.data[lr.scanned:]
		from := min(max(lr.searched-lr.scanned, 0), len(rest))
		nl := bytes.IndexByte(rest[from:], '\n')
		if nl >= 0 {
			nl += from
		} else {
			lr.searched = len(c.data)
		}
		if lr.skipping {
			// Drop what the long line still holds, up to its end.
			if nl < 0 {
				c.data = c.data[:lr.scanned]
				lr.searched = lr.scanned
				return
			}
			c.data = append(c.data[:lr.scanned], rest[nl+1:]...)
			lr.skipping, lr.searched = false, lr.scanned
			continue
		}
		if nl < 0 {
			if len(rest) > maxLine {
				// Keep the line's first bytes as a long line and skip
				// the rest of it.
				head := min(len(rest), 200)
				c.lines = append(c.lines, lineSpan{start: lr.scanned, end: lr.scanned + head, long: true})
				c.data = c.data[:lr.scanned+head]
				lr.scanned, lr.searched = len(c.data), len(c.data)
				lr.skipping = true
			}
			return
		}
		end := lr.scanned + nl + 1
		if len(rest) > 0 && nl+1 > maxLine {
			c.lines = append(c.lines, lineSpan{start: lr.scanned, end: lr.scanned + 200, long: true})
		} else if !isBlank(rest[:nl+1]) {
			c.lines = append(c.lines, lineSpan{start: lr.scanned, end: end})
		}
		lr.scanned = end
	}
}

// finish takes the line the input ends in without a newline.
func (lr *lineReader) finish(c *chunk) {
	if rest := c.data[lr.scanned:]; !lr.skipping && !isBlank(rest) {
		c.lines = append(c.lines, lineSpan{start: lr.scanned, end: len(c.data)})
		lr.scanned = len(c.data)
	}
}

// carry moves the part of a line c's data ends in to next.
func (lr *lineReader) carry(c, next *chunk) {
	next.data = append(next.data, c.data[lr.scanned:]...)
	c.data = c.data[:lr.scanned]
	lr.searched -= lr.scanned
	lr.scanned = 0
}

func isBlank(line []byte) bool {
	for _, b := range line {
		if !isSpace(b) {
			return false
		}
	}
	return true
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
		send := func(c *chunk) bool {
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
			return true
		}
		fail := func(c *chunk, err error) {
			// The lines read before the error are records all the same.
			if len(c.lines) > 0 {
				if !send(c) {
					return
				}
				c = newChunk()
			}
			c.done <- &chunkResult{readErr: fmt.Errorf("read %s: %w", name, err)}
			select {
			case order <- c:
			case <-ctx.Done():
			}
		}
		c := newChunk()
		var lr lineReader
		// The line already read goes first.
		switch long := errors.Is(firstErr, errLongLine); {
		case firstErr != nil && !long && !errors.Is(firstErr, io.EOF):
			fail(c, firstErr)
			return
		case long || len(bytes.TrimSpace(first)) > 0:
			c.data = append(c.data, first...)
			c.lines = append(c.lines, lineSpan{start: 0, end: len(c.data), long: long})
		}
		lr.scanned = len(c.data)
		if errors.Is(firstErr, io.EOF) {
			if len(c.lines) > 0 {
				send(c)
			}
			return
		}
		for {
			n, err := lr.fill(br, c)
			if ctx.Err() != nil {
				return
			}
			eof := errors.Is(err, io.EOF)
			if err != nil && !eof {
				fail(c, err)
				return
			}
			if eof {
				lr.finish(c)
			}
			// Hand the chunk on when it is full, when the read came up
			// short (standard input fed as the records happen) or at the
			// end; the line it ends in carries over to the next.
			if len(c.lines) > 0 && (eof || lr.scanned >= chunkBytes || len(c.data) == cap(c.data) || n < lr.asked) {
				next := newChunk()
				lr.carry(c, next)
				if !send(c) {
					return
				}
				c = next
			}
			if eof {
				return
			}
		}
	}()

	for range workers {
		go func() {
			p := NewParser(opts.Formats...)
			filter := opts.Filter
			for c := range work {
				c.done <- parseChunk(p, &filter, c)
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
func parseChunk(p *Parser, filter *Filter, c *chunk) *chunkResult {
	res := &c.res
	for _, l := range c.lines {
		line := c.data[l.start:l.end]
		if l.long {
			res.malformedLine(line, fmt.Errorf("line longer than %d bytes", maxLine))
			continue
		}
		drop, vouched := rejectsFast(p, filter, line)
		if drop || !vouched && rejects(p, filter, line) {
			res.filtered++
			continue
		}
		// Parse straight into the result's next slot: a record kept is
		// then never copied here.
		res.flows = append(res.flows, checks.Flow{})
		r := &res.flows[len(res.flows)-1]
		var err error
		if vouched {
			err = parseVouched(p, line, r)
		} else {
			err = p.Parse(line, r)
		}
		if err != nil {
			res.flows = res.flows[:len(res.flows)-1]
			res.malformedLine(line, err)
			continue
		}
		if !filter.Match(r) {
			res.flows = res.flows[:len(res.flows)-1]
			res.filtered++
			continue
		}
	}
	return res
}

func (r *chunkResult) malformedLine(line []byte, err error) {
	r.malformed++
	if len(r.samples) < maxSamples {
		r.samples = append(r.samples, Malformed{Line: cut(trimSpace(string(line)), 200), Reason: err.Error()})
	}
}
