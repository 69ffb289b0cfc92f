#include "georune/rag/answer.h"

#include "answer_parts.h"
#include "georune/rag/field_lexicon.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_set>

#include "georune/common/text.h"
#include "georune/embed/hashed_text.h"
#include "georune/embed/text_tokens.h"

namespace georune::rag {
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
  out.erase(std::remove_if(out.begin(), out.end(), [](const std::string& s) { return s.empty(); }), out.end());
  return out;
}

namespace {

std::string StripFieldLabel(const std::string& chunk_line) { return chunk_line; }

}  // namespace

Result<Task> ParseTask(std::string_view name) {
  if (name == "vqa") return Task::kVqa;
  if (name == "caption") return Task::kCaption;
  if (name == "classify") return Task::kClassify;
  return Status::InvalidInput("unknown task \"" + std::string(name) + "\" (hint: use vqa, caption or classify)");
}

const char* TaskName(Task task) {
  switch (task) {
    case Task::kVqa: return "vqa";
    case Task::kCaption: return "caption";
    case Task::kClassify: return "classify";
  }
  return "vqa";
}

FusedContext FuseExtractive(const KnowledgeBase& kb, const std::vector<Retrieved>& retrieved, size_t max_words,
                            double lambda) {
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
    const std::string norm = AsciiLower(c.text);
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
      return std::string(
                 "Answer the following question using only the retrieved context below. "
                 "If the context does not contain the answer, reply exactly: ") +
             kNoAnswerReply;
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
  const Sense* s = DetectSense(LexiconTokens(question));
  return s && s->kind == SenseKind::kField ? s->keys[0] : "";
}

const char* StatusName(AnswerStatus status) {
  switch (status) {
    case AnswerStatus::kAnswered: return "answered";
    case AnswerStatus::kNotFound: return "not_found";
    case AnswerStatus::kAmbiguous: return "ambiguous";
  }
  return "answered";
}

ExtractiveAnswer AnswerExtractive(const KnowledgeBase& kb, const std::vector<Retrieved>& retrieved, Task task,
                                  std::string_view question, const AnswerOptions& options) {
  switch (task) {
    case Task::kVqa: return AnswerVqa(kb, retrieved, question, options);
    case Task::kClassify: return AnswerClassify(kb, retrieved, question);
    case Task::kCaption: return AnswerCaption(kb, retrieved);
  }
  return {};
}

namespace {
Result<std::string> Chat(llm::ChatClient& client, std::vector<llm::Message> messages, const GenerateOptions& o) {
  llm::ChatRequest req;
  req.model = o.model;
  req.messages = std::move(messages);
  req.temperature = o.temperature;
  req.max_tokens = o.max_tokens;
  auto resp = o.stream ? client.Stream(req, [&](std::string_view d) { return o.on_delta ? o.on_delta(d) : true; })
                       : client.Complete(req);
  if (!resp.ok()) return resp.status();
  return resp->choices.front().content;
}
}  // namespace

Result<std::string> FuseWithLlm(llm::ChatClient& client, const KnowledgeBase& kb,
                                const std::vector<Retrieved>& retrieved, std::string_view question,
                                const GenerateOptions& options) {
  std::string snippets;
  int n = 0;
  for (const auto& r : retrieved) snippets += "[" + std::to_string(++n) + "] " + kb.chunks()[r.chunk].text + "\n";
  const std::string prompt =
      "Consolidate the following knowledge snippets into one concise, non-redundant context "
      "that keeps every fact relevant to the question. Do not add facts.\nQuestion: " +
      std::string(question) + "\nSnippets:\n" + snippets;
  GenerateOptions o = options;
  o.stream = false;
  return Chat(client, {llm::Message::User(prompt)}, o);
}

Result<std::string> Generate(llm::ChatClient& client, const std::string& prompt, const std::string& image_path,
                             const GenerateOptions& options) {
  if (image_path.empty()) return Chat(client, {llm::Message::User(prompt)}, options);
  GEORUNE_ASSIGN_OR_RETURN(std::string url, llm::ImageDataUrl(image_path));
  return Chat(client, {llm::Message::UserWithImages(prompt, {url})}, options);
}

}  // namespace georune::rag
