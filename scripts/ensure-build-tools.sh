#!/usr/bin/env bash
# ensure-build-tools.sh: make sure a JDK 17+ (java and javac) and Maven 3.6.3+ are available, and that
# Maven itself runs on Java 17+.
#
#   source scripts/ensure-build-tools.sh      # may export JAVA_HOME and PATH if it had to pick a JDK
#   eval "$(scripts/ensure-build-tools.sh)"   # same from a child process; stdout is only `export ...` lines
#
# If something is missing and we are root (or have passwordless sudo) on Debian/Ubuntu, it installs
# openjdk-17-jdk-headless and maven with apt-get. If Maven runs on an older Java although a JDK 17+ is
# installed under /usr/lib/jvm, it points JAVA_HOME (and PATH) at that JDK.
# Progress, the versions found and errors go to stderr.

# Sourced: run this file as a child bash and take its `export` lines.
if (return 0 2>/dev/null); then
	if _ensure_build_exports=$(JAVA_HOME="${JAVA_HOME:-}" PATH="$PATH" "${BASH:-bash}" "${BASH_SOURCE[0]}"); then
		eval "$_ensure_build_exports"
		unset _ensure_build_exports
		return 0
	fi
	unset _ensure_build_exports
	return 1
fi

set -euo pipefail

min_java=17
min_maven=3.6.3
fix_hint="install a JDK 17+ and Maven 3.6.3+ (Debian/Ubuntu: 'sudo apt-get install openjdk-17-jdk-headless maven'), or set JAVA_HOME to a JDK 17+"

say() { printf 'ensure-build-tools: %s\n' "$*" >&2; }
die() {
	say "ERROR: $*"
	say "To fix: ${fix_hint}"
	exit 1
}

version_ge() { [[ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" == "$2" ]]; }

# java_major JAVA -> major version (8 for "1.8.0_x", 17 for "17.0.15"), empty if unknown.
java_major() {
	local v
	v=$("$1" -version 2>&1 | sed -n 's/.* version "\([^"]*\)".*/\1/p' | head -n1) || true
	case "$v" in
	"") ;;
	1.*) v=${v#1.} && printf '%s\n' "${v%%[^0-9]*}" ;;
	*) printf '%s\n' "${v%%[^0-9]*}" ;;
	esac
}

problems=()
mvn_java=""
mvn_ver=""
check() {
	problems=()
	local java_bin javac_bin major mvn_out
	if [[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]]; then
		java_bin="${JAVA_HOME}/bin/java"
		javac_bin="${JAVA_HOME}/bin/javac"
	else
		java_bin=$(command -v java 2>/dev/null || true)
		javac_bin=$(command -v javac 2>/dev/null || true)
	fi
	if [[ -z "$java_bin" ]]; then
		problems+=("java not found")
	else
		major=$(java_major "$java_bin")
		if [[ -z "$major" ]] || ((major < min_java)); then
			problems+=("${java_bin} is Java ${major:-unknown}, need ${min_java}+")
		fi
		if [[ -z "$javac_bin" || ! -x "$javac_bin" ]]; then
			problems+=("javac not found (a JRE is not enough to build)")
		fi
	fi
	# `java` on PATH is what runs the demo's jars; it must be 17+ too.
	local path_java
	path_java=$(command -v java 2>/dev/null || true)
	if [[ -n "$path_java" && "$path_java" != "$java_bin" ]]; then
		major=$(java_major "$path_java")
		if [[ -z "$major" ]] || ((major < min_java)); then
			problems+=("java on PATH (${path_java}) is Java ${major:-unknown}, need ${min_java}+")
		fi
	fi
	if ! command -v mvn >/dev/null 2>&1; then
		problems+=("mvn not found")
	else
		mvn_out=$(mvn -B -v 2>&1 | sed 's/\x1b\[[0-9;]*m//g' || true)
		mvn_ver=$(printf '%s\n' "$mvn_out" | sed -n 's/^Apache Maven \([0-9][0-9.]*\).*/\1/p' | head -n1)
		mvn_java=$(printf '%s\n' "$mvn_out" | sed -n 's/^Java version: \([^,]*\),.*/\1/p' | head -n1)
		if [[ -z "$mvn_ver" ]] || ! version_ge "$mvn_ver" "$min_maven"; then
			problems+=("mvn is Maven ${mvn_ver:-unknown}, need ${min_maven}+")
		fi
		local mj=${mvn_java#1.}
		mj=${mj%%[^0-9]*}
		if [[ -z "$mj" ]] || ((mj < min_java)); then
			problems+=("Maven runs on Java ${mvn_java:-unknown}, need ${min_java}+ (set JAVA_HOME)")
		fi
	fi
	((${#problems[@]} == 0))
}

# A JDK 17+ already installed under /usr/lib/jvm, if any (Debian's OpenJDK 17 first).
find_jdk() {
	local d major
	while IFS= read -r d; do
		d=${d%/}
		[[ -x "$d/bin/java" && -x "$d/bin/javac" && ! -L "$d" ]] || continue
		major=$(java_major "$d/bin/java")
		if [[ -n "$major" ]] && ((major >= min_java)); then
			printf '%s\n' "$d"
			return 0
		fi
	done < <(
		shopt -s nullglob
		printf '%s\n' /usr/lib/jvm/java-17-openjdk*/
		printf '%s\n' /usr/lib/jvm/*/ | sort -V
	)
	return 1
}

exports=()
use_jdk() {
	export JAVA_HOME=$1
	export PATH="${JAVA_HOME}/bin:${PATH}"
	exports=("JAVA_HOME" "PATH")
	say "using the JDK in ${JAVA_HOME}"
}

can_install() {
	command -v apt-get >/dev/null 2>&1 || return 1
	if [[ "$(id -u)" == 0 ]]; then
		sudo=()
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo=(sudo -n)
	else
		return 1
	fi
}

if ! check; then
	jdk=$(find_jdk || true)
	if [[ -n "$jdk" && "${JAVA_HOME:-}" != "$jdk" ]]; then
		use_jdk "$jdk"
	fi
fi
if ! check; then
	for p in "${problems[@]}"; do say "$p"; done
	can_install || die "cannot install the missing tools (needs root or passwordless sudo, and apt-get)"
	say "installing a JDK and Maven with apt-get..."
	"${sudo[@]}" apt-get update >&2 || die "'apt-get update' failed"
	jdk_pkg=openjdk-17-jdk-headless
	if ! apt-cache show "$jdk_pkg" >/dev/null 2>&1; then
		jdk_pkg=default-jdk-headless # distributions that no longer ship 17 ship a newer default
	fi
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-upgrade "$jdk_pkg" maven >&2 ||
		die "'apt-get install -y ${jdk_pkg} maven' failed"
	hash -r
	if ! check; then
		jdk=$(find_jdk || true)
		[[ -n "$jdk" ]] && use_jdk "$jdk"
	fi
	if ! check; then
		for p in "${problems[@]}"; do say "$p"; done
		die "build tools still not usable after installing ${jdk_pkg} and maven"
	fi
fi

# The TLS tests make their certificates with openssl.
if ! command -v openssl >/dev/null 2>&1; then
	can_install || die "openssl is missing (the TLS tests make certificates with it): install it, e.g. 'sudo apt-get install openssl'"
	say "installing openssl with apt-get..."
	{ "${sudo[@]}" apt-get update && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-upgrade openssl; } >&2 ||
		die "'apt-get install -y openssl' failed"
fi

say "using Maven ${mvn_ver} on Java ${mvn_java}"
for name in "${exports[@]}"; do
	printf 'export %s=%q\n' "$name" "${!name}"
done
