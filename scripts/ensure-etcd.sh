#!/usr/bin/env bash
# ensure-etcd.sh: make sure etcd and etcdctl (etcd 3.4 or newer) are available.
#
#   source scripts/ensure-etcd.sh        # exports ETCD_BIN, sets ETCDCTL_BIN (absolute paths)
#   eval "$(scripts/ensure-etcd.sh)"     # same from a child process; stdout is only these two assignments
#
# ETCDCTL_BIN is set but deliberately not exported: etcdctl warns about every unknown ETCDCTL_* variable in
# its environment (and etcd about every unknown ETCD_* one, so start etcd with `env -u ETCD_BIN`).
#
# Where it looks, in order:
#   1. $ETCD_BIN, if set and executable (etcdctl beside it, else $ETCDCTL_BIN, else etcdctl on PATH);
#   2. etcd and etcdctl on PATH;
#   3. as root (or with passwordless sudo) on Debian/Ubuntu: apt-get install etcd-server etcd-client.
#      Debian's package would start a system etcd service on 127.0.0.1:2379; the script keeps it from
#      starting (a temporary policy-rc.d) and stops/disables it if it started anyway. Tests and the demo
#      run their own etcd on free loopback ports and never use 2379.
# Progress, the versions found and errors go to stderr.

# Sourced: run this file as a child bash (so `set -e` and traps behave the same whatever the caller's
# context) and take its `export` lines.
if (return 0 2>/dev/null); then
	if _ensure_etcd_exports=$(ETCD_BIN="${ETCD_BIN:-}" ETCDCTL_BIN="${ETCDCTL_BIN:-}" "${BASH:-bash}" "${BASH_SOURCE[0]}"); then
		eval "$_ensure_etcd_exports"
		unset _ensure_etcd_exports
		return 0
	fi
	unset _ensure_etcd_exports
	return 1
fi

set -euo pipefail

min_version=3.4.0
fix_hint="install Debian's etcd-server and etcd-client packages, or set ETCD_BIN=/path/to/etcd"

say() { printf 'ensure-etcd: %s\n' "$*" >&2; }
die() {
	say "ERROR: $*"
	say "To fix: ${fix_hint}"
	say "        (e.g. 'sudo apt-get install etcd-server etcd-client' on Debian 12+/Ubuntu 24.04+;"
	say "         etcd 3.4+ is needed, older distributions ship 3.3)"
	exit 1
}

version_ge() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]; }

abs_path() { # abs_path FILE -> absolute path of FILE (directory part resolved)
	local dir
	dir=$(cd "$(dirname -- "$1")" && pwd -P)
	printf '%s/%s\n' "$dir" "$(basename -- "$1")"
}

etcd_version() { "$1" --version 2>/dev/null | sed -n 's/^etcd Version: *\([0-9][0-9.]*\).*/\1/p' | head -n1; }
etcdctl_version() {
	ETCDCTL_API=3 "$1" version 2>/dev/null | sed -n 's/^etcdctl version: *\([0-9][0-9.]*\).*/\1/p' | head -n1
}

# check_pair ETCD ETCDCTL: prints "etcd_version etcdctl_version" and succeeds if both are >= min.
check_pair() {
	local ev cv
	ev=$(etcd_version "$1" || true)
	cv=$(etcdctl_version "$2" || true)
	printf '%s %s\n' "${ev:-unknown}" "${cv:-unknown}"
	[[ -n "$ev" && -n "$cv" ]] && version_ge "$ev" "$min_version" && version_ge "$cv" "$min_version"
}

found_etcd=""
found_ctl=""
report() { # report ETCD ETCDCTL VERSIONS
	local ev cv
	read -r ev cv <<<"$3"
	say "using etcd ${ev} (${1}), etcdctl ${cv} (${2})"
	found_etcd=$1
	found_ctl=$2
}

