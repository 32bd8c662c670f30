// A small deterministic Extractor for pipeline tests, independent of the real
// extractor's models and heuristics: capitalised word runs are entities
// (organisations), sentences end at '.', and two entities in a sentence with
// a lower-case word between them make a fact labelled with that word.
#pragma once

#include <atomic>
#include <cctype>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "extract/extractor.h"

namespace kg::test {

class FakeExtractor final : public extract::Extractor {
 public:
  explicit FakeExtractor(int delay_us = 0) : delay_us_(delay_us) {}

  Extraction Extract(std::string_view text) const override {
    ++calls_;
    if (delay_us_ > 0) std::this_thread::sleep_for(std::chrono::microseconds(delay_us_));
    Extraction x;
    size_t begin = 0;
    while (begin < text.size()) {
      size_t end = text.find('.', begin);
      end = end == std::string_view::npos ? text.size() : end + 1;
      x.sentences.push_back({begin, end});
      Sentence(text, static_cast<uint32_t>(x.sentences.size() - 1), begin, end, &x);
      begin = end;
    }
    return x;
  }
  std::vector<extract::OpenTuple> ExtractTuples(std::string_view) const override { return {}; }
  bool uses_parser() const override { return false; }
  std::string fallback_reason() const override { return "test extractor"; }
  int calls() const { return calls_.load(); }

 private:
  static void Sentence(std::string_view text, uint32_t si, size_t b, size_t e, Extraction* x) {
    struct Word { size_t begin, end; bool cap; };
    std::vector<Word> words;
    for (size_t i = b; i < e;) {
      while (i < e && !std::isalnum(static_cast<unsigned char>(text[i]))) ++i;
      size_t j = i;
      while (j < e && std::isalnum(static_cast<unsigned char>(text[j]))) ++j;
      if (j > i) words.push_back({i, j, std::isupper(static_cast<unsigned char>(text[i])) != 0});
      i = j;
    }
    x->tokens += words.size();
    int last_entity = -1;
    std::string between;
    for (size_t w = 0; w < words.size();) {
      if (!words[w].cap) {
        if (between.empty()) {
          for (size_t k = words[w].begin; k < words[w].end; ++k) {
            between.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[k]))));
          }
        }
        ++w;
        continue;
      }
      size_t v = w;
      while (v + 1 < words.size() && words[v + 1].cap && words[v + 1].begin == words[v].end + 1) ++v;
      std::string name(text.substr(words[w].begin, words[v].end - words[w].begin));
      int ent = -1;
      for (size_t k = 0; k < x->entities.size(); ++k) {
        if (x->entities[k].name == name) ent = static_cast<int>(k);
      }
      if (ent < 0) {
        LocalEntity le;
        le.name = name;
        le.names = {name};
        le.type = EntityType::kOrganization;
        x->entities.push_back(le);
        ent = static_cast<int>(x->entities.size() - 1);
      }
      Mention m;
      m.begin = words[w].begin;
      m.end = words[v].end;
      m.sentence = si;
      m.entity = ent;
      x->mentions.push_back(m);
      if (last_entity >= 0 && !between.empty() && last_entity != ent) {
        ExtractedFact f;
        f.subject = last_entity;
        f.object = ent;
        f.predicate = between;
        f.surface = between;
        f.sentence = si;
        f.confidence = 0.5f;
        x->facts.push_back(f);
      }
      last_entity = ent;
      between.clear();
      w = v + 1;
    }
  }

  int delay_us_;
  mutable std::atomic<int> calls_{0};
};

}  // namespace kg::test
