// TranslatorFor: a Python translator spec → an nl::Translator (builtin cached per thread).
#include <string>

#include "bindings.h"
#include "errors.h"

namespace georune::py {
namespace {

namespace pb = pybind11;

template <typename T>
void Read(const pb::dict& d, const char* key, T& out) {
  if (d.contains(key)) out = d[key].cast<T>();
}

nl::TranslatorConfig ConfigFrom(const pb::object& spec) {
  nl::TranslatorConfig c;
  if (spec.is_none()) return c;
  if (pb::isinstance<pb::str>(spec)) {
    c.kind = spec.cast<std::string>();
    return c;
  }
  if (!pb::isinstance<pb::dict>(spec))
    throw EngineError(Status::InvalidInput("translator must be \"builtin\", \"llm\" or a dict of settings"));
  pb::dict d = spec.cast<pb::dict>();
  Read(d, "kind", c.kind);
  Read(d, "url", c.client.base_url);
  Read(d, "timeout", c.client.read_timeout_s);
  Read(d, "retries", c.client.max_retries);
  Read(d, "model", c.model);
  Read(d, "samples", c.samples);
  Read(d, "temperature", c.temperature);
  Read(d, "fallback", c.fallback);
  Read(d, "use_wordnet", c.use_wordnet);
  if (d.contains("structured")) {
    auto s = llm::ParseStructuredOutput(d["structured"].cast<std::string>());
    if (!s) throw EngineError(Status::InvalidInput("translator structured must be json_schema, grammar or none"));
    c.structured = *s;
  }
  return c;
}

}  // namespace

nl::Translator* TranslatorFor(const pb::object& spec) {
  nl::TranslatorConfig config = ConfigFrom(spec);
  const bool plain_builtin = config.kind == "builtin" && (spec.is_none() || pb::isinstance<pb::str>(spec));
  thread_local std::unique_ptr<nl::Translator> builtin, other;
  if (plain_builtin && builtin) return builtin.get();
  auto made = [&] {
    pb::gil_scoped_release release;
    return nl::MakeTranslator(config);
  }();
  (plain_builtin ? builtin : other) = ValueOrThrow(std::move(made));
  return plain_builtin ? builtin.get() : other.get();
}

}  // namespace georune::py
