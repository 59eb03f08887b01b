#!/usr/bin/env bash
# e2e-serve.sh: drive `reach serve` with the real OpenSSH client in tmux,
# the way two people pairing on a bastion would, and read their screens.
#
# It builds the binary, creates three Ed25519 keys (alice and bob are in
# authorized_keys, mallory is not), starts `reach serve --demo` on a free
# port with the default host key and authorized_keys locations (under a
# temporary HOME and XDG_STATE_HOME), and asserts:
#   - mallory's key is refused, and the refusal is logged;
#   - alice (100x30) and bob (80x24) see the same investigation, each at
#     their own size, and the status line names the driver and the watcher;
#   - bob follows alice's filter; bob's keys change nothing on alice's
#     screen;
#   - bob asks for control (ctrl+o), alice hands it over (ctrl+o), bob's
#     filter then reaches alice's screen;
#   - alice leaving (q) leaves bob driving and working;
#   - the driver leaving hands the investigation to the longest-connected
#     watcher;
#   - R writes the session report and every seat sees its path;
#   - Ctrl-C on the server ends every session and restores each client's
#     terminal;
#   - the host key created on the first start is reused on the next.
#
# Usage: scripts/e2e-serve.sh
#   REACH_E2E_BIN  use this binary instead of building one
#   REACH_E2E_KEEP keep the temporary directory (screens, logs) on exit
# Needs: go, tmux, ssh, ssh-keygen. Exit status 0 when every assertion holds.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/reach-e2e-serve.XXXXXX")
sock="reach-e2e-serve-$$"
t() { tmux -L "$sock" -f /dev/null "$@"; }

cleanup() {
	t kill-server 2>/dev/null || true
	if [[ -n "${REACH_E2E_KEEP:-}" ]]; then
		echo "e2e-serve: kept $tmp" >&2
	else
		for _ in 1 2 3 4 5; do rm -rf "$tmp" 2>/dev/null && break; sleep 0.2; done
	fi
}
trap cleanup EXIT

fail() {
	echo "e2e-serve: FAIL: $*" >&2
	for pane in srv alice bob carol; do
		if t has-session -t "$pane" 2>/dev/null; then
			echo "--- $pane:" >&2
			t capture-pane -p -t "$pane" >&2 || true
		fi
	done
	echo "--- server stderr:" >&2
	cat "$tmp/serve.err" >&2 2>/dev/null || true
	exit 1
}

step() { echo "e2e-serve: $*"; }

screen() { t capture-pane -p -t "$1"; }

# wait_for PANE TEXT [SECONDS]: poll PANE until it shows TEXT.
wait_for() {
	local pane=$1 text=$2 limit=${3:-10} i
	for ((i = 0; i < limit * 20; i++)); do
		if screen "$pane" 2>/dev/null | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.05
	done
	fail "$pane's screen never showed \"$text\""
}

# wait_gone PANE TEXT [SECONDS]: poll PANE until TEXT is gone.
wait_gone() {
	local pane=$1 text=$2 limit=${3:-10} i
	for ((i = 0; i < limit * 20; i++)); do
		if ! screen "$pane" 2>/dev/null | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.05
	done
	fail "$pane's screen still shows \"$text\""
}

keys() { local pane=$1; shift; t send-keys -t "$pane" "$@"; }
text() { t send-keys -t "$1" -l -- "$2"; }

for tool in tmux ssh ssh-keygen; do
	command -v "$tool" >/dev/null || { echo "e2e-serve: $tool is required" >&2; exit 2; }
done

bin=${REACH_E2E_BIN:-}
if [[ -z "$bin" ]]; then
	step "building reach"
	(cd "$root" && go build -o "$tmp/reach" .)
	bin=$tmp/reach
fi

mkdir -p "$tmp/home/.ssh" "$tmp/state"
chmod 700 "$tmp/home/.ssh"
for who in alice bob mallory; do
	ssh-keygen -q -t ed25519 -N '' -C "$who" -f "$tmp/$who"
done
cat "$tmp/alice.pub" "$tmp/bob.pub" >"$tmp/home/.ssh/authorized_keys"
hostkey=$tmp/state/reach/serve_host_ed25519
log=$tmp/state/reach/reach.log

