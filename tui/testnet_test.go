package tui

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/themes"
	"github.com/reachnet/reach/tui/screen"
)

// A small builder for test networks, in the spirit of checks' own (which
// lives in package checks and is not importable).

type netB struct{ n *checks.Network }

func newNetB() *netB { return &netB{n: checks.NewNetwork()} }

func (b *netB) vpc(id, name, cidr string) {
	b.n.VPCs[id] = &checks.VPC{ID: id, Name: name, CIDRs: []netip.Prefix{netip.MustParsePrefix(cidr)}, Region: "us-east-1"}
	b.n.RouteTables["rtb-main-"+id] = &checks.RouteTable{ID: "rtb-main-" + id, Name: name + "-main", VPCID: id, Main: true,
		Routes: []checks.Route{{Destination: netip.MustParsePrefix(cidr), Target: checks.TargetLocal, TargetID: "local", Origin: checks.OriginLocal}}}
	b.n.NetworkACLs["acl-default-"+id] = &checks.NetworkACL{ID: "acl-default-" + id, VPCID: id, IsDefault: true,
		Inbound:  []checks.NACLRule{{Number: 100, Protocol: checks.ProtocolAll, Allow: true, CIDR: netip.MustParsePrefix("0.0.0.0/0")}},
		Outbound: []checks.NACLRule{{Number: 100, Protocol: checks.ProtocolAll, Allow: true, CIDR: netip.MustParsePrefix("0.0.0.0/0")}}}
}

func (b *netB) subnet(id, name, vpc, cidr string) {
	b.n.Subnets[id] = &checks.Subnet{ID: id, Name: name, VPCID: vpc, CIDR: netip.MustParsePrefix(cidr), AZ: "us-east-1a"}
}

func (b *netB) sg(id, name, vpc string, inbound ...checks.SGRule) {
	b.n.SecurityGroups[id] = &checks.SecurityGroup{ID: id, Name: name, VPCID: vpc, Inbound: inbound,
		Outbound: []checks.SGRule{{Protocol: checks.ProtocolAll, Peer: checks.SGPeer{CIDR: netip.MustParsePrefix("0.0.0.0/0")}}}}
}

func (b *netB) eni(id, name, subnet, ip string, sgs ...string) *checks.ENI {
	s := b.n.Subnets[subnet]
	e := &checks.ENI{ID: id, Name: name, SubnetID: subnet, VPCID: s.VPCID, AZ: s.AZ, InterfaceType: "interface", Status: "in-use",
		PrivateIPs: []checks.PrivateIP{{Addr: netip.MustParseAddr(ip), Primary: true}}, SecurityGroupIDs: sgs, SourceDestCheck: true}
	b.n.ENIs[id] = e
	return e
}

func tcpFromGroup(port uint16, group string) checks.SGRule {
	return checks.SGRule{Protocol: checks.ProtocolTCP, Ports: checks.PortRange{From: port, To: port}, Peer: checks.SGPeer{GroupID: group}}
}

// smallNet is the world of most tests: one VPC "prod" with a private and a
// data subnet; app-1 may reach the database on 5432, batch-1 may not
// (rds admits only the app group), like the demo's path 2.
func smallNet() *checks.Network {
	b := newNetB()
	b.vpc("vpc-0001", "prod", "10.0.0.0/16")
	b.subnet("subnet-0011", "prod-private", "vpc-0001", "10.0.16.0/20")
	b.subnet("subnet-0012", "prod-data", "vpc-0001", "10.0.32.0/20")
	b.sg("sg-0app", "app", "vpc-0001")
	b.sg("sg-0batch", "batch", "vpc-0001")
	b.sg("sg-0rds", "rds-payments", "vpc-0001", tcpFromGroup(5432, "sg-0app"))
	b.eni("eni-0a01", "app-1", "subnet-0011", "10.0.16.45", "sg-0app")
	b.eni("eni-0b01", "batch-1", "subnet-0011", "10.0.16.7", "sg-0batch")
	db := b.eni("eni-0d01", "", "subnet-0012", "10.0.33.12", "sg-0rds")
	db.Description = "RDSNetworkInterface"
	db.RequesterManaged = true
	web := b.eni("eni-0e01", "web-1", "subnet-0011", "10.0.17.20", "sg-0app")
	web.PrivateIPs[0].Public = netip.MustParseAddr("54.210.167.204")
	b.n.Instances["i-0a01"] = &checks.Instance{ID: "i-0a01", Name: "app-1", State: "running", ENIIDs: []string{"eni-0a01"}, SourceDestCheck: true}
	b.n.ENIs["eni-0a01"].InstanceID = "i-0a01"
	return b.n
}

