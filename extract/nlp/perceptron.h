// Sparse multi-class linear models over hashed features (averaged perceptron).
//
// LinearModel is the immutable runtime form: an open-addressing table from a
// 32-bit fingerprint of the 64-bit feature key to a short list of (class,
// weight) entries. On disk each weight is one signed byte indexing a
// logarithmic codebook of 127 magnitudes per model (relative error <= ~2%).
// Thread-safe for reads.
//
// PerceptronTrainer holds the training-time weights with lazy averaging
// (Collins 2002; Daume's trick of timestamps) and produces a LinearModel.
#pragma once

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "extract/nlp/huge_pages.h"
#include "extract/nlp/model_io.h"

namespace kg::nlp {

class LinearModel {
 public:
  int num_classes() const { return num_classes_; }
  // Distinct for every table built in this process (copies share it).
  uint64_t id() const { return id_; }
  size_t num_features() const { return s_keys_.size(); }
  size_t num_entries() const { return s_classes_.size(); }

  // Feature keys are 64-bit hashes; the table keeps a 32-bit fingerprint.
  static uint32_t Fingerprint(uint64_t key) {
    const auto k = static_cast<uint32_t>(key >> 32);
    return k == 0 ? 1 : k;
  }

  // A caller-owned cache of table lookups: fingerprint -> the feature's
  // slot content (its weights' codes, or where its entries are), absent
  // features included. Direct-mapped, 8 bytes an entry, so a sentence's
  // features fit in L1/L2 where the table itself (tens of MB) misses the
  // caches on nearly every lookup. Pays off when the same features are
  // scored again: the parser's branches re-score mostly the features of
  // its greedy run. Not thread-safe: one per thread. It notices when it is
  // used with another model (or a rebuilt one) and starts empty.
  class Cache {
   public:
    explicit Cache(int log2_slots = 13)
        : slots_(size_t{1} << log2_slots, 0), mask_((size_t{1} << log2_slots) - 1) {}

   private:
    friend class LinearModel;
    HugeVector<uint64_t> slots_;  // fingerprint << 32 | payload; 0 = empty
    size_t mask_;
    uint64_t owner_ = 0;  // id_ of the model whose lookups it holds
  };

  // scores[c] += sum of weights of `feats` for class c. scores has num_classes().
  // Lookups are memory-bound (the tables are tens of MB), so the slots of a
  // batch of features are prefetched first and resolved afterwards, letting
  // the cache misses overlap.
  void Score(const uint64_t* feats, size_t n, float* scores) const {
    if (!exact_.empty()) {
      ScoreExact(feats, n, scores);
      return;
    }
    if (num_classes_ <= kDenseClasses) {
      ScoreDense(feats, n, scores);
      return;
    }
    if (!sparse_.empty()) {
      ScoreSparse(feats, n, scores);
      return;
    }
    constexpr size_t kBatch = 64;
    uint32_t keys[kBatch];
    uint32_t found[kBatch];
    for (size_t base = 0; base < n; base += kBatch) {
      const size_t m = n - base < kBatch ? n - base : kBatch;
      for (size_t i = 0; i < m; ++i) {
        keys[i] = Fingerprint(feats[base + i]);
        __builtin_prefetch(&slots_[Home(keys[i])]);
      }
      size_t nf = 0;
      for (size_t i = 0; i < m; ++i) {
        const uint32_t span = Find(keys[i]);
        if (span != 0) {
          __builtin_prefetch(SpanAddress(span));
          found[nf++] = span;
        }
      }
      for (size_t i = 0; i < nf; ++i) AddEntries(found[i], scores);
    }
  }

