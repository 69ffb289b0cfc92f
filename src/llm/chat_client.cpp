#include "georune/llm/chat_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "georune/common/files.h"
#include "georune/common/text.h"

namespace georune::llm {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

std::string Shorten(std::string s, size_t max = 400) {
  if (s.size() > max) s = s.substr(0, max) + "...";
  return s;
}

bool Retryable(int status) { return status == 429 || status >= 500; }

// libcurl's global state, set up once before the first request (thread-safe since 7.84).
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

long Milliseconds(Clock::duration d) {
  return std::max<long>(1, static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()));
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

// "8 MiB (8388608 bytes)", "256 KiB (262144 bytes)", "4000000000 bytes".
std::string ByteCount(uint64_t n) {
  const std::string bytes = std::to_string(n) + " bytes";
  if (n >= (1u << 20) && n % (1u << 20) == 0) return std::to_string(n >> 20) + " MiB (" + bytes + ")";
  if (n >= (1u << 10) && n % (1u << 10) == 0) return std::to_string(n >> 10) + " KiB (" + bytes + ")";
  return bytes;
}

json MessageJson(const Message& m) {
  json j;
  j["role"] = m.role;
  if (m.parts.size() == 1 && m.parts[0].kind == ContentPart::Kind::kText) {
    j["content"] = m.parts[0].text;
    return j;
  }
  json parts = json::array();
  for (const auto& p : m.parts) {
    if (p.kind == ContentPart::Kind::kText) {
      parts.push_back({{"type", "text"}, {"text", p.text}});
    } else {
      json url = {{"url", p.url}};
      if (!p.detail.empty()) url["detail"] = p.detail;
      parts.push_back({{"type", "image_url"}, {"image_url", url}});
    }
  }
  j["content"] = parts;
  return j;
}

}  // namespace

Message Message::Text(std::string role, std::string text) {
  Message m;
  m.role = std::move(role);
  ContentPart p;
  p.text = std::move(text);
  m.parts.push_back(std::move(p));
  return m;
}

Message Message::UserWithImages(std::string text, const std::vector<std::string>& image_urls) {
  Message m = Text("user", std::move(text));
  for (const auto& u : image_urls) {
    ContentPart p;
    p.kind = ContentPart::Kind::kImageUrl;
    p.url = u;
    m.parts.push_back(std::move(p));
  }
  return m;
}

std::optional<StructuredOutput> ParseStructuredOutput(std::string_view name) {
  if (name == "none") return StructuredOutput::kNone;
  if (name == "json_schema" || name == "json") return StructuredOutput::kJsonSchema;
  if (name == "grammar" || name == "gbnf") return StructuredOutput::kGrammar;
  return std::nullopt;
}

const char* StructuredOutputName(StructuredOutput s) {
  switch (s) {
    case StructuredOutput::kNone: return "none";
    case StructuredOutput::kJsonSchema: return "json_schema";
    case StructuredOutput::kGrammar: return "grammar";
  }
  return "none";
}

std::string BuildRequestBody(const ChatRequest& request, bool stream) {
  json j;
  if (!request.model.empty()) j["model"] = request.model;
  j["messages"] = json::array();
  for (const auto& m : request.messages) j["messages"].push_back(MessageJson(m));
  if (request.temperature) j["temperature"] = *request.temperature;
  if (request.n != 1) j["n"] = request.n;
  if (request.max_tokens) j["max_tokens"] = *request.max_tokens;
  if (request.seed) j["seed"] = *request.seed;
  if (!request.stop.empty()) j["stop"] = request.stop;
  if (request.structured == StructuredOutput::kJsonSchema) {
    json schema = json::parse(request.json_schema, nullptr, false);
    if (schema.is_discarded()) schema = json::object();
    j["response_format"] = {{"type", "json_schema"},
                            {"json_schema", {{"name", request.schema_name}, {"strict", true}, {"schema", schema}}}};
  } else if (request.structured == StructuredOutput::kGrammar) {
    j["grammar"] = request.grammar;
  }
  if (stream) j["stream"] = true;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string ErrorMessageFromBody(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    if (j.contains("error")) {
      const json& e = j["error"];
      if (e.is_string()) return e.get<std::string>();
      if (e.is_object() && e.contains("message") && e["message"].is_string()) return e["message"].get<std::string>();
      return Shorten(e.dump());
    }
    if (j.contains("message") && j["message"].is_string()) return j["message"].get<std::string>();
    if (j.contains("detail") && j["detail"].is_string()) return j["detail"].get<std::string>();
  }
  const std::string t(TrimAsciiSpace(body));
  return t.empty() ? "(empty body)" : Shorten(t);
}

