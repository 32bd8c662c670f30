#!/usr/bin/env bash
# Rebuilds the NLP models (tokenizer.bin, tagger.bin, lemma.bin, parser.bin)
# from UD_English-EWT train + GUM train (redistributable part), with
# WordNet's irregular-form lists (Debian package wordnet-base) for the
# lemmatizer. Deterministic: a rerun writes byte-identical files (compare the
# sha256sum lines printed at the end).
#
#   models/train.sh [BUILD_DIR]      (default: build)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
DATA=${KG_SHARED_DATA:-$ROOT/../shared/data}
WORDNET=${KG_WORDNET:-/usr/share/wordnet}
OUT=${KG_MODELS_OUT:-$ROOT/models}

if [ ! -d "$WORDNET" ]; then
  echo "models/train.sh: $WORDNET not found; install wordnet-base (apt-get install wordnet-base)" >&2
  exit 1
fi
cmake --build "$BUILD" --target kg-train -j2
mkdir -p "$OUT"
time "$BUILD/extract/nlp/kg-train" --out "$OUT" \
  --ewt "$DATA/ud-en-ewt" --gum "$DATA/ud-en-gum" --wordnet "$WORDNET"
cd "$OUT" && sha256sum tokenizer.bin tagger.bin lemma.bin parser.bin && ls -l tokenizer.bin tagger.bin lemma.bin parser.bin
