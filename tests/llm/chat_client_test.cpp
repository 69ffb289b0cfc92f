#include "georune/llm/chat_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "llm/local_server.h"

namespace georune::llm {
namespace {

using georune::testing::LocalChatServer;
using json = nlohmann::json;

ClientConfig FastConfig(const std::string& url) {
  ClientConfig c;
  c.base_url = url;
  c.connect_timeout_s = 2;
  c.read_timeout_s = 5;
  c.max_retries = 2;
  c.initial_backoff_s = 0.01;
  c.max_backoff_s = 0.05;
  c.api_key = "sk-test";
  return c;
}

std::unique_ptr<HttpChatClient> MakeClient(const ClientConfig& c) {
  auto r = HttpChatClient::Create(c);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return std::move(r).value();
}

ChatRequest SimpleRequest() {
  ChatRequest r;
  r.model = "qwen2.5-7b-instruct";
  r.messages = {Message::System("You translate."), Message::User("a plane")};
  return r;
}

TEST(ChatClient, CompleteSendsOpenAiBodyAndParsesReply) {
  LocalChatServer server([](const httplib::Request&, httplib::Response& res, int) {
    res.set_content(LocalChatServer::CompletionBody({"{\"formula\": \"plane(a)\"}"}), "application/json");
  });
  auto client = MakeClient(FastConfig(server.url()));
  ChatRequest req = SimpleRequest();
  req.temperature = 0.7;
  req.max_tokens = 64;
  req.seed = 42;
  auto r = client->Complete(req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->choices.size(), 1u);
  EXPECT_EQ(r->choices[0].content, "{\"formula\": \"plane(a)\"}");
  EXPECT_EQ(r->choices[0].finish_reason, "stop");
  EXPECT_EQ(r->model, "test-model");
  EXPECT_EQ(r->prompt_tokens, 9);
  EXPECT_EQ(r->http_calls, 1);
  ASSERT_EQ(server.calls(), 1);
  EXPECT_EQ(server.path(0), "/v1/chat/completions");
  EXPECT_EQ(server.auth(0), "Bearer sk-test");
  json body = json::parse(server.body(0));
  EXPECT_EQ(body["model"], "qwen2.5-7b-instruct");
  EXPECT_EQ(body["messages"][0]["role"], "system");
  EXPECT_EQ(body["messages"][1]["content"], "a plane");
  EXPECT_DOUBLE_EQ(body["temperature"].get<double>(), 0.7);
  EXPECT_EQ(body["max_tokens"], 64);
  EXPECT_EQ(body["seed"], 42);
  EXPECT_FALSE(body.contains("n"));
  EXPECT_FALSE(body.contains("stream"));
}

TEST(ChatClient, BaseUrlWithOrWithoutV1) {
  LocalChatServer server([](const httplib::Request&, httplib::Response& res, int) {
    res.set_content(LocalChatServer::CompletionBody({"ok"}), "application/json");
  });
  for (std::string suffix : {"", "/", "/v1", "/v1/", "/v1/chat/completions"}) {
    auto client = MakeClient(FastConfig(server.url() + suffix));
    EXPECT_EQ(client->Endpoint(), server.url() + "/v1/chat/completions") << suffix;
    auto r = client->Complete(SimpleRequest());
    EXPECT_TRUE(r.ok()) << suffix << ": " << r.status().message();
  }
  auto prefixed = MakeClient(FastConfig(server.url() + "/api/v1"));
  EXPECT_TRUE(prefixed->Complete(SimpleRequest()).ok());
  EXPECT_EQ(server.path(server.calls() - 1), "/api/v1/chat/completions");
}

TEST(ChatClient, RejectsBadUrls) {
  EXPECT_EQ(HttpChatClient::Create(FastConfig("127.0.0.1:8080")).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(HttpChatClient::Create(FastConfig("ftp://host")).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(HttpChatClient::Create(FastConfig("http://")).status().code(), StatusCode::kInvalidInput);
  EXPECT_TRUE(HttpChatClient::Create(FastConfig("https://api.example.com/v1")).ok());
}

TEST(ChatClient, ImagePartsAreSentAsImageUrl) {
  LocalChatServer server([](const httplib::Request&, httplib::Response& res, int) {
    res.set_content(LocalChatServer::CompletionBody({"a harbour"}), "application/json");
  });
  auto dir = std::filesystem::temp_directory_path() / ("georune_llm_img_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "x.png").string();
  {
    std::ofstream f(path, std::ios::binary);
    f << std::string("\x89PNG\r\n", 6);
  }
  auto url = ImageDataUrl(path);
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_EQ(*url, "data:image/png;base64,iVBORw0K");
  ChatRequest req = SimpleRequest();
  req.messages = {Message::UserWithImages("describe", {*url})};
  auto client = MakeClient(FastConfig(server.url()));
  ASSERT_TRUE(client->Complete(req).ok());
  json body = json::parse(server.body(0));
  const json& content = body["messages"][0]["content"];
  ASSERT_TRUE(content.is_array());
  EXPECT_EQ(content[0]["type"], "text");
  EXPECT_EQ(content[0]["text"], "describe");
  EXPECT_EQ(content[1]["type"], "image_url");
  EXPECT_EQ(content[1]["image_url"]["url"], *url);
  std::filesystem::remove_all(dir);
  EXPECT_EQ(ImageDataUrl((dir / "missing.png").string()).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ImageDataUrl("notes.txt").status().code(), StatusCode::kInvalidInput);
}

TEST(ChatClient, Base64KnownVectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(ChatClient, StructuredOutputDialects) {
  ChatRequest req = SimpleRequest();
  req.structured = StructuredOutput::kJsonSchema;
  req.schema_name = "formula";
  req.json_schema = R"({"type":"object","properties":{"formula":{"type":"string"}},"required":["formula"]})";
  json a = json::parse(BuildRequestBody(req, false));
  EXPECT_EQ(a["response_format"]["type"], "json_schema");
  EXPECT_EQ(a["response_format"]["json_schema"]["name"], "formula");
  EXPECT_EQ(a["response_format"]["json_schema"]["schema"]["required"][0], "formula");
  EXPECT_FALSE(a.contains("grammar"));
  req.structured = StructuredOutput::kGrammar;
  req.grammar = "root ::= \"plane(a)\"";
  json b = json::parse(BuildRequestBody(req, true));
  EXPECT_EQ(b["grammar"], "root ::= \"plane(a)\"");
  EXPECT_FALSE(b.contains("response_format"));
  EXPECT_EQ(b["stream"], true);
  EXPECT_EQ(ParseStructuredOutput("grammar"), StructuredOutput::kGrammar);
  EXPECT_EQ(ParseStructuredOutput("json_schema"), StructuredOutput::kJsonSchema);
  EXPECT_EQ(ParseStructuredOutput("none"), StructuredOutput::kNone);
  EXPECT_FALSE(ParseStructuredOutput("xml").has_value());
}

TEST(ChatClient, ServerHonouringNReturnsAllChoicesInOneCall) {
  LocalChatServer server([](const httplib::Request& req, httplib::Response& res, int) {
    json body = json::parse(req.body);
    int n = body.value("n", 1);
    std::vector<std::string> c;
    for (int i = 0; i < n; ++i) c.push_back("answer " + std::to_string(i));
    res.set_content(LocalChatServer::CompletionBody(c), "application/json");
  });
  auto client = MakeClient(FastConfig(server.url()));
  ChatRequest req = SimpleRequest();
  req.n = 4;
  auto r = client->Complete(req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->choices.size(), 4u);
  EXPECT_EQ(server.calls(), 1);
  EXPECT_EQ(json::parse(server.body(0))["n"], 4);
}

TEST(ChatClient, ServerIgnoringNIsCalledAgain) {
  // llama.cpp's server ignores n and returns one choice.
  LocalChatServer server([](const httplib::Request& req, httplib::Response& res, int call) {
    res.set_content(LocalChatServer::CompletionBody({"sample " + std::to_string(call)}), "application/json");
  });
  auto client = MakeClient(FastConfig(server.url()));
  ChatRequest req = SimpleRequest();
  req.n = 3;
  req.seed = 7;
  auto r = client->Complete(req);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->choices.size(), 3u);
  EXPECT_EQ(r->choices[2].content, "sample 3");
  EXPECT_EQ(r->choices[2].index, 2);
  EXPECT_EQ(r->http_calls, 3);
  EXPECT_EQ(server.calls(), 3);
  EXPECT_NE(json::parse(server.body(0))["seed"], json::parse(server.body(1))["seed"]);

  ClientConfig no_emulation = FastConfig(server.url());
  no_emulation.emulate_n = false;
  auto r2 = MakeClient(no_emulation)->Complete(req);
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->choices.size(), 1u);
}

TEST(ChatClient, RetriesAfterServerErrorThenSucceeds) {
  LocalChatServer server([](const httplib::Request&, httplib::Response& res, int call) {
    if (call == 1) {
      res.status = 500;
      res.set_content(R"({"error":{"code":500,"message":"model is loading","type":"server_error"}})",
                      "application/json");
      return;
    }
    if (call == 2) {
      res.status = 429;
      res.set_content(R"({"error":{"message":"Rate limit reached","type":"requests"}})", "application/json");
      return;
    }
    res.set_content(LocalChatServer::CompletionBody({"plane(a)"}), "application/json");
  });
  auto client = MakeClient(FastConfig(server.url()));
  auto r = client->Complete(SimpleRequest());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->choices[0].content, "plane(a)");
  EXPECT_EQ(r->http_calls, 3);
  EXPECT_EQ(server.calls(), 3);
}

TEST(ChatClient, GivesUpAfterRetriesWithServerMessage) {
  LocalChatServer server([](const httplib::Request&, httplib::Response& res, int) {
    res.status = 503;
    res.set_content(R"({"error":{"code":503,"message":"Loading model","type":"unavailable_error"}})",
                    "application/json");
  });
  auto client = MakeClient(FastConfig(server.url()));
  auto r = client->Complete(SimpleRequest());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("HTTP 503"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("Loading model"), std::string::npos);
  EXPECT_NE(r.status().message().find("3 attempts"), std::string::npos);
  EXPECT_EQ(server.calls(), 3);
}

TEST(ChatClient, ClientErrorIsNotRetriedAndShowsMessage) {
  LocalChatServer server([](const httplib::Request&, httplib::Response& res, int) {
    res.status = 400;
    res.set_content(
        R"({"error":{"message":"Invalid value for 'temperature': must be <= 2.","type":"invalid_request_error","param":"temperature","code":null}})",
        "application/json");
  });
  auto client = MakeClient(FastConfig(server.url()));
  auto r = client->Complete(SimpleRequest());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("HTTP 400"), std::string::npos);
  EXPECT_NE(r.status().message().find("Invalid value for 'temperature'"), std::string::npos) << r.status().message();
  EXPECT_EQ(server.calls(), 1);
}

TEST(ChatClient, PlainTextErrorBodyIsShown) {
  LocalChatServer server([](const httplib::Request&, httplib::Response& res, int) {
    res.status = 404;
    res.set_content("404 page not found", "text/plain");
  });
  auto r = MakeClient(FastConfig(server.url()))->Complete(SimpleRequest());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("404 page not found"), std::string::npos) << r.status().message();
}

TEST(ChatClient, MalformedBodyIsAnError) {
  LocalChatServer server([](const httplib::Request&, httplib::Response& res, int) {
    res.set_content("{\"choices\": [ {\"message\": ", "application/json");
  });
  auto r = MakeClient(FastConfig(server.url()))->Complete(SimpleRequest());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("not JSON"), std::string::npos) << r.status().message();
}

