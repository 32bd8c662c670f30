#!/usr/bin/env bash
# Optional profile-guided build (GCC) into build-pgo/: builds with
# instrumentation (preset pgo-generate), runs the NLP pipeline over the first
# 500 articles of FILE.jsonl (default: Reuters-21578 under ../shared/data; any
# JSONL of {"text": ...} articles will do) with the default parser and with
# the greedy one, then rebuilds with the profile (preset pgo-use). The result
# parses byte for byte like the default build (only code layout, inlining and
# branch order change; no floating-point flags); see docs/nlp.md "Speed".
# The default build (`cmake --preset release` or quickstart.sh) never needs this.
#
#   bench/nlp/pgo_build.sh [FILE.jsonl] [TARGET...]     (default targets: all)
#
# Then: build-pgo/bench/nlp/kg-nlp-bench, build-pgo/cli/kg, ...
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=${KG_SHARED_DATA:-$ROOT/../shared/data}
INPUT=${1:-$DATA/news/reuters21578/articles.jsonl}
shift || true
TARGETS=("$@")
BUILD=$ROOT/build-pgo
[[ -r $INPUT ]] || { echo "pgo_build.sh: cannot read $INPUT" >&2; exit 2; }
cd "$ROOT"
rm -rf "$BUILD/profile"
cmake --preset pgo-generate -G Ninja >/dev/null
cmake --build "$BUILD" -j2 --target kg-nlp-bench
"$BUILD/bench/nlp/kg-nlp-bench" --limit 500 "$INPUT"
"$BUILD/bench/nlp/kg-nlp-bench" --limit 200 --branches 0 "$INPUT"
cmake --preset pgo-use -G Ninja >/dev/null
cmake --build "$BUILD" -j2 ${TARGETS[@]+--target "${TARGETS[@]}"}
