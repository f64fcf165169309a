#!/usr/bin/env bash
# benchmark.sh: measures failover and handover speed, load on etcd, scale and cost on a
# real etcd on loopback, beside etcd's own election (etcdctl elect / lock).
#
#   scripts/benchmark.sh            # full run (long: a JVM start for every cycle; see BENCHMARKS.md)
#   scripts/benchmark.sh --quick    # a short run
#
# Prints a Markdown table; writes it with an SVG chart to ha-benchmark/target/benchmark/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=SCRIPTDIR/ensure-build-tools.sh
source scripts/ensure-build-tools.sh
# shellcheck source=SCRIPTDIR/ensure-etcd.sh
source scripts/ensure-etcd.sh

mvn -B -ntp -q -Pbenchmark -DskipTests install -pl ha-benchmark,sample-rootcoord -am
exec mvn -B -ntp -q -Pbenchmark -pl ha-benchmark exec:java \
  -Dsample.jar="$PWD/sample-rootcoord/target/sample-rootcoord.jar" \
  -Dbenchmark.out="$PWD/ha-benchmark/target/benchmark" \
  -Dexec.args="$*"