TEST(ChatClient, MissingChoicesIsAnError) {
  LocalChatServer server([](const httplib::Request&, httplib::Response& res, int) {
    res.set_content(R"({"id":"x","object":"chat.completion","model":"m"})", "application/json");
  });
  auto r = MakeClient(FastConfig(server.url()))->Complete(SimpleRequest());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("no 'choices'"), std::string::npos) << r.status().message();
  EXPECT_EQ(ParseResponseBody(R"({"choices":[]})").status().code(), StatusCode::kUnavailable);
  auto null_content = ParseResponseBody(R"({"choices":[{"index":0,"message":{"role":"assistant","content":null}}]})");
  ASSERT_TRUE(null_content.ok());
  EXPECT_EQ(null_content->choices[0].content, "");
}

TEST(ChatClient, StallingServerTimesOut) {
  LocalChatServer server([&server](const httplib::Request&, httplib::Response& res, int) {
    // Sleeps far past the client's timeout (released early when the test tears down).
    server.Stall(3);
    res.set_content(LocalChatServer::CompletionBody({"late"}), "application/json");
  });
  ClientConfig c = FastConfig(server.url());
  c.read_timeout_s = 0.5;
  c.max_retries = 0;
  auto start = std::chrono::steady_clock::now();
  auto r = MakeClient(c)->Complete(SimpleRequest());
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_LT(took, 2.0) << r.status().message();
}

