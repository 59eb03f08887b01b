package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/config"
	"github.com/reachnet/reach/themes"
	"github.com/reachnet/reach/tui"
)

// loadConfig reads the configuration file and checks every value, so that
// a mistake anywhere in it is reported on the first run, with its line,
// whichever command is run.
func loadConfig() (*config.Config, error) {
	cfg, err := config.Load()
	if err != nil {
		return nil, err
	}
	if cfg.Theme != "" {
		if _, err := themes.Resolve(cfg.Theme, true, themes.TrueColor); err != nil {
			return nil, cfg.Errorf("theme", "%q: expected auto, dark or light", cfg.Theme)
		}
	}
	if err := tui.CheckKeys(tuiKeys(cfg)); err != nil {
		var ke *tui.KeyError
		if errors.As(err, &ke) {
			return nil, cfg.Errorf("keys."+ke.Action, "%s", ke.Msg)
		}
		return nil, err
	}
	return cfg, nil
}

// applyConfig gives every flag of p that was not typed its value from the
// configuration file: flags override the file. The AWS profile and Region
// also yield to the environment (AWS_PROFILE, AWS_REGION), as in the AWS
// CLI, and the file's Region only fills in when the profile has none.
func applyConfig(p *parsed) (*config.Config, error) {
	cfg, err := loadConfig()
	if err != nil {
		return nil, err
	}
	if cfg.Profile != "" && os.Getenv("AWS_PROFILE") == "" && os.Getenv("AWS_DEFAULT_PROFILE") == "" {
		p.setDefault("profile", cfg.Profile)
	}
	if p.has("region") && !p.changed("region") {
		p.fallbackRegion = cfg.Region
	}
	if cfg.Theme != "" {
		p.setDefault("theme", cfg.Theme)
	}
	if cfg.ASCII {
		p.setDefault("ascii", true)
	}
	if cfg.Mouse {
		p.setDefault("mouse", true)
	}
	if cfg.WatchInterval > 0 {
		p.setDefault("watch-interval", cfg.WatchInterval)
	}
	if cfg.CallTimeout > 0 {
		p.setDefault("call-timeout", cfg.CallTimeout)
	}
	if cfg.LoadTimeout > 0 {
		p.setDefault("load-timeout", cfg.LoadTimeout)
	}
	if cfg.AnalyzerTimeout > 0 {
		p.setDefault("analyzer-timeout", cfg.AnalyzerTimeout)
	}
	typed := false
	for _, f := range orgFlagSpecs {
		typed = typed || p.changed(f.name)
	}
	if p.has("accounts") && !typed && !p.changed("demo") && !p.changed("snapshot") {
		// The organisation the file names is read live, and only live,
		// and as a whole: any organisation flag typed replaces it.
		for flag, v := range map[string]string{
			"accounts": strings.Join(cfg.Accounts, ","), "role-name": cfg.RoleName, "external-id": cfg.ExternalID,
			"profiles": strings.Join(cfg.Profiles, ","), "regions": strings.Join(cfg.Regions, ","),
		} {
			if v != "" {
				p.setDefault(flag, v)
			}
		}
		if cfg.Organization {
			p.setDefault("organization", true)
		}
	}
	return cfg, nil
}

// applyPorts sets the file's ephemeral port ranges on a loaded network.
func applyPorts(n *checks.Network, cfg *config.Config) {
	if n == nil || cfg == nil {
		return
	}
	if r := cfg.LinuxClientPorts; !r.IsZero() {
		n.LinuxClientPorts = checks.PortRange{From: uint16(r.From), To: uint16(r.To)}
	}
	if r := cfg.WindowsClientPorts; !r.IsZero() {
		n.WindowsClientPorts = checks.PortRange{From: uint16(r.From), To: uint16(r.To)}
	}
}

// tuiKeys converts the file's key overrides for the terminal.
func tuiKeys(cfg *config.Config) []tui.KeyOverride {
	if cfg == nil {
		return nil
	}
	out := make([]tui.KeyOverride, 0, len(cfg.Keys))
	for _, k := range cfg.Keys {
		out = append(out, tui.KeyOverride{Action: k.Action, Keys: k.Keys})
	}
	return out
}

func runConfigPath(p *parsed, stdout, stderr io.Writer) int {
	path, explicit, err := config.Path()
	if err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	fmt.Fprintln(stdout, path)
	// The state goes to stderr so that $(reach config path) is the path
	// alone.
	why := "the default path"
	if explicit {
		why = "named by " + config.EnvVar
	}
	switch st, err := os.Stat(path); {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(stderr, "reach: %s does not exist yet (%s); create it with: reach config example > %s\n", path, why, path)
	case err != nil:
		fmt.Fprintf(stderr, "reach: %s (%s): %v\n", path, why, err)
	case st.IsDir():
		fmt.Fprintf(stderr, "reach: %s (%s) is a directory\n", path, why)
	}
	return 0
}

func runConfigExample(p *parsed, stdout, stderr io.Writer) int {
	fmt.Fprint(stdout, config.Example())
	return 0
}

func runConfigCheck(p *parsed, stdout, stderr io.Writer) int {
	cfg, err := loadConfig()
	if err != nil {
		return fail(stderr, exitUsage, "%v", err)
	}
	if cfg.File == "" {
		path, _, _ := config.Path()
		fmt.Fprintf(stdout, "no configuration file (%s does not exist); reach uses its defaults\n", path)
		return 0
	}
	n := len(cfg.Keys)
	for _, k := range config.Keys {
		if k.Name != "keys.*" && cfg.Has(k.Name) {
			n++
		}
	}
	fmt.Fprintf(stdout, "%s: ok, %d settings\n", cfg.File, n)
	return 0
}
