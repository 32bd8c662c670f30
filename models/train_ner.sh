#!/usr/bin/env bash
# Retrains models/clusters.tsv (word clusters from unlabelled text),
# models/ner.bin (NER tagger + gazetteers + those clusters) and
# models/lexicon.tsv (nominalisations) from ../shared/data and Debian data
# packages.
# Deterministic: same inputs, same files.
#
#   models/train_ner.sh [BUILD_DIR]      (default: build)
#
# Needs: iso-codes, tzdata, wordnet-base (apt-get install iso-codes tzdata wordnet-base)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD="${1:-$ROOT/build}"
DATA="${KG_SHARED_DATA:-$ROOT/../shared/data}"
cmake --build "$BUILD" --target kg-train-ner kg-train-clusters
# Unlabelled text: the EWT and GUM train splits and the CC BY 2.5 Wikinews
# articles (never a dev/test split, never Reuters).
"$BUILD/extract/kg-train-clusters" \
  --conllu "$DATA/ud-en-ewt/en_ewt-ud-train.conllu" \
  --conllu "$DATA/ud-en-gum/en_gum-ud-train.redist.conllu" \
  --jsonl "$DATA/news/wikinews-2019-2020/articles.jsonl" \
  --depth 8 --min-count 2 --contexts 300 \
  --out "$ROOT/models/clusters.tsv"
"$BUILD/extract/kg-train-ner" \
  --uner "$DATA/uner-en-ewt/en_ewt-ud-train.v0-approx.iob2" \
  --ud "$DATA/ud-en-ewt/en_ewt-ud-train.conllu" \
  --gum "$DATA/ud-en-gum/en_gum-ud-train.redist.conllu" \
  --dev "$DATA/uner-en-ewt/en_ewt-ud-dev.iob2" \
  --ud-dev "$DATA/ud-en-ewt/en_ewt-ud-dev.conllu" \
  --iso /usr/share/iso-codes/json \
  --zones /usr/share/zoneinfo/zone1970.tab \
  --wordnet /usr/share/wordnet \
  --epochs 5 --seed 1 --runs 5 --features 17 --clusters "$ROOT/models/clusters.tsv" \
  --out "$ROOT/models/ner.bin" \
  --lexicon "$ROOT/models/lexicon.tsv"
