#include "nats/parser.hpp"

#include <charconv>

namespace a4p::nats {

namespace {

// Splits a control line's arguments on spaces and tabs.
std::vector<std::string_view> fields(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

template <class T>
bool number(std::string_view s, T& v) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc{} && p == s.data() + s.size();
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<std::string_view> message::header(std::string_view name) const {
  for (const auto& [k, v] : hdrs)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

bool parse_headers(std::string_view block, message& m) {
  auto eol = block.find("\r\n");
  if (eol == std::string_view::npos) return false;
  std::string_view first = block.substr(0, eol);
  if (!first.starts_with("NATS/1.0")) return false;
  first.remove_prefix(8);
  while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
  if (!first.empty()) {
    auto sp = first.find(' ');
    if (!number(first.substr(0, sp), m.status)) return false;
    if (sp != std::string_view::npos) m.status_text = std::string(first.substr(sp + 1));
  }
  std::size_t i = eol + 2;
  while (i < block.size()) {
    auto e = block.find("\r\n", i);
    if (e == std::string_view::npos) return false;
    std::string_view line = block.substr(i, e - i);
    i = e + 2;
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    m.hdrs.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  }
  return true;
}

std::string encode_headers(const headers& h) {
  std::string out = "NATS/1.0\r\n";
  for (const auto& [k, v] : h) {
    out += k;
    out += ": ";
    out += v;
    out += "\r\n";
  }
  out += "\r\n";
  return out;
}

bool parser::parse_control(std::string_view line, std::vector<server_op>& out) {
  if (starts_with_ci(line, "MSG ") || starts_with_ci(line, "HMSG ")) {
    const bool with_headers = starts_with_ci(line, "HMSG ");
    auto f = fields(line.substr(with_headers ? 5 : 4));
    // MSG <subject> <sid> [reply] <#bytes>; HMSG <subject> <sid> [reply] <#hdr> <#total>
    const std::size_t sizes = with_headers ? 2 : 1;
    if (f.size() != 2 + sizes && f.size() != 3 + sizes) {
      error_ = "malformed " + std::string(with_headers ? "HMSG" : "MSG") + ": " + std::string(line);
      return false;
    }
    message m;
    m.subject = std::string(f[0]);
    if (!number(f[1], m.sid)) {
      error_ = "bad sid: " + std::string(line);
      return false;
    }
    if (f.size() == 3 + sizes) m.reply = std::string(f[2]);
    std::size_t hdr = 0, total = 0;
    if (with_headers) {
      if (!number(f[f.size() - 2], hdr) || !number(f.back(), total) || hdr > total) {
        error_ = "bad sizes: " + std::string(line);
        return false;
      }
    } else if (!number(f.back(), total)) {
      error_ = "bad size: " + std::string(line);
      return false;
    }
    if (total > max_payload_) {
      error_ = "message of " + std::to_string(total) + " bytes is over the limit";
      return false;
    }
    pending_ = std::move(m);
    header_bytes_ = hdr;
    total_bytes_ = total;
    return true;
  }
  if (starts_with_ci(line, "INFO")) {
    auto json = line.substr(4);
    while (!json.empty() && (json.front() == ' ' || json.front() == '\t')) json.remove_prefix(1);
    out.emplace_back(info_op{std::string(json)});
  } else if (starts_with_ci(line, "PING")) {
    out.emplace_back(ping_op{});
  } else if (starts_with_ci(line, "PONG")) {
    out.emplace_back(pong_op{});
  } else if (starts_with_ci(line, "+OK")) {
    out.emplace_back(ok_op{});
  } else if (starts_with_ci(line, "-ERR")) {
    auto text = line.substr(4);
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'')
      text = text.substr(1, text.size() - 2);
    out.emplace_back(err_op{std::string(text)});
  } else {
    error_ = "unknown operation: " + std::string(line.substr(0, 32));
    return false;
  }
  return true;
}

bool parser::feed(std::string_view bytes, std::vector<server_op>& out) {
  if (!error_.empty()) return false;
  buf_.append(bytes);
  for (;;) {
    if (pending_) {
      // The payload and its "\r\n".
      if (buf_.size() - pos_ < total_bytes_ + 2) break;
      std::string_view body(buf_.data() + pos_, total_bytes_);
      if (buf_.compare(pos_ + total_bytes_, 2, "\r\n") != 0) {
        error_ = "message payload not followed by CRLF";
        return false;
      }
      message m = std::move(*pending_);
      pending_.reset();
      if (header_bytes_ > 0) {
        if (!parse_headers(body.substr(0, header_bytes_), m)) {
          error_ = "malformed header block";
          return false;
        }
      }
      m.payload = std::string(body.substr(header_bytes_));
      out.emplace_back(std::move(m));
      pos_ += total_bytes_ + 2;
      continue;
    }
    auto eol = buf_.find("\r\n", pos_);
    if (eol == std::string::npos) {
      if (buf_.size() - pos_ > max_control_) {
        error_ = "control line over " + std::to_string(max_control_) + " bytes";
        return false;
      }
      break;
    }
    std::string_view line(buf_.data() + pos_, eol - pos_);
    if (line.size() > max_control_) {
      error_ = "control line over " + std::to_string(max_control_) + " bytes";
      return false;
    }
    pos_ = eol + 2;
    if (!parse_control(line, out)) return false;
  }
  // Drop what is consumed once it is most of the buffer (amortised, no copy per op).
  if (pos_ > 0 && pos_ * 2 >= buf_.size()) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  return true;
}

}  // namespace a4p::nats
