// Package tuitest holds what the terminal's tests share across its
// packages: a small network, an Env with fixed styles and no timers, and
// the golden-file comparison. Only tests import it.
package tuitest

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/charmbracelet/x/ansi"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/themes"
	"github.com/reachnet/reach/tui/screen"
)

// NetBuilder builds test networks, in the spirit of checks' own builder
// (which lives in package checks and is not importable).
type NetBuilder struct{ N *checks.Network }

func NewNetBuilder() *NetBuilder { return &NetBuilder{N: checks.NewNetwork()} }

func (b *NetBuilder) VPC(id, name, cidr string) {
	b.N.VPCs[id] = &checks.VPC{ID: id, Name: name, CIDRs: []netip.Prefix{netip.MustParsePrefix(cidr)}, Region: "us-east-1"}
	b.N.RouteTables["rtb-main-"+id] = &checks.RouteTable{ID: "rtb-main-" + id, Name: name + "-main", VPCID: id, Main: true,
		Routes: []checks.Route{{Destination: netip.MustParsePrefix(cidr), Target: checks.TargetLocal, TargetID: "local", Origin: checks.OriginLocal}}}
	b.N.NetworkACLs["acl-default-"+id] = &checks.NetworkACL{ID: "acl-default-" + id, VPCID: id, IsDefault: true,
		Inbound:  []checks.NACLRule{{Number: 100, Protocol: checks.ProtocolAll, Allow: true, CIDR: netip.MustParsePrefix("0.0.0.0/0")}},
		Outbound: []checks.NACLRule{{Number: 100, Protocol: checks.ProtocolAll, Allow: true, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}}
}

func (b *NetBuilder) Subnet(id, name, vpc, cidr string) {
	b.N.Subnets[id] = &checks.Subnet{ID: id, Name: name, VPCID: vpc, CIDR: netip.MustParsePrefix(cidr), AZ: "us-east-1a"}
}

func (b *NetBuilder) SG(id, name, vpc string, inbound ...checks.SGRule) {
	b.N.SecurityGroups[id] = &checks.SecurityGroup{ID: id, Name: name, VPCID: vpc, Inbound: inbound,
		Outbound: []checks.SGRule{{Protocol: checks.ProtocolAll, Peer: checks.SGPeer{CIDR: netip.MustParsePrefix("0.0.0.0/0")}}}}
}

func (b *NetBuilder) ENI(id, name, subnet, ip string, sgs ...string) *checks.ENI {
	s := b.N.Subnets[subnet]
	e := &checks.ENI{ID: id, Name: name, SubnetID: subnet, VPCID: s.VPCID, AZ: s.AZ, InterfaceType: "interface", Status: "in-use",
		PrivateIPs: []checks.PrivateIP{{Addr: netip.MustParseAddr(ip), Primary: true}}, SecurityGroupIDs: sgs, SourceDestCheck: true}
	b.N.ENIs[id] = e
	return e
}

func TCPFromGroup(port uint16, group string) checks.SGRule {
	return checks.SGRule{Protocol: checks.ProtocolTCP, Ports: checks.PortRange{From: port, To: port}, Peer: checks.SGPeer{GroupID: group}}
}

// SmallNet is the world of most tests: one VPC "prod" with a private and a
// data subnet; app-1 may reach the database on 5432, batch-1 may not
// (rds admits only the app group), like the demo's path 2.
func SmallNet() *checks.Network {
	b := NewNetBuilder()
	b.VPC("vpc-0001", "prod", "10.0.0.0/16")
	b.Subnet("subnet-0011", "prod-private", "vpc-0001", "10.0.16.0/20")
	b.Subnet("subnet-0012", "prod-data", "vpc-0001", "10.0.32.0/20")
	b.SG("sg-0app", "app", "vpc-0001")
	b.SG("sg-0batch", "batch", "vpc-0001")
	b.SG("sg-0rds", "rds-payments", "vpc-0001", TCPFromGroup(5432, "sg-0app"))
	b.ENI("eni-0a01", "app-1", "subnet-0011", "10.0.16.45", "sg-0app")
	b.ENI("eni-0b01", "batch-1", "subnet-0011", "10.0.16.7", "sg-0batch")
	db := b.ENI("eni-0d01", "", "subnet-0012", "10.0.33.12", "sg-0rds")
	db.Description = "RDSNetworkInterface"
	db.RequesterManaged = true
	web := b.ENI("eni-0e01", "web-1", "subnet-0011", "10.0.17.20", "sg-0app")
	web.PrivateIPs[0].Public = netip.MustParseAddr("54.210.167.204")
	b.N.Instances["i-0a01"] = &checks.Instance{ID: "i-0a01", Name: "app-1", State: "running", ENIIDs: []string{"eni-0a01"}, SourceDestCheck: true}
	b.N.ENIs["eni-0a01"].InstanceID = "i-0a01"
	return b.N
}

// BigNet has n ENIs spread over subnets of 250, for benchmarks.
func BigNet(n int) *checks.Network {
	b := NewNetBuilder()
	b.VPC("vpc-0001", "prod", "10.0.0.0/8")
	b.SG("sg-0app", "app", "vpc-0001", TCPFromGroup(443, "sg-0app"))
	for i := 0; i < n; i++ {
		s := i / 250
		sid := fmt.Sprintf("subnet-%04x", s)
		if i%250 == 0 {
			b.Subnet(sid, fmt.Sprintf("private-%d", s), "vpc-0001", fmt.Sprintf("10.%d.%d.0/24", s/256, s%256))
		}
		b.ENI(fmt.Sprintf("eni-%017x", i), fmt.Sprintf("node-%05d", i), sid, fmt.Sprintf("10.%d.%d.%d", s/256, s%256, 4+i%250), "sg-0app")
	}
	return b.N
}

// Env is a screen.Env with fixed styles and no timers.
func Env(ascii bool, depth themes.Depth) *screen.Env {
	e := &screen.Env{
		ASCII:     ascii,
		Glyphs:    screen.NewGlyphs(ascii),
		Keys:      screen.DefaultKeys(),
		Log:       slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now:       func() time.Time { return time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC) },
		After:     func(time.Duration, tea.Msg) tea.Cmd { return nil },
		SpinEvery: time.Hour,
	}
	if ascii {
		e.Keys.AsciiHelp()
	}
	e.SetStyles(themes.NewStyles(themes.New(true, depth)))
	return e
}

func StripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			// CSI: ESC [ params final; OSC: ESC ] ... BEL or ST.
			if i+1 < len(s) && s[i+1] == '[' {
				j := i + 2
				for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
					j++
				}
				i = j
				continue
			}
			if i+1 < len(s) && s[i+1] == ']' {
				j := i + 2
				for j < len(s) && s[j] != 0x07 && !(s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\') {
					j++
				}
				if j < len(s) && s[j] == 0x1b {
					j++
				}
				i = j
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// updating reports whether -update was given; the flag itself is defined by
// charmbracelet/x/exp/golden, which teatest imports, and rewrites these
// golden files too.
func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// Golden compares the rendering (escape sequences removed, so the files
// read as the screen does) with testdata/NAME.golden, after checking that
// no line of the raw rendering is wider than w.
func Golden(t *testing.T, name string, raw string, w int) {
	t.Helper()
	for i, l := range strings.Split(raw, "\n") {
		if lw := ansi.StringWidth(l); lw > w {
			t.Errorf("%s: line %d is %d cells wide, more than %d: %q", name, i+1, lw, w, StripANSI(l))
		}
	}
	got := StripANSI(raw)
	// Trailing spaces are padding; the files keep lines as they look.
	lines := strings.Split(got, "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	got = strings.Join(lines, "\n") + "\n"
	path := filepath.Join("testdata", name+".golden")
	if updating() {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update in this package to create it)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("%s differs from %s (go test -update in this package rewrites it)\n--- got\n%s--- want\n%s", name, path, got, want)
	}
}

func AssertASCII(t *testing.T, name, s string) {
	t.Helper()
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			t.Errorf("%s: byte %#x at %d is not ASCII: %q", name, s[i], i, StripANSI(s[max(i-20, 0):min(i+20, len(s))]))
			return
		}
	}
}

// KeyMsg builds a key press from its name as bubbles/key spells it.
func KeyMsg(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	case "ctrl+u":
		return tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}
