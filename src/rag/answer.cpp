#include "georune/rag/answer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_set>

#include "georune/embed/hashed_text.h"
#include "georune/embed/text_tokens.h"

namespace georune::rag {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool Contains(const std::string& hay, std::string_view needle) {
  return hay.find(needle) != std::string::npos;
}

std::vector<std::string> Sentences(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
      continue;
    }
    cur.push_back(c);
    if ((c == '.' || c == '?' || c == '!') && (i + 1 == text.size() || text[i + 1] == ' ')) {
      out.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  for (auto& s : out) {
    while (!s.empty() && s.front() == ' ') s.erase(s.begin());
  }
  out.erase(std::remove_if(out.begin(), out.end(), [](const std::string& s) { return s.empty(); }),
            out.end());
  return out;
}

const Record* BestRecord(const KnowledgeBase& kb, const std::vector<Retrieved>& retrieved) {
  if (retrieved.empty()) return nullptr;
  const int ri = kb.RecordIndex(retrieved.front().record_id);  // results are sorted by score
  return ri >= 0 ? &kb.records()[size_t(ri)] : nullptr;
}

std::string StripFieldLabel(const std::string& chunk_line) { return chunk_line; }

}  // namespace

Result<Task> ParseTask(std::string_view name) {
  if (name == "vqa") return Task::kVqa;
  if (name == "caption") return Task::kCaption;
  if (name == "classify") return Task::kClassify;
  return Status::InvalidInput("unknown task \"" + std::string(name) +
                              "\" (hint: use vqa, caption or classify)");
}

const char* TaskName(Task task) {
  switch (task) {
    case Task::kVqa: return "vqa";
    case Task::kCaption: return "caption";
    case Task::kClassify: return "classify";
  }
  return "vqa";
}

FusedContext FuseExtractive(const KnowledgeBase& kb, const std::vector<Retrieved>& retrieved,
                            size_t max_words, double lambda) {
  FusedContext ctx;
  if (retrieved.empty()) return ctx;
  embed::HashedTextEmbedder hasher;
  struct Cand {
    const Retrieved* r;
    std::vector<float> vec;
    std::set<std::string> terms;
    size_t words;
  };
  std::vector<Cand> cands;
  std::unordered_set<std::string> seen_text;
  for (const auto& r : retrieved) {
    const Chunk& c = kb.chunks()[r.chunk];
    const std::string norm = Lower(c.text);
    if (!seen_text.insert(norm).second) continue;
    auto terms_v = embed::IndexTerms(c.text);
    std::set<std::string> terms(terms_v.begin(), terms_v.end());
    bool dup = false;
    for (const auto& k : cands) {
      size_t inter = 0;
      for (const auto& t : terms) inter += k.terms.count(t);
      const size_t uni = terms.size() + k.terms.size() - inter;
      if (uni > 0 && double(inter) / double(uni) >= 0.9) dup = true;
    }
    if (dup) continue;
    auto vec = hasher.EmbedText(c.text);
    size_t words = size_t(std::count(c.text.begin(), c.text.end(), ' ') + 1);
    cands.push_back({&r, vec.ok() ? *vec : std::vector<float>(256, 0.0f), std::move(terms), words});
  }
  const double best = std::max(1e-12, retrieved.front().score);
  std::vector<bool> used(cands.size(), false);
  std::vector<size_t> picked;
  size_t words = 0;
  while (true) {
    double best_mmr = -1e300;
    int arg = -1;
    for (size_t i = 0; i < cands.size(); ++i) {
      if (used[i]) continue;
      if (!picked.empty() && words + cands[i].words > max_words) continue;
      double sim = 0;
      for (size_t p : picked) sim = std::max(sim, double(embed::Dot(cands[i].vec, cands[p].vec)));
      const double mmr = lambda * cands[i].r->score / best - (1 - lambda) * sim;
      if (mmr > best_mmr) {
        best_mmr = mmr;
        arg = int(i);
      }
    }
    if (arg < 0) break;
    used[size_t(arg)] = true;
    picked.push_back(size_t(arg));
    words += cands[size_t(arg)].words;
  }
  int n = 0;
  for (size_t p : picked) {
    const Retrieved& r = *cands[p].r;
    const Chunk& c = kb.chunks()[r.chunk];
    ctx.text += "[" + std::to_string(++n) + "] (" + c.type + ") " + StripFieldLabel(c.text) + "\n";
    ctx.chunks.push_back(r.chunk);
  }
  return ctx;
}