TEST(ChatClient, TricklingStreamIsCutAtTheDeadline) {
  LocalChatServer server([&server](const httplib::Request&, httplib::Response& res, int) {
    res.set_chunked_content_provider("text/event-stream", [&server](size_t, httplib::DataSink& sink) {
      for (int i = 0; i < 40; ++i) {
        std::string ev = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}\n\n";
        if (!sink.write(ev.data(), ev.size())) return false;
        server.Stall(0.1);
      }
      sink.done();
      return true;
    });
  });
  ClientConfig c = FastConfig(server.url());
  c.read_timeout_s = 0.6;
  c.max_retries = 0;
  auto start = std::chrono::steady_clock::now();
  auto r = MakeClient(c)->Stream(SimpleRequest(), [](std::string_view) { return true; });
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("did not finish"), std::string::npos) << r.status().message();
  EXPECT_LT(took, 2.0);
}

TEST(ChatClient, ConnectionRefusedIsUnavailable) {
  int port;
  {
    LocalChatServer server([](const httplib::Request&, httplib::Response&, int) {});
    port = server.port();
  }
  ClientConfig c = FastConfig("http://127.0.0.1:" + std::to_string(port));
  c.max_retries = 1;
  auto start = std::chrono::steady_clock::now();
  auto r = MakeClient(c)->Complete(SimpleRequest());
  double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(r.status().message().find("cannot reach"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("2 attempts"), std::string::npos) << r.status().message();
  EXPECT_LT(took, 3.0);
}

std::string SseEvent(const std::string& delta, const char* finish = nullptr) {
  json j = {{"id", "chatcmpl-1"}, {"object", "chat.completion.chunk"}, {"created", 1718000000}, {"model", "m"}};
  json choice = {{"index", 0}, {"delta", json::object()}, {"finish_reason", nullptr}};
  if (!delta.empty()) choice["delta"]["content"] = delta;
  if (finish != nullptr) choice["finish_reason"] = finish;
  j["choices"] = json::array({choice});
  return "data: " + j.dump() + "\n\n";
}

TEST(ChatClient, StreamsDeltasInOrder) {
  LocalChatServer server([](const httplib::Request&, httplib::Response& res, int) {
    res.set_chunked_content_provider("text/event-stream", [](size_t, httplib::DataSink& sink) {
      std::string events = ": keep-alive\n\n" + SseEvent("The ") + SseEvent("harbour ");
      std::string tail = SseEvent("is busy.") + SseEvent("", "stop") + "data: [DONE]\n\n";
      sink.write(events.data(), events.size());
      // split an event across two writes
      sink.write(tail.data(), 10);
      sink.write(tail.data() + 10, tail.size() - 10);
      sink.done();
      return true;
    });
  });
  std::vector<std::string> deltas;
  auto r = MakeClient(FastConfig(server.url()))->Stream(SimpleRequest(), [&](std::string_view d) {
    deltas.emplace_back(d);
    return true;
  });
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(deltas, (std::vector<std::string>{"The ", "harbour ", "is busy."}));
  EXPECT_EQ(r->choices[0].content, "The harbour is busy.");
  EXPECT_EQ(r->choices[0].finish_reason, "stop");
  EXPECT_EQ(json::parse(server.body(0))["stream"], true);
}

TEST(ChatClient, StreamCanBeStoppedByTheCallback) {
  LocalChatServer server([](const httplib::Request&, httplib::Response& res, int) {
    res.set_chunked_content_provider("text/event-stream", [](size_t, httplib::DataSink& sink) {
      std::string events = SseEvent("one ") + SseEvent("two ") + SseEvent("three") + "data: [DONE]\n\n";
      sink.write(events.data(), events.size());
      sink.done();
      return true;
    });
  });
  int seen = 0;
  auto r = MakeClient(FastConfig(server.url()))->Stream(SimpleRequest(), [&](std::string_view) { return ++seen < 2; });
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(seen, 2);
  EXPECT_EQ(r->choices[0].content, "one two ");
}

TEST(ChatClient, StreamErrorsAreReported) {
  LocalChatServer server([](const httplib::Request&, httplib::Response& res, int call) {
    if (call == 1) {
      res.status = 400;
      res.set_content(R"({"error":{"message":"the request exceeds the available context size"}})", "application/json");
      return;
    }
    res.set_chunked_content_provider("text/event-stream", [](size_t, httplib::DataSink& sink) {
      std::string events = SseEvent("ok") + "data: {not json\n\n";
      sink.write(events.data(), events.size());
      sink.done();
      return true;
    });
  });
  auto client = MakeClient(FastConfig(server.url()));
  auto a = client->Stream(SimpleRequest(), [](std::string_view) { return true; });
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find("context size"), std::string::npos) << a.status().message();
  auto b = client->Stream(SimpleRequest(), [](std::string_view) { return true; });
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("not JSON"), std::string::npos) << b.status().message();
}

