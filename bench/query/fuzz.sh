#!/usr/bin/env bash
# Builds the libFuzzer target for the query lexer/parser (clang, ASan, UBSan)
# in its own build directory and runs it for SECONDS seconds, seeded with the
# queries of tests/query/cases/*.test. Fails on any crash, leak or hang
# (a single input running over 10 s).
#
#   bench/query/fuzz.sh [SECONDS]     (default 60)
set -euo pipefail
SECS=${1:-60}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${KG_FUZZ_QUERY_BUILD:-$ROOT/build-fuzz-query}
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DKG_FUZZ=ON -DKG_BUILD_TESTS=OFF -DKG_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD" --target kg_query_fuzz -j2
CORPUS="$BUILD/query_fuzz_corpus"
mkdir -p "$CORPUS"
# One seed per test query: the lines before each "----".
n=0
for f in "$ROOT"/tests/query/cases/*.test; do
  q=""
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      "----") n=$((n + 1)); printf '%s' "$q" > "$CORPUS/seed-$n"; q="" ;;
      "===="|"#"*|"% "*) q="" ;;
      *) q="$q$line"$'\n' ;;
    esac
  done < "$f"
done
"$BUILD/query/kg_query_fuzz" -max_total_time="$SECS" -timeout=10 -max_len=4096 -rss_limit_mb=2048 \
  -print_final_stats=1 "$CORPUS"
