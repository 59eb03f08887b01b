package snapshot

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"time"
)

// ManifestFile is the name of the manifest reach writes beside a saved
// snapshot's outputs. The leading dot keeps it out of the reader (which
// skips dot files) and out of other tools' *.json globs: it describes the
// snapshot, it is not AWS data.
const ManifestFile = ".reach-manifest.json"

// Manifest says when and from where a snapshot was taken, by which reach,
// and which calls failed. A snapshot made with the AWS CLI alone has none;
// its time is then unknown.
type Manifest struct {
	Taken   time.Time `json:"taken"`
	Account string    `json:"account,omitempty"`
	Region  string    `json:"region,omitempty"`
	Version string    `json:"reach_version"`
	// Calls is the number of API calls the save made.
	Calls int `json:"calls,omitempty"`
	// Failed lists the kinds of data that could not be read, and why.
	Failed []FailedCall `json:"failed_calls"`
}

// FailedCall is one kind of data a save could not read.
type FailedCall struct {
	Kind string `json:"kind"`
	// Scope is the resource whose data is missing, empty for the whole
	// kind.
	Scope  string `json:"scope,omitempty"`
	Reason string `json:"reason"`
	Action string `json:"action,omitempty"`
}

// maxManifestSize bounds what ReadManifest reads: a manifest is a few
// hundred bytes, and a snapshot directory comes from anyone.
const maxManifestSize = 1 << 20

// WriteManifest writes m into the snapshot directory dir (0600, as the
// outputs).
func WriteManifest(dir string, m Manifest) error {
	if m.Failed == nil {
		m.Failed = []FailedCall{}
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	data = append(data, '\n')
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), data, 0o600); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}

// ReadManifest reads the manifest of the snapshot directory dir. found is
// false, with no error, when there is none (a snapshot made with the AWS
// CLI alone); a manifest that cannot be read or decoded is an error naming
// the file.
func ReadManifest(dir string) (m Manifest, found bool, err error) {
	return ReadManifestFS(os.DirFS(dir), ".", filepath.Join(dir, ManifestFile))
}

// ReadManifestFS is ReadManifest on a file system; shown names the file in
// errors.
func ReadManifestFS(fsys fs.FS, root, shown string) (m Manifest, found bool, err error) {
	f, err := fsys.Open(path.Join(root, ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Manifest{}, false, nil
	}
	if err != nil {
		return Manifest{}, false, fmt.Errorf("%s: %v", shown, pathErr(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxManifestSize+1))
	if err != nil {
		return Manifest{}, false, fmt.Errorf("%s: %v", shown, pathErr(err))
	}
	if len(data) > maxManifestSize {
		return Manifest{}, false, fmt.Errorf("%s: larger than %d bytes: not a reach manifest", shown, maxManifestSize)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return Manifest{}, false, fmt.Errorf("%s: not a reach manifest: %v", shown, err)
	}
	return m, true, nil
}
