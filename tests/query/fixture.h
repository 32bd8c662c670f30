// The fixed fixture graph every tests/query/cases/*.test file runs against:
// four short articles about one diplomatic story, committed through the real
// store (Store::Commit), so resolution, support and views are the store's.
//
//   reuters-1 (2025-11-18): Marco Rubio warned Iran. The Pentagon supports Rubio.
//   reuters-2 (2025-11-19): Zelensky met Rubio in Geneva. Russia did not attack NATO.
//                           Rubio warned Russia.
//   reuters-3 (2025-11-20): Rubio again warned Iran. Ukraine may join NATO.
//                           Zelensky leads Ukraine. Europeans disagree with Rubio.
//   reuters-4 (2025-11-21): NATO warned Russia. Russia supplies Iran.
//                           Donald Trump proposed a peace plan. Trump met Zelensky in Kyiv.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "graph/extraction.h"
#include "graph/model.h"
#include "store/store.h"

namespace kg::test {

class FixtureArticle {
 public:
  FixtureArticle(std::string id, std::string date) {
    article_.id = std::move(id);
    article_.title = article_.id;
    article_.date = std::move(date);
    article_.source = "fixture";
  }
  int Entity(const std::string& name, EntityType type, std::vector<std::string> names = {}) {
    LocalEntity e;
    e.name = name;
    e.type = type;
    e.names = names.empty() ? std::vector<std::string>{name} : std::move(names);
    x_.entities.push_back(std::move(e));
    return static_cast<int>(x_.entities.size()) - 1;
  }
  // A sentence; each occurrence of an entity's names in it is a mention.
  void Sentence(const std::string& s) {
    if (!text_.empty()) text_ += " ";
    uint64_t begin = text_.size();
    text_ += s;
    x_.sentences.push_back({begin, text_.size()});
    auto idx = static_cast<uint32_t>(x_.sentences.size() - 1);
    for (size_t e = 0; e < x_.entities.size(); ++e) {
      for (const auto& n : x_.entities[e].names) {
        for (size_t pos = s.find(n); pos != std::string::npos; pos = s.find(n, pos + n.size())) {
          Mention m;
          m.begin = begin + pos;
          m.end = m.begin + n.size();
          m.sentence = idx;
          m.entity = static_cast<int32_t>(e);
          x_.mentions.push_back(m);
        }
      }
    }
  }
  // A fact read from the last sentence.
  void Fact(int s, const std::string& predicate, int o, const std::string& surface, float confidence,
            bool negated = false, Modality modality = Modality::kAsserted) {
    ExtractedFact f;
    f.subject = s;
    f.object = o;
    f.predicate = predicate;
    f.surface = surface;
    f.negated = negated;
    f.modality = modality;
    f.sentence = static_cast<uint32_t>(x_.sentences.size() - 1);
    f.confidence = confidence;
    x_.facts.push_back(f);
  }
  Status CommitTo(store::Store& store) {
    article_.content_hash = std::to_string(std::hash<std::string>()(text_));
    article_.bytes = text_.size();
    auto r = store.Commit(article_, text_, x_);
    return r.ok() ? Status::Ok() : r.status();
  }

 private:
  Article article_;
  std::string text_;
  Extraction x_;
};

// Writes the fixture graph into an empty store.
inline Status BuildFixtureGraph(store::Store& store) {
  using T = EntityType;
  {
    FixtureArticle a("reuters-1", "2025-11-18");
    int rubio = a.Entity("Marco Rubio", T::kPerson, {"Marco Rubio", "Rubio"});
    int iran = a.Entity("Iran", T::kPlace);
    int pentagon = a.Entity("Pentagon", T::kOrganization);
    a.Sentence("Marco Rubio warned Iran.");
    a.Fact(rubio, "warn", iran, "warned", 0.9f);
    a.Sentence("The Pentagon supports Rubio.");
    a.Fact(pentagon, "support", rubio, "supports", 0.7f);
    if (Status s = a.CommitTo(store); !s.ok()) return s;
  }
  {
    FixtureArticle a("reuters-2", "2025-11-19");
    int zelensky = a.Entity("Volodymyr Zelensky", T::kPerson, {"Zelensky"});
    int rubio = a.Entity("Marco Rubio", T::kPerson, {"Rubio"});
    int geneva = a.Entity("Geneva", T::kPlace);
    int russia = a.Entity("Russia", T::kPlace);
    int nato = a.Entity("NATO", T::kOrganization);
    a.Sentence("Zelensky met Rubio in Geneva.");
    a.Fact(zelensky, "meet", rubio, "met", 0.8f);
    a.Fact(zelensky, "visit", geneva, "met in", 0.5f);
    a.Sentence("Russia did not attack NATO.");
    a.Fact(russia, "attack", nato, "did not attack", 0.6f, true);
    a.Sentence("Rubio warned Russia.");
    a.Fact(rubio, "warn", russia, "warned", 0.85f);
    if (Status s = a.CommitTo(store); !s.ok()) return s;
  }
  {
    FixtureArticle a("reuters-3", "2025-11-20");
    int rubio = a.Entity("Marco Rubio", T::kPerson, {"Rubio"});
    int iran = a.Entity("Iran", T::kPlace);
    int ukraine = a.Entity("Ukraine", T::kPlace);
    int nato = a.Entity("NATO", T::kOrganization);
    int zelensky = a.Entity("Volodymyr Zelensky", T::kPerson, {"Zelensky"});
    int europeans = a.Entity("Europeans", T::kGroup);
    a.Sentence("Rubio again warned Iran.");
    a.Fact(rubio, "warn", iran, "again warned", 0.95f);
    a.Sentence("Ukraine may join NATO.");
    a.Fact(ukraine, "join", nato, "may join", 0.6f, false, Modality::kPossible);
    a.Sentence("Zelensky leads Ukraine.");
    a.Fact(zelensky, "lead", ukraine, "leads", 0.9f);
    a.Sentence("Europeans disagree with Rubio.");
    a.Fact(europeans, "disagree_with", rubio, "disagree with", 0.75f);
    if (Status s = a.CommitTo(store); !s.ok()) return s;
  }
  {
    FixtureArticle a("reuters-4", "2025-11-21");
    int nato = a.Entity("NATO", T::kOrganization);
    int russia = a.Entity("Russia", T::kPlace);
    int iran = a.Entity("Iran", T::kPlace);
    int trump = a.Entity("Donald Trump", T::kPerson, {"Donald Trump", "Trump"});
    int plan = a.Entity("peace plan", T::kConcept);
    int zelensky = a.Entity("Volodymyr Zelensky", T::kPerson, {"Zelensky"});
    a.Entity("Kyiv", T::kPlace);
    a.Sentence("NATO warned Russia.");
    a.Fact(nato, "warn", russia, "warned", 0.8f);
    a.Sentence("Russia supplies Iran.");
    a.Fact(russia, "supply", iran, "supplies", 0.7f);
    a.Sentence("Donald Trump proposed a peace plan.");
    a.Fact(trump, "propose", plan, "proposed", 0.9f);
    a.Sentence("Trump met Zelensky in Kyiv.");
    a.Fact(trump, "meet", zelensky, "met", 0.8f);
    if (Status s = a.CommitTo(store); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace kg::test
