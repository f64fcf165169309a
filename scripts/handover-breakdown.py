#!/usr/bin/env python3
"""Where a graceful handover's time goes, from the node logs of a benchmark run.

  python3 scripts/handover-breakdown.py ha-benchmark/target/benchmark/logs/nodes-handover

For every "handed ACTIVE over to serverId N (term T)" line it finds the stopping node's step-down
before it, and the successor's "register ACTIVE ... term=T" and its listener's "switch from standby
to active ... @T)" lines, and prints the median, p90 and max of each stretch (log timestamps, ms).
"""
import glob
import re
import statistics
import sys
from datetime import datetime

LINE = re.compile(r'^(\S+)\s+INFO (\d+) .*?: (.*)$')


def millis(stamp):
    return datetime.fromisoformat(stamp.replace('Z', '+00:00')).timestamp() * 1000


def main(directory):
    events = {}
    for path in glob.glob(directory + '/*.log'):
        with open(path, errors='replace') as log:
            for line in log:
                match = LINE.match(line)
                if match:
                    events.setdefault(match.group(2), []).append((millis(match.group(1)), match.group(3)))
    everything = [event for node in events.values() for event in node]
    rows = []
    for node in events.values():
        for at, message in node:
            handed = re.search(r'handed ACTIVE over to serverId \d+ \(term (\d+)\)', message)
            if not handed:
                continue
            term = handed.group(1)
            down = [t for t, m in node if 'steps down from ACTIVE: the application is stopping' in m and t <= at]
            won = [t for t, m in everything if 'register ACTIVE service successfully' in m
                   and re.search(r'term=' + term + r'\b', m)]
            line = [t for t, m in everything if 'switch from standby to active' in m and '@' + term + ')' in m]
            if down and won and line:
                rows.append((at - max(down), won[0] - at, line[0] - won[0], line[0] - max(down)))
    names = ['step-down -> transfer answered', 'answered -> successor ACTIVE', 'successor ACTIVE -> listener line',
             'step-down -> listener line']
    if not rows:
        print('no handovers found in ' + directory)
        return
    for index, name in enumerate(names):
        values = sorted(row[index] for row in rows)
        p90 = values[min(len(values) - 1, -(-9 * len(values) // 10) - 1)]
        print(f'{name}: n={len(values)} median={statistics.median(values):.1f} ms p90={p90:.1f} max={values[-1]:.1f}')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'ha-benchmark/target/benchmark/logs/nodes-handover')
