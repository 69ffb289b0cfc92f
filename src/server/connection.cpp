// One connection's loop and its Stream, with the request deadline (connection.h).
#include "server/connection.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

namespace georune::server {
namespace {

using Clock = std::chrono::steady_clock;

thread_local bool t_deadline_passed = false;

// Waits for `events` on `sock` at most `ms`; true when they (or an error or hang-up) came.
bool Wait(int sock, short events, int ms) {
  pollfd p{sock, events, 0};
  int n = 0;
  do {
    n = ::poll(&p, 1, std::max(0, ms));
  } while (n < 0 && errno == EINTR);
  return n > 0;
}

void Address(int sock, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  const int got = peer ? ::getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len)
                       : ::getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len);
  char host[NI_MAXHOST] = "", serv[NI_MAXSERV] = "";
  if (got != 0 || ::getnameinfo(reinterpret_cast<sockaddr*>(&addr), len, host, sizeof host, serv, sizeof serv,
                                NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return;
  }
  ip = host;
  port = std::atoi(serv);
}

class DeadlineStream : public httplib::Stream {
 public:
  DeadlineStream(int sock, time_t read_timeout_s, time_t write_timeout_s, int deadline_s)
      : sock_(sock),
        read_ms_(static_cast<int>(read_timeout_s * 1000)),
        write_ms_(static_cast<int>(write_timeout_s * 1000)),
        deadline_(std::chrono::seconds(deadline_s)) {}

  // Waits for the next request's first byte: at most `idle_s`, and no longer once `listening`
  // turns invalid (the server stops). False when none came.
  bool WaitForRequest(time_t idle_s, const std::atomic<socket_t>& listening) {
    if (begin_ < end_) return true;
    const auto until = Clock::now() + std::chrono::seconds(idle_s);
    while (listening != INVALID_SOCKET) {
      const int left = MsUntil(until);
      if (Wait(sock_, POLLIN, std::min(left, 100))) return true;
      if (left <= 100) return false;
    }
    return false;
  }
  // Starts a request: receiving it must end by now + deadline.
  void BeginRequest() {
    sending_ = false;
    cut_ = false;
    t_deadline_passed = false;
    until_ = Clock::now() + deadline_;
  }
  bool cut() const { return cut_; }

  bool is_readable() const override { return begin_ < end_ || Wait(sock_, POLLIN, Budget(read_ms_)); }
  bool is_writable() const override { return Wait(sock_, POLLOUT, Budget(write_ms_)); }

  ssize_t read(char* ptr, size_t size) override {
    if (begin_ == end_) {
      const ssize_t n = Receive();
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<size_t>(n);
    }
    const size_t n = std::min(size, end_ - begin_);
    std::memcpy(ptr, buffer_ + begin_, n);
    begin_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!sending_) {  // the reply starts: it must be sent by now + deadline
      sending_ = true;
      until_ = Clock::now() + deadline_;
    }
    while (true) {
      const ssize_t n = ::send(sock_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      if (!Wait(sock_, POLLOUT, Budget(write_ms_))) return Cut();
    }
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override { Address(sock_, true, ip, port); }
  void get_local_ip_and_port(std::string& ip, int& port) const override { Address(sock_, false, ip, port); }
  socket_t socket() const override { return sock_; }

 private:
  static int MsUntil(Clock::time_point t) {
    return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(t - Clock::now()).count());
  }
  // Milliseconds one wait may take: the per-call timeout, capped by the deadline.
  int Budget(int per_call_ms) const { return std::min(per_call_ms, std::max(0, MsUntil(until_))); }

  ssize_t Cut() {
    if (MsUntil(until_) <= 0) {
      cut_ = true;
      if (!sending_) t_deadline_passed = true;
    }
    return -1;
  }

  ssize_t Receive() {
    while (true) {
      const ssize_t n = ::recv(sock_, buffer_, sizeof buffer_, MSG_DONTWAIT);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      if (!Wait(sock_, POLLIN, Budget(read_ms_))) return Cut();
    }
  }

  int sock_;
  int read_ms_, write_ms_;
  Clock::duration deadline_;
  Clock::time_point until_ = Clock::now();
  bool sending_ = false, cut_ = false;
  char buffer_[4096];
  size_t begin_ = 0, end_ = 0;
};

}  // namespace

bool RequestDeadlinePassed() { return t_deadline_passed; }

bool DeadlineHttpServer::process_and_close_socket(socket_t sock) {
  bool ret = false;
  {
    DeadlineStream stream(sock, read_timeout_sec_, write_timeout_sec_, deadline_s_);
    for (size_t left = keep_alive_max_count_; left > 0 && svr_sock_ != INVALID_SOCKET; --left) {
      if (!stream.WaitForRequest(keep_alive_timeout_sec_, svr_sock_)) break;
      stream.BeginRequest();
      bool closed = false;
      ret = process_request(stream, /*close_connection=*/left == 1, closed, nullptr);
      if (!ret || closed || stream.cut()) break;
    }
  }
  ::shutdown(sock, SHUT_RDWR);
  ::close(sock);
  return ret;
}

}  // namespace georune::server
