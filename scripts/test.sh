#!/usr/bin/env bash
# test.sh: the project's one test command.
#
#   scripts/test.sh               # unit + integration tests (real etcd processes on free loopback ports)
#   scripts/test.sh -Pchaos       # extra arguments go straight to Maven
#
# Makes sure a JDK 17+, Maven and etcd 3.4+ are there (installing Debian packages when run as root),
# exports ETCD_BIN/ETCDCTL_BIN for the tests, then runs `mvn -B -ntp verify "$@"` from the repo root.
# The exit code is Maven's.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=SCRIPTDIR/ensure-build-tools.sh
source scripts/ensure-build-tools.sh
# shellcheck source=SCRIPTDIR/ensure-etcd.sh
source scripts/ensure-etcd.sh

echo "test.sh: ETCD_BIN=${ETCD_BIN}; running: mvn -B -ntp verify $*" >&2
exec mvn -B -ntp verify "$@"
