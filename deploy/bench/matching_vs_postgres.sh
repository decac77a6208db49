#!/usr/bin/env bash
# The matching benchmark of issue 4: callmatch against PostgreSQL 15 on the same generated data
# (docs/performance.md, "Matching: callmatch versus PostgreSQL"). Not run by CI.
#
#   deploy/bench/matching_vs_postgres.sh [--sizes=10000,100000,1000000] [--campaigns=N]
#       [--sql_only | --cpp_only] [--work=DIR] [--build=DIR] [--explain=3] [--sessions=1]
#
# For each size N: generates N teleoperators (callmatch-generate, seed 1; reused when the
# directory exists), runs callmatch-bench (load and build time, memory per teleoperator, top-50
# latency per campaign on one thread, eligible-set sizes, the CSV export), starts PostgreSQL 15 of
# Debian (installed with apt when missing) with its default settings on a free loopback port,
# loads the CSV files with COPY, indexes and ANALYZEs, saves EXPLAIN ANALYZE of a few campaigns,
# runs query.sql once per campaign, and compares: both latencies, the ratios PostgreSQL /
# callmatch at p50 and p99, and the same top 50 with the same scores on every campaign (exit 1,
# with the first differences, otherwise). --sql_only skips the C++ matches (the reference path
# takes seconds per campaign from 100k on): PostgreSQL's latencies only, nothing compared.
# --cpp_only runs the C++ side again and compares it with the PostgreSQL results an earlier run
# left in the work directory (the same data and campaigns; PostgreSQL is not started): the engine
# re-measured without the hour of SQL at 1M.
# --sessions=S runs the queries in S psql sessions at once (campaign i in session i mod S), each
# query timed on its own: a shorter run when the plans are serial (no Gather in explain.txt) and
# the machine has S cores for them.
#
# Build first: cmake --build build --target callmatch-generate callmatch-bench
# With CALLMATCH_BENCH_LOCK=/path, the whole run holds an flock on that file (a machine's shared
# build lock), which the PostgreSQL server does not inherit.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$root/deploy/bench"

sizes=10000,100000,1000000
campaigns=0
sql_only=false
cpp_only=false
work=/tmp/callmatch-bench
build="$root/build"
explain=3
sessions=1
for arg in "$@"; do
  case "$arg" in
    --sizes=*) sizes=${arg#*=} ;;
    --campaigns=*) campaigns=${arg#*=} ;;
    --sql_only) sql_only=true ;;
    --cpp_only) cpp_only=true ;;
    --work=*) work=${arg#*=} ;;
    --build=*) build=${arg#*=} ;;
    --explain=*) explain=${arg#*=} ;;
    --sessions=*) sessions=${arg#*=} ;;
    *) sed -n '2,26p' "${BASH_SOURCE[0]}"; exit 2 ;;
  esac
done
if $sql_only && $cpp_only; then
  echo "--sql_only and --cpp_only exclude each other" >&2
  exit 2
fi
generate="$build/matching/generator/callmatch-generate"
bench="$build/matching/bench/callmatch-bench"
for b in "$generate" "$bench"; do
  [[ -x $b ]] || { echo "missing $b: build callmatch-generate and callmatch-bench first" >&2; exit 2; }
done
mkdir -p "$work"
lock_fd=
if [[ -n ${CALLMATCH_BENCH_LOCK:-} ]]; then
  exec {lock_fd}>>"$CALLMATCH_BENCH_LOCK"
  flock "$lock_fd"
fi
# Runs a command that outlives this script's lock (the server) without the lock's descriptor.
without_lock() {
  if [[ -n $lock_fd ]]; then "$@" {lock_fd}>&-; else "$@"; fi
}

# PostgreSQL 15 from Debian, default settings, on a free loopback port. initdb refuses to run as
# root: the server then runs as the package's postgres user.
start_pg() {
  pgbin=/usr/lib/postgresql/15/bin
  if [[ ! -x $pgbin/postgres ]]; then
    apt-get update -q
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql-15
  fi
  as_pg=()
  pgdir=$(mktemp -d /tmp/callmatch-pg.XXXXXX)
  if [[ $(id -u) == 0 ]]; then
    as_pg=(runuser -u postgres --)
    chown postgres "$pgdir"
  fi
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${as_pg[@]}" "$pgbin/initdb" -D "$pgdir/data" -A trust -U postgres >/dev/null
  without_lock "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w -s \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $pgdir" start
  stop_pg() {
    "${as_pg[@]}" "$pgbin/pg_ctl" -D "$pgdir/data" -m fast -w -s stop || true
    rm -rf "$pgdir"
  }
  trap stop_pg EXIT
  psql=(psql -h 127.0.0.1 -p "$port" -U postgres -v ON_ERROR_STOP=1 -q -X)
  echo "PostgreSQL: $("${psql[@]}" -At -c 'SELECT version()' | cut -d, -f1), port $port," \
    "max_parallel_workers_per_gather $("${psql[@]}" -At -c 'SHOW max_parallel_workers_per_gather')"
}
$cpp_only || start_pg

tables=(company company_key campaign teleoperator teleoperator_language teleoperator_sector
  employment employment_key employer_segment non_compete_segment contract contract_key
  contract_segment contract_week revenue)
