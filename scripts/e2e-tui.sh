#!/usr/bin/env bash
# e2e-tui.sh: drive the real `reach` terminal in tmux, the way a person
# over SSH would, and read the screen.
#
# It builds the binary, starts `reach --demo` in an 80x24 tmux pane,
# filters the ENI browser, picks a source (s) and a destination (d) with
# keys, types the port, and asserts from the captured screen that the
# security-group layer is drawn red and that its deciding rule is shown
# (demo path 2: batch-1 -> the RDS interface on 5432, denied by
# rds-payments). Then it quits with q and checks that the terminal was
# restored: the alternate screen is left, the cursor is visible, the tty
# settings are what they were, and the shell prompt is back.
#
# Usage: scripts/e2e-tui.sh
#   REACH_E2E_PKG  package to build (default: the module root, `reach`)
#   REACH_E2E_BIN  use this binary instead of building one
#   REACH_E2E_KEEP keep the temporary directory (screens, logs) on exit
# Needs: go, tmux. Exit status 0 when every assertion holds.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/reach-e2e.XXXXXX")
sock="reach-e2e-$$"
t() { tmux -L "$sock" -f /dev/null "$@"; }

cleanup() {
	t kill-server 2>/dev/null || true
	if [[ -n "${REACH_E2E_KEEP:-}" ]]; then
		echo "e2e-tui: kept $tmp" >&2
	else
		# The killed pane may still be flushing its state files.
		for _ in 1 2 3 4 5; do rm -rf "$tmp" 2>/dev/null && break; sleep 0.2; done
	fi
}
trap cleanup EXIT

fail() {
	echo "e2e-tui: FAIL: $*" >&2
	echo "--- screen:" >&2
	t capture-pane -p -t e2e 2>/dev/null >&2 || true
	exit 1
}

step() { echo "e2e-tui: $*"; }

# wait_for TEXT [SECONDS]: poll the screen until it shows TEXT.
wait_for() {
	local text=$1 limit=${2:-10} i
	for ((i = 0; i < limit * 20; i++)); do
		if t capture-pane -p -t e2e | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.05
	done
	fail "the screen never showed \"$text\""
}

keys() { t send-keys -t e2e "$@"; }
text() { t send-keys -t e2e -l -- "$1"; }

command -v tmux >/dev/null || { echo "e2e-tui: tmux is required" >&2; exit 2; }

bin=${REACH_E2E_BIN:-}
if [[ -z "$bin" ]]; then
	step "building ${REACH_E2E_PKG:-.}"
	(cd "$root" && go build -o "$tmp/reach" "${REACH_E2E_PKG:-.}")
	bin=$tmp/reach
fi

mkdir -p "$tmp/state"
# A plain shell in an 80x24 pane; reach runs from it so that the shell's
# terminal afterwards shows whether reach restored it.
t new-session -d -s e2e -x 80 -y 24 \
	"env -i HOME='$tmp' PATH='$PATH' TERM=screen-256color XDG_STATE_HOME='$tmp/state' PS1='e2e\$ ' bash --norc --noprofile"
t set-option -t e2e status off
wait_for 'e2e$'

step "starting reach --demo at 80x24"
text "stty -g > '$tmp/stty.before'; '$bin' --demo; echo \"EXIT=\$?\"; stty -g > '$tmp/stty.after'"
keys Enter
wait_for "ENIs"
wait_for "batch-1"

step "filtering the browser and picking the source"
keys /
text "batch"
wait_for "1/"
keys Enter
keys s
wait_for "now press d"

step "filtering again and picking the destination"
keys /
text "10.0.33.12"
wait_for "10.0.33.12"
keys Enter
keys d
wait_for "Check a path"
text "5432"
keys Enter
wait_for "UNREACHABLE"
wait_for "security-group"

t capture-pane -p -e -t e2e >"$tmp/screen.ansi"
t capture-pane -p -t e2e >"$tmp/screen.txt"

step "asserting the failing layer is red and its rule is shown"
row=$(grep -a -- "security-group" "$tmp/screen.ansi" | grep -a -- "FAIL" | head -n1 || true)
[[ -n "$row" ]] || fail "no checklist row says security-group FAIL"
# Red as any palette draws it: SGR 31/91, xterm-256 reds, or 24-bit red.
red=$'\e\\[([0-9]+;)*(31|91|38;5;(1|9|88|124|160|196)|38;2;(1[6-9][0-9]|2[0-5][0-9]);[0-9]{1,2};[0-9]{1,2})(;[0-9]+)*m'
if ! grep -aqE -- "${red}[^"$'\e'"]*(FAIL|✗|x)" <<<"$row"; then
	printf 'row: %q\n' "$row" >&2
	fail "the security-group row is not drawn red"
fi
grep -qF "rds-payments" "$tmp/screen.txt" || fail "the deciding group rds-payments is not named"
grep -qF "no inbound rule matches" "$tmp/screen.txt" || fail "the deciding rule is not shown"
grep -qF "sg-0e5f6a7b8c9d00014" "$tmp/screen.txt" || fail "the deciding component sg-0e5f6a7b8c9d00014 is not shown"

step "quitting with q"
keys q
wait_for "EXIT=0" 5
# Wait for the second stty to have run.
for ((i = 0; i < 100; i++)); do [[ -s "$tmp/stty.after" ]] && break; sleep 0.05; done
[[ -s "$tmp/stty.after" ]] || fail "the shell did not get its terminal back"

step "asserting the terminal was restored"
[[ "$(t display-message -p -t e2e '#{alternate_on}')" == 0 ]] || fail "still in the alternate screen"
[[ "$(t display-message -p -t e2e '#{cursor_flag}')" == 1 ]] || fail "the cursor is hidden"
[[ "$(t display-message -p -t e2e '#{mouse_any_flag}')" == 0 ]] || fail "mouse reporting is still on"
cmp -s "$tmp/stty.before" "$tmp/stty.after" || fail "tty settings changed: $(cat "$tmp/stty.before") -> $(cat "$tmp/stty.after")"
if t capture-pane -p -t e2e | grep -qF "UNREACHABLE"; then
	fail "the checklist is still on the screen after quitting"
fi
[[ -s "$tmp/state/reach/recent.json" ]] || fail "the path was not remembered in \$XDG_STATE_HOME/reach/recent.json"

step "PASS"
