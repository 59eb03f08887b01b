#!/usr/bin/env bash
# e2e-live.sh: drive the real `reach` terminal in tmux against live
# endpoints, the way an SRE meets them in an incident, and read the screen:
#
#   1. a closed port: the load fails, and the screen says so (no green
#      "loaded", no "no network interfaces in this account");
#   2. a port that accepts and never answers: the progress line shows the
#      elapsed time and the calls it waits on, then the load's deadline ends
#      the wait and the screen says so;
#   3. moto seeded with an account: the header names the account, Region and
#      profile; in the picker the exact name wins over a longer one and tab
#      moves on; ":sort private" sorts the list; q quits.
#
# Usage: scripts/e2e-live.sh
#   REACH_E2E_BIN  use this binary instead of building one
#   REACH_E2E_KEEP keep the temporary directory on exit
# Needs: go, tmux, moto_server, the AWS CLI, python3.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/reach-e2e-live.XXXXXX")
sock="reach-e2e-live-$$"
scenario=0
t() { tmux -L "$sock-$scenario" -f /dev/null "$@"; }
pids=()

cleanup() {
	t kill-server 2>/dev/null || true
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	if [[ -n "${REACH_E2E_KEEP:-}" ]]; then
		echo "e2e-live: kept $tmp" >&2
	else
		for _ in 1 2 3 4 5; do rm -rf "$tmp" 2>/dev/null && break; sleep 0.2; done
	fi
}
trap cleanup EXIT

fail() {
	echo "e2e-live: FAIL: $*" >&2
	echo "--- screen:" >&2
	t capture-pane -p -t e2e >&2 || true
	exit 1
}
step() { echo "e2e-live: $*"; }

wait_for() {
	local text=$1 limit=${2:-15} i
	for ((i = 0; i < limit * 20; i++)); do
		if t capture-pane -p -t e2e | grep -qF -- "$text"; then
			return 0
		fi
		sleep 0.05
	done
	fail "the screen never showed \"$text\""
}
screen_has() { t capture-pane -p -t e2e | grep -qF -- "$1"; }
# wait_for_either A B [SECONDS]: whichever the screen shows first.
wait_for_either() {
	local limit=${3:-15} i
	for ((i = 0; i < limit * 20; i++)); do
		if screen_has "$1" || screen_has "$2"; then
			return 0
		fi
		sleep 0.05
	done
	fail "the screen showed neither \"$1\" nor \"$2\""
}
keys() { t send-keys -t e2e "$@"; }
text() { t send-keys -t e2e -l -- "$1"; }

for tool in tmux moto_server aws python3; do
	command -v "$tool" >/dev/null || { echo "e2e-live: $tool is required" >&2; exit 2; }
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

bin=${REACH_E2E_BIN:-}
if [[ -z "$bin" ]]; then
	step "building reach"
	(cd "$root" && go build -o "$tmp/reach" .)
	bin=$tmp/reach
fi

# reach_in_pane ENDPOINT ARGS...: a fresh 80x24 pane running reach against
# ENDPOINT with dummy keys and nothing from the machine's AWS configuration.
reach_in_pane() {
	local endpoint=$1
	shift
	# Each scenario gets a tmux server of its own.
	t kill-server 2>/dev/null || true
	scenario=$((scenario + 1))
	mkdir -p "$tmp/state" "$tmp/home"
	t new-session -d -s e2e -x 80 -y 24 \
		"env -i HOME='$tmp/home' PATH='$PATH' TERM=screen-256color XDG_STATE_HOME='$tmp/state' \
		AWS_ENDPOINT_URL='$endpoint' AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \
		AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE='$tmp/home/config' AWS_SHARED_CREDENTIALS_FILE='$tmp/home/credentials' \
		'$bin' $*; sleep 30"
	t set-option -t e2e status off
}

step "1. a closed port"
closed=$(free_port)
reach_in_pane "http://127.0.0.1:$closed" --call-timeout 2s
wait_for "Cannot reach the AWS endpoint" 20
screen_has "✓ loaded" && fail "a failed load is drawn as loaded"
screen_has "no network interfaces in this account" && fail "a failed load looks like an empty account"
wait_for "could not be read"