# Generated columns (segment paths) are left out of COPY.
copy_columns() {
  case $1 in
    teleoperator_sector) echo "(tid, code)" ;;
    employer_segment | non_compete_segment | contract_segment) echo "(tid, idx, code)" ;;
  esac
}
now() { date +%s.%N; }
# The SQL side of one size: load, index, explain, one query per campaign (timings and tops in
# $out, in the campaigns' order). Reads n, data, out and today of the loop below.
sql_side() {
  echo "--- PostgreSQL"
  db="bench_$n"
  "${psql[@]}" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  "${psql[@]}" -d "$db" -f "$here/schema.sql" -f "$here/functions.sql"
  start=$(now)
  for t in "${tables[@]}"; do
    "${psql[@]}" -d "$db" -c "\\copy $t $(copy_columns "$t") FROM '$out/csv/$t.csv' WITH (FORMAT csv)"
  done
  loaded=$(now)
  "${psql[@]}" -d "$db" -f "$here/indexes.sql"
  indexed=$(now)
  echo "COPY $(python3 -c "print(f'{$loaded - $start:.1f}')") s, indexes and ANALYZE" \
    "$(python3 -c "print(f'{$indexed - $loaded:.1f}')") s, database" \
    "$("${psql[@]}" -d "$db" -At -c "SELECT pg_size_pretty(pg_database_size('$db'))")"

  # EXPLAIN ANALYZE of a few campaigns spread over the list.
  mapfile -t names <"$out/campaigns.txt"
  { echo "EXPLAIN (ANALYZE, BUFFERS, VERBOSE)"; cat "$here/query.sql"; } >"$out/explain_query.sql"
  : >"$out/explain.txt"
  for ((i = 0; i < explain && i < ${#names[@]}; i++)); do
    c=${names[$((i * (${#names[@]} - 1) / (explain > 1 ? explain - 1 : 1)))]}
    echo "=== $c" >>"$out/explain.txt"
    "${psql[@]}" -d "$db" -v campaign="$c" -v today="$today" -f "$out/explain_query.sql" \
      >>"$out/explain.txt"
  done
  echo "EXPLAIN ANALYZE of $explain campaigns: $out/explain.txt"

  # One query per campaign, timed by psql, in `sessions` sessions at once; the timings are put
  # back in the campaigns' order.
  rm -f "$out"/run.*.sql "$out"/sql_top.*.tsv "$out"/sql_times.*.txt
  pids=()
  for ((k = 0; k < sessions; k++)); do
    {
      echo '\timing on'
      echo "\\o $out/sql_top.$k.tsv"
      for ((i = k; i < ${#names[@]}; i += sessions)); do
        echo "\\set campaign '${names[$i]}'"
        echo "\\i $here/query.sql"
      done
    } >"$out/run.$k.sql"
    "${psql[@]}" -d "$db" -At -F $'\t' -v today="$today" -f "$out/run.$k.sql" \
      >"$out/sql_times.$k.txt" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  cat "$out"/sql_top.*.tsv >"$out/sql_top.tsv"
  python3 - "$out" "$sessions" "${#names[@]}" >"$out/sql_times.txt" <<'PY'
import re, sys
out, sessions, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
times = [[l for l in open(f"{out}/sql_times.{k}.txt") if re.match(r"Time: ", l)]
         for k in range(sessions)]
for i in range(n):
    sys.stdout.write(times[i % sessions][i // sessions])
PY
  "${psql[@]}" -c "DROP DATABASE $db"
}

status=0
IFS=, read -ra size_list <<<"$sizes"
for n in "${size_list[@]}"; do
  echo "=== $n teleoperators"
  data="$work/data-$n"
  out="$work/out-$n"
  mkdir -p "$out/csv"
  if [[ -f $data/manifest.json ]]; then
    echo "reusing $data"
  else
    "$generate" --out="$data" --teleoperators="$n" --seed=1
  fi
  today=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["today"])' "$data/manifest.json")

  echo "--- callmatch"
  args=(--data="$data" --campaigns="$campaigns" --top_out="$out/cpp_top.tsv"
    --times_out="$out/cpp_times.tsv")
  if $cpp_only; then
    for f in campaigns.txt sql_times.txt sql_top.tsv; do
      [[ -f $out/$f ]] || { echo "--cpp_only: no $out/$f (run the whole benchmark first)" >&2; exit 2; }
    done
    # The same campaigns (the bench picks them from the data and --campaigns), checked below; no
    # CSV export.
    args+=(--campaigns_out="$out/campaigns.again.txt")
  else
    args+=(--export_dir="$out/csv" --campaigns_out="$out/campaigns.txt")
  fi
  $sql_only && args+=(--match=false)
  "$bench" "${args[@]}" | tee "$out/callmatch.txt"
  engine=$(sed -n 's/^engine: //p' "$out/callmatch.txt")
  if $cpp_only; then
    cmp -s "$out/campaigns.txt" "$out/campaigns.again.txt" ||
      { echo "--cpp_only: not the campaigns PostgreSQL ran (another --campaigns?)" >&2; exit 2; }
  else
    sql_side
  fi

  compare=(--campaigns="$out/campaigns.txt" --sql_times="$out/sql_times.txt"
    --sql_top="$out/sql_top.tsv")
  $sql_only || compare+=(--cpp_times="$out/cpp_times.tsv" --cpp_top="$out/cpp_top.tsv"
    --cpp_engine="callmatch ($engine)")
  python3 "$here/compare.py" "${compare[@]}" | tee "$out/compare.txt" || status=1
done
exit $status
