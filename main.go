// Command reach answers "why can't A talk to B?" inside an AWS account:
// layer by layer, with the rule that decides each layer and the fix.
package main

import (
	"os"

	"github.com/reachnet/reach/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
