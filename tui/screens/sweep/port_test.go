package sweep

import "testing"

func TestParsePort(t *testing.T) {
	for _, tc := range []struct {
		in    string
		port  int
		proto string
		bad   bool
	}{
		{in: "443", port: 443, proto: "tcp"},
		{in: "udp 53", port: 53, proto: "udp"},
		{in: "53/udp", port: 53, proto: "udp"},
		{in: "icmp", proto: "icmp"},
		{in: "icmp 8", proto: "icmp"},
		{in: "", bad: true},
		{in: "tcp", bad: true},
		{in: "0", bad: true},
		{in: "70000", bad: true},
		{in: "ssh", bad: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			port, proto, err := parsePort(tc.in)
			if tc.bad != (err != nil) || !tc.bad && (port != tc.port || proto != tc.proto) {
				t.Errorf("parsePort(%q) = %d %q %v", tc.in, port, proto, err)
			}
		})
	}
}

func FuzzParsePort(f *testing.F) {
	for _, s := range []string{"443", "udp 53", "53/udp", "icmp", ":::", "1 2 3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		port, proto, err := parsePort(s)
		if err == nil && (port < 0 || port > 65535 || proto == "") {
			t.Fatalf("%q: %d %q", s, port, proto)
		}
	})
}
