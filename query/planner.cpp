#include "query/planner.h"

#include <algorithm>
#include <cstdint>

namespace kg::query {

namespace {

// A set of row slots as one flag per slot: planning asks whether a slot is
// bound many times per query, and a std::set allocated a node per insert.
class SlotSet {
 public:
  explicit SlotSet(size_t width = 0) : bits_(width, 0) {}
  size_t count(int s) const { return s >= 0 && static_cast<size_t>(s) < bits_.size() && bits_[static_cast<size_t>(s)]; }
  void insert(int s) {
    if (s < 0) return;
    if (static_cast<size_t>(s) >= bits_.size()) bits_.resize(static_cast<size_t>(s) + 1, 0);
    bits_[static_cast<size_t>(s)] = 1;
  }

 private:
  std::vector<char> bits_;
};

// The slots an expression reads (repeats allowed).
void CollectSlots(const BExpr& e, std::vector<int>* out) {
  if (e.kind == BExpr::Kind::kSlot) out->push_back(e.slot);
  for (const auto& a : e.args) {
    if (a) CollectSlots(*a, out);
  }
}

void SplitConjuncts(const BExpr& e, std::vector<const BExpr*>* out) {
  if (e.kind == BExpr::Kind::kBinary && e.op == ast::Op::kAnd) {
    SplitConjuncts(*e.args[0], out);
    SplitConjuncts(*e.args[1], out);
  } else {
    out->push_back(&e);
  }
}

// Lower is better.
double NodeCost(const BNode& n, const SlotSet& bound) {
  if (bound.count(n.slot)) return 0;
  if (n.candidates) return 1 + static_cast<double>(n.candidates->size());
  if (n.name_expr) {
    std::vector<int> needs;
    CollectSlots(*n.name_expr, &needs);
    bool ready = std::all_of(needs.begin(), needs.end(), [&](int s) { return bound.count(s) > 0; });
    if (ready) return 20;
  }
  if (!n.types.empty()) return 1e6;
  return 1e7;
}

class Planner {
 public:
  explicit Planner(const BoundQuery& q) : q_(q), bound_(static_cast<size_t>(q.slot_count)) {}

  Plan Run() {
    Plan plan;
    plan.matches.reserve(q_.clauses.size());
    for (const auto& c : q_.clauses) {
      MatchPlan mp;
      if (c.kind == ast::Clause::Kind::kMatch || c.kind == ast::Clause::Kind::kOptionalMatch) {
        mp = PlanMatch(c);
      }
      // Everything a clause binds is bound for the clauses after it.
      for (int s : c.new_slots) bound_.insert(s);
      if (c.unwind_slot >= 0) bound_.insert(c.unwind_slot);
      for (int s : c.projection.out_slots) bound_.insert(s);
      plan.matches.push_back(std::move(mp));
    }
    return plan;
  }

 private:
  struct PendingFilter {
    const BExpr* expr;
    std::vector<int> needs;
  };

  MatchPlan PlanMatch(const BClause& c) {
    MatchPlan mp;
    mp.steps.reserve(kTypicalSteps);
    steps_ = &mp.steps;
    filters_.clear();
    if (c.where) {
      std::vector<const BExpr*> conj;
      SplitConjuncts(*c.where, &conj);
      for (const BExpr* e : conj) {
        PendingFilter f{e, {}};
        CollectSlots(*e, &f.needs);
        filters_.push_back(std::move(f));
      }
    }
    EmitReadyFilters();
    std::vector<const BPart*> chains, shortest;
    for (const auto& p : c.parts) (p.kind == ast::PatternPart::Kind::kChain ? chains : shortest).push_back(&p);
    while (!chains.empty()) {
      // The chain with the cheapest place to start.
      size_t best_chain = 0;
      int best_node = 0;
      double best = 1e18;
      for (size_t i = 0; i < chains.size(); ++i) {
        for (size_t j = 0; j < chains[i]->nodes.size(); ++j) {
          double cost = NodeCost(chains[i]->nodes[j], bound_);
          if (cost < best) {
            best = cost;
            best_chain = i;
            best_node = static_cast<int>(j);
          }
        }
      }
      const BPart* part = chains[best_chain];
      chains.erase(chains.begin() + static_cast<long>(best_chain));
      PlanChain(*part, best_node, best);
    }
    for (const BPart* part : shortest) {
      const BNode& a = part->nodes[0];
      const BNode& b = part->nodes[1];
      // Bind the cheaper end first.
      const BNode* first = NodeCost(a, bound_) <= NodeCost(b, bound_) ? &a : &b;
      const BNode* second = first == &a ? &b : &a;
      for (const BNode* n : {first, second}) {
        if (!bound_.count(n->slot)) {
          Step s;
          s.kind = Step::Kind::kScanNode;
          s.to = n;
          Emit(s, {n->slot});
        }
      }
      Step s;
      s.kind = Step::Kind::kShortest;
      s.from = &a;
      s.to = &b;
      s.rel = &part->rels[0];
      s.part = part;
      s.all = part->kind == ast::PatternPart::Kind::kAllShortest;
      Emit(s, {part->rels[0].slot, part->path_slot});
    }
    // Conjuncts that read nothing bound here (or only outer variables) ran
    // first; anything left reads variables no pattern binds (impossible after
    // binding) - run it at the end to be safe.
    for (const auto& f : filters_) {
      Step s;
      s.kind = Step::Kind::kFilter;
      s.filter = f.expr;
      mp.steps.push_back(s);
    }
    filters_.clear();
    return mp;
  }