std::string Instruction(Task task) {
  switch (task) {
    case Task::kVqa:
      return "Answer the following question based on the retrieved knowledge:";
    case Task::kCaption:
      return "Describe the remote sensing image in one or two sentences, using the retrieved "
             "knowledge where it applies:";
    case Task::kClassify:
      return "Classify the site in the remote sensing image, using the retrieved knowledge. "
             "Answer with the category only:";
  }
  return "";
}

std::string BuildPrompt(Task task, std::string_view question, std::string_view context) {
  std::string q(question);
  if (q.empty()) q = task == Task::kCaption ? "Describe this image." : "";
  return Instruction(task) + "\n" + q + "\n" + kContextHeader + "\n" + std::string(context);
}

std::string DetectField(std::string_view question) {
  const std::string q = " " + Lower(question) + " ";
  struct Rule {
    const char* field;
    std::vector<const char*> keys;
  };
  static const std::vector<Rule> kRules = {
      {"Physical_Area", {"physical area", "how large", "how big", "size of", "square"}},
      {"Address", {"address"}},
      {"Notable_Visitors", {"visitor", "visited"}},
      {"Major_Events", {"major event", "events", "event "}},
      {"Architectural_Characteristics", {"architectur"}},
      {"Cultural_Significance", {"cultural", "culturally", "significan"}},
      {"Historical_Background", {"historical background", "history", "historical"}},
      {"Construction_Period", {"construction", "constructed", "built", "when was", "erected"}},
      {"Primary_Function", {"function", "purpose", "used for", "serve"}},
      {"Category", {"category", "categories", "what type of", "what kind of"}},
      {"Details", {"details", "detail", "more can be said", "interesting", "additional"}},
      {"Location", {"location", "coordinates", "located", "where is", "where"}},
      {"Area", {" area", "region", "city", "country"}},
      {"Name", {"name", "identify", "called", "which landmark", "what landmark"}},
  };
  for (const auto& rule : kRules) {
    for (const char* k : rule.keys) {
      if (Contains(q, k)) return rule.field;
    }
  }
  return "";
}

