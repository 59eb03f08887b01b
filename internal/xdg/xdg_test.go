package xdg

import (
	"path/filepath"
	"testing"
)

func TestDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, tc := range []struct {
		name string
		kind Kind
		env  string
		want string
	}{
		{"config from the variable", Config, "/x/config", "/x/config/reach"},
		{"config under home", Config, "", filepath.Join(home, ".config", "reach")},
		{"a relative variable is ignored", Config, "rel/dir", filepath.Join(home, ".config", "reach")},
		{"state under home", State, "", filepath.Join(home, ".local", "state", "reach")},
		{"state from the variable", State, "/s", "/s/reach"},
		{"cache under home", Cache, "", filepath.Join(home, ".cache", "reach")},
		{"cache from the variable", Cache, "/c", "/c/reach"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(tc.kind.Env, tc.env)
			got, err := Dir(tc.kind)
			if err != nil || got != tc.want {
				t.Errorf("Dir = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
