// a4pd's command line: every flag (server/README.md, "Flags and limits") read into one
// server_config plus what only start-up needs (demo data, the log level), and checked, so
// that what reaches the server class is complete and valid.
//
// Thread safety: called once, from main(), before any thread exists.
#pragma once

#include <expected>
#include <string>
#include <vector>

#include "server/config.hpp"
#include "server/logging.hpp"

namespace a4p::server {

struct options {
  server_config cfg;
  std::string listen = "127.0.0.1:8080";  // as given, for messages
  bool demo = false;                      // fill a new log with the demo workspace
  std::string demo_password;              // empty: a random password per account
  std::string log_level = "info";
  log_format log_fmt = log_format::text;
  std::string metrics_token_hash;  // sha256 hex of --metrics-token-file's first line; or empty
};

// Every flag can also come from the TOML file named by --config or A4PD_CONFIG (key: the
// flag's long name without the dashes, e.g. `max-frame = 131072`) and from the environment
// (A4PD_ and the name in upper case with '_' for '-', e.g. A4PD_MAX_FRAME=131072). The command
// line wins over the environment, which wins over the file. An unknown key in the file, or a
// file that cannot be read, is a bad flag (exit 2).
//
// Parses argv and checks what can be checked without opening anything but the token file:
// HOST:PORT, TLS flags given in pairs, --trust-proxy addresses (normalised), --demo-password
// against --min-password, the metrics token's length, the web root's path (a missing web root
// only warns), a checkpoint key outside the data directory. Sets spdlog's level.
// On --help, the exit code 0 once the help is printed; on a bad flag, 2 once the reason is on
// stderr.
[[nodiscard]] std::expected<options, int> parse_options(int argc, char** argv);

// Every flag (--help aside) as server/README.md's table documents it: the long name (also the
// --config key), the environment variable and the default ("" when there is none).
struct flag_doc {
  std::string key;
  std::string env;
  std::string default_value;
};
[[nodiscard]] std::vector<flag_doc> flag_docs();

}  // namespace a4p::server
