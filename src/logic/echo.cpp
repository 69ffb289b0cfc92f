// The echo renderer (logic/echo.h).
#include "georune/logic/echo.h"

#include <cstdio>
#include <set>
#include <vector>

namespace georune::logic {
namespace {

class Renderer {
 public:
  explicit Renderer(const BoundQuery& q) : q_(q) {}

  std::string Top(const BoundNode& root) {
    if (root.kind == NodeKind::kExists) return "an image with " + Block(root, "a");
    if (root.kind == NodeKind::kConst) return root.value ? "any image" : "no image";
    return "an image where " + Sentence(root);
  }

 private:
  std::string Var(int v) const { return q_.var_names[v]; }

  static std::string Noun(const BoundNode& cls) {
    std::string n = cls.any_class ? "object" : cls.class_name;
    for (auto& c : n) c = c == '_' ? ' ' : c;
    return n;
  }

  static std::string Plural(const std::string& n) {
    auto ends = [&](const char* s) {
      std::string_view e(s);
      return n.size() >= e.size() && n.compare(n.size() - e.size(), e.size(), e) == 0;
    };
    if (ends("s") || ends("sh") || ends("ch") || ends("x")) return n + "es";
    if (ends("y") && n.size() > 1 && std::string_view("aeiou").find(n[n.size() - 2]) == std::string_view::npos) {
      return n.substr(0, n.size() - 1) + "ies";
    }
    return n + "s";
  }

  static std::string Article(const std::string& n) {
    return std::string_view("aeiou").find(n.empty() ? 'x' : n[0]) != std::string_view::npos ? "an" : "a";
  }

  static std::string Number(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
  }

  // "near b", "on b", "left of (west of) b": the relation as a phrase after its first argument.
  std::string RelPhrase(const BoundNode& n, size_t from) const {
    static const char* kWords[] = {"near",
                                   "far from",
                                   "left of (west of)",
                                   "right of (east of)",
                                   "above (north of)",
                                   "below (south of)",
                                   "on",
                                   "containing",
                                   "overlapping",
                                   "parallel to",
                                   "perpendicular to",
                                   "larger than",
                                   "smaller than",
                                   "aligned with",
                                   "clustered with"};
    std::string s = kWords[static_cast<int>(n.relation)];
    for (size_t i = from; i < n.vars.size(); ++i) s += (i > from ? " and " : " ") + Var(n.vars[i]);
    return s;
  }

  std::string List(const std::vector<int>& vars) const {
    std::string s;
    for (size_t i = 0; i < vars.size(); ++i) {
      s += (i == 0 ? "" : i + 1 == vars.size() ? " and " : ", ") + Var(vars[i]);
    }
    return s;
  }

  std::string Atom(const BoundNode& n) const {
    switch (n.kind) {
      case NodeKind::kClass: {
        std::string noun = Noun(n);
        return Var(n.vars[0]) + " is " + Article(noun) + " " + noun;
      }
      case NodeKind::kRelation:
        if (n.relation == Relation::kAligned) return List(n.vars) + " are aligned";
        if (n.relation == Relation::kClustered) return List(n.vars) + " are clustered together";
        return Var(n.vars[0]) + " is " + RelPhrase(n, 1);
      case NodeKind::kCompare: {
        static const char* kOps[] = {"less than", "at most", "more than", "at least", "exactly"};
        std::string what = MeasureName(n.measure);
        for (auto& c : what) c = c == '_' ? ' ' : c;
        std::string unit = UnitName(n.unit);
        if (unit.empty()) unit = n.measure == Measure::kAngle ? "deg" : n.measure == Measure::kArea ? "px2" : "px";
        std::string of =
            n.vars.size() == 2 ? " between " + Var(n.vars[0]) + " and " + Var(n.vars[1]) : " of " + Var(n.vars[0]);
        return "the " + what + of + " is " + kOps[static_cast<int>(n.op)] + " " + Number(n.number) + " " + unit;
      }
      default: return "";
    }
  }

