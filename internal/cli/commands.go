package cli

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/reachnet/reach/aws"
)

// The command tree. Every command and flag is defined once here; cobra
// parses from it, and help, the completion scripts and the man page are
// generated from it.

func init() {
	// Help and the man page list the commands in the order they are added.
	cobra.EnableCommandSorting = false
}

// flagKind is the type of a flag's value.
type flagKind int

const (
	kindString flagKind = iota
	kindInt
	kindBool
	kindDuration
)

// flagSpec is one flag.
type flagSpec struct {
	name string
	// short is the one-letter form ("o" for -o), if any.
	short string
	kind  flagKind
	// arg is the value's placeholder in usage lines ("SRC", "N"); empty
	// for a boolean.
	arg string
	// def is the default as it would be typed ("tcp", "5s"); empty for
	// none.
	def   string
	usage string
	// values are the only values the flag takes, for completion.
	values []string
	// complete offers the flag's values dynamically.
	complete cobra.CompletionFunc
	// optional is the value a flag typed without one takes
	// (--history alone); its own value must then follow an = sign.
	optional string
}

// argAnnotation carries a flag's placeholder to help and the man page.
const argAnnotation = "reach_arg"

var sourceFlagSpecs = []flagSpec{
	{name: "demo", kind: kindBool, usage: "use the built-in demo account"},
	{name: "snapshot", arg: "DIR", usage: "read the network from a snapshot directory of AWS CLI JSON", complete: completeDirs},
	{name: "profile", arg: "P", usage: "AWS shared config profile (default: AWS_PROFILE, then the config file's profile)", complete: completeProfiles},
	{name: "region", arg: "R", usage: "AWS Region (default: AWS_REGION, the profile's region, then the config file's region)", complete: completeRegions},
	{name: "call-timeout", kind: kindDuration, arg: "D", usage: "live: give up on one attempt of an AWS call after D (default 20s; it is retried)"},
	{name: "load-timeout", kind: kindDuration, arg: "D", usage: "live: stop waiting for the account after D; what did not arrive is unknown (default 2m)"},
}

// orgFlagSpecs read several accounts and Regions into one network.
var orgFlagSpecs = []flagSpec{
	{name: "accounts", arg: "ID[,ID]", usage: "live: read these accounts too, assuming --role-name in each (the profile's credentials assume it)"},
	{name: "organization", kind: kindBool, usage: "live: read every active account organizations:ListAccounts lists, assuming --role-name in each"},
	{name: "role-name", arg: "NAME", usage: "with --accounts or --organization: the read-only role to assume in each account (session name reach)"},
	{name: "external-id", arg: "ID", usage: "with --role-name: the external ID the roles' trust policy asks for"},
	{name: "profiles", arg: "P[,P]", usage: "live: read one account per shared-config profile", complete: completeProfiles},
	{name: "regions", arg: "R[,R]", usage: "live: read these Regions of every account (all: every enabled Region; default: --region)", complete: completeRegions},
}

var pathFlagSpecs = []flagSpec{
	{name: "from", arg: "SRC", usage: "source: eni-…, i-…, an IPv4 address or a Name tag", complete: completeEnds(false)},
	{name: "to", arg: "DST", usage: "destination: an IPv4 address, eni-…, i-…, a Name tag or a hostname, optionally :PORT", complete: completeEnds(false)},
	{name: "port", kind: kindInt, arg: "N", usage: "destination port"},
	{name: "protocol", arg: "PROTO", usage: "tcp, udp, icmp, all or a protocol number (default tcp)", values: []string{"tcp", "udp", "icmp", "all"}},
	{name: "source-port", kind: kindInt, arg: "N", usage: "the client's source port (default: its whole ephemeral range)"},
}

var asciiFlag = flagSpec{name: "ascii", kind: kindBool, usage: "no glyphs beyond ASCII"}

