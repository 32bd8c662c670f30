#!/usr/bin/env bash
# Builds the libFuzzer target for the NLP pipeline (tokenizer, tagger,
# lemmatizer, parser, CoNLL-U writer and reader) with clang, ASan and UBSan,
# and runs it for SECONDS seconds on the committed models.
#
#   bench/fuzz_nlp.sh [SECONDS]     (default 60)
set -euo pipefail
SECS=${1:-60}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${KG_FUZZ_BUILD:-$ROOT/build-fuzz}
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++ -DKG_FUZZ=ON -DKG_BUILD_TESTS=OFF -DKG_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD" --target fuzz_nlp -j2
CORPUS="$BUILD/fuzz_nlp_corpus"
mkdir -p "$CORPUS"
printf 'WASHINGTON, April 5 - Sen. J.D. Vance'"'"'s aides didn'"'"'t say.\n\nNew para.' > "$CORPUS/seed1"
printf 'See https://example.com/x?y=1 (Mr. Smith) "quoted" -- 3.5%% of $5,000.' > "$CORPUS/seed2"
printf '\xff\xfe\xc3 \xe2\x82 bad utf8 \xed\xa0\x80.' > "$CORPUS/seed3"
"$BUILD/extract/nlp/fuzz_nlp" -max_total_time="$SECS" -max_len=8192 -rss_limit_mb=4096 \
  -print_final_stats=1 "$CORPUS"
