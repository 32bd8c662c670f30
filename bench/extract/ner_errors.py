#!/usr/bin/env python3
"""Error analysis of the NER tagger on UNER dev (PER/ORG/LOC, exact span).

  KG_NER_DUMP=/tmp/dump.tsv build/bench/extract/kg-bench-ner DEV.iob2 [MODEL_DIR]
  bench/extract/ner_errors.py /tmp/dump.tsv TRAIN.iob2 DEV.iob2

The dump holds the sentences where prediction and gold differ (form, upos,
gold, predicted). Each gold entity there that was not found exactly is
classed: wrong type (same span), span error (an overlapping prediction of
the same type), span+type error, or missed (no overlapping prediction);
and whether its string occurs as an entity / at all in the train file.
With DEV.iob2: the share of dev entities whose string the train file never
has (as an entity of that type / at all), and the recall of each group.
"""
import collections
import sys


def spans(tags):
    out, i = set(), 0
    while i < len(tags):
        t = tags[i]
        if t.startswith('B-') and t[2:] in ('PER', 'ORG', 'LOC'):
            j = i + 1
            while j < len(tags) and tags[j] == 'I-' + t[2:]:
                j += 1
            out.add((i, j, t[2:]))
            i = j
        else:
            i += 1
    return out


def read_dump(path):
    sents, cur = [], []
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line:
            if cur:
                sents.append(cur)
            cur = []
            continue
        cur.append(line.split('\t'))
    if cur:
        sents.append(cur)
    return sents


def read_iob2(path):
    """The sentences of an IOB2 file (ID, form, tag columns) as (forms, tags)."""
    toks, tags = [], []
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if line.startswith('#'):
            continue
        if not line:
            if toks:
                yield toks, tags
            toks, tags = [], []
            continue
        f = line.split('\t')
        if len(f) >= 3:
            toks.append(f[1])
            tags.append(f[2])
    if toks:
        yield toks, tags


def read_train(path):
    ents, text = collections.Counter(), set()
    for toks, tags in read_iob2(path):
        for (b, e, c) in spans(tags):
            ents[(' '.join(toks[b:e]), c)] += 1
        for n in range(1, 6):
            for k in range(len(toks) - n + 1):
                text.add(' '.join(toks[k:k + n]))
    return ents, text


def main():
    sents = read_dump(sys.argv[1])
    ents, text = read_train(sys.argv[2])
    ent_strings = {s for (s, c) in ents}
    kinds = collections.Counter()
    by_class = collections.defaultdict(collections.Counter)
    unseen = collections.Counter()
    false_pos = collections.Counter()
    examples = collections.defaultdict(list)
    def group(name, c):
        if (name, c) in ents:
            return 'seen as this type'
        if name in text:
            return 'in train text, not as this type'
        return 'absent from train'
    missed_by_group = collections.Counter()
    for s in sents:
        forms = [t[0] for t in s]
        gold, pred = spans([t[2] for t in s]), spans([t[3] for t in s])
        for g in sorted(gold - pred):
            b, e, c = g
            ov = [p for p in pred if p[0] < e and b < p[1]]
            if any(p[0] == b and p[1] == e for p in ov):
                k = 'wrong type'
            elif any(p[2] == c for p in ov):
                k = 'span error'
            elif ov:
                k = 'span+type error'
            else:
                k = 'missed'
            kinds[k] += 1
            by_class[c][k] += 1
            name = ' '.join(forms[b:e])
            missed_by_group[group(name, c)] += 1
            if k == 'missed':
                if name in ent_strings:
                    unseen['missed, seen as an entity in train'] += 1
                elif name in text:
                    unseen['missed, in train text but never an entity'] += 1
                else:
                    unseen['missed, string absent from train'] += 1
            if len(examples[(c, k)]) < 12:
                examples[(c, k)].append(name)
        for p in sorted(pred - gold):
            b, e, c = p
            if not any(g[0] < e and b < g[1] for g in gold):
                false_pos[c] += 1
    print('gold entities not found exactly, by kind:', dict(kinds))
    for c in ('PER', 'ORG', 'LOC'):
        print(' ', c, dict(by_class[c]))
    print('missed entities vs train:', dict(unseen))
    print('predictions overlapping no gold entity (false alarms):', dict(false_pos))
    if len(sys.argv) > 3:
        totals = collections.Counter()
        for toks, tags in read_iob2(sys.argv[3]):
            for (b, e, c) in spans(tags):
                totals[group(' '.join(toks[b:e]), c)] += 1
        n = sum(totals.values())
        for g, t in sorted(totals.items()):
            print('dev entities %s: %d of %d (%.1f %%), recall %.1f %%' %
                  (g, t, n, 100.0 * t / n, 100.0 * (t - missed_by_group[g]) / t))
    for (c, k), v in sorted(examples.items()):
        print('  e.g.', c, k + ':', '; '.join(v))


if __name__ == '__main__':
    main()
