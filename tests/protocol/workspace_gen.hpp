// The large workspace (issue 18): one generator of a realistic A4P log, shared by
// protocol_bench (in memory, tests/protocol/test_log.hpp) and a4p_make_workspace (an a4pd data
// directory through the storage library, tests/load/make_workspace.cpp).
//
// Every event comes from protocol::decide, run as the principal who would send the command, so
// the log is one a4pd could have written. ~300 users of 190 orgs (10 of them the G10), the
// Secretariat (un.sec) and an auditor (un.auditor), 24 champions, one open round; then a mix
// drawn per command: comments 35%, progress reports 20%, pledge edits 12%, comment edits 5%,
// opinions 5%, action edits 5%, actions 6%, take-ups 3%, pledges 4%, discussions 2%,
// moderation 1.5%, gaps and closes the rest.
//
// Caps (decision 0402, on unless A4P_BENCH_CAPS=0): A4P has ~200 organisations and a few
// thousand pledges at most, so creates stop at pledges 4,000, actions 1,000, gaps 400,
// discussions 2,000; a create drawn past its cap becomes an edit of the same kind
// (pledge.update, action.update, gap.update) or, for a discussion, a comment on one. Without
// caps the mix makes ~45,000 pledges and ~67,000 actions in 1,000,000 events.
//
// The busy pledge: the first pledge gets `busy_comments` comments (default 50,000, at most a
// tenth of the log), spread evenly through the log, from the members in turn; they count in
// `events`. The log ends with the first command that reaches `events` (one command can write
// two events, so the head may pass it by one).
//
// Thread safety: none; one generator per writer.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/workspace.hpp"

