package history

import (
	"fmt"
	"testing"
	"time"

	// Registers -update, which rewrites the golden files.
	_ "github.com/charmbracelet/x/exp/golden"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/themes"
	"github.com/reachnet/reach/tui/internal/tuitest"
)

// TestGoldenHistory pins the pane while it reads and once it has read, at
// 80 and 120 columns, in Unicode and ASCII.
func TestGoldenHistory(t *testing.T) {
	events := []checks.HistoryEvent{
		{Time: time.Date(2026, 12, 5, 10, 14, 3, 0, time.UTC), Event: "RevokeSecurityGroupIngress", Component: "sg-0rds",
			Principal: "arn:aws:sts::111122223333:assumed-role/network-admin/alice", SessionName: "alice", SourceIP: "203.0.113.7",
			UserAgent: "aws-cli/2.17.0 Python/3.11", Detail: "groupId sg-0rds, ipProtocol tcp, fromPort 5432, toPort 5432, groupId sg-0batch"},
		{Time: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC), Event: "AuthorizeSecurityGroupIngress", Component: "sg-0rds",
			Principal: "arn:aws:iam::111122223333:user/bob", SourceIP: "console.amazonaws.com", Detail: "groupId sg-0rds, fromPort 5432"},
	}
	for _, ascii := range []bool{false, true} {
		for _, w := range []int{80, 120} {
			name := fmt.Sprintf("history-%d", w)
			if ascii {
				name += "-ascii"
			}
			m := New(tuitest.Env(ascii, themes.ANSI16))
			m.SetSize(w, 20)
			m.Start(1, "security-group", []string{"sg-0rds", "eni-0d01"})
			m.Progress(1, 2)
			tuitest.Golden(t, name+"-reading", m.View(), w)
			m.Finish(events, []string{"history of eni-0d01 not read: cloudtrail:LookupEvents throttled (ThrottlingException); retry in a minute"})
			tuitest.Golden(t, name, m.View(), w)
		}
	}
}
