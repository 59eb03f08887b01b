// Fuzz targets for query ends and queries.

package checks

import (
	"strings"
	"testing"
)

func FuzzParseEnd(f *testing.F) {
	for _, s := range []string{"10.0.1.5", "10.0.1.5:443", "eni-0abc123", "i-0abc:22", "payment-api.internal.mycompany.com:443",
		"[2001:db8::1]:443", "2001:db8::1", "", ":", "10.0.0.256", "eni-", "a..b", "x:99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseEnd(s)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
			return
		}
		if e.Port < 0 || e.Port > 65535 {
			t.Errorf("port %d out of range", e.Port)
		}
		switch e.Kind {
		case EndAddress:
			if !e.Addr.IsValid() {
				t.Error("address end without an address")
			}
		case EndENI, EndInstance:
			if e.ID == "" {
				t.Error("ID end without an ID")
			}
		case EndHost:
			if e.Host == "" {
				t.Error("host end without a host")
			}
		}
	})
}

func FuzzNewQuery(f *testing.F) {
	f.Add("eni-0abc", "10.0.0.1:443", "tcp", 0, 0)
	f.Add("10.0.0.1", "host.example.com", "udp", 53, 1024)
	f.Add("i-1", "10.0.0.1", "icmp", 0, 0)
	f.Add("1.2.3.4", "5.6.7.8:1", "-1", 70000, -1)
	f.Fuzz(func(t *testing.T, from, to, proto string, port, sport int) {
		q, err := NewQuery(from, to, proto, port, sport)
		if err != nil {
			return
		}
		if q.Protocol.HasPorts() && (q.Port < 1 || q.Port > 65535) {
			t.Errorf("accepted %s without a valid port: %d", q.Protocol, q.Port)
		}
		// Any accepted query evaluates on any network without panicking.
		b := twoVPCs()
		_, _ = Evaluate(b.n, q)
	})
}