  // The entities a quantifier introduces and what is said of them: "a bridge b on which ...".
  // `det` is the determiner: "a", "no", "at least 3", ...; plural for counts above one.
  std::string Block(const BoundNode& n, const std::string& det, bool plural = false) {
    std::vector<const BoundNode*> body = Conjuncts(*n.children[0]);
    std::set<const BoundNode*> used;
    std::string out;
    for (size_t i = 0; i < n.vars.size(); ++i) {
      int v = n.vars[i];
      std::string noun = "object";
      for (const BoundNode* c : body) {
        if (c->kind == NodeKind::kClass && c->vars[0] == v && !used.count(c)) {
          noun = Noun(*c);
          used.insert(c);
          break;
        }
      }
      std::string d = det == "a" ? Article(noun) : det;
      out += (i ? " and " : "") + (d.empty() ? "" : d + " ") + (plural ? Plural(noun) : noun) + " " + Var(v);
      // binary relations to entities named before: "a vehicle v on b"
      for (const BoundNode* c : body) {
        if (used.count(c) || c->kind != NodeKind::kRelation || c->vars.size() != 2 || c->vars[0] != v) continue;
        if (c->relation == Relation::kAligned || c->relation == Relation::kClustered) continue;
        if (Bound(c->vars[1], n, i)) continue;  // to a later entity of this block: a clause below
        out += " " + RelPhrase(*c, 1);
        used.insert(c);
      }
    }
    std::vector<std::string> rest;
    for (const BoundNode* c : body) {
      if (!used.count(c)) rest.push_back(Sentence(*c));
    }
    if (!rest.empty()) out += (plural ? " such that " : ", where ") + Join(rest, " and ");
    return out;
  }

  // Whether variable v is one of the block's variables from index `after` on.
  static bool Bound(int v, const BoundNode& block, size_t after) {
    for (size_t i = after; i < block.vars.size(); ++i) {
      if (block.vars[i] == v) return true;
    }
    return false;
  }

  static std::string Join(const std::vector<std::string>& parts, const char* sep) {
    std::string s;
    for (size_t i = 0; i < parts.size(); ++i) s += (i ? sep : "") + parts[i];
    return s;
  }

  std::string Sentence(const BoundNode& n) {
    switch (n.kind) {
      case NodeKind::kConst: return n.value ? "true" : "false";
      case NodeKind::kClass:
      case NodeKind::kRelation:
      case NodeKind::kCompare: return Atom(n);
      case NodeKind::kNot: {
        const BoundNode& c = *n.children[0];
        if (c.kind == NodeKind::kExists) return "there is no " + Block(c, "");
        return "it is not true that " + Sentence(c);
      }
      case NodeKind::kAnd: {
        std::vector<std::string> parts;
        for (const auto& c : n.children) parts.push_back(Paren(*c));
        return Join(parts, " and ");
      }
      case NodeKind::kOr: {
        std::vector<std::string> parts;
        for (const auto& c : n.children) parts.push_back(Paren(*c));
        return "either " + Join(parts, " or ");
      }
      case NodeKind::kImplies: return "if " + Paren(*n.children[0]) + " then " + Paren(*n.children[1]);
      case NodeKind::kExists: return "there is " + Block(n, "a");
      case NodeKind::kForall: return Forall(n);
      case NodeKind::kAtLeast:
      case NodeKind::kAtMost:
      case NodeKind::kExactly: {
        const char* word = n.kind == NodeKind::kAtLeast  ? "at least "
                           : n.kind == NodeKind::kAtMost ? "at most "
                                                         : "exactly ";
        if (n.count == 0) return "there is no " + Block(n, "");
        return "there are " + Block(n, word + std::to_string(n.count), n.count != 1);
      }
    }
    return "";
  }

  // "every ship s is near a harbor h" for forall s: ship(s) -> φ.
  std::string Forall(const BoundNode& n) {
    const BoundNode& body = *n.children[0];
    if (body.kind == NodeKind::kImplies && n.vars.size() == 1) {
      const BoundNode& lhs = *body.children[0];
      if (lhs.kind == NodeKind::kClass && lhs.vars[0] == n.vars[0]) {
        return "every " + Noun(lhs) + " " + Var(n.vars[0]) + " satisfies: " + Paren(*body.children[1]);
      }
    }
    std::string vars;
    for (int v : n.vars) vars += (vars.empty() ? "" : ", ") + Var(v);
    return "for every object " + vars + ": " + Paren(body);
  }

  std::string Paren(const BoundNode& n) {
    bool compound = n.kind == NodeKind::kOr || n.kind == NodeKind::kImplies || n.kind == NodeKind::kAnd;
    return compound ? "(" + Sentence(n) + ")" : Sentence(n);
  }

  const BoundQuery& q_;
};

}  // namespace

std::string RenderEnglish(const BoundQuery& query) {
  if (!query.root) return "";
  return Renderer(query).Top(*query.root);
}

}  // namespace georune::logic