# start_server: reach serve in the srv pane, on a free port, with the
# default host key and authorized_keys (HOME and XDG_STATE_HOME are the
# temporary ones); sets port and hostfp.
start_server() {
	: >"$tmp/serve.err"
	t kill-session -t srv 2>/dev/null || true
	t new-session -d -s srv -x 100 -y 10 \
		"env HOME='$tmp/home' XDG_STATE_HOME='$tmp/state' '$bin' serve --demo --listen 127.0.0.1:0 2>'$tmp/serve.err'; echo SERVER-EXIT=\$?; sleep 600"
	local i
	for ((i = 0; i < 200; i++)); do
		grep -q "listening on" "$tmp/serve.err" 2>/dev/null && break
		sleep 0.05
	done
	grep -q "listening on" "$tmp/serve.err" || fail "the server did not start"
	port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$tmp/serve.err" | head -n1)
	hostfp=$(sed -n 's/.*(host key \(SHA256:[^)]*\)).*/\1/p' "$tmp/serve.err" | head -n1)
	[[ -n "$port" && -n "$hostfp" ]] || fail "no port or host key fingerprint in: $(cat "$tmp/serve.err")"
}

sshopts=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o IdentitiesOnly=yes -o BatchMode=yes)

# join PANE KEY WIDTH HEIGHT: a shell in a new pane runs ssh -t; the shell
# stays after ssh ends, so the screen shows whether the terminal was
# restored.
join() {
	local pane=$1 key=$2 w=$3 h=$4
	t kill-session -t "$pane" 2>/dev/null || true
	t new-session -d -s "$pane" -x "$w" -y "$h" \
		"env -i HOME='$tmp/home' PATH='$PATH' TERM=screen-256color PS1='$pane\$ ' bash --norc --noprofile"
	t set-option -t "$pane" status off
	wait_for "$pane" "$pane\$"
	text "$pane" "ssh ${sshopts[*]} -i '$tmp/$key' -p $port -t 127.0.0.1; echo \"SSH-EXIT=\$?\""
	keys "$pane" Enter
}

step "starting reach serve --demo (first start: creates the host key)"
start_server
[[ -s "$hostkey" ]] || fail "no host key at $hostkey"
[[ "$(stat -c %a "$hostkey")" == 600 ]] || fail "the host key is not private: $(stat -c %a "$hostkey")"
first_fp=$hostfp

step "refusing a key that is not in authorized_keys"
if ssh "${sshopts[@]}" -i "$tmp/mallory" -p "$port" -t 127.0.0.1 true 2>"$tmp/mallory.err" </dev/null; then
	fail "mallory's key was let in"
fi
grep -q "Permission denied (publickey)" "$tmp/mallory.err" || fail "mallory was not refused by public key: $(cat "$tmp/mallory.err")"
# Public keys are the only method offered: no password, no keyboard-interactive.
methods=$(ssh -v "${sshopts[@]}" -i "$tmp/mallory" -p "$port" 127.0.0.1 true </dev/null 2>&1 |
	tr -d '\r' | sed -n 's/.*Authentications that can continue: //p' | sort -u || true)
[[ "$methods" == publickey ]] || fail "the server offers \"$methods\", not publickey alone"

step "alice joins (100x30) and drives"
join alice alice 100 30
wait_for alice "driving: alice"
wait_for alice "batch-1"
wait_for alice "you drive"

step "bob joins (80x24) and watches the same investigation"
join bob bob 80 24
wait_for bob "driving: alice · watching: bob"
wait_for bob "batch-1"
wait_for alice "watching: bob"
# Each at its own size: alice's wider browser has the PUBLIC IP column.
screen alice | grep -qF "PUBLIC IP" || fail "alice's 100-column browser lacks the PUBLIC IP column"
screen bob | grep -qF "PUBLIC IP" && fail "bob's 80-column browser should not fit the PUBLIC IP column"

step "bob follows alice's filter"
keys alice /
text alice "batch"
keys alice Enter
wait_gone bob "app-1"
wait_for bob "batch-1"
wait_gone alice "app-1"

