#!/usr/bin/env bash
# demo.sh: the Milvus "coordinator HA" walkthrough with the sample RootCoord, on loopback, with numbers.
#
#   scripts/demo.sh [--no-build] [--keep]
#
#   --no-build   use the existing jars instead of building them (mvn -q -DskipTests package -pl sample-proxy -am)
#   --keep       keep the temp dir with the etcd data and the node logs (its path is printed)
#
# Environment: TTL (session TTL, default 5s), WAIT_SECS (bound on every wait, default 60),
#              DEMO_JAR (default sample-rootcoord/target/sample-rootcoord.jar),
#              DEMO_PROXY_JAR (default sample-proxy/target/sample-proxy.jar),
#              DEMO_JAVA_OPTS (extra JVM options for both nodes, e.g. "-Xmx256m").
#
# What it does: starts a one-member etcd and two sample nodes with active-standby on; waits for one to be
# ACTIVE and the other STANDBY; shows the processes and the session keys in etcd; starts sample-proxy and a
# client that allocates IDs through it, one call after another; kill -9s the active node and measures how
# long the standby takes to take over (about the session TTL); restarts the killed node as the new
# standby, sends SIGTERM to the active one and measures the graceful handover (no TTL wait); and counts
# the client's calls and failures around each.
# Everything it starts is stopped, and its temp dir removed, on exit, on error and on Ctrl-C.
set -euo pipefail

usage() { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

BUILD=1
KEEP=0
for arg in "$@"; do
	case "$arg" in
	--no-build) BUILD=0 ;;
	--keep) KEEP=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		echo "demo: unknown argument: $arg" >&2
		usage >&2
		exit 2
		;;
	esac
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

TTL=${TTL:-5s}
WAIT_SECS=${WAIT_SECS:-60}
JAR=${DEMO_JAR:-sample-rootcoord/target/sample-rootcoord.jar}
PROXY_JAR=${DEMO_PROXY_JAR:-sample-proxy/target/sample-proxy.jar}
read -r -a JAVA_OPTS <<<"${DEMO_JAVA_OPTS:-}"

ACTIVE_LINE="register ACTIVE service successfully"
STANDBY_LINE="serverName: rootcoord is in STANDBY"
TAKEOVER_LINE="quit STANDBY mode, this node will become ACTIVE"
SESSION_PREFIX="by-dev/meta/session"

