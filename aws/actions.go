package aws

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/smithy-go/middleware"
)

// AllowedActions is every AWS action reach may call, in IAM notation. It is
// the one place that decides what reach can do to an account: every client
// the loader builds refuses any other operation before it is signed or sent
// (ReadOnlyGuard), and docs/iam-policy.json grants exactly this list (a test
// keeps the two equal). Everything here is a read: Describe, Get, List and
// Search calls. Adding an action means adding it here, regenerating the
// policy, and saying why in the commit.
//
// sts:AssumeRole, organizations:ListAccounts and ec2:DescribeRegions find
// the accounts and Regions of a load across accounts (--accounts,
// --organization, --regions all); the assumed role in each account needs
// only the reads.
//
// The logs: actions read flow-log records for `reach flows` and the flow
// tail: StartLiveTail streams new log events, FilterLogEvents reads them
// when Live Tail is denied or unavailable, and StartQuery, GetQueryResults
// and StopQuery run a Logs Insights query over a past window (StopQuery
// stops only the query reach started, when the user gives up on it). None
// changes the account; their verbs are listed in ReadOnlyVerbExceptions.
//
// cloudtrail:LookupEvents reads the management events of the path's
// resources for `check --history` and the terminal's history pane (opt-in:
// it costs API calls, though it is free of charge); it changes nothing.
var AllowedActions = []string{
	"cloudtrail:LookupEvents",
	"directconnect:DescribeDirectConnectGatewayAssociations",
	"directconnect:DescribeVirtualInterfaces",
	"ec2:DescribeAddresses",
	"ec2:DescribeDhcpOptions",
	"ec2:DescribeEgressOnlyInternetGateways",
	"ec2:DescribeFlowLogs",
	"ec2:DescribeInstances",
	"ec2:DescribeInternetGateways",
	"ec2:DescribeManagedPrefixLists",
	"ec2:DescribeNatGateways",
	"ec2:DescribeNetworkAcls",
	"ec2:DescribeNetworkInterfaces",
	"ec2:DescribeRegions",
	"ec2:DescribeRouteTables",
	"ec2:DescribeSecurityGroups",
	"ec2:DescribeSubnets",
	"ec2:DescribeTransitGatewayAttachments",
	"ec2:DescribeTransitGatewayPeeringAttachments",
	"ec2:DescribeTransitGatewayRouteTables",
	"ec2:DescribeTransitGatewayVpcAttachments",
	"ec2:DescribeTransitGateways",
	"ec2:DescribeVpcAttribute",
	"ec2:DescribeVpcEndpoints",
	"ec2:DescribeVpcPeeringConnections",
	"ec2:DescribeVpcs",
	"ec2:DescribeVpnConnections",
	"ec2:DescribeVpnGateways",
	"ec2:GetManagedPrefixListEntries",
	"ec2:GetTransitGatewayRouteTablePropagations",
	"ec2:SearchTransitGatewayRoutes",
	"elasticloadbalancing:DescribeListeners",
	"elasticloadbalancing:DescribeLoadBalancerAttributes",
	"elasticloadbalancing:DescribeLoadBalancers",
	"elasticloadbalancing:DescribeRules",
	"elasticloadbalancing:DescribeTargetGroupAttributes",
	"elasticloadbalancing:DescribeTargetGroups",
	"elasticloadbalancing:DescribeTargetHealth",
	"logs:FilterLogEvents",
	"logs:GetQueryResults",
	"logs:StartLiveTail",
	"logs:StartQuery",
	"logs:StopQuery",
	"organizations:ListAccounts",
	"rds:DescribeDBClusters",
	"rds:DescribeDBInstances",
	"route53:GetHostedZone",
	"route53:ListHostedZones",
	"route53:ListResourceRecordSets",
	"route53resolver:ListResolverEndpointIpAddresses",
	"route53resolver:ListResolverEndpoints",
	"route53resolver:ListResolverRuleAssociations",
	"route53resolver:ListResolverRules",
	"sts:AssumeRole",
	"sts:GetCallerIdentity",
}

// AnalyzerActions are the opt-in actions of `--analyzer`: Reachability
// Analyzer creates a path and an analysis in the account (each analysis is
// charged), reads it, and reach deletes both. Only the analyzer's own
// client may call them (AnalyzerGuard); the loader, snapshots and the
// terminal before its confirm never hold that client. No tags are sent,
// so ec2:CreateTags is not needed.
var AnalyzerActions = []string{
	"ec2:CreateNetworkInsightsPath",
	"ec2:DeleteNetworkInsightsAnalysis",
	"ec2:DeleteNetworkInsightsPath",
	"ec2:DescribeNetworkInsightsAnalyses",
	"ec2:DescribeNetworkInsightsPaths",
	"ec2:StartNetworkInsightsAnalysis",
}

// AnalyzerAction reports whether action is one of AnalyzerActions.
func AnalyzerAction(action string) bool { return slices.Contains(AnalyzerActions, action) }