  void PlanChain(const BPart& part, int start, double start_cost) {
    int n = static_cast<int>(part.nodes.size());
    // No selective node: a typed fixed-length relationship scanned through
    // the predicate index beats a scan of every entity.
    int rel_start = -1;
    if (start_cost >= 1e6) {
      for (int i = 0; i + 1 < n; ++i) {
        const BRel& r = part.rels[static_cast<size_t>(i)];
        if (!r.types.empty() && !r.variable_length) {
          rel_start = i;
          break;
        }
      }
    }
    int left, right;  // the bound stretch is nodes [left, right]
    if (rel_start >= 0) {
      Step s;
      s.kind = Step::Kind::kScanRel;
      s.from = &part.nodes[static_cast<size_t>(rel_start)];
      s.rel = &part.rels[static_cast<size_t>(rel_start)];
      s.to = &part.nodes[static_cast<size_t>(rel_start) + 1];
      s.direction = s.rel->direction;
      s.to_bound = bound_.count(s.to->slot) > 0;
      Emit(s, {s.from->slot, s.rel->slot, s.to->slot});
      left = rel_start;
      right = rel_start + 1;
    } else {
      const BNode& sn = part.nodes[static_cast<size_t>(start)];
      if (!bound_.count(sn.slot)) {
        Step s;
        s.kind = Step::Kind::kScanNode;
        s.to = &sn;
        Emit(s, {sn.slot});
      }
      left = right = start;
    }
    while (right + 1 < n) {
      Step s;
      s.kind = Step::Kind::kExpand;
      s.from = &part.nodes[static_cast<size_t>(right)];
      s.rel = &part.rels[static_cast<size_t>(right)];
      s.to = &part.nodes[static_cast<size_t>(right) + 1];
      s.direction = s.rel->direction;
      s.to_bound = bound_.count(s.to->slot) > 0;
      Emit(s, {s.rel->slot, s.to->slot});
      ++right;
    }
    while (left > 0) {
      Step s;
      s.kind = Step::Kind::kExpand;
      s.from = &part.nodes[static_cast<size_t>(left)];
      s.rel = &part.rels[static_cast<size_t>(left) - 1];
      s.to = &part.nodes[static_cast<size_t>(left) - 1];
      s.reversed = true;
      s.direction = s.rel->direction == ast::Direction::kOut
                        ? ast::Direction::kIn
                        : (s.rel->direction == ast::Direction::kIn ? ast::Direction::kOut : ast::Direction::kBoth);
      s.to_bound = bound_.count(s.to->slot) > 0;
      Emit(s, {s.rel->slot, s.to->slot});
      --left;
    }
    if (part.path_slot >= 0) {
      Step s;
      s.kind = Step::Kind::kBuildPath;
      s.part = &part;
      Emit(s, {part.path_slot});
    }
  }

  void Emit(const Step& s, std::initializer_list<int> binds) {
    steps_->push_back(s);
    for (int slot : binds) {
      if (slot >= 0) bound_.insert(slot);
    }
    EmitReadyFilters();
  }

  void EmitReadyFilters() {
    for (auto it = filters_.begin(); it != filters_.end();) {
      bool ready = std::all_of(it->needs.begin(), it->needs.end(), [&](int s) { return bound_.count(s) > 0; });
      if (ready) {
        Step f;
        f.kind = Step::Kind::kFilter;
        f.filter = it->expr;
        steps_->push_back(f);
        it = filters_.erase(it);
      } else {
        ++it;
      }
    }
  }