  // The same sums (bit for bit) through `cache`.
  void Score(const uint64_t* feats, size_t n, float* scores, Cache& cache) const {
    if (!exact_.empty()) {
      ScoreExact(feats, n, scores);
      return;
    }
    if (cache.owner_ != id_) {
      std::fill(cache.slots_.begin(), cache.slots_.end(), 0);
      cache.owner_ = id_;
    }
    constexpr size_t kBatch = 64;
    uint32_t keys[kBatch], payload[kBatch];
    uint8_t missed[kBatch];
    float sum[kDenseClasses] = {};
    const bool dense = num_classes_ <= kDenseClasses;
    const bool sparse = !sparse_.empty();
    for (size_t base = 0; base < n; base += kBatch) {
      const size_t m = n - base < kBatch ? n - base : kBatch;
      size_t nm = 0;
      for (size_t i = 0; i < m; ++i) {
        const uint32_t key = Fingerprint(feats[base + i]);
        keys[i] = key;
        const uint64_t c = cache.slots_[key & cache.mask_];
        if (static_cast<uint32_t>(c >> 32) == key) {
          payload[i] = static_cast<uint32_t>(c);
        } else {
          missed[nm++] = static_cast<uint8_t>(i);
          if (dense) __builtin_prefetch(DenseHome(key));
          else if (sparse) __builtin_prefetch(&sparse_[BucketOf(key)]);
          else __builtin_prefetch(&slots_[Home(key)]);
        }
      }
      for (size_t j = 0; j < nm; ++j) {
        const size_t i = missed[j];
        payload[i] = dense ? FindDense(keys[i]) : sparse ? FindSparse(keys[i]) : Find(keys[i]);
        cache.slots_[keys[i] & cache.mask_] = uint64_t{keys[i]} << 32 | payload[i];
      }
      if (dense) {
        for (size_t i = 0; i < m; ++i)
          for (int c = 0; c < kDenseClasses; ++c) sum[c] += weight_[(payload[i] >> (8 * c)) & 0xff];
      } else {
        for (size_t i = 0; i < m; ++i)
          if (payload[i] != 0)
            __builtin_prefetch(sparse ? HandleAddress(payload[i]) : SpanAddress(payload[i]));
        for (size_t i = 0; i < m; ++i)
          if (payload[i] == 0) continue;
          else if (sparse) AddHandle(payload[i], scores);
          else AddEntries(payload[i], scores);
      }
    }
    if (dense)
      for (int c = 0; c < num_classes_; ++c) scores[c] += sum[c];
  }

  void Save(ModelWriter& w) const;
  bool Load(ModelReader& r);

  // A copy without the features whose largest |weight| is below `min_abs`;
  // the features kept keep all their weights and the codebook is the same.
  // A deterministic post-process of the quantized model (the same input
  // gives the same bytes on Save), used to shrink the tables so that more of
  // them stays in the caches. min_abs <= 0 returns an identical copy.
  LinearModel WithoutWeakFeatures(float min_abs) const;
  // Bytes of the in-memory lookup table (slots, plus entries for models
  // with more than kDenseClasses classes).
  size_t TableBytes() const {
    return buckets_.size() * sizeof(Bucket) + sparse_.size() * sizeof(SparseBucket) +
           dense_.size() * sizeof(DenseSlot) +
           slots_.size() * sizeof(Slot) +
           entries_.size() * sizeof(Entry) + rows_.size() * sizeof(float);
  }

  // Models with at most kDenseClasses classes (the parser's transitions)
  // keep every weight of a feature inside its hash slot: one cache miss per
  // feature instead of two.
  static constexpr int kDenseClasses = 3;

  static constexpr int kLevels = 127;  // magnitudes; code q in [-127,127], |q|-1 indexes them
  // The in-memory table addresses at most this many weights (the files in
  // models/ hold about 6 million at most).
  static constexpr size_t kMaxEntries = size_t{1} << 24;

  // Builds the table from sorted, distinct fingerprints with their entries.
  // Returns false (and leaves the model empty) if there are more than
  // kMaxEntries weights.
  bool Build(int num_classes, std::vector<float> codebook, std::vector<uint32_t> keys,
             std::vector<uint8_t> counts, std::vector<uint16_t> classes,
             std::vector<int8_t> qweights);
  // Scores with `w` (same order as the entries) instead of the codebook
  // (slow; for measuring what quantization costs). Save still writes codes.
  void OverrideWeights(const std::vector<float>& w);

