package detail

import (
	"fmt"
	"strings"
	"testing"

	"github.com/reachnet/reach/themes"
	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/internal/tuitest"
)

func TestGoldenDetail(t *testing.T) {
	n := tuitest.SmallNet()
	n.Compile()
	for _, w := range []int{80, 120} {
		e := tuitest.Env(false, themes.ANSI16)
		c := catalog.Build(1, n, nil, false)
		out := strings.Join(detailLines(e, n, c, "eni-0d01"), "\n")
		// The detail screen truncates to its width; pin that too.
		d := New(e)
		d.SetSize(w, 40)
		d.Show(n, c, "eni-0d01")
		tuitest.Golden(t, fmt.Sprintf("detail-%d", w), d.View(), w)
		for _, want := range []string{"rds-payments (sg-0rds)", "tcp 5432 from app (sg-0app)", "Route table prod-main", "Network ACL acl-default-vpc-0001", "#100   allow all traffic 0.0.0.0/0"} {
			if !strings.Contains(tuitest.StripANSI(out), want) {
				t.Errorf("detail lacks %q:\n%s", want, tuitest.StripANSI(out))
			}
		}
	}
}
