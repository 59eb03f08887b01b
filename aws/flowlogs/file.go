package flowlogs

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	// Inflates the 1M-record benchmark file in 321-354 ms where the
	// standard library takes 364-427 ms (docs/PERFORMANCE.md), and a
	// .gz file is read no faster than it inflates.
	"github.com/klauspost/compress/gzip"
)

// maxLine bounds one record. The longest format (every field, with ECS
// ARNs) stays well under 4 KiB; a longer line is counted as malformed and
// skipped, never buffered whole.
const maxLine = 64 << 10

// OpenFile opens exported flow logs for NewFileSource: path "-" is standard
// input, and gzip data (S3 delivers .log.gz files) is decompressed,
// whatever the file is called.
func OpenFile(path string) (io.ReadCloser, error) {
	var f io.ReadCloser
	if path == "-" {
		f = io.NopCloser(os.Stdin)
	} else {
		file, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		f = file
	}
	r, err := MaybeGzip(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &readCloser{Reader: r, close: f.Close}, nil
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r *readCloser) Close() error { return r.close() }

// MaybeGzip returns r decompressed when it starts with the gzip magic
// number, and r itself otherwise. Concatenated gzip members (several
// files joined with cat) are read one after another.
func MaybeGzip(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return zr, nil
	}
	return br, nil
}

// FileSource reads records from exported flow logs: one record per line,
// as CloudWatch Logs holds them or as S3 files carry them (a header line
// of field names first, which the source uses as the format when Options
// gives none).
type FileSource struct {
	r    io.Reader
	name string
	opts Options
}

// NewFileSource reads r (see OpenFile) until its end; name says what it is
// for Batch.Source ("flows.log", "stdin").
func NewFileSource(r io.Reader, name string, opts Options) *FileSource {
	return &FileSource{r: r, name: name, opts: opts}
}

// Name implements Source.
func (s *FileSource) Name() string { return "file " + s.name }

// Run implements Source. It reads at full speed, waiting for its consumer
// rather than dropping records, and returns at the end of the input or
// with the read error.
func (s *FileSource) Run(ctx context.Context, emit func(Batch)) error {
	opts := s.opts.withDefaults()
	br := bufio.NewReaderSize(s.r, maxLine)
	// The first line decides the format when it is an S3 header.
	first, err := readLine(br)
	long := errors.Is(err, errLongLine)
	if err != nil && !long && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read %s: %w", s.name, err)
	}
	if f, ok := ParseHeader(string(first)); ok && !long {
		if len(opts.Formats) == 0 {
			opts.Formats = []*Format{f}
		}
		first = nil
	}
	if opts.MaxPending > fileMaxPending {
		opts.MaxPending = fileMaxPending
	}
	b := newBatcher(opts, false, s.Name(), emit)
	stop := b.start(ctx, opts.FlushInterval)
	defer stop()
	return readParallel(ctx, br, first, err, opts, b, s.name)
}

// fileMaxPending bounds the records a file source holds between batches:
// a file is read faster than any consumer, so batches fill to this size,
// and smaller ones keep the memory they take small.
const fileMaxPending = 4096

var errLongLine = errors.New("line too long")

// readLine returns the next line, valid until the next call, or io.EOF. A
// line longer than maxLine is skipped to its end and reported as
// errLongLine with its first bytes.
func readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	switch {
	case err == nil:
		return line, nil
	case errors.Is(err, io.EOF):
		if len(line) > 0 {
			return line, nil
		}
		return nil, io.EOF
	case errors.Is(err, bufio.ErrBufferFull):
		head := append([]byte(nil), line[:min(len(line), 200)]...)
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = br.ReadSlice('\n')
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		return head, errLongLine
	}
	return nil, err
}