 private:
  // In memory every weight is its 1-byte code, resolved through weight_ (the
  // signed codebook, 256 floats that stay in L1): slots of 8 bytes, entries
  // of 4, so the tables are a third of their former size and more of them
  // stays in the caches.
  static constexpr uint32_t kLenShift = 24;
  static constexpr uint32_t kBeginMask = (uint32_t{1} << kLenShift) - 1;
  struct Slot {
    uint32_t key = 0;
    uint32_t span = 0;  // first entry (low 24 bits) | entry count << 24
  };
  struct Entry {
    uint16_t cls;
    uint8_t q;  // code as unsigned byte, index into weight_
  };
  struct DenseSlot {
    uint32_t key = 0;
    uint32_t q = 0;  // code of class c (as unsigned byte) in bits 8c..8c+7; 0 = no weight
  };
  // Large dense tables (the parser's transitions) use 5 bytes a feature
  // instead of 8 at load 2/3: a 64-byte bucket holds 12 features as 16-bit
  // tags (the fingerprint's high half) and their 3 codes. The bucket index
  // determines the fingerprint's low 16 bits (BucketOf), so a tag match in
  // the home bucket is a fingerprint match: lookups give exactly what the
  // 8-byte slots gave. A full bucket sends further features to `dense_`
  // (then only an overflow table) and sets `overflow`.
  static constexpr int kBucketFeatures = 12;
  struct Bucket {
    uint16_t tag[kBucketFeatures];
    uint8_t q[3 * kBucketFeatures];  // feature i's codes at 3i..3i+2
    uint8_t count;                   // features in tag/q
    uint8_t overflow;                // 1 if a feature with this home is in dense_
    uint8_t pad[2];
  };
  // Large tables with up to kSparseMaxClasses classes (the parser's
  // labeller) keep each feature's entries next to its tag: a 64-byte bucket
  // holds variable-length records [tag (2 bytes, the fingerprint's high
  // half), n, n x (class, code)], so a lookup is one cache line where the
  // slot-then-entries layout read two. Buckets are chosen like the 3-class
  // buckets' (BucketOf), so a tag match in the home bucket is a fingerprint
  // match. A record that does not fit goes to slots_/entries_ (then only an
  // overflow table) and sets `overflow`.
  static constexpr int kSparseMaxClasses = 127;  // a span's count then leaves bit 31 clear
  static constexpr size_t kSparseMinFeatures = 100000;
  static constexpr int kSparseBytes = 62;
  struct SparseBucket {
    uint8_t count;     // records in rec
    uint8_t overflow;  // 1 if a feature with this home is in slots_
    uint8_t rec[kSparseBytes];
  };
  // A lookup's result as a 32-bit handle: 0 absent; kInBucket | bucket << 6 |
  // byte offset of the record's n within the bucket; else an overflow span.
  static constexpr uint32_t kInBucket = uint32_t{1} << 31;
  static_assert(sizeof(Slot) == 8 && sizeof(DenseSlot) == 8 && sizeof(Bucket) == 64 &&
                sizeof(SparseBucket) == 64);
  uint32_t FindSparse(uint32_t key) const {
    const size_t bi = BucketOf(key);
    const SparseBucket& b = sparse_[bi];
    const auto tag = static_cast<uint16_t>(key >> 16);
    const uint8_t* p = b.rec;
    for (int i = 0; i < b.count; ++i) {
      if ((p[0] | p[1] << 8) == tag)
        return kInBucket | static_cast<uint32_t>(bi) << 6 |
               static_cast<uint32_t>(p + 2 - reinterpret_cast<const uint8_t*>(&b));
      p += 3 + 2 * p[2];
    }
    return b.overflow == 0 ? 0 : Find(key);
  }
  const void* HandleAddress(uint32_t h) const {
    if (h & kInBucket) return &sparse_[(h & ~kInBucket) >> 6];
    return SpanAddress(h);
  }
  void AddHandle(uint32_t h, float* scores) const {
    if ((h & kInBucket) == 0) {
      AddEntries(h, scores);
      return;
    }
    const uint8_t* p = reinterpret_cast<const uint8_t*>(&sparse_[(h & ~kInBucket) >> 6]) + (h & 63);
    const uint8_t* end = p + 1 + 2 * p[0];
    for (++p; p < end; p += 2) scores[p[0]] += weight_[p[1]];
  }
  // Score for sparse_ tables: same sums, same order, as the slot layout.
  void ScoreSparse(const uint64_t* feats, size_t n, float* scores) const {
    constexpr size_t kBatch = 64;
    uint32_t keys[kBatch];
    uint32_t found[kBatch];
    for (size_t base = 0; base < n; base += kBatch) {
      const size_t m = n - base < kBatch ? n - base : kBatch;
      for (size_t i = 0; i < m; ++i) {
        keys[i] = Fingerprint(feats[base + i]);
        __builtin_prefetch(&sparse_[BucketOf(keys[i])]);
      }
      size_t nf = 0;
      for (size_t i = 0; i < m; ++i) {
        const uint32_t h = FindSparse(keys[i]);
        if (h != 0) {
          if ((h & kInBucket) == 0) __builtin_prefetch(SpanAddress(h));
          found[nf++] = h;
        }
      }
      for (size_t i = 0; i < nf; ++i) AddHandle(found[i], scores);
    }
  }
  // Buckets come in 65,536 groups of bucket_mult_ (the low 16 bits pick the
  // group, the high 16 bits the bucket in it), so the table can grow in
  // steps of 4 MiB instead of doubling.
  size_t BucketOf(uint32_t key) const {
    return size_t{key & 0xffff} * bucket_mult_ + (((key >> 16) * bucket_mult_) >> 16);
  }
  const void* DenseHome(uint32_t key) const {
    if (!buckets_.empty()) return &buckets_[BucketOf(key)];
    return &dense_[Home(key)];
  }
  // Adds into a local kDenseClasses-wide sum and writes back only
  // num_classes_ scores: `scores` may hold fewer than kDenseClasses floats
  // (the tokenizer's 2-class models pass a float[2]).
  void ScoreDense(const uint64_t* feats, size_t n, float* scores) const {
    constexpr size_t kBatch = 64;
    float sum[kDenseClasses] = {};
    uint32_t keys[kBatch];
    for (size_t base = 0; base < n; base += kBatch) {
      const size_t m = n - base < kBatch ? n - base : kBatch;
      for (size_t i = 0; i < m; ++i) {
        keys[i] = Fingerprint(feats[base + i]);
        __builtin_prefetch(DenseHome(keys[i]));
      }
      for (size_t i = 0; i < m; ++i) {
        const uint32_t q = FindDense(keys[i]);
        for (int c = 0; c < kDenseClasses; ++c) sum[c] += weight_[(q >> (8 * c)) & 0xff];
      }
    }
    for (int c = 0; c < num_classes_; ++c) scores[c] += sum[c];
  }
  // Where the probe for `key` starts: the first slot of its 64-byte bucket.
  // Probing then runs through the slots of the cache line the prefetch
  // brought in; starting at the key's own slot, about a quarter of the
  // lookups ran into the next line, a miss that was not prefetched.
  size_t Home(uint32_t key) const { return key & mask_ & ~size_t{kBucketSlots - 1}; }
  static constexpr uint32_t kBucketSlots = 8;  // 8-byte slots per 64-byte line
  // The codes of `key`'s weights (class c in bits 8c..8c+7), 0 if absent.
  uint32_t FindDense(uint32_t key) const {
    if (!buckets_.empty()) {
      const Bucket& b = buckets_[BucketOf(key)];
      const auto tag = static_cast<uint16_t>(key >> 16);
#if defined(__SSE2__)
      // Tags 0..7 and 8..15 (the last 4 read bytes of q; masked off below).
      const __m128i t = _mm_set1_epi16(static_cast<short>(tag));
      const auto* p = reinterpret_cast<const __m128i*>(b.tag);
      const uint32_t hits =
          (static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_load_si128(p), t))) |
           static_cast<uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_loadu_si128(p + 1), t)))
               << 16) &
          ((uint32_t{1} << (2 * b.count)) - 1);
      if (hits != 0) {
        const uint8_t* q = &b.q[3 * (__builtin_ctz(hits) / 2)];
        return q[0] | uint32_t{q[1]} << 8 | uint32_t{q[2]} << 16;
      }
