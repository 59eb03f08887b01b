// Command flowgen writes a reproducible file of default-format VPC flow
// log records, the input of the flows benchmarks beside awk
// (docs/PERFORMANCE.md): five interfaces, seven addresses, one record in
// five a REJECT, with a fixed seed.
//
//	go run ./scripts/flowgen -n 1000000 > /tmp/flows-1m.log
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
)

func main() {
	n := flag.Int("n", 1_000_000, "records to write")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *n < 0 {
		fmt.Fprintln(os.Stderr, "flowgen: -n must be positive")
		os.Exit(2)
	}
	enis := []string{"eni-0a1b2c3d4e5f60001", "eni-0a1b2c3d4e5f60002", "eni-0a1b2c3d4e5f60003", "eni-0a1b2c3d4e5f60004", "eni-0a1b2c3d4e5f60005"}
	addrs := []string{"10.0.16.45", "10.0.16.7", "10.0.33.12", "10.0.81.7", "10.0.1.20", "172.31.5.9", "203.0.113.50"}
	ports := []int{443, 5432, 22, 80, 8080, 53, 6379}
	r := rand.New(rand.NewPCG(*seed, *seed))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	start := int64(1763632800)
	var b []byte
	for i := range *n {
		src, dst := addrs[r.IntN(len(addrs))], addrs[r.IntN(len(addrs))]
		action := "ACCEPT"
		if r.IntN(5) == 0 {
			action = "REJECT"
		}
		t := start + int64(i/1000)
		b = b[:0]
		b = append(b, "2 123456789012 "...)
		b = append(b, enis[r.IntN(len(enis))]...)
		b = append(b, ' ')
		b = append(b, src...)
		b = append(b, ' ')
		b = append(b, dst...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(32768+r.IntN(28000)), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(ports[r.IntN(len(ports))]), 10)
		b = append(b, " 6 "...)
		b = strconv.AppendInt(b, int64(1+r.IntN(40)), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, int64(60+r.IntN(40000)), 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, t, 10)
		b = append(b, ' ')
		b = strconv.AppendInt(b, t+60, 10)
		b = append(b, ' ')
		b = append(b, action...)
		b = append(b, " OK\n"...)
		if _, err := w.Write(b); err != nil {
			fmt.Fprintln(os.Stderr, "flowgen:", err)
			os.Exit(1)
		}
	}
}
