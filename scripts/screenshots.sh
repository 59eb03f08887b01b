#!/usr/bin/env bash
# screenshots.sh: the README's pictures, taken from the real binary.
#
# It runs `reach --demo` in a 100x30 tmux pane, drives it with keys the way
# a person would, captures each screen with its colours (capture-pane -e),
# and renders the capture to PNG with freeze (github.com/charmbracelet/freeze,
# built from the Go module proxy by `make freeze`), scaled down by
# scripts/pngshrink. The pictures therefore
# show what the binary draws today, and `make screenshots` brings them up
# to date after any change to the terminal.
#
#   docs/img/browser.png    the ENI browser, the first screen
#   docs/img/checklist.png  a red checklist with the evidence of the failing layer
#   docs/img/tail.png       the flow tail of that path, with its diagnosis
#
# Usage: scripts/screenshots.sh
#   REACH_BIN   use this binary instead of building one
#   FREEZE      the freeze binary (default: freeze on PATH, else GOPATH/bin/freeze)
#   SHOTS_OUT   write the PNGs here instead of docs/img
#   SHOTS_KEEP  keep the temporary directory (the .ansi captures)
# Needs: go, tmux, freeze. Exit status 0 when every picture was written.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${SHOTS_OUT:-$root/docs/img}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/reach-shots.XXXXXX")
sock="reach-shots-$$"
t() { tmux -L "$sock" -f /dev/null "$@"; }

cleanup() {
	t kill-server 2>/dev/null || true
	if [[ -n "${SHOTS_KEEP:-}" ]]; then
		echo "screenshots: kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT

fail() {
	echo "screenshots: FAIL: $*" >&2
	t capture-pane -p -t shot 2>/dev/null >&2 || true
	exit 1
}

command -v tmux >/dev/null || fail "tmux is required"
freeze=${FREEZE:-}
if [[ -z "$freeze" ]]; then
	freeze=$(command -v freeze || true)
	[[ -n "$freeze" ]] || freeze="$(go env GOPATH)/bin/freeze"
fi
[[ -x "$freeze" ]] || fail "freeze not found (make freeze builds it)"

bin=${REACH_BIN:-}
if [[ -z "$bin" ]]; then
	(cd "$root" && CGO_ENABLED=0 go build -o "$tmp/reach" .)
	bin=$tmp/reach
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

# wait_for TEXT [SECONDS]: poll the screen until it shows TEXT.
wait_for() {
	local text=$1 limit=${2:-10} i
	for ((i = 0; i < limit * 20; i++)); do
		t capture-pane -p -t shot | grep -qF -- "$text" && return 0
		sleep 0.05
	done
	fail "the screen never showed \"$text\""
}

keys() { t send-keys -t shot "$@"; }

# start ARGS...: run reach --demo ARGS in a fresh 100x30 pane, with a
# clean home (no configuration, no recent paths) and a fixed dark theme so
# the pictures do not depend on this machine's terminal.
start() {
	t kill-server 2>/dev/null || true
	mkdir -p "$tmp/home"
	t new-session -d -s shot -x 100 -y 30 \
		"env -i HOME='$tmp/home' PATH='$PATH' TERM=xterm-256color COLORTERM=truecolor LANG=C.UTF-8 TZ=UTC \
		XDG_CONFIG_HOME='$tmp/home/config' XDG_STATE_HOME='$tmp/home/state' XDG_CACHE_HOME='$tmp/home/cache' \
		'$bin' --demo --theme dark $*; sleep 600"
	t set-option -t shot status off >/dev/null
}

# shot NAME: capture the pane with its colours and render it to NAME.png.
shot() {
	local name=$1
	# Let the frame settle (spinners, the status line) before capturing.
	sleep 0.5
	t capture-pane -p -e -t shot >"$tmp/$name.ansi"
	"$freeze" "$tmp/$name.ansi" --output "$tmp/$name.png" \
		--window --padding 16,20 --margin 0 --border.radius 6 \
		--font.size 13 --line-height 1.25 --background '#1a1b26' >/dev/null
	# freeze draws at four times the screen's resolution; scale it down and
	# keep a 256-colour palette so each picture is tens of kilobytes.
	(cd "$root" && go run ./scripts/pngshrink -width 1100 "$tmp/$name.png")
	mkdir -p "$out"
	install -m 0644 "$tmp/$name.png" "$out/$name.png"
	echo "screenshots: $out/$name.png ($(wc -c <"$out/$name.png") bytes)"
}

echo "screenshots: the ENI browser"
start
wait_for "batch-1"
keys j j j
shot browser

echo "screenshots: a red checklist and its evidence"
start --from batch-1 --to 10.0.33.12:5432
wait_for "UNREACHABLE"
wait_for "evidence: security-group"
shot checklist

echo "screenshots: the flow tail of that path"
keys t
wait_for "REJECT" 15
wait_for "diagnosis:" 15
shot tail