# 1. An explicit ETCD_BIN.
if [[ -n "${ETCD_BIN:-}" ]]; then
	candidate=$ETCD_BIN
	if [[ "$candidate" != */* ]]; then
		candidate=$(command -v -- "$candidate" || true)
	fi
	if [[ -n "$candidate" && -f "$candidate" && -x "$candidate" ]]; then
		etcd=$(abs_path "$candidate")
		ctl="$(dirname -- "$etcd")/etcdctl"
		if [[ ! -x "$ctl" ]]; then
			if [[ -n "${ETCDCTL_BIN:-}" && -x "${ETCDCTL_BIN}" ]]; then
				ctl=$(abs_path "$ETCDCTL_BIN")
			elif command -v etcdctl >/dev/null 2>&1; then
				ctl=$(abs_path "$(command -v etcdctl)")
				say "no etcdctl beside ${etcd}; using ${ctl} from PATH"
			else
				die "ETCD_BIN=${ETCD_BIN} is set, but there is no etcdctl beside it, in ETCDCTL_BIN or on PATH"
			fi
		fi
		if versions=$(check_pair "$etcd" "$ctl"); then
			report "$etcd" "$ctl" "$versions"
		else
			die "ETCD_BIN=${ETCD_BIN}: etcd/etcdctl versions are '${versions}', need ${min_version} or newer"
		fi
	else
		say "WARNING: ETCD_BIN=${ETCD_BIN} is not an executable file; ignoring it"
	fi
fi

# 2. etcd and etcdctl on PATH.
try_path() {
	local e c versions
	e=$(command -v etcd 2>/dev/null || true)
	c=$(command -v etcdctl 2>/dev/null || true)
	[[ -n "$e" && -n "$c" ]] || return 1
	e=$(abs_path "$e")
	c=$(abs_path "$c")
	if versions=$(check_pair "$e" "$c"); then
		report "$e" "$c" "$versions"
	else
		say "found ${e} and ${c} on PATH, but their versions are '${versions}'; need ${min_version} or newer"
		return 1
	fi
}
if [[ -z "$found_etcd" ]]; then
	try_path || true
fi

# 3. Install Debian's packages.
if [[ -z "$found_etcd" ]]; then
	sudo=()
	if [[ "$(id -u)" != 0 ]]; then
		if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
			sudo=(sudo -n)
		else
			die "etcd/etcdctl ${min_version}+ not found, and not root (nor passwordless sudo) to install them"
		fi
	fi
	command -v apt-get >/dev/null 2>&1 ||
		die "etcd/etcdctl ${min_version}+ not found, and apt-get is not available to install them"

	# Keep the package from starting a system etcd service (it is denied in containers anyway).
	policy=/usr/sbin/policy-rc.d
	made_policy=0
	cleanup_policy() {
		if ((made_policy)); then "${sudo[@]}" rm -f "$policy" || true; fi
	}
	trap cleanup_policy EXIT
	if [[ ! -e "$policy" ]]; then
		printf '#!/bin/sh\n# temporary, from coordinator-ha scripts/ensure-etcd.sh\nexit 101\n' |
			"${sudo[@]}" tee "$policy" >/dev/null
		"${sudo[@]}" chmod 755 "$policy"
		made_policy=1
	fi

	say "etcd/etcdctl ${min_version}+ not found: installing Debian's etcd-server and etcd-client (apt-get)..."
	"${sudo[@]}" apt-get update >&2 ||
		die "'apt-get update' failed"
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-upgrade etcd-server etcd-client >&2 ||
		die "'apt-get install -y etcd-server etcd-client' failed"
	cleanup_policy
	made_policy=0
	trap - EXIT

	# If a system etcd service started regardless, stop it: nothing here should talk to it.
	if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
		if systemctl is-active --quiet etcd 2>/dev/null || systemctl is-enabled --quiet etcd 2>/dev/null; then
			say "stopping and disabling the system etcd service the package set up (2379 stays free)"
			"${sudo[@]}" systemctl disable --now etcd >&2 || say "WARNING: could not stop etcd.service"
		fi
	elif [[ -x /etc/init.d/etcd ]] && pgrep -u etcd -x etcd >/dev/null 2>&1; then
		say "stopping the system etcd service the package started (2379 stays free)"
		"${sudo[@]}" /etc/init.d/etcd stop >&2 || say "WARNING: could not stop the etcd service"
	fi

	hash -r
	PATH="${PATH}:/usr/bin"
	try_path || die "etcd/etcdctl ${min_version}+ still not usable after installing the Debian packages"
fi

printf 'export ETCD_BIN=%q\n' "$found_etcd"
printf 'ETCDCTL_BIN=%q\n' "$found_ctl"