// AnalyzerGuard is ReadOnlyGuard for the analyzer's EC2 client: the reads
// and AnalyzerActions, nothing else.
func AnalyzerGuard() func(*middleware.Stack) error {
	return guard("ec2", func(action string) bool { return Allowed(action) || AnalyzerAction(action) })
}

// serviceIDs maps the SDK's service ID (what a client puts in its context)
// to the IAM service prefix of its actions.
var serviceIDs = map[string]string{
	"CloudTrail":                "cloudtrail",
	"CloudWatch Logs":           "logs",
	"Direct Connect":            "directconnect",
	"EC2":                       "ec2",
	"Elastic Load Balancing v2": "elasticloadbalancing",
	"Organizations":             "organizations",
	"RDS":                       "rds",
	"Route 53":                  "route53",
	"Route53Resolver":           "route53resolver",
	"STS":                       "sts",
}

// ReadOnlyVerbExceptions are the allowed actions whose verb is not
// Describe, Get, List or Search, with why each reads only.
var ReadOnlyVerbExceptions = map[string]string{
	"cloudtrail:LookupEvents": "reads CloudTrail event history (management events)",
	"logs:FilterLogEvents":    "reads log events",
	"logs:StartLiveTail":      "streams newly ingested log events to the caller",
	"logs:StartQuery":         "runs a read-only Logs Insights query",
	"logs:StopQuery":          "stops a query reach itself started",
	"sts:AssumeRole":          "returns temporary credentials of a read-only role in another account; it changes nothing there",
}

// OrganizationAction reports whether action is one of the calls that find
// the accounts and Regions of a load across accounts (ResolveTargets),
// which a load of one account never makes.
func OrganizationAction(action string) bool {
	return action == AssumeRoleAction || action == ListAccountsAction || action == RegionsAction
}

// FlowLogAction reports whether action is one of the CloudWatch Logs reads
// of the flow-log sources (aws/flowlogs), which the inventory loader never
// calls.
func FlowLogAction(action string) bool { return strings.HasPrefix(action, "logs:") }

// Allowed reports whether action ("ec2:DescribeVpcs") is in AllowedActions.
func Allowed(action string) bool {
	return slices.Contains(AllowedActions, action)
}

// NotAllowedError is returned, before anything is sent, for an operation
// outside AllowedActions.
type NotAllowedError struct {
	// Action is the refused action in IAM notation.
	Action string
}

func (e *NotAllowedError) Error() string {
	return fmt.Sprintf("%s refused: reach only calls the read-only actions in its allowed list", e.Action)
}

// ReadOnlyGuard returns an APIOptions hook for a client of the service whose
// IAM prefix is service ("ec2", "route53", "route53resolver"). It fails the
// operation while its middleware stack is being built, so an action outside
// AllowedActions is never signed nor sent; a second check in the Initialize
// step catches a guard attached to the wrong service's client.
func ReadOnlyGuard(service string) func(*middleware.Stack) error {
	return guard(service, Allowed)
}

func guard(service string, allowed func(string) bool) func(*middleware.Stack) error {
	return func(stack *middleware.Stack) error {
		action := service + ":" + stack.ID()
		if !allowed(action) {
			return &NotAllowedError{Action: action}
		}
		return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("reachReadOnlyGuard",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				prefix, ok := serviceIDs[middleware.GetServiceID(ctx)]
				op := middleware.GetOperationName(ctx)
				if !ok || !allowed(prefix+":"+op) {
					if !ok {
						prefix = strings.ToLower(middleware.GetServiceID(ctx))
					}
					return middleware.InitializeOutput{}, middleware.Metadata{}, &NotAllowedError{Action: prefix + ":" + op}
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	}
}

// iamPolicy is the shape of docs/iam-policy.json.
type iamPolicy struct {
	Version   string         `json:"Version"`
	Statement []iamStatement `json:"Statement"`
}

type iamStatement struct {
	Sid      string   `json:"Sid"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource string   `json:"Resource"`
}

// IAMPolicy returns the least-privilege IAM policy for AllowedActions, and
// a separate statement for the opt-in AnalyzerActions (drop it to forbid
// `--analyzer`), the
// content of docs/iam-policy.json, indented and ending in a newline.
// Describe, Get, List and Search calls do not support resource-level
// permissions, hence Resource "*".
func IAMPolicy() []byte {
	actions := slices.Clone(AllowedActions)
	slices.Sort(actions)
	p := iamPolicy{
		Version: "2012-10-17",
		Statement: []iamStatement{{
			Sid:      "ReachReadOnlyNetworkInventory",
			Effect:   "Allow",
			Action:   actions,
			Resource: "*",
		}, {
			Sid:      "ReachOptInReachabilityAnalyzer",
			Effect:   "Allow",
			Action:   slices.Sorted(slices.Values(AnalyzerActions)),
			Resource: "*",
		}},
	}
	// Marshalling a struct of strings cannot fail.
	b, _ := json.MarshalIndent(p, "", "  ")
	return append(b, '\n')
}
