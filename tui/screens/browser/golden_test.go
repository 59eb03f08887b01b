package browser

import (
	"fmt"
	"strings"
	"testing"

	"github.com/reachnet/reach/checks"
	"github.com/reachnet/reach/themes"
	"github.com/reachnet/reach/tui/components/catalog"
	"github.com/reachnet/reach/tui/internal/tuitest"
)

var widths = []int{80, 120, 200}

func TestGoldenBrowser(t *testing.T) {
	n := tuitest.SmallNet()
	// A tag with a terminal escape and a bell must arrive on screen inert.
	n.ENIs["eni-0f01"] = &checks.ENI{ID: "eni-0f01", Name: "evil\x1b[31m-tag\x07\u202e", SubnetID: "subnet-0011", VPCID: "vpc-0001",
		InterfaceType: "nat_gateway", Status: "available", SourceDestCheck: false}
	n.Compile()
	for _, ascii := range []bool{false, true} {
		for _, w := range widths {
			e := tuitest.Env(ascii, themes.ANSI16)
			b := New(e)
			b.SetSize(w, 10)
			b.SetCatalog(catalog.Build(1, n, nil, ascii))
			b.Move(1)
			name := fmt.Sprintf("browser-%d", w)
			if ascii {
				name += "-ascii"
			}
			out := b.View()
			tuitest.Golden(t, name, out, w)
			if strings.Contains(out, "\x07") || strings.Contains(out, "\u202e") || strings.Contains(out, "\x1b[31m-tag") {
				t.Errorf("%s: a control character from a tag reached the screen: %q", name, out)
			}
			if ascii {
				tuitest.AssertASCII(t, name, out)
			}
		}
	}
}
