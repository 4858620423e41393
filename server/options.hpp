// a4pd's command line: every flag (server/README.md, "Flags and limits") read into one
// server_config plus what only start-up needs (demo data, the log level), and checked, so
// that what reaches the server class is complete and valid.
//
// Thread safety: called once, from main(), before any thread exists.
#pragma once

#include <expected>
#include <string>

#include "server/config.hpp"

namespace a4p::server {

struct options {
  server_config cfg;
  std::string listen = "127.0.0.1:8080";  // as given, for messages
  bool demo = false;                      // fill a new log with the demo workspace
  std::string demo_password;              // empty: a random password per account
  std::string log_level = "info";
  std::string metrics_token_hash;  // sha256 hex of --metrics-token-file's first line; or empty
};

// Parses argv and checks what can be checked without opening anything but the token file:
// HOST:PORT, TLS flags given in pairs, --trust-proxy addresses (normalised), --demo-password
// against --min-password, the metrics token's length, the web root's path (a missing web root
// only warns), a checkpoint key outside the data directory. Sets spdlog's level.
// On --help, the exit code 0 once the help is printed; on a bad flag, 2 once the reason is on
// stderr.
[[nodiscard]] std::expected<options, int> parse_options(int argc, char** argv);

}  // namespace a4p::server
