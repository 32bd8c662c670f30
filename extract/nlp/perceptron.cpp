#include "extract/nlp/perceptron.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace kg::nlp {

void LinearModel::Build(int num_classes, float scale, const std::vector<uint64_t>& keys,
                        const std::vector<uint16_t>& counts,
                        const std::vector<uint16_t>& classes,
                        const std::vector<int16_t>& qweights) {
  num_classes_ = num_classes;
  scale_ = scale;
  s_keys_ = keys;
  s_counts_ = counts;
  s_classes_ = classes;
  s_q_ = qweights;
  num_keys_ = keys.size();
  size_t cap = 16;
  while (cap < keys.size() * 2) cap <<= 1;
  mask_ = cap - 1;
  keys_.assign(cap, 0);
  begin_.assign(cap, 0);
  len_.assign(cap, 0);
  cls_.resize(classes.size());
  w_.resize(classes.size());
  uint32_t pos = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    size_t slot = keys[i] & mask_;
    while (keys_[slot] != 0) slot = (slot + 1) & mask_;
    keys_[slot] = keys[i];
    begin_[slot] = pos;
    len_[slot] = counts[i];
    pos += counts[i];
  }
  for (size_t j = 0; j < classes.size(); ++j) {
    cls_[j] = std::min<uint16_t>(classes[j], static_cast<uint16_t>(num_classes - 1));
    w_[j] = static_cast<float>(qweights[j]) * scale;
  }
}

void LinearModel::Save(ModelWriter& w) const {
  w.Put<int32_t>(num_classes_);
  w.Put<float>(scale_);
  w.PutVector(s_keys_);
  w.PutVector(s_counts_);
  w.PutVector(s_classes_);
  w.PutVector(s_q_);
}

bool LinearModel::Load(ModelReader& r) {
  int32_t nc;
  float scale;
  std::vector<uint64_t> keys;
  std::vector<uint16_t> counts, classes;
  std::vector<int16_t> q;
  if (!r.Get(&nc) || !r.Get(&scale) || !r.GetVector(&keys) || !r.GetVector(&counts) ||
      !r.GetVector(&classes) || !r.GetVector(&q))
    return false;
  if (nc <= 0 || nc > 65535 || counts.size() != keys.size() || classes.size() != q.size())
    return false;
  uint64_t total = std::accumulate(counts.begin(), counts.end(), uint64_t{0});
  if (total != classes.size()) return false;
  for (uint64_t k : keys)
    if (k == 0) return false;
  Build(nc, scale, keys, counts, classes, q);
  return true;
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

LinearModel PerceptronTrainer::Finalize(float prune) const {
  // Collect (key, row) in key order so the output bytes do not depend on
  // hash-table layout.
  std::vector<std::pair<uint64_t, uint32_t>> order;
  order.reserve(hot_.size());
  for (size_t s = 0; s < keys_.size(); ++s)
    if (keys_[s] != 0) order.emplace_back(keys_[s], rows_idx_[s]);
  std::sort(order.begin(), order.end());
  const double T = static_cast<double>(time_);
  double max_abs = 1e-9;
  std::vector<std::vector<std::pair<uint16_t, double>>> avg(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    const auto& hot = hot_[order[i].second];
    const auto& cold = cold_[order[i].second];
    for (size_t j = 0; j < hot.size(); ++j) {
      const double a =
          (cold[j].acc + static_cast<double>(hot[j].w) * (T - static_cast<double>(cold[j].ts))) / T;
      if (std::fabs(a) < prune) continue;
      avg[i].emplace_back(static_cast<uint16_t>(hot[j].cls), a);
      max_abs = std::max(max_abs, std::fabs(a));
    }
    std::sort(avg[i].begin(), avg[i].end());
  }
  const float scale = static_cast<float>(max_abs / 32000.0);
  std::vector<uint64_t> keys;
  std::vector<uint16_t> counts, classes;
  std::vector<int16_t> q;
  for (size_t i = 0; i < order.size(); ++i) {
    uint16_t c = 0;
    for (const auto& [cls, a] : avg[i]) {
      const long v = std::lround(a / scale);
      if (v == 0) continue;
      classes.push_back(cls);
      q.push_back(static_cast<int16_t>(std::clamp(v, -32767L, 32767L)));
      ++c;
    }
    if (c == 0) continue;
    keys.push_back(order[i].first);
    counts.push_back(c);
  }
  LinearModel m;
  m.Build(num_classes_, scale, keys, counts, classes, q);
  return m;
}

}  // namespace kg::nlp