var tuiFlagSpecs = []flagSpec{
	{name: "theme", arg: "THEME", def: "auto", usage: "auto, dark or light", values: []string{"auto", "dark", "light"}},
	asciiFlag,
	{name: "mouse", kind: kindBool, usage: "scroll with the mouse wheel"},
	{name: "watch-interval", kind: kindDuration, arg: "D", usage: "re-check period of watch mode (w) (default 5s)"},
	{name: "analyzer-timeout", kind: kindDuration, arg: "D", def: "3m", usage: "live: give up on a Reachability Analyzer run (A) after D (it is deleted all the same)"},
	{name: "baseline", arg: "DIR", usage: "mark the checklist's layers whose resources changed since DIR, an older snapshot of the same account", complete: completeDirs},
}

var checkFlagSpecs = []flagSpec{
	{name: "output", short: "o", arg: "FORMAT", def: "text", usage: "output: text, json or markdown", values: []string{"text", "json", "markdown"}},
	asciiFlag,
	{name: "analyzer", kind: kindBool, usage: "also ask AWS Reachability Analyzer and diff its answer layer by layer (live: charged, about $0.10 an analysis, needs the opt-in IAM statement; --snapshot: replays the analysis saved in it)"},
	{name: "analyzer-timeout", kind: kindDuration, arg: "D", def: "3m", usage: "with --analyzer: give up on the analysis after D (it is deleted all the same)"},
	{name: "baseline", arg: "DIR", usage: "also check the path on DIR, an older snapshot of the same account, and list what changed between the two", complete: completeDirs},
	{name: "history", arg: "[=D]", optional: "7d", usage: "live: also list CloudTrail's management events on the path's resources over the last D (default 7d; like 36h or 3d; API calls, read-only, free)"},
}

var flowsFlagSpecs = concat(sourceFlagSpecs, []flagSpec{
	{name: "file", arg: "PATH", usage: "read exported flow logs from PATH (- for stdin; plain text or gzip, S3 header lines understood)", complete: completeFiles},
	{name: "live", kind: kindBool, usage: "tail the path's flow logs in CloudWatch Logs (Live Tail, or polling when denied)"},
	{name: "since", kind: kindDuration, arg: "D", usage: "query the last D of the path's flow logs with Logs Insights"},
	{name: "follow", kind: kindBool, usage: "with --demo: keep the synthetic stream going in real time"},
	{name: "for", kind: kindDuration, arg: "D", usage: "stop after D (a live tail runs until interrupted)"},
	{name: "limit", kind: kindInt, arg: "N", usage: "stop after N records"},
	{name: "format", arg: "FORMAT", usage: "the log format, as '${version} ${srcaddr} …' (default: the flow logs' own, or version 2)"},
}, pathFlagSpecs[:4], []flagSpec{
	{name: "action", arg: "ACTION", usage: "only ACCEPT or REJECT records", values: []string{"ACCEPT", "REJECT"}},
	{name: "eni", arg: "ENI[,ENI]", usage: "only records of these interfaces (and, with --live or --since, the streams to read)", complete: completeEnds(true)},
	{name: "output", short: "o", arg: "FORMAT", def: "text", usage: "output: text or json (JSON Lines)", values: []string{"text", "json"}},
	asciiFlag,
})

var serveFlagSpecs = []flagSpec{
	{name: "listen", arg: "ADDR", def: defaultListen, usage: "the address to listen on (host:port; port 0 picks a free one)"},
	{name: "host-key", arg: "FILE", usage: "the server's private host key, created on first start (default: in the state directory)", complete: completeFiles},
	{name: "authorized-keys", arg: "FILE", usage: "the public keys allowed to connect (default ~/.ssh/authorized_keys; read again when it changes)", complete: completeFiles},
}

