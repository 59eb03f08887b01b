package cli

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reachnet/reach/aws/convert"
	"github.com/reachnet/reach/aws/snapshot"
	"github.com/reachnet/reach/demo"
)

// Shell completion is cobra's: each script asks the binary (the hidden
// __complete command) for candidates with descriptions, so subcommands,
// flags, fixed values and the dynamic ones below stay in step with the
// tree. The ends of a path come from the embedded demo, the snapshot named
// on the line, or the inventory cache of the last load (invcache.go).

var shells = []string{"bash", "zsh", "fish", "powershell"}

func runCompletion(p *parsed, stdout, stderr io.Writer) int {
	root := p.cmd.Root()
	var err error
	switch p.args[0] {
	case "bash":
		err = root.GenBashCompletionV2(stdout, true)
	case "zsh":
		err = root.GenZshCompletion(stdout)
	case "fish":
		err = root.GenFishCompletion(stdout, true)
	case "powershell":
		err = root.GenPowerShellCompletionWithDesc(stdout)
	}
	if err != nil {
		return fail(stderr, 1, "completion: %v", err)
	}
	return 0
}

func completeDirs(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveFilterDirs
}

func completeFiles(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return nil, cobra.ShellCompDirectiveDefault
}

// completeCommands offers the commands, for reach help.
func completeCommands(c *cobra.Command, args []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var out []cobra.Completion
	for _, s := range c.Root().Commands() {
		if shown(s) && strings.HasPrefix(s.Name(), prefix) {
			out = append(out, cobra.CompletionWithDesc(s.Name(), s.Short))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// completeEnds offers path ends (or, for --eni, interfaces only) with
// what each is.
func completeEnds(enisOnly bool) cobra.CompletionFunc {
	return func(c *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
		// --eni takes a list: complete its last item.
		before := ""
		if enisOnly {
			if i := strings.LastIndex(prefix, ","); i >= 0 {
				before, prefix = prefix[:i+1], prefix[i+1:]
			}
		}
		if strings.Contains(prefix, ":") {
			// Past the address: the port is the user's to type.
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		entries, err := endCandidates(c)
		if err != nil {
			cobra.CompDebugln(err.Error(), true)
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, e := range entries {
			if strings.HasPrefix(e.value, prefix) && (!enisOnly || strings.HasPrefix(e.value, "eni-")) {
				out = append(out, cobra.CompletionWithDesc(before+e.value, e.desc))
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// endCandidates reads the candidates of the source the line names: the
// demo, a snapshot directory, or else the inventory cache.
func endCandidates(c *cobra.Command) ([]endEntry, error) {
	demoFlag, _ := c.Flags().GetBool("demo")
	snapshotDir, _ := c.Flags().GetString("snapshot")
	switch {
	case demoFlag:
		inv, err := snapshot.ReadFS(demo.FS(), ".")
		if err != nil {
			return nil, err
		}
		n, err := convert.Network(inv)
		if err != nil {
			return nil, err
		}
		return endEntries(n), nil
	case snapshotDir != "":
		if rest, ok := strings.CutPrefix(snapshotDir, "~/"); ok {
			if home, err := os.UserHomeDir(); err == nil {
				snapshotDir = filepath.Join(home, rest)
			}
		}
		inv, err := snapshot.Read(snapshotDir)
		if err != nil {
			return nil, err
		}
		n, err := convert.Network(inv)
		if err != nil {
			return nil, err
		}
		return endEntries(n), nil
	}
	_, es, err := readInventoryCache()
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errNoCache
	}
	return es, err
}

// completeProfiles offers the profiles of the AWS shared config file.
func completeProfiles(_ *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	names, err := awsProfiles()
	if err != nil {
		cobra.CompDebugln(err.Error(), true)
	}
	var out []cobra.Completion
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, cobra.CompletionWithDesc(n, "AWS profile"))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// awsProfiles lists the profile names of the AWS shared config file
// ($AWS_CONFIG_FILE, else ~/.aws/config). Only the section headers are
// read; the credentials file is never opened.
func awsProfiles() ([]string, error) {
	path := os.Getenv("AWS_CONFIG_FILE")
	if path == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, err
		}
		path = filepath.Join(home, ".aws", "config")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "[") || !strings.HasSuffix(line, "]") {
			continue
		}
		name := strings.TrimSpace(line[1 : len(line)-1])
		switch {
		case name == "default":
		case strings.HasPrefix(name, "profile "):
			name = strings.TrimSpace(strings.TrimPrefix(name, "profile "))
		default:
			continue // sso-session, services: not profiles
		}
		if name != "" && !strings.ContainsAny(name, " \t") && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names, sc.Err()
}

// regions are the commercial AWS Regions, for completing --region.
var regions = [][2]string{
	{"us-east-1", "US East (N. Virginia)"}, {"us-east-2", "US East (Ohio)"},
	{"us-west-1", "US West (N. California)"}, {"us-west-2", "US West (Oregon)"},
	{"af-south-1", "Africa (Cape Town)"}, {"ap-east-1", "Asia Pacific (Hong Kong)"},
	{"ap-south-1", "Asia Pacific (Mumbai)"}, {"ap-south-2", "Asia Pacific (Hyderabad)"},
	{"ap-southeast-1", "Asia Pacific (Singapore)"}, {"ap-southeast-2", "Asia Pacific (Sydney)"},
	{"ap-southeast-3", "Asia Pacific (Jakarta)"}, {"ap-southeast-4", "Asia Pacific (Melbourne)"},
	{"ap-southeast-5", "Asia Pacific (Malaysia)"}, {"ap-southeast-7", "Asia Pacific (Thailand)"},
	{"ap-northeast-1", "Asia Pacific (Tokyo)"}, {"ap-northeast-2", "Asia Pacific (Seoul)"},
	{"ap-northeast-3", "Asia Pacific (Osaka)"}, {"ca-central-1", "Canada (Central)"},
	{"ca-west-1", "Canada West (Calgary)"}, {"eu-central-1", "Europe (Frankfurt)"},
	{"eu-central-2", "Europe (Zurich)"}, {"eu-west-1", "Europe (Ireland)"},
	{"eu-west-2", "Europe (London)"}, {"eu-west-3", "Europe (Paris)"},
	{"eu-south-1", "Europe (Milan)"}, {"eu-south-2", "Europe (Spain)"},
	{"eu-north-1", "Europe (Stockholm)"}, {"il-central-1", "Israel (Tel Aviv)"},
	{"me-south-1", "Middle East (Bahrain)"}, {"me-central-1", "Middle East (UAE)"},
	{"mx-central-1", "Mexico (Central)"}, {"sa-east-1", "South America (São Paulo)"},
}

func completeRegions(_ *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
	var out []cobra.Completion
	for _, r := range regions {
		if strings.HasPrefix(r[0], prefix) {
			out = append(out, cobra.CompletionWithDesc(r[0], r[1]))
		}
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
