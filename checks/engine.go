package checks

// Evaluate decides every packet-path layer for the query on the network and
// returns the report. It compiles the network on first use.
func Evaluate(n *Network, q Query) Report {
	n.Compile()
	return evaluate(n, q)
}
