#include "server/demo.hpp"

namespace a4p::server {

// Placeholder until protocol/workspace.hpp lands; replaced by the real population.
storage::result<demo_result> populate(storage::event_log& log, const std::string& password) {
  (void)log;
  (void)password;
  return std::unexpected(
      storage::error{storage::status_code::invalid_argument, "demo data: not implemented yet"});
}

}  // namespace a4p::server
