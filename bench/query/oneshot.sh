#!/usr/bin/env bash
# One-shot query latency: what a user waits for at the terminal. Runs
# `kg --db DB query QUERY` N times (each a fresh process: open read-only,
# bind, run, print, close) and prints the median, fastest and slowest wall
# time in milliseconds.
#   bench/query/oneshot.sh KG DB [N] [QUERY]
# KG: the kg binary (e.g. build/cli/kg); DB: a database, e.g. the 1M-fact
# graph kg-bench-query caches in /tmp/kg-bench-query-1000000. The default
# query is a 1-hop from the subject of the first fact the store lists.
set -euo pipefail
if [ $# -lt 2 ] || [ "$1" = "--help" ] || [ "$1" = "-h" ]; then
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
  [ $# -lt 2 ] && [ "${1:-}" != "--help" ] && [ "${1:-}" != "-h" ] && exit 2
  exit 0
fi
kg="$1"
db="$2"
n="${3:-21}"
if ! [[ "$n" =~ ^[1-9][0-9]*$ ]]; then
  echo "oneshot.sh: N must be a positive whole number, got '$n'" >&2
  exit 2
fi
query="${4:-}"
if [ -z "$query" ]; then
  name="$("$kg" --db "$db" query 'MATCH (a)-[r]->(b) RETURN a.name LIMIT 1' --format csv | tr -d '\r' | sed -n 2p)"
  if [ -z "$name" ]; then
    echo "oneshot.sh: no fact in $db" >&2
    exit 1
  fi
  query="MATCH (a {name: \"$name\"})-[r]->(b) RETURN type(r), b.name"
fi
"$kg" --db "$db" query "$query" >/dev/null  # fails loudly on a bad query or database
for _ in $(seq "$n"); do
  start=$(date +%s%N)
  "$kg" --db "$db" query "$query" >/dev/null
  end=$(date +%s%N)
  echo $(((end - start) / 1000))
done | sort -n | awk -v q="$query" '{ t[NR] = $1 } END {
  printf "%s\n%d runs: median %.1f ms, fastest %.1f ms, slowest %.1f ms\n", q, NR, t[int((NR + 1) / 2)] / 1000, t[1] / 1000, t[NR] / 1000
}'
