// Command genaccount writes a generated account as a snapshot directory,
// for measuring reach on large accounts (docs/PERFORMANCE.md):
//
//	go run ./scripts/genaccount -interfaces 100000 /tmp/account-100k
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/reachnet/reach/internal/genaccount"
)

func main() {
	n := flag.Int("interfaces", 100000, "network interfaces in the account (a subnet per 100, a security group per 50)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: genaccount [-interfaces N] DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || *n < 1 {
		flag.Usage()
		os.Exit(2)
	}
	dir := flag.Arg(0)
	if err := genaccount.WriteSnapshot(dir, genaccount.Spec{Interfaces: *n}); err != nil {
		fmt.Fprintln(os.Stderr, "genaccount:", err)
		os.Exit(1)
	}
	size, err := genaccount.Size(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genaccount:", err)
		os.Exit(1)
	}
	fmt.Printf("%s: %d interfaces, %.1f MB of AWS CLI JSON\n", dir, *n, float64(size)/1e6)
}