Result<ChatResponse> ParseResponseBody(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Unavailable("the LLM endpoint sent a reply that is not JSON: '" +
                               Shorten(std::string(TrimAsciiSpace(body)), 200) + "'");
  }
  if (j.contains("error") && !j.contains("choices")) {
    return Status::Unavailable("the LLM endpoint reported an error: " + ErrorMessageFromBody(body));
  }
  if (!j.contains("choices") || !j["choices"].is_array() || j["choices"].empty()) {
    return Status::Unavailable("the LLM endpoint's reply has no 'choices': '" +
                               Shorten(std::string(TrimAsciiSpace(body)), 200) + "'");
  }
  ChatResponse r;
  if (j.contains("id") && j["id"].is_string()) r.id = j["id"].get<std::string>();
  if (j.contains("model") && j["model"].is_string()) r.model = j["model"].get<std::string>();
  if (j.contains("usage") && j["usage"].is_object()) {
    const json& u = j["usage"];
    if (u.contains("prompt_tokens") && u["prompt_tokens"].is_number_integer())
      r.prompt_tokens = u["prompt_tokens"].get<int>();
    if (u.contains("completion_tokens") && u["completion_tokens"].is_number_integer()) {
      r.completion_tokens = u["completion_tokens"].get<int>();
    }
  }
  int k = 0;
  for (const json& c : j["choices"]) {
    if (!c.is_object()) return Status::Unavailable("the LLM endpoint's reply has a choice that is not an object");
    ChatChoice choice;
    choice.index = (c.contains("index") && c["index"].is_number_integer()) ? c["index"].get<int>() : k;
    if (c.contains("message") && c["message"].is_object()) {
      const json& m = c["message"];
      if (m.contains("content") && m["content"].is_string()) choice.content = m["content"].get<std::string>();
    } else if (c.contains("text") && c["text"].is_string()) {
      choice.content = c["text"].get<std::string>();
    } else {
      return Status::Unavailable("the LLM endpoint's reply has a choice without 'message'");
    }
    if (c.contains("finish_reason") && c["finish_reason"].is_string()) {
      choice.finish_reason = c["finish_reason"].get<std::string>();
    }
    r.choices.push_back(std::move(choice));
    ++k;
  }
  return r;
}

std::string ApiKeyFromEnvironment() {
  for (const char* name : {"GEORUNE_LLM_API_KEY", "OPENAI_API_KEY"}) {
    const char* v = std::getenv(name);
    if (v != nullptr && *v != '\0') return v;
  }
  return "";
}

