#!/usr/bin/env python3
"""Summarises a HotSpot compilation log (-XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation -XX:LogFile=F).

usage: jit-log-summary.py F [FROM_S TO_S]

Prints C2 and C1 nmethods installed per 10 s of JVM uptime, uncommon traps per 10 s, then for FROM_S..TO_S
(uptime seconds) every C2 compile (method, code size) and every uncommon trap (reason, action, the
nmethod it invalidated, the top of the inlining stack where it fired).
"""
import collections
import re
import sys


def attrs(s):
    return dict(re.findall(r"(\w+)='([^']*)'", s))


def short(method):
    parts = method.split(' ')
    return parts[0].split('.')[-1] + '.' + parts[1] if len(parts) > 1 else method


def per10(stamps):
    c = collections.Counter(int(s // 10) for s in stamps)
    return [c[i] for i in range(max(c) + 1)] if c else []


def main():
    text = open(sys.argv[1], errors='replace').read()
    lo = float(sys.argv[2]) if len(sys.argv) > 2 else 0.0
    hi = float(sys.argv[3]) if len(sys.argv) > 3 else 1e9
    nms = {}
    for m in re.finditer(r"<nmethod ([^>]*)>", text):
        a = attrs(m.group(1))
        if 'method' in a:
            nms[a['compile_id']] = a
    traps = []
    for m in re.finditer(r"<uncommon_trap thread=([^>]*)>\s*((?:<jvms [^>]*>\s*)+)", text):
        a = attrs(m.group(1))
        a['jvms'] = [attrs(x) for x in re.findall(r"<jvms [^>]*>", m.group(2))]
        traps.append(a)
    c2 = [float(a['stamp']) for a in nms.values() if a.get('level') == '4']
    c1 = [float(a['stamp']) for a in nms.values() if a.get('level') in ('1', '2', '3')]
    print('C2 nmethods per 10 s:', per10(c2))
    print('C1 nmethods per 10 s:', per10(c1))
    print('uncommon traps per 10 s:', per10([float(a['stamp']) for a in traps]))
    print('\nC2 compiles in %.0f..%.0f s:' % (lo, hi))
    for a in sorted(nms.values(), key=lambda a: float(a['stamp'])):
        if a.get('level') == '4' and lo <= float(a['stamp']) < hi:
            print('  %7.1f %-60s %6s B%s' % (float(a['stamp']), short(a['method']), a.get('size', '?'),
                                            ' (OSR)' if a.get('compile_kind') == 'osr' else ''))
    print('\nuncommon traps in %.0f..%.0f s:' % (lo, hi))
    for a in traps:
        if lo <= float(a['stamp']) < hi:
            nm = nms.get(a.get('compile_id'), {})
            where = ' <- '.join(short(j['method']) + '@' + j['bci'] for j in a['jvms'][:3])
            print('  %7.1f %s/%s invalidates %s (%s B) at %s' % (float(a['stamp']), a['reason'], a['action'],
                                                               short(nm.get('method', '? ?')), nm.get('size', '?'), where))


if __name__ == '__main__':
    main()
