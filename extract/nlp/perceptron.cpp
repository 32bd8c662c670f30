#include "extract/nlp/perceptron.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <numeric>
#include <cstdio>
#include <cstdlib>

namespace kg::nlp {

bool LinearModel::Build(int num_classes, std::vector<float> codebook, std::vector<uint32_t> keys,
                        std::vector<uint8_t> counts, std::vector<uint16_t> classes,
                        std::vector<int8_t> qweights) {
  *this = LinearModel();
  if (classes.size() >= kMaxEntries) return false;
  static std::atomic<uint64_t> next_id{1};
  id_ = next_id.fetch_add(1, std::memory_order_relaxed);
  num_classes_ = num_classes;
  codebook_ = std::move(codebook);
  s_keys_ = std::move(keys);
  s_counts_ = std::move(counts);
  s_classes_ = std::move(classes);
  s_q_ = std::move(qweights);
  for (int k = 1; k <= kLevels && k <= static_cast<int>(codebook_.size()); ++k) {
    weight_[k] = codebook_[k - 1];
    weight_[256 - k] = -codebook_[k - 1];
  }
  // Load factor at most 2/3: linear probing then stays within one or two
  // cache lines, also for the many features that are not in the table
  // (slots_ and dense_, sized by size_for).
  size_t cap = 0;
  auto size_for = [&](size_t n) {
    cap = 16;
    while (cap * 2 < n * 3) cap <<= 1;
    mask_ = cap - 1;
  };
  size_for(s_keys_.size());
  // Buckets hold what fits; the features that do not (or all, without
  // buckets) go to the open-addressing table.
  auto spill_all = [&](std::vector<size_t>* spill) {
    spill->resize(s_keys_.size());
    std::iota(spill->begin(), spill->end(), size_t{0});
  };
  auto code = [this](size_t j) { return static_cast<uint8_t>(s_q_[j]); };
  if (num_classes <= kDenseClasses) {
    std::vector<uint32_t> qs(s_keys_.size(), 0);  // feature i's codes, class c in bits 8c..
    size_t j = 0;
    for (size_t i = 0; i < s_keys_.size(); ++i)
      for (uint8_t c = 0; c < s_counts_[i]; ++c, ++j)
        qs[i] |= uint32_t{code(j)} << (8 * std::min<int>(s_classes_[j], num_classes_ - 1));
    std::vector<size_t> spill;  // features that go to dense_
    // Buckets pay off from a few MB on (a group of 65,536 buckets is 4 MiB).
    // At most kBucketLoad of their places are used: at 0.6 about 1 in 50
    // buckets overflows. Measured on the parser (2.66 million features):
    // 0.5 and 0.6 (28 and 24 MiB) were about 8% faster than the 8-byte slots
    // (32 MiB), 0.85 (16 MiB) slower, the overflow probes costing more
    // than the smaller table saved.
    constexpr double kBucketLoad = 0.6;
    const auto mult = static_cast<uint32_t>(
        std::ceil(static_cast<double>(s_keys_.size()) / (65536.0 * kBucketFeatures * kBucketLoad)));
    if (s_keys_.size() >= 400000 && mult <= 65536) {
      bucket_mult_ = mult;
      buckets_.assign(size_t{65536} * mult, Bucket{});
      for (size_t i = 0; i < s_keys_.size(); ++i) {
        Bucket& b = buckets_[BucketOf(s_keys_[i])];
        if (b.count == kBucketFeatures) {
          b.overflow = 1;
          spill.push_back(i);
          continue;
        }
        b.tag[b.count] = static_cast<uint16_t>(s_keys_[i] >> 16);
        for (int c = 0; c < 3; ++c) b.q[3 * b.count + c] = static_cast<uint8_t>(qs[i] >> (8 * c));
        ++b.count;
      }
      size_for(spill.size());
    } else {
      spill_all(&spill);
    }
    dense_.assign(cap, DenseSlot{});
    for (size_t i : spill) {
      size_t slot = Home(s_keys_[i]);
      while (dense_[slot].key != 0) slot = (slot + 1) & mask_;
      dense_[slot] = DenseSlot{s_keys_[i], qs[i]};
    }
    return true;
  }
  auto cls = [&](size_t j) { return static_cast<uint16_t>(std::min<int>(s_classes_[j], num_classes - 1)); };
  std::vector<size_t> first(s_keys_.size() + 1, 0);  // feature i's entries: first[i]..first[i+1]
  for (size_t i = 0; i < s_keys_.size(); ++i) first[i + 1] = first[i] + s_counts_[i];
  std::vector<size_t> spill;  // features that go to slots_/entries_
  // Record bytes at most kSparseLoad of the buckets' space on average, so
  // few buckets overflow. The labeller (402,047 features, 1.25 million
  // entries) gets 2 groups (8 MiB) and a 0.3 MB overflow table: 8.7 MB
  // instead of 13 MB, one cache line a feature instead of two.
  constexpr double kSparseLoad = 0.6;
  size_t record_bytes = 0;
  bool small_counts = true;
  for (size_t i = 0; i < s_keys_.size(); ++i) {
    record_bytes += 3 + 2 * size_t{s_counts_[i]};
    small_counts = small_counts && s_counts_[i] <= kSparseMaxClasses;
  }
  const auto smult = static_cast<uint32_t>(
      std::ceil(static_cast<double>(record_bytes) / (65536.0 * kSparseBytes * kSparseLoad)));
  if (num_classes <= kSparseMaxClasses && small_counts && s_keys_.size() >= kSparseMinFeatures &&
      smult <= 512) {
    bucket_mult_ = smult;
    sparse_.assign(size_t{65536} * smult, SparseBucket{});
    std::vector<uint8_t> used(sparse_.size(), 0);
    for (size_t i = 0; i < s_keys_.size(); ++i) {
      const size_t bi = BucketOf(s_keys_[i]);
      SparseBucket& b = sparse_[bi];
      const size_t size = 3 + 2 * size_t{s_counts_[i]};
      if (used[bi] + size > static_cast<size_t>(kSparseBytes)) {
        b.overflow = 1;
        spill.push_back(i);
        continue;
      }
      uint8_t* p = b.rec + used[bi];
      p[0] = static_cast<uint8_t>(s_keys_[i] >> 16);
      p[1] = static_cast<uint8_t>(s_keys_[i] >> 24);
      p[2] = s_counts_[i];
      for (size_t j = first[i], k = 3; j < first[i + 1]; ++j, k += 2) {
        p[k] = static_cast<uint8_t>(cls(j));
        p[k + 1] = code(j);
      }
      used[bi] = static_cast<uint8_t>(used[bi] + size);
      ++b.count;
    }
    size_for(spill.size());
  } else {
    spill_all(&spill);
  }
  slots_.assign(cap, Slot{});
  rows_.clear();
  size_t spill_entries = 0;
  for (size_t i : spill) spill_entries += s_counts_[i];
  entries_.reserve(spill_entries);
  uint32_t pos = 0;
  const size_t stride = (static_cast<size_t>(num_classes) + 3) & ~size_t{3};
  // Room for every row at once: the huge-page pool does not reuse the
  // blocks a growing vector leaves behind until the whole chunk is free.
  if (num_classes < static_cast<int>(kRowCount)) {
    size_t max_rows = 0;
    for (size_t i : spill) max_rows += s_counts_[i] >= kRowMinEntries;
    rows_.reserve(std::min(max_rows * stride, (size_t{kBeginMask} + 1) * 4));
  }
  std::vector<uint8_t> seen;
  for (size_t i : spill) {
    size_t slot = Home(s_keys_[i]);
    while (slots_[slot].key != 0) slot = (slot + 1) & mask_;
    if (num_classes < static_cast<int>(kRowCount) && s_counts_[i] >= kRowMinEntries &&
        (rows_.size() + stride) / 4 <= kBeginMask) {
      // A row holds one weight per class: only for features whose classes
      // are distinct (always, from PerceptronTrainer).
      seen.assign(stride, 0);
      bool distinct = true;
      for (size_t j = first[i]; j < first[i + 1]; ++j) distinct = distinct && !seen[cls(j)]++;
      if (distinct) {
        const size_t r = rows_.size();
        rows_.resize(r + stride, 0.0f);
        for (size_t j = first[i]; j < first[i + 1]; ++j) rows_[r + cls(j)] = weight_[code(j)];
        slots_[slot] = Slot{s_keys_[i], static_cast<uint32_t>(r / 4) | kRowCount << kLenShift};
        continue;
      }
    }
    slots_[slot] = Slot{s_keys_[i], pos | static_cast<uint32_t>(s_counts_[i]) << kLenShift};
    pos += s_counts_[i];
    for (size_t j = first[i]; j < first[i + 1]; ++j) entries_.push_back(Entry{cls(j), code(j)});
  }
  return true;
}

LinearModel LinearModel::WithoutWeakFeatures(float min_abs) const {
  std::vector<uint32_t> keys;
  std::vector<uint8_t> counts;
  std::vector<uint16_t> classes;
  std::vector<int8_t> q;
  size_t j = 0;
  for (size_t i = 0; i < s_keys_.size(); ++i) {
    const size_t end = j + s_counts_[i];
    float max_abs = 0;
    for (size_t e = j; e < end; ++e)
      max_abs = std::max(max_abs, std::fabs(weight_[static_cast<uint8_t>(s_q_[e])]));
    if (max_abs >= min_abs) {
      keys.push_back(s_keys_[i]);
      counts.push_back(s_counts_[i]);
      classes.insert(classes.end(), s_classes_.begin() + j, s_classes_.begin() + end);
      q.insert(q.end(), s_q_.begin() + j, s_q_.begin() + end);
    }
    j = end;
  }
  LinearModel m;
  (void)m.Build(num_classes_, codebook_, std::move(keys), std::move(counts), std::move(classes),
                std::move(q));
  return m;
}

void LinearModel::OverrideWeights(const std::vector<float>& w) {
  if (w.size() != s_classes_.size()) return;
  exact_ = w;
  offsets_.assign(s_keys_.size() + 1, 0);
  for (size_t i = 0; i < s_keys_.size(); ++i) offsets_[i + 1] = offsets_[i] + s_counts_[i];
}

void LinearModel::ScoreExact(const uint64_t* feats, size_t n, float* scores) const {
  // Same sums as the fast path, in the same order, from the exact weights.
  float sum[kDenseClasses] = {};
  for (size_t i = 0; i < n; ++i) {
    const uint32_t key = Fingerprint(feats[i]);
    const auto it = std::lower_bound(s_keys_.begin(), s_keys_.end(), key);
    if (it == s_keys_.end() || *it != key) continue;
    const size_t f = static_cast<size_t>(it - s_keys_.begin());
    for (uint32_t j = offsets_[f]; j < offsets_[f + 1]; ++j) {
      const int c = std::min<int>(s_classes_[j], num_classes_ - 1);
      if (num_classes_ <= kDenseClasses) sum[c] += exact_[j];
      else scores[c] += exact_[j];
    }
  }
  if (num_classes_ <= kDenseClasses)
    for (int c = 0; c < num_classes_; ++c) scores[c] += sum[c];
}

void LinearModel::Save(ModelWriter& w) const {
  w.Put<int32_t>(num_classes_);
  w.PutVector(codebook_);
  w.PutVector(s_keys_);
  w.PutVector(s_counts_);
  if (num_classes_ <= 256) {
    std::vector<uint8_t> c8(s_classes_.begin(), s_classes_.end());
    w.PutVector(c8);
  } else {
    w.PutVector(s_classes_);
  }
  w.PutVector(s_q_);
}

bool LinearModel::Load(ModelReader& r) {
  int32_t nc;
  std::vector<float> codebook;
  std::vector<uint32_t> keys;
  std::vector<uint8_t> counts;
  std::vector<uint16_t> classes;
  std::vector<int8_t> q;
  if (!r.Get(&nc) || nc <= 0 || nc > 65535 || !r.GetVector(&codebook) ||
      codebook.size() != static_cast<size_t>(kLevels) || !r.GetVector(&keys) ||
      !r.GetVector(&counts))
    return false;
  if (nc <= 256) {
    std::vector<uint8_t> c8;
    if (!r.GetVector(&c8)) return false;
    classes.assign(c8.begin(), c8.end());
  } else if (!r.GetVector(&classes)) {
    return false;
  }
  if (!r.GetVector(&q)) return false;
  if (counts.size() != keys.size() || classes.size() != q.size()) return false;
  const uint64_t total = std::accumulate(counts.begin(), counts.end(), uint64_t{0});
  if (total != classes.size()) return false;
  for (size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == 0 || (i > 0 && keys[i] <= keys[i - 1])) return false;
  for (int8_t x : q)
    if (x == -128) return false;
  return Build(nc, std::move(codebook), std::move(keys), std::move(counts), std::move(classes),
               std::move(q));
}

PerceptronTrainer::PerceptronTrainer(int num_classes) : num_classes_(num_classes) {
  keys_.assign(1 << 16, 0);
  rows_idx_.assign(1 << 16, 0);
  mask_ = (1 << 16) - 1;
}

int64_t PerceptronTrainer::Find(uint64_t key) const {
  size_t slot = key & mask_;
  while (true) {
    if (keys_[slot] == key) return rows_idx_[slot];
    if (keys_[slot] == 0) return -1;
    slot = (slot + 1) & mask_;
  }
}

void PerceptronTrainer::Grow() {
  std::vector<uint64_t> old_keys = std::move(keys_);
  std::vector<uint32_t> old_idx = std::move(rows_idx_);
  const size_t cap = old_keys.size() * 2;
  keys_.assign(cap, 0);
  rows_idx_.assign(cap, 0);
  mask_ = cap - 1;
  for (size_t i = 0; i < old_keys.size(); ++i) {
    if (old_keys[i] == 0) continue;
    size_t slot = old_keys[i] & mask_;
    while (keys_[slot] != 0) slot = (slot + 1) & mask_;
    keys_[slot] = old_keys[i];
    rows_idx_[slot] = old_idx[i];
  }
}

uint32_t PerceptronTrainer::FindOrAdd(uint64_t key) {
  if ((hot_.size() + 1) * 2 > keys_.size()) Grow();
  size_t slot = key & mask_;
  while (true) {
    if (keys_[slot] == key) return rows_idx_[slot];
    if (keys_[slot] == 0) break;
    slot = (slot + 1) & mask_;
  }
  keys_[slot] = key;
  rows_idx_[slot] = static_cast<uint32_t>(hot_.size());
  hot_.emplace_back();
  cold_.emplace_back();
  return rows_idx_[slot];
}

void PerceptronTrainer::Score(const uint64_t* feats, size_t n, float* scores) const {
  for (size_t i = 0; i < n; ++i) {
    const int64_t r = Find(feats[i]);
    if (r < 0) continue;
    for (const Hot& e : hot_[r]) scores[e.cls] += e.w;
  }
}

void PerceptronTrainer::Update(const uint64_t* feats, size_t n, int cls, float delta) {
  for (size_t i = 0; i < n; ++i) {
    const uint32_t r = FindOrAdd(feats[i]);
    auto& hot = hot_[r];
    auto& cold = cold_[r];
    size_t j = 0;
    while (j < hot.size() && hot[j].cls != static_cast<uint32_t>(cls)) ++j;
    if (j == hot.size()) {
      hot.push_back(Hot{0.0f, static_cast<uint32_t>(cls)});
      cold.push_back(Cold{0.0, time_});
    }
    cold[j].acc += static_cast<double>(hot[j].w) * static_cast<double>(time_ - cold[j].ts);
    cold[j].ts = time_;
    hot[j].w += delta;
  }
}

LinearModel PerceptronTrainer::Finalize(float prune, bool exact) const {
  // Averaged weights per (fingerprint, class), in fingerprint order so the
  // output bytes do not depend on hash-table layout. Distinct 64-bit keys
  // that share a fingerprint are merged by adding their weights.
  const double T = static_cast<double>(time_);
  std::vector<std::pair<uint32_t, uint32_t>> order;  // (fingerprint, row)
  order.reserve(hot_.size());
  for (size_t s = 0; s < keys_.size(); ++s)
    if (keys_[s] != 0) order.emplace_back(LinearModel::Fingerprint(keys_[s]), rows_idx_[s]);
  std::sort(order.begin(), order.end());
  std::vector<uint32_t> keys;
  std::vector<std::vector<std::pair<uint16_t, double>>> rows;
  double max_abs = 1e-9;
  std::vector<double> acc(num_classes_);
  std::vector<char> seen(num_classes_);
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    std::fill(acc.begin(), acc.end(), 0.0);
    std::fill(seen.begin(), seen.end(), 0);
    for (; j < order.size() && order[j].first == order[i].first; ++j) {
      const auto& hot = hot_[order[j].second];
      const auto& cold = cold_[order[j].second];
      for (size_t e = 0; e < hot.size(); ++e) {
        acc[hot[e].cls] += (cold[e].acc + static_cast<double>(hot[e].w) *
                                              (T - static_cast<double>(cold[e].ts))) / T;
        seen[hot[e].cls] = 1;
      }
    }
    std::vector<std::pair<uint16_t, double>> row;
    for (int c = 0; c < num_classes_; ++c)
      if (seen[c] && std::fabs(acc[c]) >= prune) row.emplace_back(static_cast<uint16_t>(c), acc[c]);
    if (row.size() > 255) {  // keep the 255 largest (never happens with < 256 classes)
      std::sort(row.begin(), row.end(), [](auto& a, auto& b) {
        return std::fabs(a.second) > std::fabs(b.second) ||
               (std::fabs(a.second) == std::fabs(b.second) && a.first < b.first);
      });
      row.resize(255);
      std::sort(row.begin(), row.end());
    }
    for (auto& [c, a] : row) max_abs = std::max(max_abs, std::fabs(a));
    if (!row.empty()) {
      keys.push_back(order[i].first);
      rows.push_back(std::move(row));
    }
    i = j;
  }
  // Logarithmic codebook: magnitudes lo * ratio^k, k = 0..126, lo = prune.
  const double lo = std::max(static_cast<double>(prune), 1e-4);
  const double hi = std::max(max_abs, lo * 1.0001);
  const double log_ratio = std::log(hi / lo) / (LinearModel::kLevels - 1);
  std::vector<float> codebook(LinearModel::kLevels);
  for (int k = 0; k < LinearModel::kLevels; ++k)
    codebook[k] = static_cast<float>(lo * std::exp(log_ratio * k));
  std::vector<uint32_t> out_keys;
  std::vector<uint8_t> counts;
  std::vector<uint16_t> classes;
  std::vector<int8_t> q;
  std::vector<float> exact_w;
  for (size_t i = 0; i < keys.size(); ++i) {
    uint8_t c = 0;
    for (const auto& [cls, a] : rows[i]) {
      const double m = std::fabs(a);
      if (m < lo) continue;
      const long k = std::clamp(std::lround(std::log(m / lo) / log_ratio), 0L,
                                static_cast<long>(LinearModel::kLevels - 1));
      classes.push_back(cls);
      q.push_back(static_cast<int8_t>(a < 0 ? -(k + 1) : (k + 1)));
      if (exact) exact_w.push_back(static_cast<float>(a));
      ++c;
    }
    if (c == 0) continue;
    out_keys.push_back(keys[i]);
    counts.push_back(c);
  }
  LinearModel m;
  (void)m.Build(num_classes_, std::move(codebook), std::move(out_keys), std::move(counts),
          std::move(classes), std::move(q));
  if (exact) m.OverrideWeights(exact_w);
  return m;
}

}  // namespace kg::nlp
