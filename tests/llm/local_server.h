// A protocol-faithful OpenAI-compatible chat server on 127.0.0.1 (ephemeral port), run in a
// thread of the test process. Each test installs the handler it needs; the server records
// every request body it received. For tests only.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace georune::testing {

class LocalChatServer {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&, int call)>;

  explicit LocalChatServer(Handler handler) : handler_(std::move(handler)) {
    auto serve = [this](const httplib::Request& req, httplib::Response& res) {
      int call;
      {
        std::lock_guard<std::mutex> lock(mu_);
        bodies_.push_back(req.body);
        paths_.push_back(req.path);
        auth_.push_back(req.get_header_value("Authorization"));
        call = static_cast<int>(bodies_.size());
      }
      handler_(req, res, call);
    };
    server_.Post("/v1/chat/completions", serve);
    server_.Post("/api/v1/chat/completions", serve);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LocalChatServer() {
    stopping_ = true;
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(bodies_.size());
  }
  std::string body(int i) const {
    std::lock_guard<std::mutex> lock(mu_);
    return bodies_.at(i);
  }
  std::string path(int i) const {
    std::lock_guard<std::mutex> lock(mu_);
    return paths_.at(i);
  }
  std::string auth(int i) const {
    std::lock_guard<std::mutex> lock(mu_);
    return auth_.at(i);
  }
  // Sleeps up to `seconds`, returning early when the server is being torn down.
  void Stall(double seconds) const {
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (!stopping_ && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  // A reply body the way OpenAI and llama.cpp send it, with one choice per content.
  static std::string CompletionBody(const std::vector<std::string>& contents, const std::string& model = "test-model") {
    nlohmann::json j = {{"id", "chatcmpl-abc123"},
                        {"object", "chat.completion"},
                        {"created", 1718000000},
                        {"model", model},
                        {"system_fingerprint", "fp_44709d6fcb"}};
    j["choices"] = nlohmann::json::array();
    int i = 0;
    for (const auto& c : contents) {
      j["choices"].push_back({{"index", i++},
                              {"message", {{"role", "assistant"}, {"content", c}}},
                              {"logprobs", nullptr},
                              {"finish_reason", "stop"}});
    }
    j["usage"] = {{"prompt_tokens", 9}, {"completion_tokens", 12}, {"total_tokens", 21}};
    return j.dump();
  }

 private:
  Handler handler_;
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::vector<std::string> bodies_, paths_, auth_;
};

}  // namespace georune::testing
