#!/usr/bin/env bash
# test.sh: the project's one test command.
#
#   scripts/test.sh               # unit + integration tests (real etcd processes on free loopback ports)
#   scripts/test.sh -Pchaos       # extra arguments go straight to Maven
#   scripts/test.sh --etcd 3.5    # on another etcd: 3.4 (the default, Debian 12's etcd-server), 3.5 (the
#                                 # pinned 3.5) or an exact version such as 3.5.30; same as ETCD_VERSION=...
#                                 # (scripts/ensure-etcd.sh fetches and caches it from Debian's packages)
#
# Makes sure a JDK 17+, Maven and etcd 3.4+ are there (installing Debian packages when run as root),
# exports ETCD_BIN/ETCDCTL_BIN for the tests, then runs `mvn -B -ntp verify "$@"` from the repo root.
# The exit code is Maven's.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# etcd reads an exported ETCD_VERSION as its --version flag: keep the choice a plain shell variable.
export -n ETCD_VERSION 2>/dev/null || true
case "${1:-}" in
--etcd)
	[[ $# -ge 2 ]] || { echo "test.sh: --etcd needs a version: 3.4, 3.5 or e.g. 3.5.30" >&2; exit 2; }
	ETCD_VERSION=$2
	shift 2
	;;
--etcd=*)
	ETCD_VERSION=${1#--etcd=}
	shift
	;;
esac

# shellcheck source=SCRIPTDIR/ensure-build-tools.sh
source scripts/ensure-build-tools.sh
# shellcheck source=SCRIPTDIR/ensure-etcd.sh
source scripts/ensure-etcd.sh
unset ETCD_VERSION

echo "test.sh: ETCD_BIN=${ETCD_BIN}; running: mvn -B -ntp verify $*" >&2
exec mvn -B -ntp verify "$@"