namespace a4p::protocol::testing {

struct workspace_caps {
  std::size_t pledges = 4'000;
  std::size_t actions = 1'000;
  std::size_t gaps = 400;
  std::size_t discussions = 2'000;
};

struct workspace_options {
  std::uint64_t events = 1'000'000;  // the log's head when done
  bool caps = true;
  workspace_caps cap;
  std::size_t busy_comments = 50'000;  // on the busy pledge; at most events / 10
};

// The options from the environment: A4P_BENCH_EVENTS, A4P_BENCH_CAPS (0 = the uncapped mix),
// A4P_BENCH_BUSY_COMMENTS.
inline workspace_options workspace_options_from_env() {
  workspace_options o;
  if (const char* e = std::getenv("A4P_BENCH_EVENTS")) o.events = std::strtoull(e, nullptr, 10);
  if (const char* e = std::getenv("A4P_BENCH_CAPS")) o.caps = std::string(e) != "0";
  if (const char* e = std::getenv("A4P_BENCH_BUSY_COMMENTS"))
    o.busy_comments = std::strtoull(e, nullptr, 10);
  return o;
}

// What the generator writes through.
class workspace_writer {
 public:
  virtual ~workspace_writer() = default;
  // The state as of the last event written.
  [[nodiscard]] virtual const state& current() const = 0;
  // decide + append + apply of one command as `p`: its result (for example {"id":"P3"}), or
  // nullopt when decide refused it (the mix draws some commands that the domain refuses).
  virtual std::optional<nlohmann::json> run(const principal& p, std::string name,
                                            nlohmann::json args) = 0;
  // After each command of the mix (snapshots, progress); `seq` is the head.
  virtual void after_command(std::uint64_t /*seq*/) {}
};

struct workspace_summary {
  std::string busy_room;  // "pledge:<id>"
  std::size_t pledges = 0, actions = 0, gaps = 0, discussions = 0, comments = 0, busy_comments = 0;
  std::vector<std::string> g10_users, member_users;  // for sign-ins and load
};

inline workspace_summary generate_workspace(workspace_writer& w, const workspace_options& o) {
  using nlohmann::json;
  workspace_summary out;
  auto must = [&](const principal& p, const char* name, json args) {
    if (!w.run(p, name, std::move(args))) {
      std::fprintf(stderr, "workspace_gen: setup command %s refused\n", name);
      std::abort();
    }
  };
  std::mt19937 rng(42);
  auto below = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  auto sys = system_principal();
  static const char* themes[] = {"politics",        "wps",         "protection",
                                 "safety-security", "performance", "sustaining-peace",
                                 "partnerships",    "conduct"};
  static const char* words[] = {
      "mandate", "protection", "civilians", "training", "women", "peace",  "performance", "the",
      "and",     "mission",    "report",    "of",       "to",    "troops", "police",      "budget"};
  auto text = [&](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += std::string(i ? " " : "") + words[below(16)];
    return s;
  };
  std::vector<principal> members;
  static const char* g10[] = {"BGD", "BRA", "CIV", "ETH", "FRA", "IDN", "NLD", "RWA", "GBR", "URY"};
  for (int i = 0; i < 190; ++i) {
    std::string id = i < 10 ? g10[i] : "M" + std::to_string(i);
    json groups = i < 10 ? json::array({"G10"}) : json::array();
    must(sys, "org.add",
         {{"id", id},
          {"name", "Org " + id},
          {"kind", "member_state"},
          {"region", "WEOG"},
          {"groups", groups}});
    for (int u = 0; u < (i < 110 ? 2 : 1); ++u) {
      std::string uid = id + ".user" + std::to_string(u);
      must(sys, "user.add", {{"id", uid}, {"name", uid}, {"org", id}, {"role", "member"}});
      members.push_back({uid, id, role::member});
      (i < 10 ? out.g10_users : out.member_users).push_back(uid);
    }
  }
  principal sec{"un.sec", "UN", role::secretariat};
  must(sys, "user.add",
       {{"id", sec.user}, {"name", "Sec"}, {"org", "UN"}, {"role", "secretariat"}});
  must(sys, "user.add",
       {{"id", "un.auditor"}, {"name", "Auditor"}, {"org", "UN"}, {"role", "auditor"}});
  for (int i = 0; i < 24; ++i)  // champions: members 0..23 of some theme
    (void)w.run(sys, "champion.assign", {{"org", members[i * 2].org}, {"theme", themes[i % 8]}});
  must(sec, "round.open", {{"name", "2026"}, {"closes", "2026-12-31"}});

  std::vector<std::string> pledges, comments, actions, discussions, gaps;
  const workspace_caps cap =
      o.caps ? o.cap : workspace_caps{SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX};
  const std::size_t busy = std::min<std::size_t>(o.busy_comments, o.events / 10);
  auto seq = [&] { return w.current().seq(); };
  auto owner_of = [&](const protocol::text& org) {
    principal owner{"", org.str(), role::member};
    for (const auto& x : members)
      if (x.org == owner.org) return x;
    return owner;
  };
  auto edit_pledge = [&] {
    const std::string& id = pledges[below(pledges.size())];
    const auto& p = w.current().pledges.at(id);
    (void)w.run(
        owner_of(p.org), "pledge.update",
        {{"id", id},
         {"base_version", p.version},
         {"changes", below(2) ? json{{"title", text(6)}} : json{{"description", text(40)}}}});
  };
  auto edit_action = [&] {
    const auto& a = w.current().actions.at(actions[below(actions.size())]);
    (void)w.run(sec, "action.update",
                {{"id", a.id}, {"base_version", a.version}, {"changes", {{"title", text(5)}}}});
  };
  auto post_comment = [&](const principal& m) {
    std::string target = (below(3) == 0 || discussions.empty())
                             ? "pledge:" + pledges[below(pledges.size())]
                             : "discussion:" + discussions[below(discussions.size())];
    auto r = w.run(m, "comment.post", {{"target", target}, {"body", text(10 + below(30))}});
    if (r) comments.push_back((*r)["id"]);
  };
  while (seq() < o.events) {
    std::size_t dice = below(1000);
    const principal& m = members[below(members.size())];
    if (dice < 40 || pledges.size() < 50) {
      if (pledges.size() >= cap.pledges) {
        edit_pledge();
      } else {
        auto r =
            w.run(m, "pledge.create",
                  {{"theme", themes[below(8)]},
                   {"title", text(6)},
                   {"description", text(40)},
                   {"output", {{"indicator", text(3)}, {"target", std::to_string(below(900))}}},
                   {"impact", {{"indicator", text(3)}, {"target", text(2)}}},
                   {"due", "2027-06-30"}});
        if (r) pledges.push_back((*r)["id"]);
      }
    } else if (dice < 160) {
      edit_pledge();
    } else if (dice < 360) {
      const std::string& id = pledges[below(pledges.size())];
      (void)w.run(owner_of(w.current().pledges.at(id).org), "pledge.report",
                  {{"id", id},
                   {"status", "on_track"},
                   {"progress", below(101)},
                   {"note", text(25)},
                   {"round", "R1"},
                   {"evidence", {"https://peacekeeping.un.org/r/" + std::to_string(below(9999))}},
                   {"attribution",
                    {{"statement", text(8)}, {"preexisting", false}, {"confidence", "medium"}}}});
    } else if (dice < 710) {
      post_comment(m);
    } else if (dice < 760 && !comments.empty()) {
      const auto& c = w.current().comments.at(comments[below(comments.size())]);
      principal author{c.author.str(), c.org.str(), role::member};
      (void)w.run(author, "comment.edit", {{"id", c.id}, {"body", text(20)}});
    } else if (dice < 775 && !comments.empty()) {
      const std::string& id = comments[below(comments.size())];
      if (w.current().comments.at(id).hidden)
        (void)w.run(sec, "comment.restore", {{"id", id}});
      else
        (void)w.run(sec, "comment.hide", {{"id", id}, {"reason", "conduct"}});
    } else if (dice < 825) {
      principal g = members[below(20)];  // the G10 orgs' users come first
      (void)w.run(g, "opinion.give",
                  {{"target", "pledge:" + pledges[below(pledges.size())]},
                   {"position", "support"},
                   {"text", text(15)}});
    } else if (dice < 885 || actions.empty()) {
      if (actions.size() >= cap.actions) {
        edit_action();
      } else {
        auto r = w.run(sec, "action.add",
                       {{"theme", themes[below(8)]}, {"title", text(5)}, {"kind", "concrete"}});
        if (r) actions.push_back((*r)["id"]);
      }
    } else if (dice < 935) {
      edit_action();
    } else if (dice < 965) {
      (void)w.run(m, "action.take_up", {{"id", actions[below(actions.size())]}});
    } else if (dice < 985) {
      if (discussions.size() >= cap.discussions) {
        post_comment(m);
      } else {
        auto r = w.run(sec, "discussion.convene",
                       {{"theme", themes[below(8)]},
                        {"title", text(5)},
                        {"agenda", text(30)},
                        {"visibility", below(4) ? "open" : "restricted"},
                        {"invitees", {members[below(members.size())].org}}});
        if (r) discussions.push_back((*r)["id"]);
      }
    } else if (dice < 990 && discussions.size() > 20) {
      (void)w.run(sec, "discussion.close",
                  {{"id", discussions[below(discussions.size() - 10)]}, {"outcome", text(10)}});
    } else if (gaps.size() >= cap.gaps) {
      const auto& g = w.current().gaps.at(gaps[below(gaps.size())]);
      (void)w.run(
          sec, "gap.update",
          {{"id", g.id},
           {"base_version", g.version},
           {"changes", below(2) ? json{{"title", text(5)}} : json{{"description", text(20)}}}});
    } else {
      auto r = w.run(sec, "gap.add",
                     {{"theme", themes[below(8)]}, {"title", text(5)}, {"description", text(20)}});
      if (r) gaps.push_back((*r)["id"]);
    }
    // The busy pledge's comments, spread evenly through the log.
    if (out.busy_comments < busy && !pledges.empty() && seq() < o.events &&
        seq() * busy >= (out.busy_comments + 1) * o.events) {
      const principal& a = members[out.busy_comments % members.size()];
      if (w.run(a, "comment.post",
                {{"target", "pledge:" + pledges.front()},
                 {"body", "a comment of about the usual length, number " +
                              std::to_string(out.busy_comments) + ", on the busy pledge"}}))
        ++out.busy_comments;
    }
    w.after_command(seq());
  }
  out.busy_room = "pledge:" + pledges.front();
  out.pledges = pledges.size();
  out.actions = actions.size();
  out.gaps = gaps.size();
  out.discussions = discussions.size();
  out.comments = comments.size() + out.busy_comments;
  return out;
}

}  // namespace a4p::protocol::testing
