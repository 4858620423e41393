#include <string>
#include <vector>

#include "protocol/workspace.hpp"

namespace a4p::protocol {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------
// genesis: facts from ../shared/data/a4p-facts.json ("themes"), embedded.

std::vector<draft> genesis() {
  struct fact {
    const char* id;
    const char* name;
    const char* note;
  };
  static constexpr fact themes[] = {
      {"politics", "Political solutions", nullptr},
      {"wps", "Women, peace and security", "spun out of the politics theme during implementation"},
      {"protection", "Protection", nullptr},
      {"safety-security", "Safety and security", nullptr},
      {"performance", "Performance and accountability", "attracted the most champions"},
      {"sustaining-peace", "Peacebuilding and sustaining peace", "attracted the fewest champions"},
      {"partnerships", "Partnerships", nullptr},
      {"conduct", "Conduct of peacekeepers and peacekeeping operations", nullptr},
  };
  std::vector<draft> out;
  out.push_back(draft{"org.added",
                      "org:UN",
                      {{"id", "UN"},
                       {"name", "United Nations Secretariat"},
                       {"kind", "secretariat"},
                       {"region", nullptr},
                       {"groups", json::array()},
                       {"endorsed", false}}});
  for (const auto& t : themes) {
    json data = {{"id", t.id}, {"name", t.name}};
    if (t.note) data["note"] = t.note;
    out.push_back(draft{"theme.added", std::string("theme:") + t.id, std::move(data)});
  }
  return out;
}

}  // namespace a4p::protocol
