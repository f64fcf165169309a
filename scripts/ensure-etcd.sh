#!/usr/bin/env bash
# ensure-etcd.sh: make sure etcd and etcdctl (etcd 3.4 or newer) are available.
#
#   source scripts/ensure-etcd.sh        # exports ETCD_BIN, sets ETCDCTL_BIN (absolute paths)
#   eval "$(scripts/ensure-etcd.sh)"     # same from a child process; stdout is only these two assignments
#   ETCD_VERSION=3.5 source scripts/ensure-etcd.sh   # a given version (below); scripts/test.sh --etcd 3.5
#
# ETCDCTL_BIN is set but deliberately not exported: etcdctl warns about every unknown ETCDCTL_* variable in
# its environment (and etcd about every unknown ETCD_* one, so start etcd with `env -u ETCD_BIN`).
# ETCD_VERSION is worse: etcd reads it as its --version flag, and etcd 3.4 refuses to start with it set
# ("invalid value ... for ETCD_VERSION"). Sourcing this file un-exports it; never export it to etcd.
#
# ETCD_VERSION picks the etcd:
#   unset or empty   any etcd 3.4+, found as in 1-3 below (on Debian 12 that is bookworm's 3.4.23);
#   3.4 or 3.4.N     found as in 1-3 below, and it must be that version;
#   3.5              the pinned 3.5 below (pinned_35), from Debian's packages as in 0;
#   3.5.N or newer   that version from Debian's packages as in 0, if a suite in ETCD_DEBIAN_SUITES has it.
#
# 0. A fetched version: the etcd-server and etcd-client .debs of a newer Debian suite (they need only
#    libc6 and run on Debian 12), downloaded by apt-get with a private sources list and state directory
#    (-o options: the system's apt sources, lists and dpkg state are neither read for packages nor
#    changed; its apt.conf, e.g. a proxy, still applies). apt checks the suite's InRelease signature
#    against Debian's archive keyring and each .deb against the signed index; the script checks the
#    .deb's SHA256 from that index once more, unpacks it with dpkg-deb -x (no install, no root needed)
#    and keeps etcd, etcdctl and etcdutl in
#    ${ETCD_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/coordinator-ha/etcd}/VERSION/bin. Later runs use
#    that cache with no network. The mirror is the system's Debian mirror (from its apt sources),
#    or ETCD_DEBIAN_MIRROR; suites are tried in the order of ETCD_DEBIAN_SUITES (default below).
#    ETCD_BIN is ignored then (a version was asked for).
# Otherwise, in order:
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
	# etcd would read an exported ETCD_VERSION as its --version flag (see above).
	export -n ETCD_VERSION 2>/dev/null || true
	if _ensure_etcd_exports=$(ETCD_BIN="${ETCD_BIN:-}" ETCDCTL_BIN="${ETCDCTL_BIN:-}" \
		ETCD_VERSION="${ETCD_VERSION:-}" "${BASH:-bash}" "${BASH_SOURCE[0]}"); then
		eval "$_ensure_etcd_exports"
		unset _ensure_etcd_exports
		return 0
	fi
	unset _ensure_etcd_exports
	return 1
fi

set -euo pipefail

min_version=3.4.0
# ETCD_VERSION=3.5 means this one: Debian 13 (trixie, stable) carries it, so it stays in the archive for
# as long as trixie is current. Newer 3.5s: ETCD_VERSION=3.5.N (forky and sid had 3.5.30 when pinned).
pinned_35=3.5.16
default_suites="trixie forky sid"
fix_hint="install Debian's etcd-server and etcd-client packages, or set ETCD_BIN=/path/to/etcd"
fix_example=1

say() { printf 'ensure-etcd: %s\n' "$*" >&2; }
die() {
	say "ERROR: $*"
	say "To fix: ${fix_hint}"
	if ((fix_example)); then
		say "        (e.g. 'sudo apt-get install etcd-server etcd-client' on Debian 12+/Ubuntu 24.04+;"
		say "         etcd 3.4+ is needed, older distributions ship 3.3)"
	fi
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

# The version asked for, if any: "" (any 3.4+), 3.4[.N] (found as in 1-3) or a version to fetch.
wanted=${ETCD_VERSION:-}
[[ "$wanted" == 3.5 ]] && wanted=$pinned_35
if [[ -n "$wanted" && ! "$wanted" =~ ^3\.[0-9]+(\.[0-9]+)?$ ]]; then
	fix_example=0
	fix_hint="set ETCD_VERSION to 3.4, 3.5 (that is ${pinned_35}) or an exact etcd version such as 3.5.30, or unset it"
	die "ETCD_VERSION=${ETCD_VERSION} is not an etcd version"
fi
fetch_wanted=0
if [[ -n "$wanted" && ! "$wanted" =~ ^3\.4(\.|$) ]]; then
	[[ "$wanted" =~ ^3\.[0-9]+\.[0-9]+$ ]] || {
		fix_example=0
		fix_hint="name the patch version, e.g. ETCD_VERSION=${wanted}.0, or use 3.4 or 3.5"
		die "ETCD_VERSION=${ETCD_VERSION}: only 3.4 and 3.5 have a default; which ${wanted}.N?"
	}
	fetch_wanted=1
fi

# 0. Fetch a version from Debian's packages (see the header), or take it from the cache.
cache_root=${ETCD_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME}/.cache}/coordinator-ha/etcd}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

