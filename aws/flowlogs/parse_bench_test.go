package flowlogs

import (
	"testing"

	"github.com/reachnet/reach/checks"
)

var benchLines = [][]byte{
	[]byte("2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK"),
	[]byte("2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK"),
	[]byte("2 123456789010 eni-0f6a7b8c9d0e10012 10.0.16.45 10.0.33.12 40512 5432 6 12 2880 1763632800 1763632860 ACCEPT OK"),
	[]byte("2 123456789010 eni-0f6a7b8c9d0e10022 10.0.33.12 10.0.16.45 5432 40512 6 10 5120 1763632800 1763632860 ACCEPT OK"),
}

// BenchmarkParseDefault parses default-format (version 2) records into a
// reused checks.Flow, as the sources do.
func BenchmarkParseDefault(b *testing.B) {
	p := NewParser()
	var f checks.Flow
	var n int64
	for _, l := range benchLines {
		n += int64(len(l))
	}
	b.SetBytes(n / int64(len(benchLines)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := p.Parse(benchLines[i%len(benchLines)], &f); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkParseDefaultString is the same from strings (CloudWatch Logs
// messages).
func BenchmarkParseDefaultString(b *testing.B) {
	p := NewParser()
	var f checks.Flow
	lines := make([]string, len(benchLines))
	for i, l := range benchLines {
		lines[i] = string(l)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := p.ParseString(lines[i%len(lines)], &f); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkParseAllFields parses records of the format with every field
// (42 columns, ECS ARNs included).
func BenchmarkParseAllFields(b *testing.B) {
	p := NewParser(mustFormat(AllFieldsFormat()))
	line := []byte("10 123456789010 eni-0a1b2c3d4e5f60718 10.0.0.1 10.0.0.2 1024 443 6 3 300 1700000000 1700000060 ACCEPT OK vpc-0a1b2c3d4e5f60718 subnet-0a1b2c3d4e5f60718 i-0a1b2c3d4e5f60718 19 IPv4 10.0.0.1 10.0.0.2 us-east-1 use1-az1 - - - S3 egress 7 arn:aws:ecs:us-east-1:123456789012:cluster/web web arn:aws:ecs:us-east-1:123456789012:container-instance/web/0a1b2c 0a1b2c 3f2e1d0c9b8a - web-svc arn:aws:ecs:us-east-1:123456789012:task-definition/web:3 arn:aws:ecs:us-east-1:123456789012:task/web/9f8e7d 9f8e7d - - 1")
	var f checks.Flow
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Parse(line, &f); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkParseIPv6 parses default-format IPv6 records.
func BenchmarkParseIPv6(b *testing.B) {
	p := NewParser()
	line := []byte("2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK")
	var f checks.Flow
	b.ReportAllocs()
	for b.Loop() {
		if err := p.Parse(line, &f); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkPipeline is the path of a record from a line to the consumer:
// parse, filter, the batcher's pending buffer, a batch every 4,000 records
// (200 ms at 20,000 a second) and a ring of 10,000.
func BenchmarkPipeline(b *testing.B) {
	ring := NewRing(10_000)
	bt := newBatcher(Options{}, false, "bench", ring.Add)
	line := benchLines[2]
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		bt.lineBytes(line)
		if i%4000 == 3999 {
			bt.flush()
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkRejects decides an action filter on raw fields, as the file
// source does before parsing a line whole.
func BenchmarkRejects(b *testing.B) {
	p := NewParser()
	f := Filter{Action: "REJECT"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		rejects(p, &f, benchLines[i%len(benchLines)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
