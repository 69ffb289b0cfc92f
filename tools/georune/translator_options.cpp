#include "translator_options.h"

namespace georune::cli {

void TranslatorOptions::AddTo(CLI::App* cmd) {
  cmd->add_option("--translator", kind, "English → logic translator: builtin (offline, default) or llm")
      ->check(CLI::IsMember({"builtin", "llm"}));
  cmd->add_option("--llm-url", llm_url, "OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080 or https://host/v1");
  cmd->add_option("--llm-model", llm_model, "model name sent to the endpoint");
  cmd->add_option("--llm-samples", llm_samples, "candidates sampled for voting (default 10)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--llm-temperature", llm_temperature, "sampling temperature (default 0.7)")
      ->check(CLI::Range(0.0, 2.0));
  cmd->add_option("--llm-structured", llm_structured,
                  "structured output: json_schema (default), grammar (llama.cpp) or none")
      ->check(CLI::IsMember({"json_schema", "grammar", "none"}));
  cmd->add_option("--llm-timeout", llm_timeout,
                  "seconds for a whole translation, headers, body and retries included (default 60)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--llm-retries", llm_retries, "retries on 429/5xx/connection errors (default 2)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--llm-fallback", llm_fallback, "use the built-in translator when the LLM fails");
}

Result<nl::TranslatorConfig> TranslatorOptions::Config() const {
  nl::TranslatorConfig c;
  c.kind = kind;
  c.client.base_url = llm_url;
  c.client.read_timeout_s = llm_timeout;
  c.client.max_retries = llm_retries;
  c.model = llm_model;
  c.samples = llm_samples;
  c.temperature = llm_temperature;
  c.fallback = llm_fallback;
  auto s = llm::ParseStructuredOutput(llm_structured);
  if (!s) return Status::InvalidInput("--llm-structured must be json_schema, grammar or none");
  c.structured = *s;
  return c;
}

Result<std::unique_ptr<nl::Translator>> TranslatorOptions::Build() const {
  GEORUNE_ASSIGN_OR_RETURN(nl::TranslatorConfig c, Config());
  return nl::MakeTranslator(c);
}

}  // namespace georune::cli