#else
      for (int i = 0; i < b.count; ++i)
        if (b.tag[i] == tag) {
          const uint8_t* q = &b.q[3 * i];
          return q[0] | uint32_t{q[1]} << 8 | uint32_t{q[2]} << 16;
        }
#endif
      if (b.overflow == 0) return 0;
    }
    size_t slot = Home(key);
    while (true) {
      const DenseSlot& s = dense_[slot];
      if (s.key == key) return s.q;
      if (s.key == 0) return 0;
      slot = (slot + 1) & mask_;
    }
  }
  // `key`'s span (first entry | count << kLenShift), 0 if absent.
  uint32_t Find(uint32_t key) const {
    size_t slot = Home(key);
    while (true) {
      const Slot& s = slots_[slot];
      if (s.key == key) return s.span;
      if (s.key == 0) return 0;
      slot = (slot + 1) & mask_;
    }
  }
  // A span whose count is kRowCount names a row of rows_ (see rows_; a
  // model with rows has fewer classes, so no feature has that many entries).
  static constexpr uint32_t kRowCount = 127;
  const void* SpanAddress(uint32_t span) const {
    if ((span >> kLenShift) == kRowCount && !rows_.empty()) return &rows_[size_t{span & kBeginMask} * 4];
    return &entries_[span & kBeginMask];
  }
  // Adds a feature's weights. A row adds +0.0 to the classes the feature has
  // no weight for, which leaves every score as it was (scores start at +0.0
  // and a sum of nonzero weights is never -0.0), so both paths give the same
  // bits: each class still receives its weights in feature order.
  void AddEntries(uint32_t span, float* scores) const {
    if ((span >> kLenShift) == kRowCount && !rows_.empty()) {
      const float* row = &rows_[size_t{span & kBeginMask} * 4];
      int c = 0;
#if defined(__SSE2__)
      for (; c + 4 <= num_classes_; c += 4)
        _mm_storeu_ps(scores + c, _mm_add_ps(_mm_loadu_ps(scores + c), _mm_load_ps(row + c)));
#endif
      for (; c < num_classes_; ++c) scores[c] += row[c];
      return;
    }
    const Entry* e = &entries_[span & kBeginMask];
    const Entry* end = e + (span >> kLenShift);
    for (; e < end; ++e) scores[e->cls] += weight_[e->q];
  }
  void ScoreExact(const uint64_t* feats, size_t n, float* scores) const;

  HugeVector<Bucket> buckets_;   // large dense tables only
  HugeVector<SparseBucket> sparse_;  // large tables of 4..kSparseMaxClasses classes
  uint32_t bucket_mult_ = 0;
  HugeVector<DenseSlot> dense_;  // num_classes_ <= kDenseClasses: the table, or the overflow
  HugeVector<Slot> slots_{Slot{}};
  HugeVector<Entry> entries_;
  // Spilled features with at least kRowMinEntries weights (the bias and the
  // most frequent words, with weights for most classes) as a row of
  // num_classes_ floats padded to a multiple of 4, added 4 classes at a time
  // instead of one entry at a time. Only when num_classes_ < kRowCount.
  static constexpr uint32_t kRowMinEntries = 24;
  HugeVector<float> rows_;
  float weight_[256] = {};  // code (as uint8) -> weight; weight_[0] == 0
  int num_classes_ = 0;
  uint64_t id_ = 0;  // distinct for every Build in the process (Cache validity)
  uint64_t mask_ = 0;
  std::vector<float> codebook_;
  // With OverrideWeights: the exact weights and each feature's first entry.
  std::vector<float> exact_;
  std::vector<uint32_t> offsets_;
  // Serialized form, kept for Save.
  std::vector<uint32_t> s_keys_;
  std::vector<uint8_t> s_counts_;
  std::vector<uint16_t> s_classes_;
  std::vector<int8_t> s_q_;
};

