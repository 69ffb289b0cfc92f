// An OpenAI-compatible chat client (POST {base}/v1/chat/completions) and its seam.
//
// The engine talks to language models only through `ChatClient`. `HttpChatClient` is the real
// implementation: libcurl over http or https (no proxy, no signals), JSON bodies exactly as OpenAI, llama.cpp
// server, Ollama and vLLM accept them. Tests run it against a local server; nothing in the
// engine is a fake.
//
// Protocol covered:
//  - messages with a text content, or content parts: text and image_url (data: URLs from
//    ImageDataUrl(), or http URLs);
//  - temperature, n, max_tokens, seed, stop;
//  - structured output: `response_format: {"type":"json_schema",...}` (OpenAI, vLLM, Ollama,
//    recent llama.cpp) or llama.cpp's `grammar` (a GBNF string), selectable per request;
//  - streaming: Server-Sent Events, `data: {json}` lines ending with `data: [DONE]`, one
//    callback per content delta;
//  - authentication: `Authorization: Bearer KEY` when a key is configured or found in the
//    environment (GEORUNE_LLM_API_KEY, else OPENAI_API_KEY).
//
// Errors (never exceptions):
//  - kUnavailable: connection refused or reset, timeouts, HTTP 5xx/429 after the retries,
//    HTTP 4xx (message includes the status and the server's own error message), a body that
//    is not JSON or lacks `choices`;
//  - kInvalidInput: a malformed base URL or request (empty messages, n < 1).
// Retries: connection errors, timeouts, 429 and 5xx are retried up to `max_retries` times with
// exponential backoff (initial_backoff_s · 2^k, capped at max_backoff_s); other 4xx are not.
// Deadlines (wall clock, libcurl's whole-transfer timeout, so a server that trickles its
// headers or body byte by byte is cut off too): `read_timeout_s` bounds one
// attempt -- connect, headers and body; `total_timeout_s` bounds a whole Complete() or Stream()
// call -- every attempt, backoff and emulated-n call (one translation or answer makes one call).
// Size: a reply body (or stream) longer than `max_reply_bytes`, or reply headers longer than
// `max_header_bytes` in all, are cut off as they arrive and refused (kUnavailable, naming the
// limit and its value); a declared Content-Length over the limit is refused before the body is
// read. A reply cut at a size limit is not retried (the same server would flood again).
// Thread safety: one HttpChatClient may be used from several threads (each call opens its
// own connection).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "georune/common/status.h"

namespace georune::llm {

struct ContentPart {
  enum class Kind { kText, kImageUrl };
  Kind kind = Kind::kText;
  std::string text;    // kText
  std::string url;     // kImageUrl: "data:image/png;base64,..." or "https://..."
  std::string detail;  // kImageUrl: optional "low" | "high" | "auto"; empty = not sent
};

struct Message {
  std::string role;  // "system" | "user" | "assistant"
  // One text part is sent as a plain string `content`; otherwise as an array of parts.
  std::vector<ContentPart> parts;