TEST(ChatClient, ApiKeyFromEnvironment) {
  ::setenv("OPENAI_API_KEY", "sk-openai", 1);
  ::unsetenv("GEORUNE_LLM_API_KEY");
  EXPECT_EQ(ApiKeyFromEnvironment(), "sk-openai");
  ::setenv("GEORUNE_LLM_API_KEY", "sk-georune", 1);
  EXPECT_EQ(ApiKeyFromEnvironment(), "sk-georune");
  LocalChatServer server([](const httplib::Request&, httplib::Response& res, int) {
    res.set_content(LocalChatServer::CompletionBody({"ok"}), "application/json");
  });
  ClientConfig c = FastConfig(server.url());
  c.api_key.clear();
  ASSERT_TRUE(MakeClient(c)->Complete(SimpleRequest()).ok());
  EXPECT_EQ(server.auth(0), "Bearer sk-georune");
  ::unsetenv("GEORUNE_LLM_API_KEY");
  ::unsetenv("OPENAI_API_KEY");
  EXPECT_EQ(ApiKeyFromEnvironment(), "");
  ASSERT_TRUE(MakeClient(c)->Complete(SimpleRequest()).ok());
  EXPECT_EQ(server.auth(1), "");
}

TEST(ChatClient, ErrorMessageShapes) {
  EXPECT_EQ(ErrorMessageFromBody(R"({"error":{"message":"bad"}})"), "bad");
  EXPECT_EQ(ErrorMessageFromBody(R"({"error":"model not found"})"), "model not found");
  EXPECT_EQ(ErrorMessageFromBody(R"({"detail":"Not Found"})"), "Not Found");
  EXPECT_EQ(ErrorMessageFromBody(""), "(empty body)");
}

TEST(ChatClient, RefusesBadRequests) {
  auto client = MakeClient(FastConfig("http://127.0.0.1:9"));
  ChatRequest empty;
  EXPECT_EQ(client->Complete(empty).status().code(), StatusCode::kInvalidInput);
  ChatRequest zero = SimpleRequest();
  zero.n = 0;
  EXPECT_EQ(client->Complete(zero).status().code(), StatusCode::kInvalidInput);
  ChatRequest many = SimpleRequest();
  many.n = 2;
  EXPECT_EQ(client->Stream(many, [](std::string_view) { return true; }).status().code(), StatusCode::kInvalidInput);
}

}  // namespace
}  // namespace georune::llm
