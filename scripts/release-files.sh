#!/usr/bin/env bash
# release-files.sh: write the files a release ships besides the binary —
# shell completions and the gzipped man page — into build/release/, from
# the command tree of the reach being released (go run .), so they match
# its flags. GoReleaser runs it before building (.goreleaser.yaml).
set -euo pipefail
cd "$(dirname "$0")/.."

out=build/release
rm -rf "$out"
mkdir -p "$out/completions" "$out/man"
go build -o "$out/reach-gen" .
"$out/reach-gen" completion bash >"$out/completions/reach.bash"
"$out/reach-gen" completion zsh >"$out/completions/_reach"
"$out/reach-gen" completion fish >"$out/completions/reach.fish"
"$out/reach-gen" completion powershell >"$out/completions/reach.ps1"
# -n: no name or time in the gzip header, so the file is reproducible.
"$out/reach-gen" man | gzip -9 -n >"$out/man/reach.1.gz"
rm -f "$out/reach-gen"