# debian_mirror -> the URL of a Debian archive mirror: ETCD_DEBIAN_MIRROR, else the system's own (the
# apt source whose Release file says Label "Debian", else one whose URL ends in /debian).
debian_mirror() {
	if [[ -n "${ETCD_DEBIAN_MIRROR:-}" ]]; then
		printf '%s\n' "${ETCD_DEBIAN_MIRROR%/}"
		return 0
	fi
	local targets uri
	targets=$(apt-get indextargets --format '$(REPO_URI) $(LABEL)' 2>/dev/null | sort -u || true)
	uri=$(awk '$2 == "Debian" { print $1; exit }' <<<"$targets")
	[[ -n "$uri" ]] || uri=$(awk '$1 ~ /\/debian\/?$/ { print $1; exit }' <<<"$targets")
	[[ -n "$uri" ]] || return 1
	printf '%s\n' "${uri%/}"
}

# fetched_pair DIR VERSION: succeeds if DIR/bin holds a working etcd and etcdctl of VERSION.
fetched_pair() {
	local versions ev cv
	[[ -x "$1/bin/etcd" && -x "$1/bin/etcdctl" ]] || return 1
	versions=$(check_pair "$1/bin/etcd" "$1/bin/etcdctl") || return 1
	read -r ev cv <<<"$versions"
	[[ "$ev" == "$2" && "$cv" == "$2" ]]
}

