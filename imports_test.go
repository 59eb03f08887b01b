package main

import (
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/reachnet/reach"

// TestImportRules holds the packages to the dependency rules of the
// design: the engine depends on the standard library alone, the terminal
// is wired in only by the command line, its screens reach each other only
// through the root, and the AWS adapter knows nothing of how reports are
// shown; its packages split by job import only what their job needs.
func TestImportRules(t *testing.T) {
	imports := packageImports(t)
	if len(imports["checks"]) == 0 || len(imports["internal/cli"]) == 0 {
		t.Fatalf("found no imports of checks or internal/cli: is the test run from the repository's root? %v", imports)
	}
	under := func(pkg, dir string) bool { return pkg == dir || strings.HasPrefix(pkg, dir+"/") }
	// ownAllowed lists, for the packages of the AWS adapter that are split by
	// job, the only packages of this module each may import: the raw outputs
	// are shared by all, and neither snapshots nor conversion reach AWS.
	ownAllowed := map[string][]string{
		"aws":           {"checks", "aws/inventory"},
		"aws/inventory": {"checks"},
		"aws/snapshot":  {"checks", "aws/inventory"},
		"aws/convert":   {"checks", "aws/inventory"},
	}
	for pkg, deps := range imports {
		for _, dep := range deps {
			own, isOwn := strings.CutPrefix(dep, module+"/")
			stdlib := !strings.Contains(strings.Split(dep, "/")[0], ".")
			for _, rule := range []struct {
				broken bool
				why    string
			}{
				{under(pkg, "checks") && !stdlib, "checks depends on the standard library only"},
				{isOwn && under(own, "tui") && !under(pkg, "tui") && pkg != "internal/cli", "only the command line (internal/cli) wires in the terminal"},
				{under(pkg, "aws") && isOwn && (under(own, "tui") || under(own, "render")), "aws never imports tui or render"},
				{isOwn && ownAllowed[pkg] != nil && !slices.Contains(ownAllowed[pkg], own), fmt.Sprintf("%s may import only %v of this module", pkg, ownAllowed[pkg])},
				{pkg == "internal/cli" && isOwn && under(own, "tui") && own != "tui", "the command line knows the terminal by package tui alone, not its screens"},
				{under(pkg, "tui/screens") && isOwn && under(own, "tui/screens") && !under(pkg, own), "a screen never imports another: it returns an intent to the root"},
				{under(pkg, "tui/components") && isOwn && (under(own, "tui/screens") || own == "tui"), "components know no screen and not the root"},
			} {
				if rule.broken {
					t.Errorf("%s imports %s: %s", pkg, dep, rule.why)
				}
			}
		}
	}
}

// packageImports returns, for each package directory of the module, the
// imports of its non-test files.
func packageImports(t *testing.T) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") || name == "testdata" || name == "build" || name == "dist") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(filepath.Dir(path))
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return err
			}
			out[pkg] = append(out[pkg], p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