step "bob's keys change nothing"
screen alice | sed '$d' >"$tmp/alice.before"
keys bob /
text bob "web"
keys bob Enter s d p r w
wait_for bob "keys do not change the investigation"
wait_for alice "watching: bob"
screen alice | sed '$d' >"$tmp/alice.after"
cmp -s "$tmp/alice.before" "$tmp/alice.after" || fail "bob's keys changed alice's screen: $(diff "$tmp/alice.before" "$tmp/alice.after" || true)"
screen bob | grep -qF "web-1" && fail "bob's own filter reached the investigation"
screen bob | grep -qF "watch 5s" && fail "bob's w turned watch mode on"

step "hand-over: bob asks (ctrl+o), alice grants (ctrl+o)"
keys bob C-o
wait_for alice "bob asks for control"
keys alice C-o
wait_for bob "driving: bob"
wait_for bob "you drive"
wait_for alice "driving: bob · watching: alice"
# One key at a time after esc: esc and the next key sent together read
# as alt+key.
keys bob Escape
wait_for alice "app-1"
keys bob /
text bob "web"
keys bob Enter
wait_for alice "web-1"
wait_gone alice "batch-1"

step "alice (watching) leaves; bob keeps driving"
keys alice q
wait_for alice "SSH-EXIT=0"
wait_gone bob "watching: alice"
wait_for bob "driving: bob"
keys bob Escape
wait_for bob "batch-1"

step "carol (alice's key again) joins; bob (driving) leaves; carol drives"
join carol alice 80 24
wait_for carol "watching: alice"
keys bob q
wait_for bob "SSH-EXIT=0"
wait_for carol "driving: alice"
wait_for carol "you drive"

step "a path checked, then R writes the session report; every seat sees where"
join bob bob 80 24
wait_for bob "watching: bob"
keys carol /
text carol "batch"
keys carol Enter s
wait_for carol "now press d"
keys carol /
text carol "10.0.33.12"
keys carol Enter d
wait_for carol "Check a path"
text carol "5432"
keys carol Enter
wait_for carol "UNREACHABLE"
wait_for bob "UNREACHABLE"
keys carol R
wait_for carol "session report (1 paths) written to"
wait_for bob "session report (1 paths) written to"
report=$(ls "$tmp"/state/reach/reports/reach-session-*.md 2>/dev/null | head -n1)
[[ -n "$report" ]] || fail "no report in \$XDG_STATE_HOME/reach/reports"
grep -qF "## 1. eni-0f6a7b8c9d0e10014 → eni-0f6a7b8c9d0e10022:5432/tcp" "$report" || fail "the report lacks the path: $(cat "$report")"
grep -qF "unreachable" "$report" || fail "the report lacks the verdict"
grep -qF "security-group" "$report" || fail "the report lacks the deciding layer"

step "Ctrl-C on the server ends every session and restores the terminals"
keys srv C-c
wait_for srv "SERVER-EXIT=0" 15
wait_for carol "SSH-EXIT=0" 10
wait_for bob "SSH-EXIT=0" 10
for pane in carol bob; do
	[[ "$(t display-message -p -t "$pane" '#{alternate_on}')" == 0 ]] || fail "$pane is still in the alternate screen"
	[[ "$(t display-message -p -t "$pane" '#{cursor_flag}')" == 1 ]] || fail "$pane's cursor is hidden"
	screen "$pane" | grep -qF "UNREACHABLE" && fail "$pane's screen still shows the investigation"
done

step "the log names who connected, from where, with which key"
alice_fp=$(ssh-keygen -lf "$tmp/alice.pub" | awk '{print $2}')
mallory_fp=$(ssh-keygen -lf "$tmp/mallory.pub" | awk '{print $2}')
grep "serve connect" "$log" | grep -qF "$alice_fp" || fail "no connect line with alice's fingerprint in $log"
grep "serve connect" "$log" | grep -q "from=127.0.0.1:" || fail "no client address in $log"
grep "serve refused key" "$log" | grep -qF "$mallory_fp" || fail "mallory's refusal is not logged"

step "restarting: the host key is reused"
start_server
[[ "$hostfp" == "$first_fp" ]] || fail "the host key changed across restarts: $first_fp -> $hostfp"
keys srv C-c
wait_for srv "SERVER-EXIT=0" 15

step "PASS"