# fetch_etcd VERSION DEST: download, verify and unpack Debian's etcd-server and etcd-client VERSION into
# DEST/bin. Runs under the cache lock.
fetch_etcd() {
	local version=$1 dest=$2 mirror arch suite state debver line sha file tmp
	local -a apt_opts
	fix_example=0
	fix_hint="make Debian's archive reachable (or set ETCD_DEBIAN_MIRROR to a Debian mirror URL), or set ETCD_BIN to an etcd ${version} binary with ETCD_VERSION unset"
	for tool in apt-get apt-cache dpkg-deb dpkg sha256sum; do
		command -v "$tool" >/dev/null 2>&1 || die "fetching etcd ${version} needs ${tool} (Debian/Ubuntu), which is missing"
	done
	[[ -r "$keyring" ]] ||
		die "fetching etcd ${version} needs Debian's archive keyring ${keyring} (apt-get install debian-archive-keyring)"
	mirror=$(debian_mirror) ||
		die "no Debian mirror in the system's apt sources to fetch etcd ${version} from; set ETCD_DEBIAN_MIRROR"
	arch=$(dpkg --print-architecture)
	tmp=$(mktemp -d "${cache_root}/.fetch.XXXXXX")
	# The cache keeps only checked binaries: the download and the package indexes go, whatever happens.
	# shellcheck disable=SC2064 # expand now: the trap must remove these very directories
	trap "rm -rf '${tmp}' '${cache_root}/apt'" EXIT

	for suite in ${ETCD_DEBIAN_SUITES:-$default_suites}; do
		state="${cache_root}/apt/${suite}"
		mkdir -p "${state}/lists/partial" "${state}/archives/partial" "${state}/sources.list.d" "${state}/preferences.d"
		printf 'deb [signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$suite" >"${state}/sources.list"
		apt_opts=(
			-o "Dir::State=${state}" -o "Dir::State::Lists=${state}/lists" -o "Dir::State::status=/dev/null"
			-o "Dir::Cache=${state}" -o "Dir::Cache::Archives=${state}/archives"
			-o "Dir::Etc::SourceList=${state}/sources.list" -o "Dir::Etc::SourceParts=${state}/sources.list.d"
			-o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=${state}/preferences.d"
			-o "APT::Architecture=${arch}" -o "APT::Architectures=${arch}" -o "Acquire::Languages=none"
			-o "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false"
		)
		# As root apt downloads as the _apt user, who cannot enter a private home directory.
		[[ "$(id -u)" == 0 ]] && apt_opts+=(-o "APT::Sandbox::User=root")
		say "looking for etcd ${version} in Debian ${suite} (${mirror})..."
		if ! apt-get "${apt_opts[@]}" -qq update >&2; then
			say "WARNING: could not read Debian ${suite}'s package index from ${mirror}"
			continue
		fi
		debver=""
		while read -r line; do # "3.5.16-4", maybe "1:3.5.16-4"; the upstream part sits between epoch and revision
			local upstream=${line#*:}
			upstream=${upstream%-*}
			if [[ "$upstream" == "$version" ]] &&
				apt-cache "${apt_opts[@]}" show "etcd-client=${line}" >/dev/null 2>&1; then
				debver=$line
				break
			fi
		done < <(apt-cache "${apt_opts[@]}" madison etcd-server 2>/dev/null | awk -F' *[|] *' '{ print $2 }')
		if [[ -z "$debver" ]]; then
			say "Debian ${suite} has etcd-server $(apt-cache "${apt_opts[@]}" madison etcd-server 2>/dev/null |
				awk -F' *[|] *' '{ printf "%s ", $2 }')(not ${version})"
			continue
		fi

		say "downloading etcd-server and etcd-client ${debver} from Debian ${suite}..."
		(cd "$tmp" && apt-get "${apt_opts[@]}" -qq download "etcd-server=${debver}" "etcd-client=${debver}" >&2) ||
			die "'apt-get download etcd-server=${debver} etcd-client=${debver}' from Debian ${suite} failed"
		mkdir -p "${tmp}/root" "${tmp}/version/bin"
		for pkg in etcd-server etcd-client; do
			file=$(find "$tmp" -maxdepth 1 -name "${pkg}_*.deb" | head -n1)
			sha=$(apt-cache "${apt_opts[@]}" show "${pkg}=${debver}" | sed -n 's/^SHA256: *//p' | head -n1)
			[[ -n "$file" && -n "$sha" ]] || die "no ${pkg} ${debver} .deb or no SHA256 for it in Debian ${suite}'s index"
			[[ "$(sha256sum "$file" | cut -d' ' -f1)" == "$sha" ]] ||
				die "${file##*/} does not match the SHA256 in Debian ${suite}'s signed index"
			dpkg-deb -x "$file" "${tmp}/root"
			printf '%s %s %s %s\n' "$pkg" "$debver" "$suite" "$sha" >>"${tmp}/version/SOURCE"
		done
		for bin in etcd etcdctl etcdutl; do
			if [[ -x "${tmp}/root/usr/bin/${bin}" ]]; then mv "${tmp}/root/usr/bin/${bin}" "${tmp}/version/bin/"; fi
		done
		fetched_pair "${tmp}/version" "$version" ||
			die "the etcd and etcdctl in Debian ${suite}'s ${debver} packages do not run here, or are not ${version}"
		rm -rf "$dest"
		mv "${tmp}/version" "$dest"
		say "etcd ${version} (Debian ${debver}, ${suite}) is now in ${dest}"
		return 0
	done
	fix_hint="pick a version Debian carries (the lines above list them) with ETCD_VERSION, or set ETCD_DEBIAN_SUITES"
	die "no Debian suite of '${ETCD_DEBIAN_SUITES:-$default_suites}' has etcd ${version}"
}

if ((fetch_wanted)); then
	dest="${cache_root}/${wanted}"
	if ! fetched_pair "$dest" "$wanted"; then
		mkdir -p "$cache_root" ||
			{ fix_example=0; fix_hint="set ETCD_CACHE_DIR to a writable directory"; die "cannot create ${cache_root}"; }
		# One fetch at a time: other builds on this machine may run this script at the same moment.
		exec 9>"${cache_root}/.lock"
		if command -v flock >/dev/null 2>&1; then flock 9; fi
		fetched_pair "$dest" "$wanted" || fetch_etcd "$wanted" "$dest"
		exec 9>&-
	fi
	if [[ -n "${ETCD_BIN:-}" ]]; then
		say "ETCD_VERSION=${ETCD_VERSION} asks for etcd ${wanted}: ignoring ETCD_BIN=${ETCD_BIN}"
	fi
	report "${dest}/bin/etcd" "${dest}/bin/etcdctl" "${wanted} ${wanted}"
fi

# 1. An explicit ETCD_BIN.
if [[ -z "$found_etcd" && -n "${ETCD_BIN:-}" ]]; then
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

# 3.4 or 3.4.N asked for: the etcd found must be that version.
if [[ -n "$wanted" ]] && ! ((fetch_wanted)); then
	found_version=$(etcd_version "$found_etcd")
	if [[ "$found_version" != "$wanted" && "$found_version" != "$wanted".* ]]; then
		fix_example=0
		fix_hint="set ETCD_BIN to an etcd ${wanted} binary (Debian 12's etcd-server is 3.4.23), or unset ETCD_VERSION"
		die "ETCD_VERSION=${ETCD_VERSION} asks for etcd ${wanted}, but ${found_etcd} is ${found_version}"
	fi
fi

printf 'export ETCD_BIN=%q\n' "$found_etcd"
printf 'ETCDCTL_BIN=%q\n' "$found_ctl"