std::string Base64Encode(std::string_view bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8) | uint8_t(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    uint32_t v = (uint32_t(uint8_t(bytes[i])) << 16) | (uint32_t(uint8_t(bytes[i + 1])) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

Result<std::string> ImageDataUrl(const std::string& path) {
  std::string ext;
  size_t dot = path.rfind('.');
  if (dot != std::string::npos) ext = path.substr(dot + 1);
  ext = AsciiLower(ext);
  std::string mime;
  if (ext == "png") mime = "image/png";
  else if (ext == "jpg" || ext == "jpeg") mime = "image/jpeg";
  else if (ext == "gif") mime = "image/gif";
  else if (ext == "webp") mime = "image/webp";
  else if (ext == "bmp") mime = "image/bmp";
  else if (ext == "tif" || ext == "tiff") mime = "image/tiff";
  else return Status::InvalidInput(path + ": unknown image type '" + ext + "' (hint: png, jpg, gif, webp, bmp or tif)");
  // Read whole, to be sent whole; an image over 32 MiB (chat servers take about 20 MB) is refused.
  GEORUNE_ASSIGN_OR_RETURN(std::string bytes, ReadFile(path, uint64_t{32} << 20));
  return "data:" + mime + ";base64," + Base64Encode(bytes);
}

Result<std::unique_ptr<HttpChatClient>> HttpChatClient::Create(ClientConfig config) {
  const std::string url(TrimAsciiSpace(config.base_url));
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) {
    return Status::InvalidInput("LLM URL '" + url + "' has no scheme (hint: http://127.0.0.1:8080 or https://host/v1)");
  }
  std::string scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    return Status::InvalidInput("LLM URL '" + url + "': scheme must be http or https");
  }
  size_t host_begin = scheme_end + 3;
  size_t path_begin = url.find('/', host_begin);
  std::string host_port =
      url.substr(host_begin, path_begin == std::string::npos ? std::string::npos : path_begin - host_begin);
  if (host_port.empty() || host_port.front() == ':') {
    return Status::InvalidInput("LLM URL '" + url + "' has no host");
  }
  std::string path = path_begin == std::string::npos ? "" : url.substr(path_begin);
  while (!path.empty() && path.back() == '/') path.pop_back();
  auto ends = [&](std::string_view s) {
    return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  if (ends("/chat/completions")) {
    // already complete
  } else if (ends("/v1")) {
    path += "/chat/completions";
  } else {
    path += "/v1/chat/completions";
  }
  auto client = std::unique_ptr<HttpChatClient>(new HttpChatClient(std::move(config)));
  client->scheme_host_port_ = scheme + "://" + host_port;
  client->path_ = path;
  if (client->config_.api_key.empty()) client->config_.api_key = ApiKeyFromEnvironment();
  return client;
}

namespace {
// The time one call (all its attempts) may take: the total deadline, else one request's timeout.
double CallTimeoutSeconds(const ClientConfig& config) {
  return config.total_timeout_s > 0 ? config.total_timeout_s : config.read_timeout_s;
}
}  // namespace

HttpChatClient::Deadline HttpChatClient::CallDeadline() const {
  return Clock::now() +
         std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(CallTimeoutSeconds(config_)));
}

namespace {

// One request's state, shared with libcurl's callbacks. Nothing a server sends is kept beyond
// the caps: header bytes are counted and dropped, body bytes stop at max_reply_bytes.
struct Transfer {
  enum class Cut { kNone, kHeaders, kBody, kStopped };
  const ClientConfig* config = nullptr;
  CURL* curl = nullptr;
  const StreamCallback* on_sse_line = nullptr;  // set: a stream, split into lines
  std::string body;                             // the body (not a 200 stream's)
  std::string line_buffer;                      // a stream's unfinished line
  size_t header_bytes = 0;
  size_t body_bytes = 0;
  std::optional<uint64_t> declared_length;  // the reply's Content-Length
  Cut cut = Cut::kNone;
};

// Returning anything but n makes libcurl abort the transfer (CURLE_WRITE_ERROR).
size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  t->header_bytes += size * n;
  if (t->header_bytes > t->config->max_header_bytes) {
    t->cut = Transfer::Cut::kHeaders;
    return 0;
  }
  // The declared length, for the message when it is over the limit (libcurl refuses it).
  constexpr std::string_view kLength = "content-length:";
  const std::string_view line(data, size * n);
  if (line.size() > kLength.size() && AsciiLower(line.substr(0, kLength.size())) == kLength) {
    const std::string_view value = TrimAsciiSpace(line.substr(kLength.size()));
    uint64_t v = 0;
    if (std::from_chars(value.data(), value.data() + value.size(), v).ec == std::errc()) t->declared_length = v;
  }
  return size * n;
}

