package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCLI(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCheckExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"reachable", []string{"--from", "i-01a2b3c4d5e6f0012", "--to", "10.0.33.12:5432"}, exitReachable},
		{"unreachable", []string{"--from", "i-01a2b3c4d5e6f0014", "--to", "10.0.33.12:5432"}, exitUnreachable},
		{"unknown", []string{"--from", "i-01a2b3c4d5e6f0021", "--to", "ldap.corp.internal:636"}, exitUnknown},
		{"name tag", []string{"--from", "app-1", "--to", "10.0.33.12", "--port", "5432"}, exitReachable},
		{"fixed source port", []string{"--from", "app-1", "--to", "i-01a2b3c4d5e6f0021:8080", "--source-port", "50000"}, exitReachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(append([]string{"check", "--demo"}, tc.args...)...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			if errOut != "" {
				t.Errorf("stderr: %s", errOut)
			}
		})
	}
}

func TestCheckJSONContract(t *testing.T) {
	code, out, _ := runCLI("check", "--demo", "--from", "i-01a2b3c4d5e6f0012", "--to", "i-01a2b3c4d5e6f0021:8080", "-o", "json")
	if code != exitUnreachable {
		t.Fatalf("exit %d", code)
	}
	var rep map[string]any
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	for _, key := range []string{"source", "destination", "verdict", "layers", "hops", "blocked_by", "exit"} {
		if _, ok := rep[key]; !ok {
			t.Errorf("missing %q", key)
		}
	}
	layers := rep["layers"].([]any)
	var names []string
	for _, l := range layers {
		lm := l.(map[string]any)
		names = append(names, lm["name"].(string))
		for _, f := range lm["findings"].([]any) {
			fm := f.(map[string]any)
			for _, key := range []string{"code", "component", "direction", "rule", "detail"} {
				if _, ok := fm[key]; !ok {
					t.Errorf("finding without %q: %v", key, fm)
				}
			}
		}
	}
	if got := strings.Join(names, ","); got != "route,nacl,security-group,source-dest-check,dns,service" {
		t.Errorf("layers %s", got)
	}
	b := rep["blocked_by"].(map[string]any)
	if b["layer"] != "nacl" || b["component"] != "acl-0d4e5f6a7b8c90021" || b["direction"] != "return" {
		t.Errorf("blocked_by %v", b)
	}
}

func TestCheckMarkdownAndText(t *testing.T) {
	_, md, _ := runCLI("check", "--demo", "--from", "i-01a2b3c4d5e6f0014", "--to", "10.0.33.12:5432", "-o", "markdown")
	for _, want := range []string{"### reach:", "| security-group | ✗ fail |", "authorize-security-group-ingress"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	_, txt, _ := runCLI("check", "--demo", "--ascii", "--from", "i-01a2b3c4d5e6f0014", "--to", "10.0.33.12:5432")
	for _, r := range txt {
		if r > 127 {
			t.Fatalf("--ascii output has %q:\n%s", r, txt)
		}
	}
	if !strings.Contains(txt, "[FAIL]") || !strings.Contains(txt, "fix: aws ec2 authorize-security-group-ingress") {
		t.Errorf("text:\n%s", txt)
	}
}

func TestCheckBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "snap")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "describe-route-tables.json"), []byte(`{"RouteTables": [{"RouteTableId": 7}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"unknown ENI", []string{"check", "--demo", "--from", "eni-0000000000000000", "--to", "10.0.33.12:5432"}, "eni-0000000000000000"},
		{"malformed address", []string{"check", "--demo", "--from", "app-1", "--to", "10.0.333.12:5432"}, "10.0.333.12"},
		{"port out of range", []string{"check", "--demo", "--from", "app-1", "--to", "10.0.33.12:70000"}, "70000"},
		{"no port", []string{"check", "--demo", "--from", "app-1", "--to", "10.0.33.12"}, "port"},
		{"unknown protocol", []string{"check", "--demo", "--from", "app-1", "--to", "10.0.33.12:5432", "--protocol", "sctp"}, "sctp"},
		{"missing snapshot", []string{"check", "--snapshot", filepath.Join(dir, "nope"), "--from", "app-1", "--to", "10.0.33.12:5432"}, "nope"},
		{"malformed snapshot", []string{"check", "--snapshot", bad, "--from", "app-1", "--to", "10.0.33.12:5432"}, "RouteTableId"},
		{"both sources", []string{"check", "--demo", "--snapshot", dir, "--from", "app-1", "--to", "10.0.33.12:5432"}, "--demo"},
		{"bad output", []string{"check", "--demo", "--from", "app-1", "--to", "10.0.33.12:5432", "-o", "yaml"}, "yaml"},
		{"missing --to", []string{"check", "--demo", "--from", "app-1"}, "--to"},
		{"unknown flag", []string{"check", "--demo", "--frm", "app-1"}, "frm"},
		{"unknown command", []string{"chek"}, "chek"},
		{"hostname source", []string{"check", "--demo", "--from", "web.example.com", "--to", "10.0.33.12:5432"}, "web.example.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr %q", code, exitUsage, errOut)
			}
			if out != "" {
				t.Errorf("stdout should be empty, got %q", out)
			}
			lines := strings.Split(strings.TrimRight(errOut, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "reach: ") || !strings.Contains(lines[0], tc.want) {
				t.Errorf("stderr should be one line naming %q, got %q", tc.want, errOut)
			}
			if strings.Contains(errOut, "goroutine") || strings.Contains(errOut, "panic") {
				t.Errorf("stack trace: %s", errOut)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCLI("version")
	if code != 0 || !strings.HasPrefix(out, "reach dev") {
		t.Errorf("%d %q", code, out)
	}
}
