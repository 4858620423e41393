#include "server/admin/demo.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "server/admin/credentials.hpp"
#include "server/admin/ctl_workspace.hpp"

namespace a4p::server {

namespace {

using json = nlohmann::json;

// ---- Facts of ../shared/data/a4p-facts.json, embedded (the runtime never reads ../shared). ----

struct org_fact {
  const char* code;
  const char* name;
  const char* region;  // "" for organisations
  const char* kind;    // member_state | organization
  bool endorsed;
};

// orgs_named_in_brief, plus Ghana (a large troop contributor, for gha.delegate) and the
// endorsing organisations AU and EU. Endorsement flags are illustrative demo data.
constexpr org_fact org_facts[] = {
    {"AU", "African Union", "", "organization", true},
    {"EU", "European Union", "", "organization", true},
    {"BGD", "Bangladesh", "APG", "member_state", true},
    {"BRA", "Brazil", "GRULAC", "member_state", true},
    {"CIV", "Côte d'Ivoire", "AFR", "member_state", true},
    {"ETH", "Ethiopia", "AFR", "member_state", true},
    {"FRA", "France", "WEOG", "member_state", true},
    {"IDN", "Indonesia", "APG", "member_state", true},
    {"NLD", "Netherlands", "WEOG", "member_state", true},
    {"RWA", "Rwanda", "AFR", "member_state", true},
    {"GBR", "United Kingdom", "WEOG", "member_state", true},
    {"URY", "Uruguay", "GRULAC", "member_state", true},
    {"NOR", "Norway", "WEOG", "member_state", true},
    {"KOR", "Republic of Korea", "APG", "member_state", true},
    {"USA", "United States", "WEOG", "member_state", true},
    {"CAN", "Canada", "WEOG", "member_state", true},
    {"CHN", "China", "APG", "member_state", true},
    {"EGY", "Egypt", "AFR", "member_state", true},
    {"SWE", "Sweden", "WEOG", "member_state", true},
    {"MAR", "Morocco", "AFR", "member_state", true},
    {"CAF", "Central African Republic", "AFR", "member_state", true},
    {"MLI", "Mali", "AFR", "member_state", true},
    {"SSD", "South Sudan", "AFR", "member_state", false},
    {"RUS", "Russian Federation", "EEG", "member_state", false},
    {"GHA", "Ghana", "AFR", "member_state", true},
};

constexpr const char* g10[] = {"BGD", "BRA", "CIV", "ETH", "FRA",
                               "IDN", "NLD", "RWA", "GBR", "URY"};
constexpr const char* friends_co_leads[] = {"ETH", "NOR", "KOR"};
constexpr const char* p5[] = {"CHN", "FRA", "GBR", "RUS", "USA"};
constexpr const char* hosts[] = {"CAF", "MLI", "SSD"};
// Troop and police contributors among the named states (illustrative).
constexpr const char* tccs[] = {"BGD", "ETH", "RWA", "IDN", "GHA", "EGY",
                                "MAR", "URY", "BRA", "CHN", "CIV"};

template <std::size_t N>
bool among(const char* const (&list)[N], std::string_view code) {
  for (const char* c : list) {
    if (code == c) return true;
  }
  return false;
}

json groups_of(std::string_view code) {
  json g = json::array();
  if (among(g10, code)) g.push_back("G10");
  if (among(friends_co_leads, code)) g.push_back("FRIENDS");
  if (among(p5, code)) g.push_back("P5");
  if (among(tccs, code)) g.push_back("TCC");
  if (among(hosts, code)) g.push_back("host");
  return g;
}

struct champion_fact {
  const char* org;
  const char* theme;
  const char* offer;
};
constexpr champion_fact champion_facts[] = {
    {"GBR", "politics", "workshop with other Security Council members on streamlining mandates"},
    {"USA", "performance", "strengthen analysis and reporting, together with Canada"},
    {"CAN", "performance", "strengthen analysis and reporting, together with the United States"},
    {"NLD", "protection", "training on integrated protection of civilians"},
    {"CHN", "safety-security",
     "support for the Action Plan to Improve the Security of UN Peacekeepers"},
};

struct commitment_fact {
  const char* theme;
  const char* title;
  const char* responsibility;
};
// Paraphrases of the Declaration's commitments, two per theme (the demo does not hold all 45).
constexpr commitment_fact commitment_facts[] = {
    {"politics",
     "Pursue political solutions to conflict and enhance the political impact of peacekeeping",
     "shared"},
    {"politics", "Support clear, focused, sequenced, prioritized and achievable mandates",
     "member_states"},
    {"wps", "Implement the women, peace and security agenda and its priorities", "shared"},
    {"wps", "Increase the number of civilian and uniformed women in peacekeeping at all levels",
     "shared"},
    {"protection", "Strengthen the protection provided by peacekeeping operations", "shared"},
    {"protection", "Ensure peacekeepers are trained and equipped to protect civilians",
     "member_states"},
    {"safety-security", "Improve the safety and security of peacekeepers", "shared"},
    {"safety-security", "Strengthen casualty evacuation and medical support", "secretary_general"},
    {"performance",
     "Support effective performance and accountability by all peacekeeping components", "shared"},
    {"performance", "Ensure an integrated performance policy framework with clear standards",
     "secretary_general"},
    {"sustaining-peace",
     "Strengthen the impact of peacekeeping on peacebuilding and sustaining peace", "shared"},
    {"sustaining-peace", "Ensure integrated analysis and planning, especially for transitions",
     "secretary_general"},
    {"partnerships", "Improve partnerships with the African Union, the EU and other organizations",
     "shared"},
    {"partnerships", "Enhance collaboration with host governments and regional actors", "shared"},
    {"conduct",
     "Strengthen the conduct of peacekeepers and zero tolerance for sexual exploitation and abuse",
     "shared"},
    {"conduct", "Ensure environmental management in peacekeeping operations", "secretary_general"},
};

struct gap_fact {
  const char* theme;
  const char* kind;
  const char* gap_title;
  const char* gap_description;
  const char* action_title;  // gap_analysis_july_2019_examples
};
constexpr gap_fact gap_facts[] = {
    {"politics", "concrete", "Consultation on mandates",
     "Peacekeeping stakeholders are not consulted consistently while mandates are drafted.",
     "Support a police advisory committee to strengthen consultations between peacekeeping "
     "stakeholders on mandates"},
    {"wps", "concrete", "Gender expertise in uniformed hierarchies",
     "Gender advisers sit outside the command structures of contingents.",
     "Incorporate gender advisers into the military hierarchy of police and troop contributors"},
    {"protection", "concrete", "Training on conflict-related sexual violence",
     "Not every contingent receives pre-deployment training on conflict-related sexual violence.",
     "Conduct pre-deployment training on conflict-related sexual violence"},
    {"safety-security", "concrete", "Casualty evacuation readiness",
     "The casualty evacuation policy is not known or practised by all contributors.",
     "Disseminate the UN casualty evacuation policy and practise casualty evacuation in "
     "pre-deployment training"},
    {"politics", "broad", "Security Council coherence",
     "Divisions in the Security Council weaken political support for missions.",
     "Strengthen coherence within the Security Council to engage constructively in the political "
     "process"},
};

struct proposal_fact {
  const char* theme;
  const char* title;  // one_pager_nov_2018_proposals
};
constexpr proposal_fact proposal_facts[] = {
    {"performance",
     "Consultations between the Security Council and the Fifth Committee on the gap between "
     "mandates and resources"},
    {"safety-security", "Action on violations of status-of-forces agreements"},
    {"protection", "Certify completion of protection-specific pre-deployment training"},
    {"safety-security", "Provide specialized medical and engineering capacities"},
    {"conduct",
     "Join the Circle of Leadership and the Voluntary Compact on Preventing Sexual Exploitation "
     "and Abuse"},
};

std::string date_from_now(int days) {
  auto t = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) +
           std::chrono::days(days);
  std::chrono::year_month_day ymd(t);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

// Runs the demo script against a ctl_workspace; the first failing command stops it.
class demo_script {
 public:
  explicit demo_script(ctl_workspace& w) : w_(w) {}