// bigNet has n ENIs spread over subnets of 250, for benchmarks.
func bigNet(n int) *checks.Network {
	b := newNetB()
	b.vpc("vpc-0001", "prod", "10.0.0.0/8")
	b.sg("sg-0app", "app", "vpc-0001", tcpFromGroup(443, "sg-0app"))
	for i := 0; i < n; i++ {
		s := i / 250
		sid := fmt.Sprintf("subnet-%04x", s)
		if i%250 == 0 {
			b.subnet(sid, fmt.Sprintf("private-%d", s), "vpc-0001", fmt.Sprintf("10.%d.%d.0/24", s/256, s%256))
		}
		b.eni(fmt.Sprintf("eni-%017x", i), fmt.Sprintf("node-%05d", i), sid, fmt.Sprintf("10.%d.%d.%d", s/256, s%256, 4+i%250), "sg-0app")
	}
	return b.n
}

// withPending returns a copy of n whose listed kinds are still loading.
func withPending(n *checks.Network, kinds ...checks.DataKind) *checks.Network {
	c := checks.NewNetwork()
	c.VPCs, c.Subnets, c.ENIs, c.Instances = n.VPCs, n.Subnets, n.ENIs, n.Instances
	c.RouteTables, c.NetworkACLs, c.SecurityGroups = n.RouteTables, n.NetworkACLs, n.SecurityGroups
	for _, k := range kinds {
		c.Gaps = append(c.Gaps, checks.Gap{Kind: k, Reason: "loading", Pending: true})
		switch k {
		case checks.KindSecurityGroups:
			c.SecurityGroups = map[string]*checks.SecurityGroup{}
		case checks.KindNetworkACLs:
			c.NetworkACLs = map[string]*checks.NetworkACL{}
		case checks.KindNetworkInterfaces:
			c.ENIs = map[string]*checks.ENI{}
		}
	}
	return c
}

// testEnv is an env with fixed styles and no timers.
func testEnv(ascii bool, depth themes.Depth) *screen.Env {
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

// newTestModel builds a root model on a source, sized, with timers off and
// no state directory unless dir is given.
func newTestModel(t testing.TB, src Source, opts Options) *Model {
	t.Helper()
	opts.Source = src
	if opts.WatchInterval == 0 {
		opts.WatchInterval = DefaultWatchInterval
	}
	e := testEnv(opts.ASCII, themes.ANSI256)
	recents, err := loadRecents(opts.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	m := newModel(context.Background(), opts, e, recents)
	if !opts.NoColor {
		m.depth = themes.ANSI256
		m.restyle()
	}
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return m
}

// drain runs commands the way the program would, feeding their messages
// back into Update until none are left. Timers are off in tests (env.after
// returns nil); a command that blocks longer than a second is abandoned.
func drain(t testing.TB, m *Model, cmd tea.Cmd) {
	t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 10000 {
			t.Fatal("drain: too many steps")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		done := make(chan tea.Msg, 1)
		go func() { done <- c() }()
		var msg tea.Msg
		select {
		case msg = <-done:
		case <-time.After(time.Second):
			continue
		}
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
		default:
			_, next := m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// start runs Init and everything it leads to.
func start(t testing.TB, m *Model) {
	t.Helper()
	drain(t, m, m.Init())
}

func press(t testing.TB, m *Model, keys ...string) {
	t.Helper()
	for _, k := range keys {
		_, cmd := m.Update(keyMsg(k))
		drain(t, m, cmd)
	}
}

func typeText(t testing.TB, m *Model, s string) {
	t.Helper()
	for _, r := range s {
		_, cmd := m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		drain(t, m, cmd)
	}
}

// keyMsg builds a key press from its name as bubbles/key spells it.
func keyMsg(k string) tea.KeyPressMsg {
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

// screenText is the frame without escape sequences.
func screenText(m *Model) string { return stripANSI(m.render()) }

func stripANSI(s string) string {
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