ExtractiveAnswer AnswerExtractive(const KnowledgeBase& kb,
                                  const std::vector<Retrieved>& retrieved, Task task,
                                  std::string_view question) {
  ExtractiveAnswer ans;
  if (retrieved.empty()) return ans;
  if (task == Task::kClassify) {
    // Allowed categories: "... following N categories: A, B, C."
    std::vector<std::string> allowed;
    const std::string ql = Lower(question);
    if (auto pos = ql.find("categories:"); pos != std::string::npos) {
      std::string list(question.substr(pos + 11));
      size_t start = 0;
      while (start <= list.size()) {
        size_t end = list.find(',', start);
        if (end == std::string::npos) end = list.size();
        std::string item = list.substr(start, end - start);
        while (!item.empty() && (item.back() == '.' || item.back() == ' ')) item.pop_back();
        while (!item.empty() && item.front() == ' ') item.erase(item.begin());
        if (!item.empty()) allowed.push_back(item);
        start = end + 1;
      }
    }
    std::map<std::string, double> votes;
    std::map<std::string, std::string> display;
    for (const auto& r : retrieved) {
      const int ri = kb.RecordIndex(r.record_id);
      if (ri < 0) continue;
      std::string cat = kb.records()[size_t(ri)].category;
      if (cat.empty()) continue;
      if (!allowed.empty()) {
        auto it = std::find_if(allowed.begin(), allowed.end(),
                               [&](const std::string& a) { return Lower(a) == Lower(cat); });
        if (it == allowed.end()) continue;
        cat = *it;
      }
      votes[Lower(cat)] += std::max(0.0, r.score) + 1e-9;
      display[Lower(cat)] = cat;
    }
    double best = -1;
    for (const auto& [c, v] : votes) {
      if (v > best) {
        best = v;
        ans.answer = display[c];
      }
    }
    ans.field = "Category";
    return ans;
  }
  const Record* rec = BestRecord(kb, retrieved);
  if (!rec) return ans;
  ans.record_id = rec->id;
  if (task == Task::kCaption) {
    std::string cap = rec->name;
    if (!rec->category.empty()) cap += " is a " + Lower(rec->category);
    else cap += " is a site";
    auto area = rec->fields.find("Area");
    if (area != rec->fields.end()) cap += " in " + area->second;
    auto period = rec->fields.find("Construction_Period");
    if (period != rec->fields.end()) cap += ", built in " + period->second;
    cap += ".";
    auto hist = rec->fields.find("Historical_Background");
    if (hist != rec->fields.end()) {
      auto s = Sentences(hist->second);
      if (!s.empty()) cap += " " + s.front();
    }
    ans.answer = cap;
    ans.field = "caption_template";
    return ans;
  }
  // VQA: remove the record's own name, then look for a variable, a month and a field.
  std::string q(question);
  {
    const std::string ql = Lower(q), nl = Lower(rec->name);
    if (!nl.empty()) {
      if (auto pos = ql.find(nl); pos != std::string::npos) q.erase(pos, nl.size());
    }
  }
  const std::string ql = Lower(q);
  const auto tokens = embed::Tokenize(q);
  auto variable_in_question = [&](const std::map<std::string, std::string>& vars) -> std::string {
    std::string best;
    for (const auto& [k, v] : vars) {
      std::string base = Lower(k.substr(0, k.find('(')));
      while (!base.empty() && base.back() == ' ') base.pop_back();
      const auto base_tokens = embed::Tokenize(base);
      if (base_tokens.empty()) continue;
      // the variable's tokens must appear consecutively in the question
      for (size_t i = 0; i + base_tokens.size() <= tokens.size(); ++i) {
        if (std::equal(base_tokens.begin(), base_tokens.end(), tokens.begin() + long(i))) {
          if (base.size() > best.size()) best = k;
          break;
        }
      }
    }
    return best;
  };
  static const char* kMonths[] = {"january", "february", "march", "april", "may", "june", "july",
                                  "august", "september", "october", "november", "december"};
  std::string month;
  for (const char* m : kMonths) {
    if (std::find(tokens.begin(), tokens.end(), m) != tokens.end()) month = m;
  }
  if (!month.empty()) {
    for (const auto& [mkey, vars] : rec->monthly) {
      if (!Contains(Lower(mkey), month)) continue;
      const std::string var = variable_in_question(vars);
      if (!var.empty()) {
        ans.answer = vars.at(var);
        ans.field = var + "@" + mkey;
        return ans;
      }
    }
  }
  if (const std::string var = variable_in_question(rec->variables); !var.empty()) {
    ans.answer = rec->variables.at(var);
    ans.field = var;
    return ans;
  }
  // A variable described in words ("soil moisture", "wind speed"): the first rule whose words
  // all occur in the question and whose variable the record has; answered as a sentence.
  {
    struct Described {
      std::vector<const char*> words;
      const char* var_prefix;
      const char* label;
    };
    static const std::vector<Described> kDescribed = {
        {{"soil", "moisture"}, "GWETPROF", "average soil moisture (GWETPROF)"},
        {{"snowmelt"}, "SMLAND", "snowmelt flux (SMLAND)"},
        {{"emissivity"}, "EMIS", "surface emissivity (EMIS)"},
        {{"wind"}, "SPEED", "wind speed (SPEED)"},
        {{"air", "temperature"}, "mean_2m_air_temperature", "mean 2 m air temperature"},
        {{"night"}, "LST_Night_1km", "night-time land surface temperature (LST_Night_1km)"},
        {{"temperature"}, "LST_Day_1km", "daytime land surface temperature (LST_Day_1km)"},
        {{"precipitation"}, "precipitation", "annual precipitation"},
        {{"rain"}, "precipitation", "annual precipitation"},
        {{"land", "cover"}, "LC_Type1", "land cover type (LC_Type1)"},
        {{"sea", "level", "pressure"}, "mean_sea_level_pressure", "mean sea level pressure"},
        {{"pressure"}, "surface_pressure", "surface pressure"},
        {{"albedo"}, "ALBEDO", "ALBEDO"},
        {{"reflect"}, "ALBEDO", "ALBEDO"},
        {{"evapotranspiration"}, "EVLAND", "evaporation from land (EVLAND)"},
        {{"evaporation"}, "EVLAND", "evaporation from land (EVLAND)"},
    };
    for (const auto& d : kDescribed) {
      bool all = true;
      for (const char* w : d.words) all = all && Contains(ql, w);
      if (!all) continue;
      for (const auto& [k, v] : rec->variables) {
        if (!k.starts_with(d.var_prefix)) continue;
        ans.answer = "The " + std::string(d.label) + " is " + v + ".";
        ans.field = k;
        return ans;
      }
    }
  }
  const std::string field = DetectField(q);
  if (!field.empty()) {
    auto it = rec->fields.find(field);
    if (it != rec->fields.end()) {
      ans.answer = it->second;
      ans.field = field;
      return ans;
    }
  }
  // Fallback: the sentence of the top chunks that shares most terms with the question.
  const auto qterms_v = embed::IndexTerms(q);
  const std::set<std::string> qterms(qterms_v.begin(), qterms_v.end());
  double best = -1;
  for (size_t i = 0; i < retrieved.size() && i < 3; ++i) {
    for (const auto& s : Sentences(kb.chunks()[retrieved[i].chunk].text)) {
      const auto st = embed::IndexTerms(s);
      double overlap = 0;
      for (const auto& t : std::set<std::string>(st.begin(), st.end())) overlap += qterms.count(t);
      const double score = overlap - 0.1 * double(i);
      if (score > best) {
        best = score;
        ans.answer = s;
        ans.record_id = retrieved[i].record_id;
      }
    }
  }
  return ans;
}