class PerceptronTrainer {
 public:
  explicit PerceptronTrainer(int num_classes);
  int num_classes() const { return num_classes_; }

  void Score(const uint64_t* feats, size_t n, float* scores) const;
  // Adds `delta` to the weights of class `cls` for every feature.
  void Update(const uint64_t* feats, size_t n, int cls, float delta);
  // Advances the averaging clock; call once per training instance.
  void Tick() { ++time_; }

  // Averaged weights, quantized to the codebook; entries whose |weight| is
  // below `prune` (> 0) are dropped.
  // With `exact`, the returned model scores with the unquantized averaged
  // weights (for measuring what quantization costs; Save still writes codes).
  // An empty model if more than LinearModel::kMaxEntries weights survive.
  LinearModel Finalize(float prune, bool exact = false) const;

 private:
  // Scoring reads only the hot part (8 bytes per entry).
  struct Hot {
    float w;
    uint32_t cls;
  };
  struct Cold {
    double acc;
    int64_t ts;
  };
  int64_t Find(uint64_t key) const;  // row index or -1
  uint32_t FindOrAdd(uint64_t key);
  void Grow();

  int num_classes_;
  int64_t time_ = 1;
  std::vector<uint64_t> keys_;
  std::vector<uint32_t> rows_idx_;
  std::vector<std::vector<Hot>> hot_;
  std::vector<std::vector<Cold>> cold_;
  size_t mask_;
};

}  // namespace kg::nlp
