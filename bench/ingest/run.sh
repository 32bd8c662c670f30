#!/usr/bin/env bash
# Ingest benchmark: builds kg-bench-ingest and ingests the first 5 MB of
# ../shared/data/news/reuters21578/articles.jsonl into a fresh database.
#   bench/ingest/run.sh [BUILD_DIR] [-- extra kg-bench-ingest args, e.g. --jobs 2 --mb 5]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-$root/build}"
shift || true
[ "${1:-}" = "--" ] && shift
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target kg-bench-ingest >/dev/null
exec "$build/bench/ingest/kg-bench-ingest" "$@"