var reportFlagSpecs = []flagSpec{
	{name: "paths", arg: "FILE", usage: "check the paths in FILE too, one \"FROM TO [PORT] [PROTOCOL]\" a line (- for stdin)", complete: completeFiles},
	{name: "out", arg: "FILE", usage: "write the report to FILE (default: standard output)", complete: completeFiles},
}

func concat(groups ...[]flagSpec) []flagSpec {
	var out []flagSpec
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// addFlags defines the flags on c in the order given, with their
// placeholders and completions.
func addFlags(c *cobra.Command, specs ...flagSpec) {
	fs := c.Flags()
	fs.SortFlags = false
	for _, f := range specs {
		switch f.kind {
		case kindBool:
			fs.BoolP(f.name, f.short, f.def == "true", f.usage)
		case kindInt:
			n, _ := strconv.Atoi(f.def)
			fs.IntP(f.name, f.short, n, f.usage)
		case kindDuration:
			d, _ := time.ParseDuration(f.def)
			fs.DurationP(f.name, f.short, d, f.usage)
		default:
			fs.StringP(f.name, f.short, f.def, f.usage)
		}
		if f.arg != "" {
			_ = fs.SetAnnotation(f.name, argAnnotation, []string{f.arg})
		}
		if f.optional != "" {
			fs.Lookup(f.name).NoOptDefVal = f.optional
		}
		switch {
		case f.complete != nil:
			_ = c.RegisterFlagCompletionFunc(f.name, f.complete)
		case len(f.values) > 0:
			_ = c.RegisterFlagCompletionFunc(f.name, cobra.FixedCompletions(f.values, cobra.ShellCompDirectiveNoFileComp))
		case f.kind != kindBool:
			_ = c.RegisterFlagCompletionFunc(f.name, cobra.NoFileCompletions)
		}
	}
}

// exclusive marks each pair of the flags as excluding each other; the
// root's pre-run names the pair in one line before cobra would.
func exclusive(c *cobra.Command, pairs ...[2]string) {
	for _, p := range pairs {
		c.MarkFlagsMutuallyExclusive(p[0], p[1])
	}
}

// The sources of a network: the demo, a snapshot, or the live account.
var (
	demoOrSnapshot = [2]string{"demo", "snapshot"}
	demoOrProfile  = [2]string{"demo", "profile"}
	demoOrRegion   = [2]string{"demo", "region"}
	snapOrProfile  = [2]string{"snapshot", "profile"}
	snapOrRegion   = [2]string{"snapshot", "region"}
	// The deadlines are for reading a live account.
	liveOnly = [][2]string{{"demo", "call-timeout"}, {"demo", "load-timeout"}, {"snapshot", "call-timeout"}, {"snapshot", "load-timeout"}}
	// So are the accounts and Regions of an organisation.
	orgOnlyLive = func() [][2]string {
		var pairs [][2]string
		for _, f := range orgFlagSpecs {
			pairs = append(pairs, [2]string{"demo", f.name}, [2]string{"snapshot", f.name})
		}
		return pairs
	}()
)

// newRoot builds the command tree of one invocation.
func (a *app) newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "reach",
		Short: "the terminal investigator: browse the interfaces, pick a path, watch its checklist",
		Long: "Without a subcommand reach opens the terminal investigator on the live account (read-only), a snapshot " +
			"directory or the demo. The first screen lists every network interface; s and d pick a path's ends, and the " +
			"checklist turns each layer green or red as its data arrives. With --from and --to it opens straight on that " +
			"path's checklist. ? lists every key; docs/keys.md is the key map.",
		Args:              rootArgs,
		RunE:              a.do(runTUI),
		PersistentPreRunE: exclusiveFlagsSet,
		Version:           versionLine(),
		SilenceErrors:     true,
		SilenceUsage:      true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.SuggestionsMinimumDistance = 2
	root.SetOut(a.stdout)
	root.SetErr(a.stderr)
	root.SetVersionTemplate("reach {{.Version}}\n")
	root.SetHelpFunc(func(c *cobra.Command, _ []string) { writeCommandHelp(c.OutOrStdout(), c) })
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return err })
	addFlags(root, concat(sourceFlagSpecs, orgFlagSpecs, pathFlagSpecs, tuiFlagSpecs)...)
	exclusive(root, append(slices.Concat(liveOnly, orgOnlyLive), demoOrSnapshot, demoOrProfile, demoOrRegion, snapOrProfile, snapOrRegion)...)
	root.Flags().BoolP("version", "v", false, "print the version, commit and build date")
	root.Flags().BoolP("help", "h", false, "show the commands and the terminal's flags")

	check := &cobra.Command{
		Use:   "check",
		Short: "check one path headless and print its verdict, layer by layer",
		Long: "check evaluates one path (source, destination, port, protocol) and prints a verdict with every layer: " +
			"route, nacl, security-group, source-dest-check, dns, service. Reachable means the request arrives and its " +
			"reply gets back. -o json is the contract scripts rely on (docs/check.md).\n\n" +
			"Exit status: 0 reachable, 1 unreachable, 3 unknown (data missing), 2 bad input or usage.",
		Args: noArgs,
		RunE: a.do(runCheck),
	}
	addFlags(check, concat(sourceFlagSpecs, orgFlagSpecs, pathFlagSpecs, checkFlagSpecs)...)
	exclusive(check, append(slices.Concat(liveOnly, orgOnlyLive), demoOrSnapshot, demoOrProfile, demoOrRegion, snapOrProfile, snapOrRegion)...)

	sweep := &cobra.Command{
		Use:   "sweep",
		Short: "who can reach a destination, or what a source can reach: every interface at the other end",
		Long: "sweep --to DST[:PORT] checks the path from every interface of the account (or those --from-vpc, --from-subnet " +
			"and --from-tag keep) to DST; sweep --from SRC checks the path from SRC to every interface (--to-vpc, --to-subnet, " +
			"--to-tag) on --port or each of --ports. --from internet stands for any internet address (each interface is reached " +
			"at its public address where it has one); --from on-premises for an address of the on-premises range the route " +
			"tables send to a VPN gateway. Each path's verdict is the one reach check gives for it, unknown included. The paths " +
			"are grouped by verdict and deciding rule: reachable first, then unknown, then blocked, the largest group first. " +
			"-o json is the contract of docs/check.md; -o csv gives one line per path.\n\n" +
			"Exit status: 0 some path is reachable, 1 every path is blocked, 3 none is reachable and some are unknown " +
			"(data missing), 2 bad input or usage. A sweep of one path exits as reach check of that path does.",
		Args: noArgs,
		RunE: a.do(runSweep),
	}
	addFlags(sweep, concat(sourceFlagSpecs, sweepFlagSpecs)...)
	exclusive(sweep, append(liveOnly, demoOrSnapshot, demoOrProfile, demoOrRegion, snapOrProfile, snapOrRegion, [2]string{"from", "to"}, [2]string{"port", "ports"})...)

	save := &cobra.Command{
		Use:   "save DIR",
		Short: "save the live region as AWS CLI JSON, for --snapshot DIR",
		Long: "snapshot save reads the whole region with read-only calls and writes one file of AWS CLI JSON per " +
			"command to DIR, so an investigation can be shared and replayed with --snapshot DIR (docs/snapshot.md). " +
			"With several accounts or Regions (--accounts, --organization, --profiles, --regions) each is written to " +
			"DIR/accounts/ACCOUNT/REGION/.",
		Args:              exactArgs("DIR"),
		ValidArgsFunction: completeDirs,
		RunE:              a.do(runSnapshot),
	}
	addFlags(save, sourceFlagSpecs[2], sourceFlagSpecs[3],
		flagSpec{name: "analyzer", kind: kindBool, usage: "also run Reachability Analyzer on the path of --from and --to and save its analysis, replayed by check --snapshot DIR --analyzer (charged, about $0.10)"},
		pathFlagSpecs[0], pathFlagSpecs[1], pathFlagSpecs[2], pathFlagSpecs[3], checkFlagSpecs[3])
	addFlags(save, orgFlagSpecs...)
	exclusive(save, [2]string{"analyzer", "accounts"}, [2]string{"analyzer", "organization"}, [2]string{"analyzer", "profiles"}, [2]string{"analyzer", "regions"})

	flows := &cobra.Command{
		Use:   "flows",
		Short: "read a path's flow-log records, with the rule behind each reject and a diagnosis",
		Long: "flows prints flow-log records, one per line, each reject with the rule that explains it, and, for a path " +
			"(--from, --to), a diagnosis of the records: a reject of the path's own source (a missing security group rule), " +
			"accepted requests whose replies are rejected (a network ACL without return traffic), or no record at all (a routing " +
			"miss, concluded only once the flow log's aggregation interval and delivery delay have passed).\n\n" +
			"Records come from --file (exported flow logs, plain text or gzip, - for stdin), --live (CloudWatch Logs Live Tail " +
			"of the path's interfaces, or FilterLogEvents polling when Live Tail is denied), --since D (a Logs Insights query " +
			"over the last D), or, with --demo, the demo account's synthetic stream. --live and --since first find the flow logs " +
			"that cover the path and say when none can be read (S3, Firehose) and how to create one.\n\n" +
			"-o json prints JSON Lines: one object per record, note, malformed line, and a summary and diagnosis at the end.\n\n" +
			"Exit status: 0 done, 1 the records could not be read, 2 bad input or usage.",
		Args: noArgs,
		RunE: a.do(runFlows),
	}
	addFlags(flows, flowsFlagSpecs...)
	// A snapshot's network with a live account's logs is a valid mix.
	exclusive(flows, append(liveOnly, demoOrSnapshot, demoOrProfile, demoOrRegion, [2]string{"file", "live"}, [2]string{"file", "since"}, [2]string{"live", "since"})...)

	config := group("config", "print, explain or check the configuration file",
		&cobra.Command{
			Use:   "path",
			Short: "print the configuration file reach reads",
			Long:  "config path prints $REACH_CONFIG when set, else $XDG_CONFIG_HOME/reach/config.toml (~/.config/reach/config.toml), and says whether it exists.",
			Args:  noArgs,
			RunE:  a.do(runConfigPath),
		},
		&cobra.Command{
			Use:   "example",
			Short: "print a commented example configuration",
			Long:  "config example prints every setting with what it does; redirect it to the path config path prints and edit it.",
			Args:  noArgs,
			RunE:  a.do(runConfigExample),
		},
		&cobra.Command{
			Use:   "check",
			Short: "read the configuration file and report the first problem, with its line",
			Long:  "config check parses the file and checks every value (themes, key overrides, port ranges); exit status 2 when something is wrong.",
			Args:  noArgs,
			RunE:  a.do(runConfigCheck),
		})

	completion := &cobra.Command{
		Use:   "completion SHELL",
		Short: "print the shell completion script for bash, zsh, fish or powershell",
		Long: "completion prints a script that completes subcommands, flags and their values with descriptions, and the ends " +
			"of a path (ENI and instance IDs, addresses, Name tags, DNS names) from the inventory reach last loaded " +
			"($XDG_CACHE_HOME/reach/inventory.txt) or from the demo or snapshot named on the line; profiles from the AWS " +
			"shared config, and Regions.\n\n" +
			"bash (with the bash-completion package): source <(reach completion bash)   " +
			"zsh: reach completion zsh > \"${fpath[1]}/_reach\"   " +
			"fish: reach completion fish > ~/.config/fish/completions/reach.fish   " +
			"PowerShell: reach completion powershell | Out-String | Invoke-Expression",
		Args:      choiceArg("SHELL", shells),
		ValidArgs: shells,
		RunE:      a.do(runCompletion),
	}

	man := &cobra.Command{
		Use:   "man",
		Short: "print the man page (roff)",
		Long:  "man prints this manual as roff: reach man | man -l -",
		Args:  noArgs,
		RunE:  a.do(runMan),
	}
	versionCmd := &cobra.Command{
		Use:   "version",
		Short: "print the version, commit and build date",
		Args:  noArgs,
		RunE: a.do(func(p *parsed, stdout, stderr io.Writer) int {
			fmt.Fprintf(stdout, "reach %s\n", versionLine())
			return 0
		}),
	}
	help := &cobra.Command{
		Use:               "help [COMMAND]",
		Short:             "show the commands, or one command's flags",
		Args:              cobra.ArbitraryArgs,
		ValidArgsFunction: completeCommands,
		RunE:              a.do(runHelp),
	}

	serve := &cobra.Command{
		Use:   "serve",
		Short: "share one investigation over SSH: the first client drives, the others watch",
		Long: "serve starts an SSH server (public-key authentication only) on which every client joins one shared " +
			"investigation: the network is loaded once, the first client drives and the others watch the same screen, " +
			"selection, filter, checklist and flow tail at their own terminal size. A watcher's ctrl+o asks for control; " +
			"the driver's ctrl+o hands it over; when the driver leaves, the longest-connected watcher drives. The host key " +
			"is created on first start ($XDG_STATE_HOME/reach/" + hostKeyName + " unless --host-key) and reused after; " +
			"connections are logged to reach.log in the state directory (docs/pairing.md).",
		Args: noArgs,
		RunE: a.do(runServe),
	}
	addFlags(serve, concat(sourceFlagSpecs, serveFlagSpecs, tuiFlagSpecs[:2], tuiFlagSpecs[3:])...)
	exclusive(serve, append(liveOnly, demoOrSnapshot, demoOrProfile, demoOrRegion, snapOrProfile, snapOrRegion)...)

	report := &cobra.Command{
		Use:   "report",
		Short: "check a list of paths headless and write the session report (Markdown)",
		Long: "report checks each path (--from and --to, and/or --paths FILE with one \"FROM TO [PORT] [PROTOCOL]\" a line) " +
			"and writes the incident report the terminal's R key writes: when, against what data and its gaps, the verdict, " +
			"each layer with its deciding rule, and the fixes. Strings from AWS are inert Markdown.",
		Args: noArgs,
		RunE: a.do(runReport),
	}
	addFlags(report, concat(sourceFlagSpecs, pathFlagSpecs, reportFlagSpecs)...)
	exclusive(report, append(liveOnly, demoOrSnapshot, demoOrProfile, demoOrRegion, snapOrProfile, snapOrRegion)...)

	root.AddCommand(check, sweep, group("snapshot", "save the live region as AWS CLI JSON, for --snapshot DIR", save),
		flows, serve, report, config, completion, man, versionCmd, help)
	root.SetHelpCommand(help)
	return root
}