// Hands a 200 stream's complete lines (without "\r\n") to on_sse_line; false when it asked to stop.
bool DeliverLines(Transfer& t) {
  size_t from = 0, pos;
  while ((pos = t.line_buffer.find('\n', from)) != std::string::npos) {
    std::string_view line(t.line_buffer.data() + from, pos - from);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    from = pos + 1;
    if (!(*t.on_sse_line)(line)) return false;
  }
  t.line_buffer.erase(0, from);
  return true;
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * n;
  t->body_bytes += bytes;
  if (t->body_bytes > t->config->max_reply_bytes) {
    t->cut = Transfer::Cut::kBody;
    return 0;
  }
  long status = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
  if (t->on_sse_line != nullptr && status == 200) {
    t->line_buffer.append(data, bytes);
    if (!DeliverLines(*t)) {
      t->cut = Transfer::Cut::kStopped;
      return 0;
    }
  } else {
    t->body.append(data, bytes);
  }
  return bytes;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// The error for a reply cut at a size limit: which limit, its value, and a hint.
Status SizeLimitError(const Transfer& t, CURLcode code, const std::string& url, const ClientConfig& config) {
  constexpr const char* kNotRetried = "; the request was not retried";
  constexpr const char* kHeaderHint =
      " (hint: a chat server's reply headers take a few hundred bytes; is the address that of an OpenAI-compatible "
      "chat server?)";
  if (t.cut == Transfer::Cut::kNone && code == CURLE_OUT_OF_MEMORY && t.body_bytes == 0) {
    // libcurl's own refusal of one header line over CURL_MAX_HTTP_HEADER (no line end for
    // OnHeader to count).
    return Status::Unavailable("the LLM endpoint " + url + " sent a reply header line over the size limit of " +
                               ByteCount(CURL_MAX_HTTP_HEADER) + " for one header line; it was cut off there" +
                               kNotRetried + kHeaderHint);
  }
  if (t.cut == Transfer::Cut::kHeaders) {
    return Status::Unavailable("the LLM endpoint " + url + " sent reply headers over the size limit of " +
                               ByteCount(config.max_header_bytes) + " for a reply's headers; they were cut off there" +
                               kNotRetried + kHeaderHint);
  }
  constexpr const char* kHint =
      " (hint: a chat answer is far smaller; is the address that of an OpenAI-compatible chat server, and does its "
      "model end its answers?)";
  if (t.cut != Transfer::Cut::kBody && code == CURLE_FILESIZE_EXCEEDED && t.declared_length) {
    return Status::Unavailable("the LLM endpoint " + url + " announced a reply of " +
                               std::to_string(*t.declared_length) + " bytes" +
                               " (its Content-Length), over the size limit of " + ByteCount(config.max_reply_bytes) +
                               " for a reply; it was refused before being read" + kNotRetried + kHint);
  }
  return Status::Unavailable("the LLM endpoint " + url + " sent a reply over the size limit of " +
                             ByteCount(config.max_reply_bytes) + " for a reply; it was cut off there" + kNotRetried +
                             kHint);
}

}  // namespace