  static Message Text(std::string role, std::string text);
  static Message System(std::string text) { return Text("system", std::move(text)); }
  static Message User(std::string text) { return Text("user", std::move(text)); }
  static Message Assistant(std::string text) { return Text("assistant", std::move(text)); }
  // A user message with text followed by images (URLs, e.g. from ImageDataUrl()).
  static Message UserWithImages(std::string text, const std::vector<std::string>& image_urls);
};

enum class StructuredOutput {
  kNone,
  kJsonSchema,  // response_format: {"type":"json_schema","json_schema":{name,strict,schema}}
  kGrammar,     // llama.cpp: "grammar": "<GBNF>"
};
// "none" | "json_schema" | "grammar"; nullopt for anything else.
std::optional<StructuredOutput> ParseStructuredOutput(std::string_view name);
const char* StructuredOutputName(StructuredOutput s);

struct ChatRequest {
  std::string model;  // may be empty (llama.cpp ignores it); sent only when non-empty
  std::vector<Message> messages;
  std::optional<double> temperature;
  int n = 1;  // samples wanted; see ClientConfig::emulate_n
  std::optional<int> max_tokens;
  std::optional<long long> seed;
  std::vector<std::string> stop;
  StructuredOutput structured = StructuredOutput::kNone;
  std::string json_schema;  // kJsonSchema: the JSON Schema (JSON text) of the reply
  std::string schema_name = "reply";
  std::string grammar;  // kGrammar: GBNF
};

struct ChatChoice {
  int index = 0;
  std::string content;        // the assistant's text ("" when the server sent null)
  std::string finish_reason;  // "stop", "length", ... ("" when absent)
};

struct ChatResponse {
  std::string id;
  std::string model;
  std::vector<ChatChoice> choices;  // never empty on success
  int prompt_tokens = 0;            // from `usage` when present (summed over calls)
  int completion_tokens = 0;
  int http_calls = 0;  // requests made, retries included
};

// Called with each content delta of a stream, in order. Return false to stop early (the
// response then holds what was received so far).
using StreamCallback = std::function<bool(std::string_view delta)>;

class ChatClient {
 public:
  virtual ~ChatClient() = default;
  // One completion with request.n choices (see ClientConfig::emulate_n).
  virtual Result<ChatResponse> Complete(const ChatRequest& request) = 0;
  // A streamed completion (n must be 1); the response holds the assembled text as choice 0.
  virtual Result<ChatResponse> Stream(const ChatRequest& request, const StreamCallback& on_delta) = 0;
};

struct ClientConfig {
  // "http://127.0.0.1:8080", "http://host:8000/v1", "https://api.openai.com/v1" (a trailing
  // "/v1" or "/v1/" is accepted; "/v1/chat/completions" is appended as needed).
  std::string base_url = "http://127.0.0.1:8080";
  std::string api_key;  // empty: ApiKeyFromEnvironment()
  double connect_timeout_s = 5;
  double read_timeout_s = 120;           // one attempt, headers and body included
  double total_timeout_s = 0;            // one Complete()/Stream() call, retries included; 0 = read_timeout_s
  size_t max_reply_bytes = 8u << 20;     // reply body (or whole stream) size limit
  size_t max_header_bytes = 256u << 10;  // all reply header lines together
  int max_retries = 2;                   // extra attempts after the first
  double initial_backoff_s = 0.5;
  double max_backoff_s = 8;
  // When a server returns fewer choices than n (llama.cpp ignores n), make further calls
  // until n choices are collected (at most n calls in all).
  bool emulate_n = true;
};

class HttpChatClient final : public ChatClient {
 public:
  // kInvalidInput for a base URL that is not http(s)://host[:port][/path].
  static Result<std::unique_ptr<HttpChatClient>> Create(ClientConfig config);
  Result<ChatResponse> Complete(const ChatRequest& request) override;
  Result<ChatResponse> Stream(const ChatRequest& request, const StreamCallback& on_delta) override;
  const ClientConfig& config() const { return config_; }
  // The full URL requests go to, e.g. "http://127.0.0.1:8080/v1/chat/completions".
  std::string Endpoint() const { return scheme_host_port_ + path_; }

 private:
  explicit HttpChatClient(ClientConfig config) : config_(std::move(config)) {}
  struct Raw {
    int status = 0;
    std::string body;
  };
  using Deadline = std::chrono::steady_clock::time_point;
  Deadline CallDeadline() const;
  // One attempt. *stopped: on_sse_line asked to stop; *at_size_limit: the reply was cut at a
  // size limit (a permanent failure: the same server would flood again).
  Result<Raw> PostOnce(const std::string& body, const StreamCallback* on_sse_line, bool* stopped, bool* at_size_limit,
                       Deadline call_deadline);
  Result<Raw> PostWithRetries(const std::string& body, const StreamCallback* on_sse_line, int* calls,
                              Deadline call_deadline);
  ClientConfig config_;
  std::string scheme_host_port_;
  std::string path_;
};

// The JSON body for a request (exposed for tests and logging). `stream` adds "stream": true.
std::string BuildRequestBody(const ChatRequest& request, bool stream);
// Parses a non-streamed reply body; kUnavailable when it is not JSON or lacks choices.
Result<ChatResponse> ParseResponseBody(std::string_view body);
// The server's error text from an error body ({"error":{"message":…}}, {"error":"…"},
// {"message":…} or the raw text, shortened).
std::string ErrorMessageFromBody(std::string_view body);

// GEORUNE_LLM_API_KEY, else OPENAI_API_KEY, else "".
std::string ApiKeyFromEnvironment();
// Standard base64 (RFC 4648, with padding).
std::string Base64Encode(std::string_view bytes);
// "data:<mime>;base64,<...>" for an image file (mime from the extension: png, jpg/jpeg, gif,
// webp, bmp, tif/tiff); kNotFound / kIoError when it cannot be read.
Result<std::string> ImageDataUrl(const std::string& path);

}  // namespace georune::llm