// group is a command that only holds others ("snapshot", "config").
func group(name, short string, subs ...*cobra.Command) *cobra.Command {
	g := &cobra.Command{
		Use:   name,
		Short: short,
		Args:  cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			got := "nothing"
			if len(args) > 0 {
				got = strconv.Quote(args[0])
			}
			return fmt.Errorf("expected %s after it, got %s (reach help %s)", orList(subNames(c)), got, name)
		},
	}
	g.AddCommand(subs...)
	return g
}

// shown reports whether help lists c: cobra's own hidden commands
// (__complete) are not, help is.
func shown(c *cobra.Command) bool { return !c.Hidden && c.Deprecated == "" }

// subNames lists the subcommands of c that help lists.
func subNames(c *cobra.Command) []string {
	var out []string
	for _, s := range c.Commands() {
		if shown(s) {
			out = append(out, s.Name())
		}
	}
	return out
}

func rootArgs(c *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q: expected %s", args[0], orList(subNames(c)))
	if s := c.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %s?)", s[0])
	}
	return fmt.Errorf("%s", msg)
}

func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return fmt.Errorf("unexpected argument %q (flags only; see reach help %s)", args[0], strings.TrimPrefix(c.CommandPath(), "reach "))
	}
	return nil
}

func exactArgs(name string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		switch {
		case len(args) == 0:
			return fmt.Errorf("missing %s (usage: %s)", name, synopsis(c))
		case len(args) > 1:
			return fmt.Errorf("unexpected argument %q (usage: %s)", args[1], synopsis(c))
		}
		return nil
	}
}

