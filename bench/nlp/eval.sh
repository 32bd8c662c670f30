#!/usr/bin/env bash
# Measures the NLP pipeline on UD_English-EWT with our CoNLL 2018 scorer:
# gold-tokenized dev and test, raw-text dev and test, then speed on Reuters.
#
#   bench/nlp/eval.sh [BUILD_DIR] [dev|test|all]     (defaults: build, all)
#
# Needs the targets kg-nlp-run, kg-ud-eval and kg-nlp-bench built in BUILD_DIR.
# Raw-text input is the treebank's `# text` lines joined (a space between the
# sentences of a paragraph, a blank line at each `# newpar` / `# newdoc`).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build}
SPLITS=${2:-all}
DATA=${KG_SHARED_DATA:-$ROOT/../shared/data}
MODELS=${KG_MODELS:-$ROOT/models}
BIN=$BUILD/bench/nlp
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
case $SPLITS in
  all) SPLITS="dev test" ;;
esac
for split in $SPLITS; do
  gold=$DATA/ud-en-ewt/en_ewt-ud-$split.conllu
  echo "== EWT $split, gold tokenization (kg-nlp-run --input conllu)"
  "$BIN/kg-nlp-run" --models "$MODELS" --input conllu "$gold" > "$OUT/$split.gold-tok.conllu"
  "$BIN/kg-ud-eval" "$gold" "$OUT/$split.gold-tok.conllu"
  echo "== EWT $split, raw text (kg-nlp-run on the joined # text lines)"
  "$BIN/kg-nlp-run" --text "$gold" > "$OUT/$split.txt"
  "$BIN/kg-nlp-run" --models "$MODELS" "$OUT/$split.txt" > "$OUT/$split.raw.conllu"
  "$BIN/kg-ud-eval" "$gold" "$OUT/$split.raw.conllu"
done
if [ "${KG_EVAL_SPEED:-1}" = 1 ]; then
  echo "== speed (Reuters-21578, 1 thread)"
  "$BIN/kg-nlp-bench" --models "$MODELS"
fi
