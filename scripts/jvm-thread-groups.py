#!/usr/bin/env python3
"""Samples a JVM's CPU time once a second per thread-name group, for LoadBench's server.

usage: jvm-thread-groups.py OUT [MATCH]   (MATCH: a byte string in the command line, default config-body,
which only LoadBench's `--server jar:` child has)

Writes "unix_time group=ticks ..." per second (ticks: utime+stime in 1/CLK_TCK s, cumulative, summed over the
threads of a group; a group is the thread name without a trailing number: media-loop, rtc-udp-recv,
multiThreadIoEv (Netty: signalling), C2_CompilerThre, ...). Differences of two lines give the CPU of each
group over that interval, e.g. the window and the idle phase of `LoadBench --idle`. A thread that exits
takes its ticks with it.
"""
import collections
import os
import re
import sys
import time


def find(match):
    while True:
        for p in os.listdir('/proc'):
            if p.isdigit() and int(p) != os.getpid():
                try:
                    with open('/proc/%s/cmdline' % p, 'rb') as f:
                        if match in f.read():
                            return p
                except OSError:
                    pass
        time.sleep(0.5)


def main():
    out = sys.argv[1]
    pid = find(sys.argv[2].encode() if len(sys.argv) > 2 else b'config-body')
    with open(out, 'w') as f:
        while os.path.exists('/proc/%s' % pid):
            groups = collections.Counter()
            for t in os.listdir('/proc/%s/task' % pid):
                try:
                    with open('/proc/%s/task/%s/stat' % (pid, t)) as s:
                        st = s.read()
                except OSError:
                    continue
                name = st[st.index('(') + 1:st.rindex(')')]
                fields = st[st.rindex(')') + 2:].split()
                groups[re.sub(r'[-#]?\d+$', '', name).replace(' ', '_')] += int(fields[11]) + int(fields[12])
            f.write('%.0f %s\n' % (time.time(), ' '.join('%s=%d' % kv for kv in sorted(groups.items()))))
            f.flush()
            time.sleep(1)


if __name__ == '__main__':
    main()