Result<HttpChatClient::Raw> HttpChatClient::PostOnce(const std::string& body, const StreamCallback* on_sse_line,
                                                     bool* stopped, bool* at_size_limit, Deadline call_deadline) {
  InitCurlOnce();
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Status::Internal("libcurl could not start a request");
  const auto started = Clock::now();
  const auto request_deadline =
      started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(config_.read_timeout_s));
  const bool call_limited = call_deadline < request_deadline;  // which configured limit ends first
  const auto deadline = call_limited ? call_deadline : request_deadline;
  const long left_ms = Milliseconds(deadline - started);

  std::unique_ptr<curl_slist, CurlDeleter> headers;
  auto add_header = [&headers](const std::string& h) {
    headers.reset(curl_slist_append(headers.release(), h.c_str()));
  };
  add_header("Content-Type: application/json");
  add_header(on_sse_line != nullptr ? "Accept: text/event-stream" : "Accept: application/json");
  add_header("Expect:");  // no 100-continue round trip for large bodies
  if (!config_.api_key.empty()) add_header("Authorization: Bearer " + config_.api_key);

  Transfer t;
  t.config = &config_;
  t.curl = curl.get();
  t.on_sse_line = on_sse_line;
  char error[CURL_ERROR_SIZE] = "";
  const std::string url = Endpoint();
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_PROXY, "");  // the endpoint is reached directly, as configured
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, left_ms);  // the whole attempt: connect, headers, body
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   std::min(left_ms, Milliseconds(std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(config_.connect_timeout_s)))));
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(config_.max_reply_bytes));
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(c);
  const std::string why = error[0] != '\0' ? error : curl_easy_strerror(code);

  if (t.cut == Transfer::Cut::kStopped) {
    *stopped = true;
    return Raw{200, ""};
  }
  if (t.cut == Transfer::Cut::kBody || t.cut == Transfer::Cut::kHeaders || code == CURLE_FILESIZE_EXCEEDED ||
      (code == CURLE_OUT_OF_MEMORY && t.body_bytes == 0)) {
    *at_size_limit = true;  // the same server would flood again: not retried
    return SizeLimitError(t, code, url, config_);
  }
  curl_off_t connected_us = 0;  // 0: no connection was made
  curl_easy_getinfo(c, CURLINFO_CONNECT_TIME_T, &connected_us);
  if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
      (code == CURLE_OPERATION_TIMEDOUT && connected_us == 0)) {
    return Status::Unavailable("cannot reach the LLM endpoint " + url + ": " + why +
                               " (hint: is the server running? check the LLM endpoint URL)");
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return Status::Unavailable("the LLM endpoint " + url + " did not finish its reply (headers and body) within " +
                               Seconds(call_limited ? CallTimeoutSeconds(config_) : config_.read_timeout_s) +
                               " s (hint: raise the LLM request timeout)");
  }
  if (code != CURLE_OK) {
    return Status::Unavailable("the exchange with the LLM endpoint " + url + " failed: " + why +
                               " (hint: is the LLM endpoint an OpenAI-compatible server?)");
  }
  Raw raw;
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  raw.status = static_cast<int>(status);
  raw.body = std::move(t.body);
  if (on_sse_line != nullptr && raw.status == 200 && !t.line_buffer.empty()) {
    std::string_view line = t.line_buffer;
    if (line.back() == '\r') line.remove_suffix(1);
    (*on_sse_line)(line);
  }
  return raw;
}

Result<HttpChatClient::Raw> HttpChatClient::PostWithRetries(const std::string& body, const StreamCallback* on_sse_line,
                                                            int* calls, Deadline call_deadline) {
  double backoff = config_.initial_backoff_s;
  Status last;
  int attempts = 0;
  for (int attempt = 0; attempt <= std::max(0, config_.max_retries); ++attempt) {
    if (attempt > 0) {
      const auto wait = std::chrono::duration<double>(std::min(backoff, config_.max_backoff_s));
      if (Clock::now() + std::chrono::duration_cast<Clock::duration>(wait) >= call_deadline) break;
      std::this_thread::sleep_for(wait);
      backoff *= 2;
    }
    if (Clock::now() >= call_deadline) break;
    bool stopped = false;
    bool at_size_limit = false;
    bool delivered = false;
    StreamCallback wrapped;
    if (on_sse_line != nullptr) {
      wrapped = [&](std::string_view line) {
        delivered = true;
        return (*on_sse_line)(line);
      };
    }
    ++*calls;
    ++attempts;
    auto raw = PostOnce(body, on_sse_line != nullptr ? &wrapped : nullptr, &stopped, &at_size_limit, call_deadline);
    if (raw.ok()) {
      int status = raw->status;
      if (status >= 200 && status < 300) return raw;
      std::string msg = "the LLM endpoint " + Endpoint() + " answered HTTP " + std::to_string(status) + ": " +
                        ErrorMessageFromBody(raw->body);
      last = Status::Unavailable(msg);
      if (!Retryable(status)) return last;
    } else {
      last = raw.status();
      if (last.code() != StatusCode::kUnavailable || at_size_limit) return last;
    }
    if (delivered) return last;  // part of a stream was already handed out; do not repeat it
  }
  if (last.ok()) {
    return Status::Unavailable("the LLM endpoint " + Endpoint() + ": the total deadline of " +
                               Seconds(config_.total_timeout_s > 0 ? config_.total_timeout_s : config_.read_timeout_s) +
                               " s is spent (hint: raise the LLM request timeout)");
  }
  if (attempts > 1) {
    return Status::Unavailable(last.message() + " (after " + std::to_string(attempts) + " attempts)");
  }
  return last;
}