#ifdef GEORUNE_HAVE_LLM
namespace {
Result<std::string> Chat(llm::ChatClient& client, std::vector<llm::Message> messages,
                         const GenerateOptions& o) {
  llm::ChatRequest req;
  req.model = o.model;
  req.messages = std::move(messages);
  req.temperature = o.temperature;
  req.max_tokens = o.max_tokens;
  auto resp = o.stream ? client.Stream(req, [&](std::string_view d) {
    return o.on_delta ? o.on_delta(d) : true;
  })
                       : client.Complete(req);
  if (!resp.ok()) return resp.status();
  return resp->choices.front().content;
}
}  // namespace

Result<std::string> FuseWithLlm(llm::ChatClient& client, const KnowledgeBase& kb,
                                const std::vector<Retrieved>& retrieved,
                                std::string_view question, const GenerateOptions& options) {
  std::string snippets;
  int n = 0;
  for (const auto& r : retrieved)
    snippets += "[" + std::to_string(++n) + "] " + kb.chunks()[r.chunk].text + "\n";
  const std::string prompt =
      "Consolidate the following knowledge snippets into one concise, non-redundant context "
      "that keeps every fact relevant to the question. Do not add facts.\nQuestion: " +
      std::string(question) + "\nSnippets:\n" + snippets;
  GenerateOptions o = options;
  o.stream = false;
  return Chat(client, {llm::Message::User(prompt)}, o);
}

Result<std::string> Generate(llm::ChatClient& client, const std::string& prompt,
                             const std::string& image_path, const GenerateOptions& options) {
  if (image_path.empty()) return Chat(client, {llm::Message::User(prompt)}, options);
  GEORUNE_ASSIGN_OR_RETURN(std::string url, llm::ImageDataUrl(image_path));
  return Chat(client, {llm::Message::UserWithImages(prompt, {url})}, options);
}
#endif

}  // namespace georune::rag
