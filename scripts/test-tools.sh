#!/usr/bin/env bash
# test-tools.sh: the tools the tests use beyond Go.
#   check    say which are missing and which tests skip without them
#            (make test runs this first, so the skips are in its output)
#   install  install the missing ones: apt-get for the system packages,
#            pip for moto and the AWS CLI (make test-tools)
set -euo pipefail

# name|how to tell it is there|Debian package or pip requirement|what needs it
tools=(
	"moto_server|command -v moto_server|pip:moto[server]|the AWS emulator tests (live loading, snapshots saved from moto, flow logs)"
	"aws|command -v aws|pip:awscli|the snapshot tests that compare reach with the AWS CLI's own output"
	"tmux|command -v tmux|apt:tmux|make e2e, the terminal driven at 80x24"
	"ssh|command -v ssh && command -v ssh-keygen|apt:openssh-client|make e2e, reach serve driven by the OpenSSH client"
	"bash-completion|test -f /usr/share/bash-completion/bash_completion|apt:bash-completion|the bash completion test"
	"zsh|command -v zsh|apt:zsh|the zsh completion test"
	"fish|command -v fish|apt:fish|the fish completion test"
	"mandoc|command -v mandoc || command -v groff|apt:mandoc|the man page lint"
)

missing=()
for t in "${tools[@]}"; do
	IFS='|' read -r name probe _ _ <<<"$t"
	if ! bash -c "$probe" >/dev/null 2>&1; then
		missing+=("$t")
	fi
done

case ${1:-check} in
check)
	for t in "${missing[@]}"; do
		IFS='|' read -r name _ pkg what <<<"$t"
		echo "NOTE: $name is not installed: $what will SKIP (make test-tools installs it; ${pkg/:/ install })" >&2
	done
	if ((${#missing[@]})) && [[ ${REACH_REQUIRE_MOTO:-} == 1 ]]; then
		echo "NOTE: REACH_REQUIRE_MOTO=1: a missing moto_server fails the emulator tests instead" >&2
	fi
	;;
install)
	apt=() pip=()
	for t in "${missing[@]}"; do
		IFS='|' read -r _ _ pkg _ <<<"$t"
		case $pkg in
		apt:*) apt+=("${pkg#apt:}") ;;
		pip:*) pip+=("${pkg#pip:}") ;;
		esac
	done
	sudo=()
	if ((EUID != 0)); then sudo=(sudo); fi
	if ((${#apt[@]})); then
		"${sudo[@]}" apt-get update
		"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${apt[@]}"
	fi
	if ((${#pip[@]})); then
		python3 -m pip install "${pip[@]}"
	fi
	echo "test tools: all present" >&2
	;;
*)
	echo "usage: $0 check|install" >&2
	exit 2
	;;
esac