say() { printf '\n[demo %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
info() { printf '  %s\n' "$*"; }

# ---------------------------------------------------------------------------------------------------------
# Cleanup: every child we start is recorded here; the EXIT trap stops them all and removes the temp dir.
WORK=""
ETCD_PID=""
CHILD_PIDS=()

stop_pids() { # stop_pids GRACE_SECS PID... : SIGTERM, wait up to GRACE_SECS, then SIGKILL
	local grace=$1 pid deadline
	shift
	for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
	deadline=$((SECONDS + grace))
	for pid in "$@"; do
		while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
		if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
	done
}

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	set +e
	if ((${#CHILD_PIDS[@]})); then stop_pids 10 "${CHILD_PIDS[@]}"; fi
	if [[ -n "$ETCD_PID" ]]; then stop_pids 5 "$ETCD_PID"; fi
	if [[ -n "$WORK" && -d "$WORK" ]]; then
		if ((KEEP)); then
			echo "demo: kept logs and etcd data in $WORK" >&2
		else
			rm -rf -- "$WORK"
		fi
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'echo "demo: interrupted" >&2; exit 130' INT
trap 'echo "demo: terminated" >&2; exit 143' TERM

show_tails() { # show_tails FILE...
	local f
	for f in "$@"; do
		echo "----- last 40 lines of $f -----" >&2
		tail -n 40 -- "$f" >&2 2>/dev/null || echo "(no log)" >&2
	done
}
fail() { # fail MESSAGE [LOG...]
	local msg=$1
	shift
	echo >&2
	echo "demo: FAILED: $msg" >&2
	if (($#)); then show_tails "$@"; fi
	exit 1
}

now_ns() { date +%s%N; }
ms_between() { echo $((($2 - $1) / 1000000)); }

# Children run in their own session, so a Ctrl-C in the terminal reaches only this script (whose trap
# then stops them in order) and not etcd or the nodes directly. setsid execs in place: $! stays their pid.
SETSID=()
if command -v setsid >/dev/null 2>&1; then SETSID=(setsid); fi

# ---------------------------------------------------------------------------------------------------------
say "checking tools"
# shellcheck source=SCRIPTDIR/ensure-build-tools.sh
source scripts/ensure-build-tools.sh
# shellcheck source=SCRIPTDIR/ensure-etcd.sh
source scripts/ensure-etcd.sh
export ETCDCTL_API=3
command -v curl >/dev/null 2>&1 || fail "the demo's client needs curl: apt-get install curl"

if ((BUILD)); then
	say "building the sample jars (mvn -B -ntp -q -DskipTests package -pl sample-proxy -am)"
	mvn -B -ntp -q -DskipTests package -pl sample-proxy -am || fail "the Maven build failed (see above)"
fi
for jar in "$JAR" "$PROXY_JAR"; do
	[[ -f "$jar" ]] || fail "no jar at $jar$( ((BUILD)) || echo '; run without --no-build to build it')"
done
JAR=$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")
PROXY_JAR=$(cd "$(dirname "$PROXY_JAR")" && pwd)/$(basename "$PROXY_JAR")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/coordinator-ha-demo.XXXXXX")

# ---------------------------------------------------------------------------------------------------------
# Free loopback ports: bind port 0 for all of them at once (so they are distinct), then release.
free_ports() { # free_ports N -> N distinct free TCP ports on 127.0.0.1, one per line
	local n=$1
	if command -v python3 >/dev/null 2>&1; then
		python3 - "$n" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
PY
	else
		# No python3: probe random ports below the usual ephemeral range; a refused connection means free.
		local -A seen=()
		local p tries=0 found=0
		while ((found < n)); do
			((++tries < 1000)) || return 1
			p=$((20000 + RANDOM % 12000))
			[[ -z "${seen[$p]:-}" ]] || continue
			seen[$p]=1
			if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
				echo "$p"
				found=$((found + 1))
			fi
		done
	fi
}
mapfile -t PORTS < <(free_ports 5)
((${#PORTS[@]} == 5)) || fail "could not find 5 free loopback ports"
ETCD_CLIENT_PORT=${PORTS[0]}
ETCD_PEER_PORT=${PORTS[1]}
ENDPOINT="http://127.0.0.1:${ETCD_CLIENT_PORT}"

# ---------------------------------------------------------------------------------------------------------
say "starting etcd on 127.0.0.1:${ETCD_CLIENT_PORT} (peer ${ETCD_PEER_PORT})"
ETCD_LOG="$WORK/etcd.log"
"${SETSID[@]}" env -u ETCD_BIN "$ETCD_BIN" --name demo --data-dir "$WORK/etcd-data" \
	--listen-client-urls "$ENDPOINT" --advertise-client-urls "$ENDPOINT" \
	--listen-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
	--initial-advertise-peer-urls "http://127.0.0.1:${ETCD_PEER_PORT}" \
	--initial-cluster "demo=http://127.0.0.1:${ETCD_PEER_PORT}" \
	--initial-cluster-state new --initial-cluster-token "coordinator-ha-demo-$$" \
	--heartbeat-interval 50 --election-timeout 500 \
	</dev/null >"$ETCD_LOG" 2>&1 &
ETCD_PID=$!
disown "$ETCD_PID"

etcdctl() { "$ETCDCTL_BIN" --endpoints "$ENDPOINT" --dial-timeout 1s --command-timeout 3s "$@"; }

deadline=$((SECONDS + 20))
until etcdctl endpoint health >/dev/null 2>&1; do
	kill -0 "$ETCD_PID" 2>/dev/null || fail "etcd exited during startup" "$ETCD_LOG"
	((SECONDS < deadline)) || fail "etcd was not healthy after 20s ($ENDPOINT)" "$ETCD_LOG"
	sleep 0.2
done
info "$(etcdctl endpoint health 2>&1)"

# ---------------------------------------------------------------------------------------------------------
# Nodes: NODE_PORT/NODE_PID/NODE_LOG by name (A, B).
declare -A NODE_PORT=([A]=${PORTS[2]} [B]=${PORTS[3]}) NODE_PID=() NODE_LOG=()

start_node() { # start_node NAME LOGFILE
	local name=$1 logf=$2
	NODE_LOG[$name]=$logf
	"${SETSID[@]}" java "${JAVA_OPTS[@]}" -jar "$JAR" \
		--server.port="${NODE_PORT[$name]}" \
		--ha.etcd.endpoints="$ENDPOINT" \
		--rootCoord.activeStandby.enabled=true \
		--ha.session.ttl="$TTL" \
		</dev/null >"$logf" 2>&1 &
	NODE_PID[$name]=$!
	CHILD_PIDS+=("$!")
	disown "$!" # no "Killed" job notice from bash for the kill -9 below
	info "node $name: pid ${NODE_PID[$name]}, http://127.0.0.1:${NODE_PORT[$name]}, log $logf"
}

has_line() { grep -qF -- "$2" "$1" 2>/dev/null; } # has_line LOG TEXT

# wait_for_line NAME TEXT WHAT: wait (bounded) until node NAME's log contains TEXT; fail if it exits first.
wait_for_line() {
	local name=$1 text=$2 what=$3 deadline=$((SECONDS + WAIT_SECS))
	local pid=${NODE_PID[$name]} logf=${NODE_LOG[$name]}
	until has_line "$logf" "$text"; do
		kill -0 "$pid" 2>/dev/null ||
			fail "node $name (pid $pid) exited while waiting for $what (\"$text\")" "$logf"
		((SECONDS < deadline)) ||
			fail "timed out after ${WAIT_SECS}s waiting for $what: no \"$text\" in $logf" "$logf"
		sleep 0.02
	done
}

show_processes() {
	info "\$ ps -o pid,args -p ${NODE_PID[A]},${NODE_PID[B]}"
	ps -ww -o pid,args -p "${NODE_PID[A]},${NODE_PID[B]}" | sed 's/^/  /' || true
}

show_session_keys() {
	local out
	info "\$ etcdctl --endpoints $ENDPOINT get --prefix $SESSION_PREFIX"
	out=$(etcdctl get --prefix "$SESSION_PREFIX" 2>&1) || true
	if [[ -n "$out" ]]; then printf '%s\n' "$out" | sed 's/^/  /'; else info "(no keys under $SESSION_PREFIX)"; fi
}

show_role_lines() { # show_role_lines NAME
	info "--- ${NODE_LOG[$1]} (lines with ACTIVE|STANDBY, last 15) ---"
	grep -E "ACTIVE|STANDBY" -- "${NODE_LOG[$1]}" | tail -n 15 | sed 's/^/  /' || true
}

# ---------------------------------------------------------------------------------------------------------
say "starting two sample-rootcoord nodes (session TTL ${TTL})"
start_node A "$WORK/node-A.log"
start_node B "$WORK/node-B.log"

say "waiting (up to ${WAIT_SECS}s) for one node to be ACTIVE and the other STANDBY"
ACTIVE=""
STANDBY=""
deadline=$((SECONDS + WAIT_SECS))
while [[ -z "$ACTIVE" ]]; do
	for n in A B; do
		kill -0 "${NODE_PID[$n]}" 2>/dev/null ||
			fail "node $n (pid ${NODE_PID[$n]}) exited during startup" "${NODE_LOG[$n]}"
	done
	a_act=0 b_act=0 a_stb=0 b_stb=0
	has_line "${NODE_LOG[A]}" "$ACTIVE_LINE" && a_act=1
	has_line "${NODE_LOG[B]}" "$ACTIVE_LINE" && b_act=1
	has_line "${NODE_LOG[A]}" "$STANDBY_LINE" && a_stb=1
	has_line "${NODE_LOG[B]}" "$STANDBY_LINE" && b_stb=1
	if ((a_act && b_act)); then
		fail "both nodes logged \"$ACTIVE_LINE\": two ACTIVE nodes" "${NODE_LOG[A]}" "${NODE_LOG[B]}"
	elif ((a_act && b_stb)); then
		ACTIVE=A STANDBY=B
	elif ((b_act && a_stb)); then
		ACTIVE=B STANDBY=A
	else
		((SECONDS < deadline)) ||
			fail "timed out after ${WAIT_SECS}s: expected \"$ACTIVE_LINE\" in one log and \"$STANDBY_LINE\" in the other" \
				"${NODE_LOG[A]}" "${NODE_LOG[B]}"
		sleep 0.1
	fi
done
info "node $ACTIVE (pid ${NODE_PID[$ACTIVE]}) is ACTIVE; node $STANDBY (pid ${NODE_PID[$STANDBY]}) is STANDBY"
show_processes
show_session_keys

# ---------------------------------------------------------------------------------------------------------
# The proxy, and a client that allocates IDs through it: one call after another, each line "<ns> <status>".
PROXY_PORT=${PORTS[4]}
PROXY_LOG="$WORK/proxy.log"
CLIENT_LOG="$WORK/client.log"
PROXY_URL="http://127.0.0.1:${PROXY_PORT}/api/v1/ids?count=1"
say "starting sample-proxy on 127.0.0.1:${PROXY_PORT}: it follows rootCoord in etcd (no writes) and forwards to the active"
"${SETSID[@]}" java "${JAVA_OPTS[@]}" -jar "$PROXY_JAR" --server.port="$PROXY_PORT" --server.address=127.0.0.1 \
	--ha.etcd.endpoints="$ENDPOINT" </dev/null >"$PROXY_LOG" 2>&1 &
PROXY_PID=$!
CHILD_PIDS+=("$PROXY_PID")
disown "$PROXY_PID"
deadline=$((SECONDS + WAIT_SECS))
until [[ $(curl -s -o /dev/null -m 5 -w '%{http_code}' -XPOST "$PROXY_URL" 2>/dev/null) == 200 ]]; do
	kill -0 "$PROXY_PID" 2>/dev/null || fail "sample-proxy exited during startup" "$PROXY_LOG"
	((SECONDS < deadline)) || fail "sample-proxy did not allocate within ${WAIT_SECS}s" "$PROXY_LOG"
	sleep 0.2
done
info "\$ curl -XPOST '$PROXY_URL'"
info "$(curl -s -XPOST "$PROXY_URL")"
"${SETSID[@]}" bash -c 'while :; do t=$(date +%s%N); c=$(curl -s -o /dev/null -m 10 -w "%{http_code}" -XPOST "$1"); echo "$t $c"; done' \
	client "$PROXY_URL" </dev/null >"$CLIENT_LOG" 2>/dev/null &
CLIENT_PID=$!
CHILD_PIDS+=("$CLIENT_PID")
disown "$CLIENT_PID"
info "client: pid ${CLIENT_PID}, one allocation after another through the proxy, log $CLIENT_LOG"

# client_calls FROM_NS TO_NS -> "<calls> <failed>": the client's calls that began in [FROM_NS, TO_NS]
client_calls() {
	awk -v from="$1" -v to="$2" '$1 >= from && $1 <= to { n++; if ($2 != 200) f++ } END { printf "%d %d\n", n, f }' "$CLIENT_LOG"
}
# settle: wait (bounded) for the client's next 20 calls, so a round's count covers the calls after it too
settle() {
	local lines deadline=$((SECONDS + WAIT_SECS))
	lines=$(wc -l <"$CLIENT_LOG")
	until (($(wc -l <"$CLIENT_LOG") >= lines + 20)); do
		((SECONDS < deadline)) || fail "the client made no progress for ${WAIT_SECS}s" "$PROXY_LOG"
		sleep 0.1
	done
}

# ---------------------------------------------------------------------------------------------------------
say "round 1: kill -9 the ACTIVE node $ACTIVE (pid ${NODE_PID[$ACTIVE]}); its session lease must expire (TTL ${TTL})"
t0=$(now_ns)
kill -KILL "${NODE_PID[$ACTIVE]}"
wait_for_line "$STANDBY" "$TAKEOVER_LINE" "node $STANDBY to take over after kill -9"
t1=$(now_ns)
CRASH_MS=$(ms_between "$t0" "$t1")
info "node $STANDBY took over ${CRASH_MS} ms after kill -9 of node $ACTIVE"
settle
read -r CRASH_CALLS CRASH_FAILED < <(client_calls "$t0" "$(now_ns)")
info "through the proxy: ${CRASH_CALLS} calls began from the kill until 20 calls after the takeover; ${CRASH_FAILED} failed"
show_role_lines "$STANDBY"

# ---------------------------------------------------------------------------------------------------------
KILLED=$ACTIVE
ACTIVE=$STANDBY
STANDBY=$KILLED
say "round 2: restart node $STANDBY; it must join as STANDBY"
start_node "$STANDBY" "$WORK/node-$STANDBY.round2.log"
wait_for_line "$STANDBY" "$STANDBY_LINE" "restarted node $STANDBY to be STANDBY"
if has_line "${NODE_LOG[$STANDBY]}" "$ACTIVE_LINE"; then
	fail "restarted node $STANDBY logged \"$ACTIVE_LINE\" while node $ACTIVE is ACTIVE" \
		"${NODE_LOG[$STANDBY]}" "${NODE_LOG[$ACTIVE]}"
fi
info "node $STANDBY (pid ${NODE_PID[$STANDBY]}) is STANDBY"
show_processes
show_session_keys

say "round 2: SIGTERM (graceful shutdown) to the ACTIVE node $ACTIVE (pid ${NODE_PID[$ACTIVE]})"
t0=$(now_ns)
kill -TERM "${NODE_PID[$ACTIVE]}"
wait_for_line "$STANDBY" "$TAKEOVER_LINE" "node $STANDBY to take over after SIGTERM"
t1=$(now_ns)
GRACEFUL_MS=$(ms_between "$t0" "$t1")
info "node $STANDBY took over ${GRACEFUL_MS} ms after SIGTERM to node $ACTIVE"
settle
read -r GRACEFUL_CALLS GRACEFUL_FAILED < <(client_calls "$t0" "$(now_ns)")
info "through the proxy: ${GRACEFUL_CALLS} calls began from the SIGTERM until 20 calls after the takeover; ${GRACEFUL_FAILED} failed"
show_role_lines "$STANDBY"

deadline=$((SECONDS + WAIT_SECS))
while kill -0 "${NODE_PID[$ACTIVE]}" 2>/dev/null; do
	((SECONDS < deadline)) || fail "node $ACTIVE did not exit within ${WAIT_SECS}s of SIGTERM" "${NODE_LOG[$ACTIVE]}"
	sleep 0.1
done
info "node $ACTIVE exited after SIGTERM"

say "SUMMARY: kill -9 takeover ${CRASH_MS} ms (session TTL ${TTL}); graceful SIGTERM handover ${GRACEFUL_MS} ms; etcd $ENDPOINT"
info "through sample-proxy: ${CRASH_FAILED} of ${CRASH_CALLS} calls failed around the kill -9, ${GRACEFUL_FAILED} of ${GRACEFUL_CALLS} around the SIGTERM"