func choiceArg(name string, choices []string) cobra.PositionalArgs {
	exact := exactArgs(name)
	return func(c *cobra.Command, args []string) error {
		if err := exact(c, args); err != nil {
			return err
		}
		if !slices.Contains(choices, args[0]) {
			return fmt.Errorf("%q: expected %s", args[0], orList(choices))
		}
		return nil
	}
}

// exclusiveFlagsSet refuses two flags that exclude each other, naming
// both in one line (cobra's own message lists its groups).
func exclusiveFlagsSet(c *cobra.Command, _ []string) error {
	var err error
	c.Flags().Visit(func(f *pflag.Flag) {
		if err != nil {
			return
		}
		for _, group := range f.Annotations["cobra_annotation_mutually_exclusive"] {
			for _, other := range strings.Fields(group) {
				if other != f.Name && c.Flags().Changed(other) {
					err = fmt.Errorf("--%s and --%s exclude each other: pick one", f.Name, other)
					return
				}
			}
		}
	})
	return err
}

func orList(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// parsed is one command's parsed flags and arguments, as its body reads
// them.
type parsed struct {
	cmd  *cobra.Command
	args []string
	// fallbackRegion is the configuration file's region, used only when
	// the AWS SDK finds none (see loadAWSConfig).
	fallbackRegion string
}

func (p *parsed) str(name string) string {
	v, _ := p.cmd.Flags().GetString(name)
	return v
}

func (p *parsed) num(name string) int {
	v, _ := p.cmd.Flags().GetInt(name)
	return v
}

func (p *parsed) flag(name string) bool {
	v, _ := p.cmd.Flags().GetBool(name)
	return v
}

func (p *parsed) dur(name string) time.Duration {
	v, _ := p.cmd.Flags().GetDuration(name)
	return v
}

// has reports whether the command has the flag at all.
func (p *parsed) has(name string) bool { return p.cmd.Flags().Lookup(name) != nil }

// changed reports whether the flag was typed.
func (p *parsed) changed(name string) bool { return p.cmd.Flags().Changed(name) }

// setDefault gives a flag the user did not type a value from elsewhere
// (the configuration file); the flag still counts as not typed.
func (p *parsed) setDefault(name string, v any) {
	f := p.cmd.Flags().Lookup(name)
	if f == nil || f.Changed {
		return
	}
	_ = f.Value.Set(fmt.Sprint(v))
}

// source returns the flags that say where the network comes from.
func (p *parsed) source() sourceFlags {
	s := sourceFlags{snapshot: p.str("snapshot"), demo: p.flag("demo"), profile: p.str("profile"), region: p.str("region"), fallbackRegion: p.fallbackRegion}
	if p.has("accounts") {
		s.org = aws.Accounts{IDs: splitList(p.str("accounts")), Organization: p.flag("organization"), RoleName: p.str("role-name"),
			ExternalID: p.str("external-id"), Profiles: splitList(p.str("profiles")), Regions: splitList(p.str("regions"))}
	}
	if p.has("call-timeout") {
		s.callTimeout, s.loadTimeout = p.dur("call-timeout"), p.dur("load-timeout")
	}
	return s
}
