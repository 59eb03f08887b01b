#!/usr/bin/env bash
# goreleaser.sh: print the path of a GoReleaser v2 binary, obtaining one if
# needed, the cheapest way first:
#   1. goreleaser on PATH (a packaged install: the GoReleaser apt or yum
#      repository, Homebrew, npm install -g @goreleaser/goreleaser);
#   2. one this script obtained before (build/tools/, or GOPATH/bin);
#   3. the npm package @goreleaser/goreleaser, a prebuilt binary, into
#      build/tools/ (its install step downloads the binary from GitHub's
#      release page, so it fails where only package registries are
#      reachable; that takes a few seconds);
#   4. a build from source through the Go module proxy into GOPATH/bin
#      (about ten minutes on two cores; once per machine).
# Messages go to stderr; stdout is the path alone.
set -euo pipefail
cd "$(dirname "$0")/.."

# The npm package is a prebuilt binary of any Go; the source build must
# compile with this machine's Go (v2.17 needs a module the proxy refuses,
# v2.18 needs Go 1.27).
npm_version=${GORELEASER_NPM_VERSION:-2.18.2}
source_version=${GORELEASER_VERSION:-v2.16.0}
gobin=$(go env GOPATH)/bin
tools=build/tools

is_v2() { [[ -x $1 ]] && "$1" --version 2>/dev/null | grep -q 'GitVersion: *v\?2\.'; }

if p=$(command -v goreleaser) && is_v2 "$p"; then
	echo "$p"
	exit 0
fi
for p in "$tools/node_modules/.bin/goreleaser" "$gobin/goreleaser"; do
	if is_v2 "$p"; then
		echo "$p"
		exit 0
	fi
done
if command -v npm >/dev/null 2>&1; then
	echo "goreleaser: trying the npm package @goreleaser/goreleaser@$npm_version" >&2
	mkdir -p "$tools"
	if npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$tools" "@goreleaser/goreleaser@$npm_version" >&2 &&
		is_v2 "$tools/node_modules/.bin/goreleaser"; then
		echo "$tools/node_modules/.bin/goreleaser"
		exit 0
	fi
	echo "goreleaser: the npm package could not fetch its binary; building from source instead" >&2
fi
echo "goreleaser: building $source_version from source (once; about ten minutes)" >&2
GOBIN=$gobin go install "github.com/goreleaser/goreleaser/v2@$source_version" >&2
echo "$gobin/goreleaser"
