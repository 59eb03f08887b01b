package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// asMainEnv makes the test binary act as reach itself, so that shell
// completion scripts under test can call "reach __complete-ends" without a
// separate build.
const asMainEnv = "REACH_TEST_AS_MAIN"

// TestMain keeps the tests away from the developer's own configuration
// and inventory cache: every test runs with empty XDG config and cache
// directories unless it sets its own.
func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	// The tests read the documents and the demo snapshot by their paths
	// from the repository's root.
	if err := os.Chdir("../.."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	dir, err := os.MkdirTemp("", "reach-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for k, v := range map[string]string{
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
		"XDG_CACHE_HOME":  filepath.Join(dir, "cache"),
		"REACH_CONFIG":    "",
	} {
		os.Setenv(k, v)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// reachOnPath puts an executable named reach on a new PATH that runs this
// test binary as reach, and returns that PATH.
func reachOnPath(t *testing.T) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	script := fmt.Sprintf("#!/bin/sh\n%s=1 exec %q \"$@\"\n", asMainEnv, exe)
	if err := os.WriteFile(filepath.Join(bin, "reach"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin + string(os.PathListSeparator) + os.Getenv("PATH")
}
