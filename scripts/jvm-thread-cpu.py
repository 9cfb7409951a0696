#!/usr/bin/env python3
"""Samples the CPU time of JVMs once a second, split by thread kind, for LoadBench's server.

usage: jvm-thread-cpu.py OUT [MATCH]   (MATCH: a byte string in the command line, default --config-body,
which only LoadBench's `--server jar:` child has)

Appends "pid unix_time total_ticks compiler_ticks gc_vm_ticks" per matching process and second
(ticks: utime+stime in 1/CLK_TCK s, summed over /proc/<pid>/task/*/stat). Compiler = threads named
"C1/C2 CompilerThre..."; gc_vm = GC and VM threads. A thread that exits takes its ticks with it, so a
second in which one exits shows a negative total: use the process's own /proc/<pid>/stat (as LoadBench
does) for the total and this for the split. Compiler threads are also started and stopped on demand
(UseDynamicNumberOfCompilerThreads), so the compiler figure is a lower bound.
"""
import os
import sys
import time


def servers(match):
    for p in os.listdir('/proc'):
        if p.isdigit():
            try:
                with open('/proc/%s/cmdline' % p, 'rb') as f:
                    if match in f.read():
                        yield p
            except OSError:
                pass


def sample(pid):
    total = comp = gc = 0
    for t in os.listdir('/proc/%s/task' % pid):
        try:
            with open('/proc/%s/task/%s/stat' % (pid, t)) as f:
                s = f.read()
        except OSError:
            continue
        name = s[s.index('(') + 1:s.rindex(')')]
        fields = s[s.rindex(')') + 2:].split()
        ticks = int(fields[11]) + int(fields[12])
        total += ticks
        if 'Compiler' in name:
            comp += ticks
        elif 'GC' in name or name.startswith(('G1 ', 'VM Thread', 'VM Periodic')):
            gc += ticks
    return total, comp, gc


def main():
    out = open(sys.argv[1], 'a')
    match = (sys.argv[2] if len(sys.argv) > 2 else '--config-body').encode()
    while True:
        for p in servers(match):
            try:
                total, comp, gc = sample(p)
            except OSError:
                continue
            out.write('%s %.0f %d %d %d\n' % (p, time.time(), total, comp, gc))
            out.flush()
        time.sleep(1)


if __name__ == '__main__':
    main()
