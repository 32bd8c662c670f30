// Builds an article text and its Extraction by hand, for store tests.
#pragma once

#include <string>
#include <vector>

#include "graph/extraction.h"
#include "graph/model.h"

namespace kg::test {

class ArticleBuilder {
 public:
  explicit ArticleBuilder(std::string id) { article_.id = std::move(id); article_.title = article_.id; }

  // A local entity; `names` defaults to {name}.
  int Entity(const std::string& name, EntityType type, std::vector<std::string> names = {}) {
    LocalEntity e;
    e.name = name;
    e.type = type;
    e.names = names.empty() ? std::vector<std::string>{name} : std::move(names);
    x_.entities.push_back(std::move(e));
    return static_cast<int>(x_.entities.size() - 1);
  }
  // Appends a sentence; every occurrence of a local entity's names in it becomes a mention.
  uint32_t Sentence(const std::string& s) {
    if (!text_.empty()) text_ += " ";
    const uint64_t begin = text_.size();
    text_ += s;
    x_.sentences.push_back({begin, text_.size()});
    const auto idx = static_cast<uint32_t>(x_.sentences.size() - 1);
    for (size_t e = 0; e < x_.entities.size(); ++e) {
      for (const auto& n : x_.entities[e].names) {
        for (size_t pos = s.find(n); pos != std::string::npos; pos = s.find(n, pos + 1)) {
          Mention m;
          m.begin = begin + pos;
          m.end = m.begin + n.size();
          m.sentence = idx;
          m.entity = static_cast<int32_t>(e);
          x_.mentions.push_back(m);
        }
      }
    }
    return idx;
  }
  // A fact read from the last sentence.
  void Fact(int s, const std::string& pred, int o, bool negated = false, float conf = 0.8f,
            Modality mod = Modality::kAsserted) {
    ExtractedFact f;
    f.subject = s;
    f.object = o;
    f.predicate = pred;
    f.surface = pred;
    f.negated = negated;
    f.modality = mod;
    f.sentence = static_cast<uint32_t>(x_.sentences.size() - 1);
    f.confidence = conf;
    x_.facts.push_back(f);
  }

  const Article& article() const { return article_; }
  Article& mutable_article() { return article_; }
  const std::string& text() const { return text_; }
  const Extraction& extraction() const { return x_; }
  Extraction& mutable_extraction() { return x_; }

 private:
  Article article_;
  std::string text_;
  Extraction x_;
};

}  // namespace kg::test
