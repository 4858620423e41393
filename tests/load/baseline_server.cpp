#include "tests/load/baseline_server.hpp"

#include <deque>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

namespace a4p::load {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

class baseline_session : public std::enable_shared_from_this<baseline_session> {
 public:
  explicit baseline_session(tcp::socket&& s) : ws_(std::move(s)) {}

  void run(baseline_server& hub) {
    net::dispatch(ws_.get_executor(), [self = shared_from_this(), &hub] {
      self->ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
      self->ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
        res.set(beast::http::field::sec_websocket_protocol, "a4p.v1");
      }));
      self->ws_.async_accept([self, &hub](beast::error_code ec) {
        if (ec) return;
        hub.join(self);
        self->do_read();
      });
    });
  }

  void deliver(std::shared_ptr<const std::string> m) {
    net::post(ws_.get_executor(), [self = shared_from_this(), m = std::move(m)] {
      if (self->closed_) return;
      self->queued_bytes_ += m->size();
      if (self->queued_bytes_ > max_queue_bytes) {
        self->closed_ = true;
        self->ws_.async_close(websocket::close_code(4008), [self](beast::error_code) {});
        return;
      }
      self->queue_.push_back(std::move(m));
      if (self->queue_.size() == 1) self->do_write();
    });
  }

 private:
  static constexpr std::size_t max_queue_bytes = 4 * 1024 * 1024;

  void do_read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->closed_ = true;
        return;
      }
      self->buffer_.consume(self->buffer_.size());
      self->do_read();
    });
  }
  void do_write() {
    ws_.text(true);
    ws_.async_write(net::buffer(*queue_.front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      self->queued_bytes_ -= self->queue_.front()->size();
                      self->queue_.pop_front();
                      if (ec) {
                        self->closed_ = true;
                        self->queue_.clear();
                        self->queued_bytes_ = 0;
                        return;
                      }
                      if (!self->queue_.empty()) self->do_write();
                    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  std::size_t queued_bytes_ = 0;
  bool closed_ = false;
};

baseline_server::baseline_server(net::io_context& ioc) : ioc_(ioc), acceptor_(ioc) {}

baseline_server::~baseline_server() {
  stop();
}

tcp::endpoint baseline_server::start() {
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(ep);
  acceptor_.listen(4096);
  do_accept();
  return acceptor_.local_endpoint();
}

void baseline_server::stop() {
  beast::error_code ec;
  acceptor_.close(ec);
}

void baseline_server::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_), [this](beast::error_code ec, tcp::socket s) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      s.set_option(tcp::no_delay(true), ec);
      std::make_shared<baseline_session>(std::move(s))->run(*this);
    }
    do_accept();
  });
}

void baseline_server::join(const std::shared_ptr<baseline_session>& s) {
  std::lock_guard lock(mu_);
  sessions_.push_back(s);
}

std::size_t baseline_server::clients() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

void baseline_server::broadcast(std::shared_ptr<const std::string> message) {
  std::vector<std::shared_ptr<baseline_session>> live;
  {
    std::lock_guard lock(mu_);
    live.reserve(sessions_.size());
    std::erase_if(sessions_, [&](const std::weak_ptr<baseline_session>& w) {
      auto s = w.lock();
      if (!s) return true;
      live.push_back(std::move(s));
      return false;
    });
  }
  for (auto& s : live) s->deliver(message);
}

}  // namespace a4p::load