  storage::status run();

 private:
  // Submits as `user` (a demo account, or "system"). Remembers the first error.
  json as(std::string_view user, std::string_view name, json args) {
    if (!ok()) return json::object();
    protocol::principal p;
    if (user == "system") {
      p = protocol::system_principal();
    } else {
      auto got = w_.principal_of(user);
      if (!got) {
        error_ = got.error();
        return json::object();
      }
      p = *got;
    }
    auto r = w_.submit(p, name, std::move(args));
    if (!r) {
      error_ = r.error();
      error_->message = "demo data: " + error_->message;
      return json::object();
    }
    return *r;
  }
  std::string id(const json& ack) const {
    return ack.contains("id") && ack["id"].is_string() ? ack["id"].get<std::string>()
                                                       : std::string();
  }
  bool ok() const { return !error_.has_value(); }

  ctl_workspace& w_;
  std::optional<storage::error> error_;
};

storage::status demo_script::run() {
  const std::string sec = "un.secretariat";

  // Organisations, then the accounts.
  for (const auto& o : org_facts) {
    json args = {{"id", o.code},
                 {"name", o.name},
                 {"kind", o.kind},
                 {"groups", groups_of(o.code)},
                 {"endorsed", o.endorsed}};
    if (*o.region) args["region"] = o.region;
    as("system", "org.add", std::move(args));
  }
  for (const auto& a : demo_accounts) {
    as("system", "user.add", {{"id", a.user}, {"name", a.name}, {"org", a.org}, {"role", a.role}});
  }

  // Champions and their offers.
  for (const auto& c : champion_facts) {
    as(sec, "champion.assign", {{"org", c.org}, {"theme", c.theme}, {"offer", c.offer}});
  }

  // Commitments, numbered in order.
  std::map<std::string, std::string> first_commitment;  // theme -> id
  int number = 0;
  for (const auto& c : commitment_facts) {
    auto ack = as(sec, "commitment.add",
                  {{"theme", c.theme},
                   {"number", ++number},
                   {"title", c.title},
                   {"responsibility", c.responsibility}});
    first_commitment.try_emplace(c.theme, id(ack));
  }

  // The gap analysis (July 2019): a gap and its action each; then the one-pager's proposals.
  std::vector<std::string> gap_actions;
  for (const auto& g : gap_facts) {
    std::string gap =
        id(as(sec, "gap.add",
              {{"theme", g.theme}, {"title", g.gap_title}, {"description", g.gap_description}}));
    gap_actions.push_back(id(as(sec, "action.add",
                                {{"theme", g.theme},
                                 {"title", g.action_title},
                                 {"kind", g.kind},
                                 {"gap", gap},
                                 {"due", date_from_now(180)}})));
  }
  std::vector<std::string> proposals;
  for (const auto& p : proposal_facts) {
    proposals.push_back(
        id(as(sec, "action.add", {{"theme", p.theme}, {"title", p.title}, {"kind", "concrete"}})));
  }
  // A champion adds an action to its own theme.
  as("nld.delegate", "action.add",
     {{"theme", "protection"},
      {"title", "Share the integrated protection of civilians training package with TCCs"},
      {"kind", "concrete"},
      {"due", date_from_now(90)}});
  if (!ok()) return std::unexpected(*error_);
  // Organisations take actions up.
  as("bgd.delegate", "action.take_up", {{"id", gap_actions[3]}});  // casualty evacuation
  as("eth.delegate", "action.take_up", {{"id", gap_actions[1]}});  // gender advisers
  as("nld.delegate", "action.take_up", {{"id", gap_actions[2]}});  // CRSV training
  as("gha.delegate", "action.take_up", {{"id", proposals[4]}});    // Circle of Leadership
  as("can.delegate", "action.take_up", {{"id", proposals[0]}});    // Council / Fifth Committee

  // The earlier reporting round.
  std::string r1 =
      id(as(sec, "round.open",
            {{"name", "Progress review, first half"}, {"closes", date_from_now(-30)}}));

  // Pledges: member states' and the Secretariat's own deliverables.
  struct pledge_fact {
    const char* user;
    const char* theme;
    const char* title;
    const char* description;
    const char* indicator;
    const char* target;
    const char* impact_indicator;  // "" = none
    const char* impact_target;
    int due_days;
  };
  const pledge_fact pledge_facts[] = {
      {"gbr.delegate", "politics", "Workshop on streamlining mandates",
       "Convene Security Council members and troop contributors to agree on principles for "
       "sequenced, prioritized mandates.",
       "workshops held", "1 workshop with all Council members invited",
       "mandate renewals drafted with the agreed principles", "3 renewals", 120},
      {"nld.delegate", "protection", "Integrated protection of civilians training",
       "Deliver integrated POC training to contingents before deployment, with UN trainers.",
       "personnel trained", "600 personnel", "missions reporting fewer POC incidents", "2 missions",
       240},
      {"usa.delegate", "performance", "Strengthen analysis and reporting on performance",
       "Fund analysts and tools for the Comprehensive Performance Assessment System, with Canada.",
       "missions using CPAS", "all 14 missions", "", "", 300},
      {"can.delegate", "performance", "Performance data training for mission staff",
       "Train mission planning staff to collect and use performance data, together with the US.",
       "staff trained", "120 staff", "", "", 200},
      {"chn.delegate", "safety-security", "Support the Action Plan on the security of peacekeepers",
       "Provide engineering and medical units and training against improvised explosive devices.",
       "units deployed", "2 units", "fatalities from malicious acts", "halved from 2017", 365},
      {"bgd.delegate", "safety-security", "Casualty evacuation drills in pre-deployment training",
       "Add the UN casualty evacuation policy and a practical drill to every pre-deployment "
       "course.",
       "courses with a CASEVAC drill", "100 percent of courses", "", "", 150},
      {"eth.delegate", "wps", "Gender advisers in the contingent hierarchy",
       "Place a trained gender adviser in the command staff of each deployed battalion.",
       "battalions with a gender adviser", "all deployed battalions",
       "women in deployed contingents", "15 percent", 270},
      {"gha.delegate", "conduct", "Pre-deployment training on preventing sexual exploitation",
       "Certify every deploying member on conduct and discipline and the zero-tolerance policy.",
       "personnel certified", "100 percent", "", "", 120},
      {"nor.delegate", "partnerships", "Support African Union peace operations planning",
       "Second planners to the African Union Commission to align planning with the UN.",
       "planners seconded", "4 planners", "", "", 330},
      {"au.liaison", "partnerships", "Joint AU-UN framework follow-up",
       "Hold quarterly desk-to-desk meetings on missions both organizations support.",
       "meetings held", "4 per year", "", "", 365},
      {"un.secretariat", "performance", "Report on performance",
       "Report to Member States on the performance of missions and of the Secretariat.",
       "reports issued", "1 per year", "", "", 200},
      {"un.secretariat", "partnerships", "Budget processes under the management reform",
       "Apply the delegation of authority and simplified budget processes to all missions.",
       "missions under the new processes", "all missions", "", "", 250},
      {"un.secretariat", "sustaining-peace", "Darfur transition plan",
       "Plan the transition from UNAMID with the Government, the country team and the AU.",
       "plan adopted", "1 plan", "", "", 160},
      {"un.secretariat", "safety-security", "Cybersecurity assessment of all missions",
       "Assess the cybersecurity of every mission's systems and close the critical findings.",
       "missions assessed", "all missions", "", "", 220},
      {"un.secretariat", "safety-security",
       "Unified database of status-of-forces-agreement violations",
       "Record violations of status-of-forces agreements in one database shared with the Council.",
       "database in use", "all missions reporting", "", "", 180},
  };
  std::vector<std::string> pledges;
  for (const auto& p : pledge_facts) {
    json args = {{"theme", p.theme},
                 {"title", p.title},
                 {"description", p.description},
                 {"output", {{"indicator", p.indicator}, {"target", p.target}}},
                 {"due", date_from_now(p.due_days)}};
    if (*p.impact_indicator) {
      args["impact"] = {{"indicator", p.impact_indicator}, {"target", p.impact_target}};
    }
    auto c = first_commitment.find(p.theme);
    if (c != first_commitment.end() && !c->second.empty()) args["commitment"] = c->second;
    pledges.push_back(id(as(p.user, "pledge.create", std::move(args))));
  }
  if (!ok()) return std::unexpected(*error_);
  // Pledges that carry out actions.
  as("bgd.delegate", "pledge.update",
     {{"id", pledges[5]}, {"base_version", 1}, {"changes", {{"actions", {gap_actions[3]}}}}});
  as("gha.delegate", "pledge.update",
     {{"id", pledges[7]}, {"base_version", 1}, {"changes", {{"actions", {proposals[4]}}}}});

  struct report_fact {
    std::size_t pledge;
    const char* user;
    const char* status;
    int progress;
    const char* note;
    const char* evidence;     // "" = none
    const char* attribution;  // "" = none
    bool preexisting;
    const char* confidence;
  };
  auto report = [&](const report_fact& r, const std::string& round) {
    json args = {{"id", pledges[r.pledge]},
                 {"status", r.status},
                 {"progress", r.progress},
                 {"note", r.note}};
    if (!round.empty()) args["round"] = round;
    if (*r.evidence) args["evidence"] = {r.evidence};
    if (*r.attribution) {
      args["attribution"] = {{"statement", r.attribution},
                             {"preexisting", r.preexisting},
                             {"confidence", r.confidence}};
    }
    as(r.user, "pledge.report", std::move(args));
  };
  const report_fact first_round[] = {
      {0, "gbr.delegate", "on_track", 30, "Date agreed; invitations sent to Council members.",
       "https://example.org/a4p/gbr/workshop-invitation", "", false, ""},
      {1, "nld.delegate", "on_track", 40, "Two courses delivered (240 personnel).",
       "https://example.org/a4p/nld/poc-course-report",
       "The courses were designed for A4P; without the pledge they would not have run.", false,
       "high"},
      {5, "bgd.delegate", "delayed", 20, "Drill design waits for the updated CASEVAC policy.", "",
       "", false, ""},
      {10, "un.secretariat", "on_track", 50, "Draft circulated to departments.", "", "", false, ""},
      {12, "un.secretariat", "on_track", 35, "Joint planning team in place.", "", "", false, ""},
  };
  for (const auto& r : first_round) report(r, r1);
  as(sec, "round.close", {{"id", r1}});

  // The open reporting round.
  std::string r2 =
      id(as(sec, "round.open",
            {{"name", "Progress review, second half"}, {"closes", date_from_now(21)}}));
  const report_fact second_round[] = {
      {0, "gbr.delegate", "done", 100, "Workshop held with 13 of 15 Council members attending.",
       "https://example.org/a4p/gbr/workshop-summary",
       "The workshop built on informal meetings that took place before A4P.", true, "medium"},
      {1, "nld.delegate", "on_track", 70, "420 personnel trained so far.",
       "https://example.org/a4p/nld/poc-course-report-2", "", false, ""},
      {2, "usa.delegate", "on_track", 60, "CPAS rolled out in 8 of 14 missions.",
       "https://example.org/a4p/usa/cpas-rollout",
       "Rollout was planned before A4P; our funding accelerated it by about six months.", true,
       "medium"},
      {4, "chn.delegate", "on_track", 50,
       "One engineering unit deployed; medical unit in training.", "", "", false, ""},
      {5, "bgd.delegate", "on_track", 60, "Drill added to 6 of 10 courses.", "", "", false, ""},
      {6, "eth.delegate", "delayed", 25, "Advisers selected; deployment slips to next rotation.",
       "", "", false, ""},
      {7, "gha.delegate", "on_track", 80, "All of the next rotation certified.",
       "https://example.org/a4p/gha/certificates",
       "Certification is new; it follows Ghana's pledge under A4P.", false, "high"},
      {10, "un.secretariat", "done", 100, "Report issued to Member States.",
       "https://example.org/a4p/un/performance-report", "", false, ""},
      {13, "un.secretariat", "on_track", 45, "9 of 14 missions assessed.", "", "", false, ""},
      {14, "un.secretariat", "planned", 10,
       "Database design agreed with the Office of Legal Affairs.", "", "", false, ""},
  };
  for (const auto& r : second_round) report(r, r2);
  if (!ok()) return std::unexpected(*error_);

  // Discussions: two open, one restricted.
  std::string d1 = id(as("gbr.delegate", "discussion.convene",
                         {{"theme", "politics"},
                          {"title", "Streamlining mandates: preparing the Council workshop"},
                          {"agenda",
                           "1. Lessons from recent renewals\n2. Principles for sequenced mandates\n"
                           "3. Who drafts the workshop summary"},
                          {"visibility", "open"}}));
  std::string d2 = id(as("nld.delegate", "discussion.convene",
                         {{"theme", "protection"},
                          {"title", "Integrated POC training: pilot with troop contributors"},
                          {"agenda", "Choose the pilot contingents and the course dates."},
                          {"visibility", "restricted"},
                          {"invitees", {"BGD", "ETH", "RWA"}}}));
  std::string d3 =
      id(as(sec, "discussion.convene",
            {{"theme", "performance"},
             {"title", "Which performance data should missions report?"},
             {"agenda", "Agree on a short list of indicators for the next reporting round."},
             {"visibility", "open"}}));
  if (!ok()) return std::unexpected(*error_);

  auto post = [&](std::string_view user, const std::string& target, std::string_view body,
                  const std::string& reply_to = {}) {
    json args = {{"target", target}, {"body", body}};
    if (!reply_to.empty()) args["reply_to"] = reply_to;
    return id(as(user, "comment.post", std::move(args)));
  };
  std::string c1 = post("gbr.delegate", "discussion:" + d1,
                        "Welcome. Please bring one concrete example of a mandate that was hard "
                        "to implement as written.");
  post("bgd.delegate", "discussion:" + d1,
       "Troop contributors should be heard before the draft, not after it.", c1);
  post("eth.delegate", "discussion:" + d1,
       "The Friends of Peace Operations can host a follow-up in New York.", c1);
  post(sec, "discussion:" + d1, "The Secretariat will prepare a background note on renewals.");
  std::string c5 = post("nld.delegate", "discussion:" + d2,
                        "We propose two pilot contingents in the first quarter.");
  post("bgd.delegate", "discussion:" + d2, "Bangladesh can offer one battalion for the pilot.", c5);
  post("eth.delegate", "discussion:" + d2, "Ethiopia is interested; dates to be confirmed.", c5);
  std::string c8 = post("usa.delegate", "discussion:" + d3,
                        "Start with the CPAS indicators that every mission already collects.");
  post("can.delegate", "discussion:" + d3,
       "Agreed, and add one indicator on women's participation.", c8);
  std::string off_topic = post("gha.delegate", "discussion:" + d3,
                               "Off-topic: does anyone have the room number for Thursday?");
  as(sec, "comment.hide", {{"id", off_topic}, {"reason", "off topic; answered by e-mail"}});
  post("gha.delegate", "pledge:" + pledges[7],
       "Certificates for the next rotation are on the evidence page.");

  // G10 opinions.
  as("bgd.delegate", "opinion.give",
     {{"target", "discussion:" + d1},
      {"position", "support"},
      {"text", "A useful step; the workshop should include troop contributors."}});
  as("eth.delegate", "opinion.give",
     {{"target", "action:" + gap_actions[4]},
      {"position", "concerns"},
      {"text", "Broad actions need owners and dates, or they will not move."}});
  as("nld.delegate", "opinion.give",
     {{"target", "pledge:" + pledges[10]},
      {"position", "support"},
      {"text", "The performance report should become the baseline for every round."}});

  // The public dashboard (issue 15): most organisations publish their pledges; two stay
  // internal (USA's and Norway's), to show that publication is each organisation's choice.
  for (std::size_t i = 0; i < pledges.size(); ++i)
    if (i != 2 && i != 8) as(pledge_facts[i].user, "pledge.publish", {{"id", pledges[i]}});

  if (!ok()) return std::unexpected(*error_);
  return {};
}

}  // namespace

storage::result<demo_result> populate(storage::event_log& log, const std::string& password) {
  auto loaded = ctl_workspace::load(log);
  if (!loaded) return std::unexpected(loaded.error());
  ctl_workspace& w = *loaded;
  for (const auto& [id, o] : w.state().orgs) {
    if (id != "UN") {
      return std::unexpected(storage::error{storage::status_code::invalid_argument,
                                            "demo data: the log already holds organisations"});
    }
  }
  if (!w.state().users.empty()) {
    return std::unexpected(storage::error{storage::status_code::invalid_argument,
                                          "demo data: the log already holds users"});
  }
  if (auto st = w.ensure_genesis(); !st) return std::unexpected(st.error());

  demo_script script(w);
  if (auto st = script.run(); !st) return std::unexpected(st.error());

  demo_result out;
  for (const auto& a : demo_accounts) {
    std::string pw = password.empty() ? random_password(12) : password;
    if (auto st = set_password(log, a.user, pw); !st) return std::unexpected(st.error());
    out.sign_ins.emplace_back(std::string(a.user), std::move(pw));
  }
  out.head = log.head();
  return out;
}

}  // namespace a4p::server
