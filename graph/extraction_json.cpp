#include "graph/extraction_json.h"

#include <nlohmann/json.hpp>

namespace kg {

namespace {
using nlohmann::json;

bool ParseModality(std::string_view s, Modality* out) {
  for (Modality m : {Modality::kAsserted, Modality::kPossible, Modality::kNecessary,
                     Modality::kIntended, Modality::kReported}) {
    if (ModalityName(m) == s) {
      *out = m;
      return true;
    }
  }
  return false;
}

bool ParseKind(std::string_view s, Mention::Kind* out) {
  for (Mention::Kind k : {Mention::Kind::kName, Mention::Kind::kPronoun, Mention::Kind::kNominal}) {
    if (MentionKindName(k) == s) {
      *out = k;
      return true;
    }
  }
  return false;
}

// Optional string field: absent or null gives "".
std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

struct Bad {
  std::string what;
};

const json& Need(const json& j, const char* key, json::value_t type) {
  auto it = j.find(key);
  if (it == j.end()) throw Bad{std::string("missing field \"") + key + "\""};
  bool ok = it->type() == type ||
            (type == json::value_t::number_unsigned && it->is_number_integer() && it->get<int64_t>() >= 0) ||
            (type == json::value_t::number_integer && it->is_number_integer()) ||
            (type == json::value_t::number_float && it->is_number());
  if (!ok) throw Bad{std::string("field \"") + key + "\" has the wrong type"};
  return *it;
}

uint64_t U64(const json& j, const char* key) {
  return Need(j, key, json::value_t::number_unsigned).get<uint64_t>();
}
int64_t I64(const json& j, const char* key) {
  return Need(j, key, json::value_t::number_integer).get<int64_t>();
}
}  // namespace

std::string_view MentionKindName(Mention::Kind k) {
  switch (k) {
    case Mention::Kind::kName: return "name";
    case Mention::Kind::kPronoun: return "pronoun";
    case Mention::Kind::kNominal: return "nominal";
  }
  return "name";
}

std::string ToJson(const ExtractedArticle& r) {
  const Extraction& x = r.extraction;
  json j;
  j["id"] = r.article.id;
  j["title"] = r.article.title;
  j["date"] = r.article.date;
  j["source"] = r.article.source;
  j["url"] = r.article.url;
  j["text"] = r.text;
  j["tokens"] = x.tokens;
  json sents = json::array();
  for (const auto& s : x.sentences) sents.push_back({s.begin, s.end});
  j["sentences"] = std::move(sents);
  json ents = json::array();
  for (const auto& e : x.entities) {
    ents.push_back({{"name", e.name},
                    {"type", EntityTypeName(e.type)},
                    {"names", e.names},
                    {"titles", e.titles}});
  }
  j["entities"] = std::move(ents);
  json ments = json::array();
  for (const auto& m : x.mentions) {
    ments.push_back({{"begin", m.begin},
                     {"end", m.end},
                     {"sentence", m.sentence},
                     {"entity", m.entity},
                     {"kind", MentionKindName(m.kind)}});
  }
  j["mentions"] = std::move(ments);
  json facts = json::array();
  for (const auto& f : x.facts) {
    facts.push_back({{"subject", f.subject},
                     {"predicate", f.predicate},
                     {"object", f.object},
                     {"surface", f.surface},
                     {"negated", f.negated},
                     {"modality", ModalityName(f.modality)},
                     {"sentence", f.sentence},
                     {"attribution", f.attribution},
                     {"confidence", f.confidence}});
  }
  j["facts"] = std::move(facts);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<ExtractedArticle> FromJson(std::string_view line) {
  json j = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::InvalidArgument("not valid JSON");
  if (!j.is_object()) return Status::InvalidArgument("a record must be a JSON object");
  ExtractedArticle r;
  try {
    r.article.id = Str(j, "id");
    r.article.title = Str(j, "title");
    r.article.date = Str(j, "date");
    r.article.source = Str(j, "source");
    r.article.url = Str(j, "url");
    r.text = Need(j, "text", json::value_t::string).get<std::string>();
    r.article.bytes = r.text.size();
    Extraction& x = r.extraction;
    if (j.contains("tokens")) x.tokens = U64(j, "tokens");
    const uint64_t n = r.text.size();
    for (const auto& s : Need(j, "sentences", json::value_t::array)) {
      if (!s.is_array() || s.size() != 2 || !s[0].is_number_unsigned() || !s[1].is_number_unsigned()) {
        throw Bad{"sentences: each must be [begin, end]"};
      }
      SentenceSpan sp{s[0].get<uint64_t>(), s[1].get<uint64_t>()};
      if (sp.begin > sp.end || sp.end > n) throw Bad{"sentences: span outside the text"};
      x.sentences.push_back(sp);
    }
    for (const auto& e : Need(j, "entities", json::value_t::array)) {
      LocalEntity le;
      le.name = Need(e, "name", json::value_t::string).get<std::string>();
      std::string type = Need(e, "type", json::value_t::string).get<std::string>();
      if (!ParseEntityType(type, &le.type)) throw Bad{"entities: unknown type \"" + type + "\""};
      if (e.contains("names")) {
        for (const auto& s : Need(e, "names", json::value_t::array)) {
          if (!s.is_string()) throw Bad{"entities: names must be strings"};
          le.names.push_back(s.get<std::string>());
        }
      }
      if (e.contains("titles")) {
        for (const auto& s : Need(e, "titles", json::value_t::array)) {
          if (!s.is_string()) throw Bad{"entities: titles must be strings"};
          le.titles.push_back(s.get<std::string>());
        }
      }
      if (le.names.empty()) le.names.push_back(le.name);
      x.entities.push_back(std::move(le));
    }
    const auto n_ent = static_cast<int64_t>(x.entities.size());
    const auto n_sent = static_cast<uint64_t>(x.sentences.size());
    for (const auto& m : Need(j, "mentions", json::value_t::array)) {
      Mention mm;
      mm.begin = U64(m, "begin");
      mm.end = U64(m, "end");
      if (mm.begin > mm.end || mm.end > n) throw Bad{"mentions: span outside the text"};
      uint64_t s = U64(m, "sentence");
      if (s >= n_sent) throw Bad{"mentions: sentence index out of range"};
      mm.sentence = static_cast<uint32_t>(s);
      int64_t e = I64(m, "entity");
      if (e < 0 || e >= n_ent) throw Bad{"mentions: entity index out of range"};
      mm.entity = static_cast<int32_t>(e);
      if (m.contains("kind")) {
        std::string k = Need(m, "kind", json::value_t::string).get<std::string>();
        if (!ParseKind(k, &mm.kind)) throw Bad{"mentions: unknown kind \"" + k + "\""};
      }
      x.mentions.push_back(mm);
    }
    for (const auto& f : Need(j, "facts", json::value_t::array)) {
      ExtractedFact ff;
      int64_t s = I64(f, "subject"), o = I64(f, "object");
      if (s < 0 || s >= n_ent || o < 0 || o >= n_ent) throw Bad{"facts: entity index out of range"};
      ff.subject = static_cast<int32_t>(s);
      ff.object = static_cast<int32_t>(o);
      ff.predicate = Need(f, "predicate", json::value_t::string).get<std::string>();
      if (ff.predicate.empty()) throw Bad{"facts: empty predicate"};
      ff.surface = Str(f, "surface");
      if (f.contains("negated")) ff.negated = Need(f, "negated", json::value_t::boolean).get<bool>();
      if (f.contains("modality")) {
        std::string m = Need(f, "modality", json::value_t::string).get<std::string>();
        if (!ParseModality(m, &ff.modality)) throw Bad{"facts: unknown modality \"" + m + "\""};
      }
      uint64_t si = U64(f, "sentence");
      if (si >= n_sent) throw Bad{"facts: sentence index out of range"};
      ff.sentence = static_cast<uint32_t>(si);
      ff.attribution = Str(f, "attribution");
      if (f.contains("confidence")) {
        double c = Need(f, "confidence", json::value_t::number_float).get<double>();
        if (!(c >= 0.0 && c <= 1.0)) throw Bad{"facts: confidence must be in [0, 1]"};
        ff.confidence = static_cast<float>(c);
      }
      x.facts.push_back(std::move(ff));
    }
  } catch (const Bad& b) {
    return Status::InvalidArgument(b.what);
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string("bad record: ") + e.what());
  }
  return r;
}

}  // namespace kg
