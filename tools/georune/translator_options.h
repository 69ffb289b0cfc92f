// Translator options shared by subcommands (translate, query): adds
//   --translator builtin|llm --llm-url URL --llm-model NAME --llm-samples N --llm-temperature T
//   --llm-structured json_schema|grammar|none --llm-timeout SECONDS --llm-retries N --llm-fallback
// to a CLI11 subcommand, and builds the translator from them after parsing.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "georune/common/status.h"
#include "georune/nl/translator.h"

namespace georune::cli {

struct TranslatorOptions {
  std::string kind = "builtin";
  std::string llm_url = "http://127.0.0.1:8080";
  std::string llm_model;
  int llm_samples = 10;
  double llm_temperature = 0.7;
  std::string llm_structured = "json_schema";
  double llm_timeout = 60;
  int llm_retries = 2;
  bool llm_fallback = false;

  // Registers the options on `cmd`; `this` must outlive parsing.
  void AddTo(CLI::App* cmd);
  // The configuration; kInvalidInput for a bad --llm-structured value.
  Result<nl::TranslatorConfig> Config() const;
  // MakeTranslator(Config()).
  Result<std::unique_ptr<nl::Translator>> Build() const;
};

}  // namespace georune::cli
