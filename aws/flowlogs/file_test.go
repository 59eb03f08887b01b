package flowlogs

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// collect runs a source to its end and returns every batch.
func collect(t *testing.T, s Source) ([]Batch, error) {
	t.Helper()
	var out []Batch
	err := s.Run(context.Background(), func(b Batch) { out = append(out, b) })
	return out, err
}

// sum adds up a run's batches.
func sum(bs []Batch) (b Batch) {
	for _, x := range bs {
		b.Flows = append(b.Flows, x.Flows...)
		b.Malformed += x.Malformed
		b.Samples = append(b.Samples, x.Samples...)
		b.Dropped += x.Dropped
		b.Filtered += x.Filtered
		if x.Note != "" {
			b.Note += x.Note + "\n"
		}
		b.Source = x.Source
	}
	return b
}

const s3File = `version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status flow-direction
2 111122223333 eni-0f6a7b8c9d0e10022 10.0.81.7 10.0.33.12 40001 5432 6 2 120 1763632800 1763632860 REJECT OK ingress
not a record at all
2 111122223333 eni-0f6a7b8c9d0e10022 10.0.16.45 10.0.33.12 40002 5432 6 10 900 1763632800 1763632860 ACCEPT OK ingress

2 111122223333 eni-0f6a7b8c9d0e10022 10.0.16.45 10.0.33.12 40003 5432 6 10 900 1763632800 1763632860 ACCEPT OK`

// TestFileSourceS3Export reads an S3 flow-log file: its header line gives
// the format, a malformed line is counted and shown, not fatal, and blank
// lines are skipped.
func TestFileSourceS3Export(t *testing.T) {
	bs, err := collect(t, NewFileSource(strings.NewReader(s3File), "export.log", Options{}))
	if err != nil {
		t.Fatal(err)
	}
	b := sum(bs)
	if len(b.Flows) != 2 || b.Flows[0].Action != "REJECT" || b.Flows[0].FlowDirection != "ingress" || b.Flows[1].DstPort != 5432 {
		t.Fatalf("flows: %+v", b.Flows)
	}
	if b.Malformed != 2 || len(b.Samples) != 2 || b.Samples[0].Line != "not a record at all" ||
		!strings.Contains(b.Samples[1].Reason, "14 fields, but the log format has 15") || b.Source != "file export.log" {
		t.Errorf("malformed %d %+v, source %q", b.Malformed, b.Samples, b.Source)
	}
}

// TestFileSourceGzip: S3 delivers .log.gz; OpenFile decompresses whatever
// the name, including members concatenated with cat.
func TestFileSourceGzip(t *testing.T) {
	var buf bytes.Buffer
	for _, part := range []string{s3File[:strings.Index(s3File, "\nnot")+1], "2 111122223333 eni-0a 10.0.0.1 10.0.0.2 1 2 6 1 60 1 2 ACCEPT OK egress\n"} {
		zw := gzip.NewWriter(&buf)
		zw.Write([]byte(part))
		zw.Close()
	}
	path := filepath.Join(t.TempDir(), "flows.bin")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bs, err := collect(t, NewFileSource(f, "flows.bin", Options{}))
	if err != nil {
		t.Fatal(err)
	}
	if b := sum(bs); len(b.Flows) != 2 || b.Malformed != 0 || b.Flows[1].FlowDirection != "egress" {
		t.Errorf("got %+v", b)
	}
	if _, err := OpenFile(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing file opened")
	}
}

// TestFileSourceStdin reads "-".
func TestFileSourceStdin(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdin
	os.Stdin = r
	defer func() { os.Stdin = old }()
	go func() {
		w.Write([]byte("2 111122223333 eni-0a 10.0.0.1 10.0.0.2 1 2 6 1 60 1 2 ACCEPT OK\n"))
		w.Close()
	}()
	f, err := OpenFile("-")
	if err != nil {
		t.Fatal(err)
	}
	bs, err := collect(t, NewFileSource(f, "stdin", Options{}))
	if err != nil || len(sum(bs).Flows) != 1 {
		t.Errorf("%v %+v", err, sum(bs))
	}
}

// TestFileSourceLongLine: a line longer than any record is skipped and
// reported, and reading goes on.
func TestFileSourceLongLine(t *testing.T) {
	in := "2 1 eni-0a 10.0.0.1 10.0.0.2 1 2 6 1 60 1 2 ACCEPT OK\n" + strings.Repeat("x", 3*maxLine) + "\n2 1 eni-0b 10.0.0.1 10.0.0.2 1 2 6 1 60 1 2 REJECT OK"
	bs, err := collect(t, NewFileSource(strings.NewReader(in), "long", Options{}))
	if err != nil {
		t.Fatal(err)
	}
	b := sum(bs)
	if len(b.Flows) != 2 || b.Flows[1].InterfaceID != "eni-0b" || b.Malformed != 1 || !strings.Contains(b.Samples[0].Reason, "longer than") || len(b.Samples[0].Line) > 200 {
		t.Errorf("got %d flows, %d malformed %+v", len(b.Flows), b.Malformed, b.Samples)
	}
}

// TestFileSourceGivenFormatSkipsHeader: an explicit format wins, and the
// header line is not counted as malformed.
func TestFileSourceGivenFormatSkipsHeader(t *testing.T) {
	f, err := ParseFormat("${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${flow-direction}")
	if err != nil {
		t.Fatal(err)
	}
	bs, err := collect(t, NewFileSource(strings.NewReader(s3File), "x", Options{Formats: []*Format{f}}))
	if b := sum(bs); err != nil || len(b.Flows) != 2 || b.Malformed != 2 {
		t.Errorf("%v %+v", err, b)
	}
}

// TestFileSourceCancel stops at once when the context ends.
func TestFileSourceCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	in := strings.Repeat("2 1 eni-0a 10.0.0.1 10.0.0.2 1 2 6 1 60 1 2 ACCEPT OK\n", 1000)
	var n int
	if err := NewFileSource(strings.NewReader(in), "x", Options{}).Run(ctx, func(b Batch) { n += len(b.Flows) }); err != nil || n > 1 {
		t.Errorf("%v, %d records after cancel", err, n)
	}
}
