// Bounded network I/O: servers that send headers slowly, bodies slowly, or flood headers or
// bodies are cut off within the deadline (+1 s) and without holding more than the reply limit.
// The servers are raw TCP sockets (an HTTP library would not misbehave on request).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "georune/llm/chat_client.h"
#include "test_support.h"

namespace georune::llm {
namespace {

using Clock = std::chrono::steady_clock;
using test_support::ProcStatusKb;
using test_support::StartPeakMeasurement;

// Accepts connections on 127.0.0.1 and runs `behave(fd)` for each after reading the request
// head; stops when destroyed.
class RawServer {
 public:
  explicit RawServer(std::function<void(int fd, const std::atomic<bool>& stop)> behave) : behave_(std::move(behave)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 8);
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        int fd = ::accept(listen_fd_, nullptr, nullptr);
        if (fd < 0 || stop_) {
          if (fd >= 0) ::close(fd);
          return;
        }
        ++connections_;
        // A send blocked on a client that stopped reading gives up after 1 s (and the test ends).
        timeval tv{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        ReadRequest(fd);
        behave_(fd, stop_);
        ::close(fd);
      }
    });
  }
  ~RawServer() {
    stop_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    ::close(listen_fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The connections accepted so far: one per attempt of the client.
  int connections() const { return connections_; }

  // Sends all of `s`; false when the client went away.
  static bool Send(int fd, std::string_view s) {
    while (!s.empty()) {
      ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      s.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

 private:
  static void ReadRequest(int fd) {
    std::string req;
    char buf[4096];
    size_t body = std::string::npos;
    while (true) {
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return;
      req.append(buf, static_cast<size_t>(n));
      size_t head = req.find("\r\n\r\n");
      if (head == std::string::npos) continue;
      if (body == std::string::npos) {
        size_t cl = req.find("Content-Length: ");
        body = cl == std::string::npos ? 0 : std::stoul(req.substr(cl + 16));
      }
      if (req.size() >= head + 4 + body) return;
    }
  }

  std::function<void(int, const std::atomic<bool>&)> behave_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;
};

struct Outcome {
  Status status;
  double seconds = 0;
  long rss_growth_kb = 0;
};

// One Complete() against the server with `timeout` seconds, retries on.
Outcome Ask(const RawServer& server, double timeout, ClientConfig c = {}) {
  c.base_url = server.url();
  c.connect_timeout_s = 2;
  c.read_timeout_s = timeout;
  c.max_retries = 2;
  c.initial_backoff_s = 0.05;
  auto client = HttpChatClient::Create(c);
  EXPECT_TRUE(client.ok());
  ChatRequest r;
  r.messages = {Message::User("hello")};
  r.n = 3;  // a server that answers slowly must not be asked three times the deadline
  const long rss = StartPeakMeasurement();
  const auto start = Clock::now();
  auto reply = (*client)->Complete(r);
  Outcome o;
  o.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  o.rss_growth_kb = ProcStatusKb("VmHWM") - rss;
  o.status = reply.ok() ? Status::Ok() : reply.status();
  std::printf("[ measured ] %s: %.2f s, peak RSS +%ld kB, %d attempts: %s\n",
              ::testing::UnitTest::GetInstance()->current_test_info()->name(), o.seconds, o.rss_growth_kb,
              server.connections(), o.status.message().c_str());
  return o;
}

void Sleep(double s, const std::atomic<bool>& stop) {
  const auto until = Clock::now() + std::chrono::duration<double>(s);
  while (!stop && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

constexpr long kMiB = 1024;  // in kB

// The messages of a reply cut at a size limit (after "the LLM endpoint URL").
constexpr const char* kPath = "/v1/chat/completions";
constexpr const char* kBodyLimit =
    " sent a reply over the size limit of 8 MiB (8388608 bytes) for a reply; it was cut off there; the request was "
    "not retried";
constexpr const char* kBodyHint =
    " (hint: a chat answer is far smaller; is the address that of an OpenAI-compatible chat server, and does its model "
    "end its answers?)";

TEST(MisbehavingServer, SlowHeadersAreCutOffAtTheDeadline) {
  RawServer server([](int fd, const std::atomic<bool>& stop) {
    RawServer::Send(fd, "HTTP/1.1 200 OK\r\n");
    // 100 KB of well-formed header lines ("X:aaa…"), one byte every 10 ms: each read returns
    // well within any read timeout, and no line is malformed, so only the deadline can end it.
    static constexpr char kLine[] = "X:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n";
    for (int i = 0; i < 100000 && !stop; ++i) {
      if (!RawServer::Send(fd, std::string(1, kLine[i % 40]))) return;
      Sleep(0.01, stop);
    }
  });
  Outcome o = Ask(server, 1.5);
  EXPECT_EQ(o.status.code(), StatusCode::kUnavailable) << o.status.message();
  EXPECT_LT(o.seconds, 1.5 + 1.0);
  EXPECT_NE(o.status.message().find("within"), std::string::npos) << o.status.message();
}

TEST(MisbehavingServer, SlowBodyIsCutOffAtTheDeadline) {
  RawServer server([](int fd, const std::atomic<bool>& stop) {
    RawServer::Send(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
    while (!stop && RawServer::Send(fd, " ")) Sleep(0.02, stop);
  });
  Outcome o = Ask(server, 1.0);
  EXPECT_EQ(o.status.code(), StatusCode::kUnavailable);
  EXPECT_LT(o.seconds, 1.0 + 1.0);
}

TEST(MisbehavingServer, BodyFloodIsCutOffAtTheSizeLimit) {
  RawServer server([](int fd, const std::atomic<bool>& stop) {
    RawServer::Send(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = "100000\r\n" + std::string(0x100000, 'x') + "\r\n";
    while (!stop && RawServer::Send(fd, chunk)) {
    }
  });
  Outcome o = Ask(server, 20);
  EXPECT_EQ(o.status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(o.status.message(), "the LLM endpoint " + server.url() + kPath + kBodyLimit + kBodyHint);
  EXPECT_EQ(server.connections(), 1);  // a permanent failure: a retry would flood again
  EXPECT_LT(o.rss_growth_kb, 64 * kMiB);
  EXPECT_LT(o.seconds, 21.0);
}

TEST(MisbehavingServer, DeclaredHugeBodyIsCutOffAtTheSizeLimit) {
  RawServer server([](int fd, const std::atomic<bool>& stop) {
    RawServer::Send(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4000000000\r\n\r\n");
    const std::string block(1 << 20, 'x');
    while (!stop && RawServer::Send(fd, block)) {
    }
  });
  ClientConfig c;
  c.max_reply_bytes = 1 << 20;
  Outcome o = Ask(server, 20, c);
  EXPECT_EQ(o.status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(o.status.message(), "the LLM endpoint " + server.url() + kPath +
                                    " announced a reply of 4000000000 bytes (its Content-Length), over the size limit "
                                    "of 1 MiB (1048576 bytes) for a reply; it was refused before being read; the "
                                    "request was not retried" +
                                    kBodyHint);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_LT(o.rss_growth_kb, 64 * kMiB);
}

TEST(MisbehavingServer, HeaderFloodIsCutOffWithinTheDeadlineAndMemoryLimit) {
  RawServer server([](int fd, const std::atomic<bool>& stop) {
    RawServer::Send(fd, "HTTP/1.1 200 OK\r\n");
    const std::string lines = [] {
      std::string s;
      for (int i = 0; i < 1000; ++i) s += "X-Flood: " + std::string(60, 'a') + "\r\n";
      return s;
    }();
    while (!stop && RawServer::Send(fd, lines)) {
    }
  });
  Outcome o = Ask(server, 2.0);
  EXPECT_EQ(o.status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(o.status.message(), "the LLM endpoint " + server.url() + kPath +
                                    " sent reply headers over the size limit of 256 KiB (262144 bytes) for a reply's "
                                    "headers; they were cut off there; the request was not retried (hint: a chat "
                                    "server's reply headers take a few hundred bytes; is the address that of an "
                                    "OpenAI-compatible chat server?)");
  EXPECT_EQ(server.connections(), 1);
  EXPECT_LT(o.seconds, 2.0 + 1.0);
  EXPECT_LT(o.rss_growth_kb, 64 * kMiB) << "kB";
}

TEST(MisbehavingServer, EndlessHeaderLineIsCutOffWithinTheDeadlineAndMemoryLimit) {
  // One header line that never ends: no line for the header callback to count, so the
  // transport's own line limit must hold.
  RawServer server([](int fd, const std::atomic<bool>& stop) {
    RawServer::Send(fd, "HTTP/1.1 200 OK\r\nX-Flood: ");
    const std::string block(1 << 16, 'a');
    while (!stop && RawServer::Send(fd, block)) {
    }
  });
  Outcome o = Ask(server, 2.0);
  EXPECT_EQ(o.status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(o.status.message(), "the LLM endpoint " + server.url() + kPath +
                                    " sent a reply header line over the size limit of 100 KiB (102400 bytes) for one "
                                    "header line; it was cut off there; the request was not retried (hint: a chat "
                                    "server's reply headers take a few hundred bytes; is the address that of an "
                                    "OpenAI-compatible chat server?)");
  EXPECT_EQ(server.connections(), 1);
  EXPECT_LT(o.seconds, 2.0 + 1.0);
  EXPECT_LT(o.rss_growth_kb, 64 * kMiB) << "kB";
}

TEST(MisbehavingServer, SlowHeaderFloodIsCutOffAtTheDeadline) {
  // Header lines well under the cap, sent just fast enough that each read succeeds.
  RawServer server([](int fd, const std::atomic<bool>& stop) {
    RawServer::Send(fd, "HTTP/1.1 200 OK\r\n");
    while (!stop && RawServer::Send(fd, "X-Slow: a\r\n")) Sleep(0.05, stop);
  });
  Outcome o = Ask(server, 1.0);
  EXPECT_EQ(o.status.code(), StatusCode::kUnavailable);
  EXPECT_NE(o.status.message().find("within 1 s"), std::string::npos) << o.status.message();
  EXPECT_LT(o.seconds, 1.0 + 1.0);
}

TEST(MisbehavingServer, StreamFloodIsCutOffAtTheSizeLimit) {
  RawServer server([](int fd, const std::atomic<bool>& stop) {
    RawServer::Send(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n");
    // Endless comment lines: nothing to deliver, everything to hold.
    const std::string block = ": " + std::string(1 << 16, 'x') + "\n";
    while (!stop && RawServer::Send(fd, block)) {
    }
  });
  ClientConfig c;
  c.base_url = server.url();
  c.read_timeout_s = 20;
  c.max_retries = 2;
  c.initial_backoff_s = 0.05;
  auto client = HttpChatClient::Create(c);
  ASSERT_TRUE(client.ok());
  ChatRequest r;
  r.messages = {Message::User("hello")};
  const long rss = StartPeakMeasurement();
  const auto start = Clock::now();
  auto reply = (*client)->Stream(r, [](std::string_view) { return true; });
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ASSERT_FALSE(reply.ok());
  EXPECT_EQ(reply.status().message(), "the LLM endpoint " + server.url() + kPath + kBodyLimit + kBodyHint);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_LT(ProcStatusKb("VmHWM") - rss, 64 * kMiB);
  EXPECT_LT(seconds, 20.0);
}

TEST(MisbehavingServer, TheTotalDeadlineCoversRetriesAndEmulatedSamples) {
  // Every attempt fails fast with 503 after 0.3 s: without a total deadline, n = 3 samples x
  // 3 attempts would take ~3 s and more with backoff.
  RawServer server([](int fd, const std::atomic<bool>& stop) {
    Sleep(0.3, stop);
    RawServer::Send(fd, "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");
  });
  ClientConfig c;
  c.total_timeout_s = 0.8;
  Outcome o = Ask(server, 5, c);
  EXPECT_EQ(o.status.code(), StatusCode::kUnavailable);
  EXPECT_LT(o.seconds, 0.8 + 1.0);
}

}  // namespace
}  // namespace georune::llm