Result<ChatResponse> HttpChatClient::Complete(const ChatRequest& request) {
  if (request.messages.empty()) return Status::InvalidInput("a chat request needs at least one message");
  if (request.n < 1) return Status::InvalidInput("a chat request needs n >= 1");
  ChatResponse total;
  int calls = 0;
  ChatRequest r = request;
  const Deadline deadline = CallDeadline();
  while (static_cast<int>(total.choices.size()) < request.n) {
    int wanted = request.n - static_cast<int>(total.choices.size());
    r.n = wanted;
    if (calls > 0 && request.seed) r.seed = *request.seed + calls;  // same seed would repeat the sample
    int before = calls;
    auto raw = PostWithRetries(BuildRequestBody(r, false), nullptr, &calls, deadline);
    if (!raw.ok()) return raw.status();
    auto parsed = ParseResponseBody(raw->body);
    if (!parsed.ok()) return parsed.status();
    if (total.id.empty()) total.id = parsed->id;
    if (total.model.empty()) total.model = parsed->model;
    total.prompt_tokens += parsed->prompt_tokens;
    total.completion_tokens += parsed->completion_tokens;
    for (auto& c : parsed->choices) {
      if (static_cast<int>(total.choices.size()) >= request.n) break;
      c.index = static_cast<int>(total.choices.size());
      total.choices.push_back(std::move(c));
    }
    (void)before;
    if (!config_.emulate_n || calls >= request.n + config_.max_retries * request.n) break;
  }
  total.http_calls = calls;
  return total;
}

Result<ChatResponse> HttpChatClient::Stream(const ChatRequest& request, const StreamCallback& on_delta) {
  if (request.messages.empty()) return Status::InvalidInput("a chat request needs at least one message");
  if (request.n != 1) return Status::InvalidInput("a streamed chat request needs n = 1");
  ChatResponse out;
  ChatChoice choice;
  bool done = false;
  int events = 0;
  Status stream_error;
  StreamCallback on_line = [&](std::string_view line) {
    if (done) return true;
    if (line.rfind("data:", 0) != 0) return true;  // comments (":"), "event:", blank separators
    std::string payload(TrimAsciiSpace(line.substr(5)));
    ++events;
    if (payload == "[DONE]") {
      done = true;
      return true;
    }
    json j = json::parse(payload, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      stream_error =
          Status::Unavailable("the LLM endpoint sent a stream event that is not JSON: '" + Shorten(payload, 200) + "'");
      return false;
    }
    if (j.contains("error")) {
      stream_error =
          Status::Unavailable("the LLM endpoint reported an error in the stream: " + ErrorMessageFromBody(payload));
      return false;
    }
    if (out.id.empty() && j.contains("id") && j["id"].is_string()) out.id = j["id"].get<std::string>();
    if (out.model.empty() && j.contains("model") && j["model"].is_string()) out.model = j["model"].get<std::string>();
    if (j.contains("choices") && j["choices"].is_array()) {
      for (const json& c : j["choices"]) {
        if (!c.is_object()) continue;
        if (c.contains("delta") && c["delta"].is_object()) {
          const json& d = c["delta"];
          if (d.contains("content") && d["content"].is_string()) {
            std::string delta = d["content"].get<std::string>();
            if (!delta.empty()) {
              choice.content += delta;
              if (!on_delta(delta)) return false;
            }
          }
        }
        if (c.contains("finish_reason") && c["finish_reason"].is_string()) {
          choice.finish_reason = c["finish_reason"].get<std::string>();
        }
      }
    }
    return true;
  };
  int calls = 0;
  auto raw = PostWithRetries(BuildRequestBody(request, true), &on_line, &calls, CallDeadline());
  if (!stream_error.ok()) return stream_error;
  if (!raw.ok()) return raw.status();
  if (events == 0) {
    return Status::Unavailable("the LLM endpoint " + Endpoint() +
                               " answered without any 'data:' event (hint: does it support \"stream\": true?)");
  }
  out.choices.push_back(std::move(choice));
  out.http_calls = calls;
  return out;
}

}  // namespace georune::llm
