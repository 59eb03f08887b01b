// Package demo embeds reach's demo scenario: a small, internally consistent
// AWS account (111122223333, us-east-1) stored as a snapshot directory of
// plain AWS CLI JSON, exactly as `aws ec2 describe-… --output json`,
// `aws route53 …` and `aws route53resolver …` print it, one file per
// command. `reach check --demo` and the terminal's demo mode read it through
// the same snapshot reader as any user's snapshot, so the demo exercises the
// real code path.
//
// The account holds three VPCs: prod (10.0.0.0/16) with public, private,
// data and Lambda subnets, a NAT gateway, an S3 gateway endpoint, a VPN
// gateway to on-premises (172.16.0.0/12), an internal NLB and ALB, an RDS instance
// and Route 53 Resolver endpoints; staging (10.1.0.0/16), peered with prod,
// whose private subnets reach the internet through a NAT instance; and an
// isolated sandbox (10.2.0.0/16). The private hosted zone
// internal.mycompany.com is associated with prod and staging only. Each
// path listed in PATHS.md beside this file has one expected verdict, and
// the configuration contains exactly one deliberate mistake per failing
// path, so the engine's scenario tests and the README's commands can rely
// on them.
//
// Files that do not name their parent take the parent's ID from their file
// name, as in any snapshot: get-managed-prefix-list-entries.pl-….json,
// list-resource-record-sets.Z….json, get-hosted-zone.Z….json,
// list-resolver-endpoint-ip-addresses.rslvr-….json, and
// describe-vpc-attribute-dns-{support,hostnames}.vpc-….json.
package demo

import (
	"embed"
	"io/fs"
)

//go:embed snapshot
var snapshot embed.FS

// FS returns the demo snapshot directory as a read-only file system rooted
// at the snapshot folder: its entries are the JSON files themselves
// ("describe-vpcs.json", …), with no subdirectories.
func FS() fs.FS {
	sub, err := fs.Sub(snapshot, "snapshot")
	if err != nil {
		// fs.Sub fails only for an invalid path; "snapshot" is valid.
		panic("demo: " + err.Error())
	}
	return sub
}
