#!/usr/bin/env bash
# install.sh: installs coordinator-ha into the local Maven repository (~/.m2/repository), so that an
# application's build resolves the starter from a clone of this repository (no release is published yet).
#
#   scripts/install.sh             # build and install, without running the tests
#   scripts/install.sh --tests     # run the tests of the modules it installs first
#   scripts/install.sh -- ARGS...  # further arguments go to Maven, e.g. -Dmaven.repo.local=/path
#
# Installs io.github.coordinatorha:*:0.1.0-SNAPSHOT: coordinator-ha-parent (pom),
# coordinator-ha-spring-boot, coordinator-ha-spring-boot-starter, coordinator-ha-spring-boot-test and
# coordinator-ha-test-support (which the test artifact uses), each jar with its -sources and -javadoc jars
# (the starter, which has no code, with neither). Needs a JDK 17+ and Maven (installed on Debian if missing,
# as root); with --tests, etcd too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

tests=0
maven_args=()
while (($#)); do
	case "$1" in
	--tests) tests=1 ;;
	--)
		shift
		maven_args=("$@")
		break
		;;
	-h | --help)
		sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "install.sh: unknown argument: $1 (see --help)" >&2
		exit 2
		;;
	esac
	shift
done

# shellcheck source=SCRIPTDIR/ensure-build-tools.sh
source scripts/ensure-build-tools.sh
if ((tests)); then
	# shellcheck source=SCRIPTDIR/ensure-etcd.sh
	source scripts/ensure-etcd.sh
else
	maven_args+=(-DskipTests)
fi

echo "install.sh: running: mvn -B -ntp install -pl ha-starter,ha-test -am ${maven_args[*]}" >&2
mvn -B -ntp install -pl ha-starter,ha-test -am "${maven_args[@]}"
echo "install.sh: installed io.github.coordinatorha:coordinator-ha-spring-boot-starter:0.1.0-SNAPSHOT" \
	"and coordinator-ha-spring-boot-test:0.1.0-SNAPSHOT" >&2
