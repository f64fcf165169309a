#!/usr/bin/env bash
# benchmark.sh: measures handover and failover speed, load on etcd, scale and cost of coordinator-ha
# on a real etcd on loopback, beside its peers in the same run: etcd's own election (etcdctl elect /
# lock on the same etcd) and Spring Integration's JDBC leader initiator on PostgreSQL.
#
#   scripts/benchmark.sh            # full run (long: a JVM start for every cycle; time it with `time`)
#   scripts/benchmark.sh --quick    # a short run
#
# Prints a Markdown report; writes it with an SVG chart to ha-benchmark/target/benchmark/.
#
# PostgreSQL: Debian's postgresql package (installed with apt-get if no initdb/pg_ctl is found, as root
# or with passwordless sudo), run by this script as the 'postgres' user when run as root, in a temporary
# data directory on a free loopback port, and removed when the script ends. PG_BIN=/path/to/bin
# picks other binaries.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=SCRIPTDIR/ensure-build-tools.sh
source scripts/ensure-build-tools.sh
# shellcheck source=SCRIPTDIR/ensure-etcd.sh
source scripts/ensure-etcd.sh

say() { printf 'benchmark: %s\n' "$*" >&2; }
die() {
	say "ERROR: $*"
	exit 1
}

sudo_cmd=()
if [[ "$(id -u)" != 0 ]] && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	sudo_cmd=(sudo -n)
fi

find_pg_bin() {
	if [[ -n "${PG_BIN:-}" ]]; then
		[[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] || die "PG_BIN=$PG_BIN has no initdb and pg_ctl"
		printf '%s\n' "$PG_BIN"
		return 0
	fi
	local dir
	dir=$(shopt -s nullglob; printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1)
	if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
		printf '%s\n' "$dir"
		return 0
	fi
	return 1
}

install_postgres() {
	if [[ "$(id -u)" != 0 && ${#sudo_cmd[@]} == 0 ]]; then
		die "PostgreSQL's initdb/pg_ctl not found, and not root (nor passwordless sudo) to install Debian's postgresql package; install it, or set PG_BIN=/path/to/postgresql/bin"
	fi
	command -v apt-get >/dev/null 2>&1 || die "PostgreSQL not found and apt-get is not available: set PG_BIN=/path/to/postgresql/bin"
	# Keep the package from starting its own cluster on 5432: nothing here uses it.
	local policy=/usr/sbin/policy-rc.d made_policy=0
	if [[ ! -e "$policy" ]]; then
		printf '#!/bin/sh\n# temporary, from coordinator-ha scripts/benchmark.sh\nexit 101\n' | "${sudo_cmd[@]}" tee "$policy" >/dev/null
		"${sudo_cmd[@]}" chmod 755 "$policy"
		made_policy=1
	fi
	say "PostgreSQL not found: installing Debian's postgresql package (apt-get)..."
	local ok=1
	{ "${sudo_cmd[@]}" apt-get update && "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-upgrade postgresql; } >&2 || ok=0
	if ((made_policy)); then "${sudo_cmd[@]}" rm -f "$policy"; fi
	((ok)) || die "'apt-get install -y postgresql' failed"
}

pg_bin=$(find_pg_bin || true)
if [[ -z "$pg_bin" ]]; then
	install_postgres
	pg_bin=$(find_pg_bin) || die "PostgreSQL's initdb/pg_ctl still not found after installing the postgresql package"
fi

# initdb and postgres refuse to run as root: run them as the package's 'postgres' user then.
pg_as=()
if [[ "$(id -u)" == 0 ]]; then
	id postgres >/dev/null 2>&1 || die "running as root, but there is no 'postgres' user to run PostgreSQL as"
	pg_as=(runuser -u postgres --)
fi

# under /tmp, where the benchmark JVM puts etcd's data directory too
pg_home=$(mktemp -d /tmp/coordinator-ha-benchmark-pg.XXXXXX)
pg_started=0
stop_postgres() {
	if ((pg_started)); then
		"${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_home/data" -m fast -w stop >/dev/null 2>&1 ||
			say "WARNING: could not stop PostgreSQL in $pg_home"
	fi
	rm -rf "$pg_home"
}
trap stop_postgres EXIT
if ((${#pg_as[@]})); then chown postgres: "$pg_home"; fi

"${pg_as[@]}" "$pg_bin/initdb" -D "$pg_home/data" -U bench --auth=trust -E UTF8 --no-locale >"$pg_home/initdb.log" 2>&1 ||
	die "initdb failed: $(tail -n 5 "$pg_home/initdb.log")"
port_free() { ! (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in 1 2 3 4 5; do
	pg_port=$((20000 + RANDOM % 30000))
	port_free "$pg_port" || continue
	if "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_home/data" -l "$pg_home/postgres.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_home" start >/dev/null; then
		pg_started=1
		break
	fi
done
((pg_started)) || die "PostgreSQL did not start: $(tail -n 5 "$pg_home/postgres.log" 2>/dev/null)"
say "$("$pg_bin/postgres" --version | sed 's/^postgres (PostgreSQL)/PostgreSQL/') on 127.0.0.1:$pg_port (data in $pg_home, removed at the end)"

# Package, not install: the benchmark runs from the worktree's jars, and leaves ~/.m2's snapshots alone.
mvn -B -ntp -q -Pbenchmark -DskipTests package -pl ha-benchmark,sample-rootcoord -am
java -Xmx1g -cp "ha-benchmark/target/classes:$(cat ha-benchmark/target/benchmark-classpath.txt)" \
	-Dsample.jar="$PWD/sample-rootcoord/target/sample-rootcoord.jar" \
	-Dbenchmark.out="$PWD/ha-benchmark/target/benchmark" \
	-Dbenchmark.postgres="jdbc:postgresql://127.0.0.1:$pg_port/postgres?user=bench" \
	io.github.coordinatorha.benchmark.Benchmark "$@"
