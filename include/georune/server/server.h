// The HTTP server: the JSON API of docs/api.md and the web page, over archives and a knowledge
// base opened once (memory-mapped) for the life of the process.
//
// It is a thin shell over the library: POST /v1/query answers with service::AnswerQuery and
// service::QueryAnswerJson, exactly what `georune query --format json` prints. JSON exists only
// at this edge.
//
// Limits (all explicit, none left to cpp-httplib's build-time defaults):
//  - a fixed pool of `workers` threads serves connections; at most `queue_limit` accepted
//    connections wait for a worker, and any beyond get 503 at once (answered by a small
//    separate pool, so that a full queue costs no memory beyond the cap);
//  - request bodies over `body_limit` get 413; socket read/write and keep-alive timeouts;
//  - a request's line, headers and body must arrive within `request_deadline_s` of its first
//    byte (else 408, or a closed connection when not even the request line came), and its reply
//    must be sent within as long again (slow clients; src/server/connection.h);
//  - each query has a time budget (`query_budget_seconds`): over it, 504;
//  - with an API key, every /v1/ request must carry it (X-API-Key or Authorization: Bearer),
//    checked before routing (401 otherwise); the page's own assets are public;
//  - image files come only from the archive's records, never from the URL.
// Errors are JSON {"error", "where", "hint", "status"}; see ErrorJson in src/server/errors.h.
//
// Lifecycle: Create() opens everything (or fails with the located Status), Bind() takes the
// port, Serve() blocks until Stop(). Stop() is safe from any thread (a signal-watching thread):
// the listening socket closes, requests in flight finish and are answered, then Serve() returns.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "georune/common/status.h"
#include "georune/nl/translator.h"

namespace georune::server {

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;                   // 0 = an ephemeral port (Bind() returns it)
  int workers = 8;                   // threads serving connections
  size_t queue_limit = 256;          // connections waiting for a worker before 503
  size_t body_limit = 1 << 20;       // bytes; 413 over it
  double query_budget_seconds = 10;  // per query; 504 over it
  int query_threads = 0;             // threads per query evaluation; 0 = all cores
  int read_timeout_s = 5;            // per socket read
  int write_timeout_s = 5;           // per socket write
  int request_deadline_s = 10;       // receiving a whole request, and sending its reply, each (408)
  int keep_alive_timeout_s = 2;      // idle time before a kept-alive connection closes
  size_t keep_alive_max = 100;       // requests per connection
  std::string api_key;               // empty = no key
  std::string web_dir;               // the page (index.html, app.js, …); empty = no page
  std::string leaflet_dir = "/usr/share/javascript/leaflet";  // Debian's libjs-leaflet
  std::string images_dir;           // base of relative image paths; empty = each archive's folder
  nl::TranslatorConfig translator;  // for English queries and /v1/translate
};

// Where the data comes from: archive folders (named by their last path component, which
// must be unique) and an optional knowledge base folder.
struct ServerData {
  std::vector<std::string> archives;
  std::string kb;
};

class Server {
 public:
  // Opens the archives and the knowledge base; kInvalidInput for a bad configuration,
  // the archive's or knowledge base's own errors otherwise.
  static Result<std::unique_ptr<Server>> Create(const ServerConfig& config, const ServerData& data);
  virtual ~Server() = default;

  // Binds host:port; returns the port bound. kIoError when the port cannot be bound.
  virtual Result<int> Bind() = 0;
  // Serves until Stop(); returns when the last in-flight request has been answered.
  virtual Status Serve() = 0;
  // Stops accepting; thread safe; returns at once (Serve() returns when drained).
  virtual void Stop() = 0;
};

}  // namespace georune::server