step "2. a port that never answers"
silent=$(free_port)
python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(64)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' "$silent" &
pids+=($!)
sleep 0.3
reach_in_pane "http://127.0.0.1:$silent" --call-timeout 1s --load-timeout 4s
wait_for "waiting on:" 10
wait_for "1s loaded" 10
# Whichever deadline ends the wait first: the calls' or the load's.
wait_for_either "Timed out waiting for AWS" "time budget of 4s ran out" 30
screen_has "✓ loaded" && fail "a load that timed out is drawn as loaded"

step "3. moto seeded with an account"
mport=$(free_port)
moto_server -H 127.0.0.1 -p "$mport" >"$tmp/moto.log" 2>&1 &
pids+=($!)
endpoint="http://127.0.0.1:$mport"
for _ in $(seq 100); do curl -sf "$endpoint/moto-api/" >/dev/null 2>&1 && break; sleep 0.1; done
awsm() { AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 aws --endpoint-url "$endpoint" --output text "$@"; }
vpc=$(awsm ec2 create-vpc --cidr-block 10.20.0.0/16 --query Vpc.VpcId)
subnet=$(awsm ec2 create-subnet --vpc-id "$vpc" --cidr-block 10.20.1.0/24 --query Subnet.SubnetId)
for spec in "app-1 10.20.1.45" "staging-app-1 10.20.1.9" "batch-1 10.20.1.200"; do
	set -- $spec
	awsm ec2 create-network-interface --subnet-id "$subnet" --private-ip-address "$2" \
		--tag-specifications "ResourceType=network-interface,Tags=[{Key=Name,Value=$1}]" --query NetworkInterface.NetworkInterfaceId >/dev/null
done
# A Name tag that would turn the rest of the line around and hide a
# character, if it reached the terminal as it is. (EC2 answers in XML, which
# cannot carry an escape or a bell: the unit tests push those through the
# JSON APIs and flow logs.)
eni=$(awsm ec2 create-network-interface --subnet-id "$subnet" --private-ip-address 10.20.1.66 --query NetworkInterface.NetworkInterfaceId)
awsm ec2 create-tags --resources "$eni" --tags '[{"Key":"Name","Value":"evil\u202eflip\u200bx"}]'
reach_in_pane "$endpoint"
wait_for "account 123456789012" 20
wait_for "us-east-1 · profile default"
wait_for "staging-app-1" 20

step "a hostile Name tag is drawn inert"
wait_for 'evil\u202eflip'
t capture-pane -p -t e2e | grep -q $'\u202e' && fail "a bidi override reached the screen"

step "picker: the exact name wins, tab moves on"
keys p
wait_for "Check a path"
text "app-1"
wait_for "suggestions"
keys Tab
wait_for "▸to"
t capture-pane -p -t e2e | grep -F "from" | grep -qF "staging" && fail "tab replaced app-1 with a longer name"
t capture-pane -p -t e2e | grep -qE "from +app-1" || fail "the source is no longer app-1"
keys Escape
# A terminal sends a lone ESC; the key after it must not arrive so soon
# that the two read as alt+key.
for _ in $(seq 100); do screen_has "Check a path" || break; sleep 0.05; done
screen_has "Check a path" && fail "esc did not close the picker"

step ":sort private"
keys :
text "sort private"
keys Enter
wait_for "PRIVATE IP↑"
first=$(t capture-pane -p -t e2e | grep -E "^(app-1|staging-app-1|batch-1) " | head -n1)
[[ "$first" == staging-app-1* ]] || fail "sorted by address, 10.20.1.9 comes first; got: $first"

step "quitting"
keys q
sleep 0.3
# q asks first while a load or a check still runs.
if screen_has "quit? y to quit"; then keys y; fi
for _ in $(seq 100); do screen_has "ENIs" || break; sleep 0.05; done
screen_has "ENIs" && fail "q did not quit"

step "PASS"
