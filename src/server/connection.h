// Connections with a whole-request deadline, for cpp-httplib 0.11, whose timeouts bound each
// socket call but not a request: a client that sends its head or body one byte every few
// seconds (slowloris), or reads the reply as slowly, would hold a worker for ever.
//
// DeadlineHttpServer serves each accepted connection with its own loop and Stream in place of
// httplib's (it overrides httplib::Server::process_and_close_socket, a private virtual, and goes
// on through the protected process_request; nothing else of httplib changes):
//  - between requests it waits at most the keep-alive timeout for the next request's first
//    byte, and stops waiting when the server stops;
//  - from that first byte, the request line, headers and body must all arrive within
//    `deadline_s`; each read also waits at most the read timeout. Past the deadline the read
//    fails, httplib answers 400, which the error handler turns into 408 (RequestDeadlinePassed()),
//    and the connection closes;
//  - from the reply's first byte, the whole reply must be sent within `deadline_s` (each write
//    also at most the write timeout); past it the connection closes.
// Reads are buffered (4 KiB), so httplib's byte-by-byte line reader costs no system call a byte.
#pragma once

#include <httplib.h>

namespace georune::server {

class DeadlineHttpServer : public httplib::Server {
 public:
  explicit DeadlineHttpServer(int deadline_s) : deadline_s_(deadline_s) {}

 private:
  bool process_and_close_socket(socket_t sock) override;
  int deadline_s_;
};

// True on a thread whose current request was cut by the deadline while it was being received.
bool RequestDeadlinePassed();

}  // namespace georune::server
