// Demo data for `a4pd --demo` and for tests: a realistic A4P workspace built from the facts of
// ../shared/data/a4p-facts.json (embedded here as constants; nothing is read at run time).
//
// populate() appends, to a fresh log, the genesis themes (if the log is empty), the
// organisations (UN Secretariat, AU, EU and the member states the brief names, with region,
// groups G10 / FRIENDS / P5 / TCC / host, most endorsed), the accounts of demo_accounts, the
// champions with their offers, commitments per theme, the gap-analysis examples as gaps and
// actions, the one-pager proposals as actions, a closed and an open reporting round, a dozen
// pledges (member states' and Secretariat deliverables) with progress reports, discussions
// (one restricted) with comments and replies, and G10 opinions. Every event goes through
// protocol::decide with the principal who would really send it, then apply, then log.append,
// so the demo log is exactly what real clients could have produced.
//
// Thread safety: populate() must not run concurrently with other writers of the same log.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/event_log.hpp"

namespace a4p::server {

struct demo_account {
  std::string_view user;  // sign-in name, fixed: the web client's end-to-end tests rely on it
  std::string_view org;
  std::string_view role;  // "secretariat", "member" or "auditor"
  std::string_view name;  // display name
  std::string_view note;  // what this account is good for in a demo
};

// The demo sign-ins. The first eight are fixed by contract with the web client's tests.
inline constexpr std::array<demo_account, 12> demo_accounts{{
    {"un.secretariat", "UN", "secretariat", "Amina Diallo", "UN Secretariat (DPO), moderator"},
    {"un.auditor", "UN", "auditor", "Oskar Lind", "auditor: reads everything, sends nothing"},
    {"gbr.delegate", "GBR", "member", "Harriet Cole", "G10, champion of politics"},
    {"nld.delegate", "NLD", "member", "Pieter de Vries", "G10, champion of protection"},
    {"usa.delegate", "USA", "member", "Dana Brooks", "champion of performance"},
    {"bgd.delegate", "BGD", "member", "Farhan Rahman", "G10, top troop contributor"},
    {"eth.delegate", "ETH", "member", "Selam Tesfaye", "G10, Group of Friends co-lead"},
    {"gha.delegate", "GHA", "member", "Kwame Mensah", "member state without a special role"},
    {"can.delegate", "CAN", "member", "Claire Tremblay", "champion of performance"},
    {"chn.delegate", "CHN", "member", "Li Wei", "champion of safety and security"},
    {"nor.delegate", "NOR", "member", "Ingrid Berg", "Group of Friends co-lead"},
    {"au.liaison", "AU", "member", "Moussa Traore", "African Union (endorsing organisation)"},
}};

struct demo_result {
  std::vector<std::pair<std::string, std::string>> sign_ins;  // user, password
  std::uint64_t head = 0;                                     // the log's head afterwards
};

// Fills `log` with the demo workspace and sets each demo account's password: `password` for
// all of them, or, when empty, a random one per user. Returns the sign-ins in demo_accounts
// order. Fails (and appends nothing more) if the log already holds any organisation or user,
// or if the domain refuses a command (a bug, reported with the command's name).
// REQUIRES: no other writer appends to `log` meanwhile.
[[nodiscard]] storage::result<demo_result> populate(storage::event_log& log,
                                                    const std::string& password);

}  // namespace a4p::server
