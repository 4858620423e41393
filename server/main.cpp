// a4pd: the A4P Workspace server. HTTP/1.1 and WebSocket (a4p.v1) on one port, over one
// durable, hash-chained event log (../shared/PROTOCOL.md; server/README.md for flags,
// limits and architecture). The flags are read by options.*, the server is server.*.
// Exit codes: 0 after SIGTERM/SIGINT, 1 on a startup failure, 2 on bad flags, 3 when another
// process holds the data directory.
#include <csignal>

#include "server/allocator.hpp"
#include "server/options.hpp"
#include "server/server.hpp"

int main(int argc, char** argv) {
  // A closed peer must be an error code, not a signal; a file-size limit must make writes fail
  // with EFBIG (storage then refuses appends), not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  std::signal(SIGXFSZ, SIG_IGN);
  a4p::server::keep_freed_memory();

  auto opts = a4p::server::parse_options(argc, argv);
  if (!opts) return opts.error();
  a4p::server::server_app app(std::move(*opts));
  if (auto r = app.open(); !r) return r.error();
  app.run();
  return 0;
}