  static constexpr size_t kTypicalSteps = 8;  // a 2-hop with two filters: one allocation
  const BoundQuery& q_;
  SlotSet bound_;
  std::vector<Step>* steps_ = nullptr;
  std::vector<PendingFilter> filters_;
};

std::string SlotName(const BoundQuery& q, int slot) {
  if (slot < 0) return "-";
  const std::string& n = q.slot_names[static_cast<size_t>(slot)];
  return n.empty() ? "_" + std::to_string(slot) : n;
}

}  // namespace

// `x.type = 'name'` (either side) with x a slot: the slot and the name.
std::optional<std::pair<int, std::string>> TypeEquality(const BExpr& e) {
  if (e.kind != BExpr::Kind::kBinary || e.op != ast::Op::kEq || e.args.size() != 2) return std::nullopt;
  for (int side = 0; side < 2; ++side) {
    const BExpr& prop = *e.args[static_cast<size_t>(side)];
    const BExpr& value = *e.args[static_cast<size_t>(1 - side)];
    if (prop.kind == BExpr::Kind::kProperty && prop.name == "type" && prop.args.size() == 1 &&
        prop.args[0]->kind == BExpr::Kind::kSlot && value.kind == BExpr::Kind::kConst &&
        value.value.kind() == Value::Kind::kString) {
      return std::make_pair(prop.args[0]->slot, value.value.as_string());
    }
  }
  return std::nullopt;
}

// Gives each fixed-length expansion the type its target must have when a
// later Filter of the same MATCH demands it (Step::to_types), and drops that
// Filter: the expansion yields only targets of the type (the store rejects
// the other index rows, Expand checks again), so evaluating it per row
// would only repeat the answer.
void PushTypeFilters(MatchPlan* mp) {
  std::vector<size_t> pushed;  // Filter steps now checked by an expansion
  for (size_t i = 0; i < mp->steps.size(); ++i) {
    Step& s = mp->steps[i];
    if (s.kind != Step::Kind::kExpand || s.rel->variable_length || s.to_bound) continue;
    for (size_t j = i + 1; j < mp->steps.size(); ++j) {
      const Step& f = mp->steps[j];
      if (f.kind != Step::Kind::kFilter) continue;
      auto eq = TypeEquality(*f.filter);
      if (!eq || eq->first != s.to->slot) continue;
      std::vector<EntityType> types;
      for (int t = 0; t < kEntityTypeCount; ++t) {
        if (EntityTypeName(static_cast<EntityType>(t)) == eq->second) types.push_back(static_cast<EntityType>(t));
      }
      if (s.to_types) {  // two such conjuncts: both must hold
        std::vector<EntityType> both;
        for (EntityType t : types) {
          if (std::find(s.to_types->begin(), s.to_types->end(), t) != s.to_types->end()) both.push_back(t);
        }
        types = std::move(both);
      }
      s.to_types = std::move(types);
      pushed.push_back(j);
    }
  }
  std::sort(pushed.begin(), pushed.end());
  pushed.erase(std::unique(pushed.begin(), pushed.end()), pushed.end());
  for (auto it = pushed.rbegin(); it != pushed.rend(); ++it) {
    mp->steps.erase(mp->steps.begin() + static_cast<std::ptrdiff_t>(*it));
  }
}

Plan MakePlan(const BoundQuery& query) {
  Plan plan = Planner(query).Run();
  for (auto& mp : plan.matches) PushTypeFilters(&mp);
  return plan;
}

PlanKey PlanKeyOf(const BoundQuery& query) {
  PlanKey key;
  key.candidate_counts.reserve(query.param_nodes.size());
  for (const BNode* n : query.param_nodes) {
    // Rebind always sets candidates; "none" is kept apart from "empty".
    key.candidate_counts.push_back(n->candidates ? n->candidates->size() : SIZE_MAX);
  }
  key.strings.reserve(query.param_consts.size());
  for (const BExpr* e : query.param_consts) {
    key.strings.push_back(e->value.kind() == Value::Kind::kString ? e->value.as_string() : std::string());
  }
  return key;
}

std::string DescribePlan(const BoundQuery& query, const Plan& plan) {
  std::string out;
  for (size_t c = 0; c < plan.matches.size(); ++c) {
    for (const Step& s : plan.matches[c].steps) {
      switch (s.kind) {
        case Step::Kind::kScanNode:
          out += "ScanNode " + SlotName(query, s.to->slot) +
                 (s.to->candidates ? " by name (" + std::to_string(s.to->candidates->size()) + ")"
                                   : (s.to->types.empty() ? " all" : " by label")) + "\n";
          break;
        case Step::Kind::kScanRel:
          out += "ScanRel " + SlotName(query, s.rel->slot) + " by predicate\n";
          break;
        case Step::Kind::kExpand:
          out += "Expand " + SlotName(query, s.from->slot) + " -> " + SlotName(query, s.to->slot) +
                 (s.rel->variable_length ? " (variable length)" : "") + (s.to_bound ? " (into)" : "") +
                 (s.to_types ? " (type checked in the scan)" : "") + "\n";
          break;
        case Step::Kind::kShortest:
          out += std::string(s.all ? "AllShortestPaths " : "ShortestPath ") + SlotName(query, s.from->slot) +
                 " -> " + SlotName(query, s.to->slot) + "\n";
          break;
        case Step::Kind::kFilter: out += "Filter\n"; break;
        case Step::Kind::kBuildPath: out += "BuildPath " + SlotName(query, s.part->path_slot) + "\n"; break;
      }
    }
  }
  return out;
}

}  // namespace kg::query
