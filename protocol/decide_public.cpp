// Commands on the public site (decision 0208): an organisation publishes its pledges (the
// Secretariat its own deliverables, the pledges of org UN) and withdraws them; the Secretariat
// switches public categories on and off.
#include <string>

#include "protocol/handlers.hpp"
#include "protocol/public_view.hpp"

namespace a4p::protocol::detail {

outcome pledge_publish_or_withdraw(const state& s, const principal& p, const json& a,
                                   bool publish) {
  reader r(a, "");
  std::string id = r.code("id");
  A4P_CHECK(r);
  const pledge* x = s.pledges.get(id);
  if (!x) return std::unexpected(not_found("id", "no such pledge " + id));
  if (x->org != p.org)
    return std::unexpected(forbidden("only the pledge's organisation publishes it"));
  if (x->published == publish)
    return std::unexpected(
        conflict(s, p, "pledge:" + id,
                 publish ? "the pledge is published already" : "the pledge is not published"));
  return one(publish ? "pledge.published" : "pledge.unpublished", "pledge:" + id,
             {{"id", id}, {"org", x->org}}, {{"id", id}});
}

outcome public_configure(const state& s, const principal& p, const json& a) {
  if (!is_sec(p))
    return std::unexpected(forbidden("only the Secretariat configures the public site"));
  reader r(a, "");
  std::string category = r.one_of(
      "category", {"themes", "commitments", "champions", "gaps", "actions", "rounds", "counts"});
  bool on = r.boolean("public");
  A4P_CHECK(r);
  auto c = public_category_from_string(category);
  if (is_public(s, *c) == on)
    return std::unexpected(
        conflict(s, p, "public:" + category,
                 category + (on ? " is public already" : " is not public already")));
  return one("public.configured", "public:" + category, {{"id", category}, {"public", on}},
             {{"id", category}});
}

}  // namespace a4p::protocol::detail
