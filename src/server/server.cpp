// Server: cpp-httplib configured with every limit explicit, the API key checked before routing,
// JSON bodies on every error, the page and Leaflet served as files.
#include "georune/server/server.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <atomic>
#include <filesystem>

#include "georune/common/diagnostic.h"
#include "server/bounded_queue.h"
#include "server/connection.h"
#include "server/errors.h"
#include "server/routes.h"
#include "server/state.h"

namespace georune::server {
namespace {

httplib::Server::HandlerResponse BeforeRouting(const ServerConfig& config, const httplib::Request& req,
                                               httplib::Response& res) {
  if (BoundedTaskQueue::InRejecter()) {
    res.set_header("Connection", "close");
    res.set_header("Retry-After", "1");
    SendError(res, 503,
              {"the server is busy: every worker is taken and the queue is full", "", "retry after a moment"});
    return httplib::Server::HandlerResponse::Handled;
  }
  // The key, before a body is read (Router::Handle checks it again, as a pure function).
  if (req.path.rfind("/v1/", 0) == 0 && !HasApiKey(config, req)) {
    RefuseWithoutApiKey(res);
    return httplib::Server::HandlerResponse::Handled;
  }
  return httplib::Server::HandlerResponse::Unhandled;
}

// Fills the JSON body of errors httplib raises itself (404 route, 413 body, 400 bad request).
void FillError(const ServerConfig& config, const httplib::Request& req, httplib::Response& res) {
  if (!res.body.empty()) return;
  if (res.status == 400 && RequestDeadlinePassed()) {
    res.set_header("Connection", "close");
    return SendError(
        res, 408,
        {"the request did not arrive within the deadline of " + std::to_string(config.request_deadline_s) + " s", "",
         "send the whole request (line, headers, body) at once"});
  }
  switch (res.status) {
    case 404: return SendError(res, 404, {"no such route: " + req.method + " " + req.path, "", "see docs/api.md"});
    case 413:
      return SendError(res, 413,
                       {"the request body is over the limit of " + std::to_string(config.body_limit) + " bytes", "",
                        "send a smaller body"});
    default:
      return SendError(res, res.status,
                       {"the request was refused (HTTP " + std::to_string(res.status) + ")", "", "see docs/api.md"});
  }
}

class HttpServer : public Server {
 public:
  explicit HttpServer(std::unique_ptr<State> state)
      : state_(std::move(state)), http_(state_->config.request_deadline_s) {
    Configure();
  }

  Result<int> Bind() override {
    const auto& c = state_->config;
    int port = c.port == 0 ? http_.bind_to_any_port(c.host) : (http_.bind_to_port(c.host, c.port) ? c.port : -1);
    // httplib 0.11 listens with a backlog of 5: a burst of connections would see dropped SYNs
    // and retry after 1, 3, 7 s. Listening again on the bound socket raises the backlog.
    if (port >= 0 && listen_fd_ >= 0) ::listen(listen_fd_, SOMAXCONN);
    if (port < 0) {
      return PlainDiagnostic("cannot listen on " + c.host + ":" + std::to_string(c.port),
                             "is the port in use? port 0 takes any free port")
          .With(Setting::kPort)
          .ToStatus(StatusCode::kIoError);
    }
    return port;
  }
  Status Serve() override {
    if (!http_.listen_after_bind()) return Status::IoError("the server stopped on a socket error");
    return Status::Ok();
  }
  void Stop() override { http_.stop(); }

 private:
  void Configure() {
    const ServerConfig& c = state_->config;
    http_.new_task_queue = [this, c] {
      auto* queue = new BoundedTaskQueue(static_cast<size_t>(std::max(1, c.workers)), c.queue_limit);
      queue_.store(queue);
      return queue;
    };
    // Fairness: while connections wait for a worker, a kept-alive connection is closed after its
    // reply, so that one waiting gets the worker (otherwise it waits out up to keep_alive_max
    // requests of every busy connection).
    http_.set_post_routing_handler([this](const httplib::Request&, httplib::Response& res) {
      const BoundedTaskQueue* queue = queue_.load();
      if (queue != nullptr && queue->waiting() > 0) res.set_header("Connection", "close");
    });
    // TCP_NODELAY (inherited by accepted sockets): httplib writes a reply's head and body
    // separately, and Nagle's algorithm would hold the body for the client's delayed ACK (~40 ms).
    http_.set_socket_options([this](int sock) {
      int yes = 1;
      setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
      setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      listen_fd_ = sock;
    });
    http_.set_read_timeout(c.read_timeout_s, 0);
    http_.set_write_timeout(c.write_timeout_s, 0);
    http_.set_keep_alive_timeout(c.keep_alive_timeout_s);
    http_.set_keep_alive_max_count(c.keep_alive_max);
    http_.set_payload_max_length(c.body_limit);
    http_.set_pre_routing_handler(
        [&c](const httplib::Request& req, httplib::Response& res) { return BeforeRouting(c, req, res); });
    http_.set_error_handler([&c](const httplib::Request& req, httplib::Response& res) { FillError(c, req, res); });
    http_.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      SendError(res, 500, {"internal error", "", "please report it"});
    });
    if (!c.web_dir.empty()) http_.set_mount_point("/", c.web_dir);
    if (std::filesystem::is_directory(c.leaflet_dir)) http_.set_mount_point("/leaflet", c.leaflet_dir);
    // Every /v1/ request goes through the router (routes.h); httplib only reads and writes.
    // httplib hands its own, mutable, Request as const; Handle sets its matches.
    router_ = ApiRouter(*state_);
    auto api = [this](const httplib::Request& req, httplib::Response& res) {
      router_->Handle(const_cast<httplib::Request&>(req), res);
    };
    const std::string all = "/v1/.*";
    http_.Get(all, api).Post(all, api).Put(all, api).Patch(all, api).Delete(all, api).Options(all, api);
  }

  std::unique_ptr<State> state_;
  std::unique_ptr<Router> router_;
  std::atomic<const BoundedTaskQueue*> queue_{nullptr};  // owned by http_ while it listens
  int listen_fd_ = -1;                                   // the listening socket, once bound
  DeadlineHttpServer http_;
};

}  // namespace

Result<std::unique_ptr<Server>> Server::Create(const ServerConfig& config, const ServerData& data) {
  if (config.workers < 1 || config.queue_limit < 1 || config.body_limit < 1 || config.request_deadline_s < 1) {
    return Status::InvalidInput("workers, queue limit, body limit and request deadline must be at least 1");
  }
  if (!config.web_dir.empty() &&
      !std::filesystem::is_regular_file(std::filesystem::path(config.web_dir) / "index.html")) {
    return PlainDiagnostic("no index.html in " + config.web_dir, "name the folder of the web page")
        .With(Setting::kWebDir)
        .ToStatus(StatusCode::kNotFound);
  }
  auto state = OpenState(config, data);
  if (!state.ok()) return state.status();
  return std::unique_ptr<Server>(new HttpServer(std::move(state).value()));
}

}  // namespace georune::server
