#!/usr/bin/env python3
"""Compares the two sides of the matching benchmark (matching_vs_postgres.sh).

Reads the campaigns run, PostgreSQL's per-query times (psql's "Time: X ms" lines, one per
campaign, in order), its top lists, and, unless --sql_only, callmatch-bench's per-campaign times
and top lists. Prints both latencies (p50, p99, nearest rank as callmatch-bench computes them)
and the ratios PostgreSQL / callmatch; exits 1, listing the first differences, unless both sides
return the same top 50 with the same scores on every campaign.
"""
import argparse
import collections
import math
import re
import sys


def quantile(values, q):
    s = sorted(values)
    rank = min(max(math.ceil(q * len(s)), 1), len(s))
    return s[rank - 1]


def read_top(path):
    """{campaign: [(rank, teleoperator, score)]}, {campaign: eligible-set size} (SQL side)."""
    top = collections.defaultdict(list)
    eligible = {}
    with open(path) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            campaign, rank, teleoperator, score = fields[:4]
            top[campaign].append((int(rank), teleoperator, int(score)))
            if len(fields) > 4:
                eligible[campaign] = int(fields[4])
    return top, eligible


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--campaigns", required=True)
    ap.add_argument("--sql_times", required=True)
    ap.add_argument("--sql_top", required=True)
    ap.add_argument("--cpp_times")
    ap.add_argument("--cpp_top")
    ap.add_argument("--cpp_engine", default="callmatch")
    args = ap.parse_args()

    campaigns = [l.strip() for l in open(args.campaigns) if l.strip()]
    sql_ms = [float(m.group(1)) for m in
              (re.match(r"Time: ([0-9.]+) ms", l) for l in open(args.sql_times)) if m]
    if len(sql_ms) != len(campaigns):
        sys.exit(f"compare: {len(sql_ms)} PostgreSQL timings for {len(campaigns)} campaigns")
    sql_p50, sql_p99 = quantile(sql_ms, 0.50), quantile(sql_ms, 0.99)
    print(f"PostgreSQL:  p50 {sql_p50:10.3f} ms  p99 {sql_p99:10.3f} ms  "
          f"(max {max(sql_ms):.3f} ms, {len(campaigns)} campaigns, one query each)")
    if not args.cpp_times:
        return 0

    cpp_us = {}
    eligible = {}
    for line in open(args.cpp_times):
        campaign, micros, n = line.rstrip("\n").split("\t")
        cpp_us[campaign] = float(micros)
        eligible[campaign] = int(n)
    cpp_ms = [cpp_us[c] / 1000 for c in campaigns]
    cpp_p50, cpp_p99 = quantile(cpp_ms, 0.50), quantile(cpp_ms, 0.99)
    print(f"{args.cpp_engine}: p50 {cpp_p50:10.3f} ms  p99 {cpp_p99:10.3f} ms  "
          f"(max {max(cpp_ms):.3f} ms, one thread)")
    print(f"PostgreSQL / callmatch: p50 {sql_p50 / cpp_p50:.2f}  p99 {sql_p99 / cpp_p99:.2f}")

    cpp_top, _ = read_top(args.cpp_top)
    sql_top, sql_eligible = read_top(args.sql_top)
    differing = [c for c in campaigns if cpp_top.get(c, []) != sql_top.get(c, [])
                 or eligible[c] != sql_eligible.get(c, 0)]
    if not differing:
        print(f"same top 50 with the same scores, and eligible sets of the same size, on all "
              f"{len(campaigns)} campaigns")
        return 0
    print(f"DIFFERENT top lists on {len(differing)} of {len(campaigns)} campaigns; first ones:")
    for c in differing[:10]:
        a, b = cpp_top.get(c, []), sql_top.get(c, [])
        print(f"  {c}: eligible callmatch {eligible[c]}, PostgreSQL {sql_eligible.get(c, 0)}; "
              f"top rows callmatch {len(a)}, PostgreSQL {len(b)}")
        shown = 0
        for i in range(max(len(a), len(b))):
            x = a[i] if i < len(a) else None
            y = b[i] if i < len(b) else None
            if x != y:
                print(f"    rank {i + 1}: callmatch {x[1:] if x else None}  "
                      f"PostgreSQL {y[1:] if y else None}")
                shown += 1
                if shown == 3:
                    break
    return 1


if __name__ == "__main__":
    sys.exit(main())
