// Port range parsing cases.

package checks

import (
	"strings"
	"testing"
)

func TestParsePortRange(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     PortRange
		err      string
	}{
		{"one port", "443", PortRange{443, 443}, ""},
		{"a range", "1024-65535", PortRange{1024, 65535}, ""},
		{"spaces around the parts", " 32768 - 60999 ", PortRange{32768, 60999}, ""},
		{"every port", "0-65535", PortRange{0, 65535}, ""},
		{"not a number", "https", PortRange{}, "not a port or a range"},
		{"half a range", "1024-", PortRange{}, "not a port or a range"},
		{"negative", "-5", PortRange{}, "not a port or a range"},
		{"past the last port", "1-70000", PortRange{}, "0 to 65535"},
		{"reversed", "60999-32768", PortRange{}, "ends before it starts"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParsePortRange(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("ParsePortRange(%q) = %v, %v; want an error with %q", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("ParsePortRange(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
			}
		})
	}
}
