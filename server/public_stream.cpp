#include "server/public_stream.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>

#include "server/config.hpp"
#include "server/metrics.hpp"
#include "server/public_site.hpp"
#include "server/server_context.hpp"

namespace a4p::server {

namespace beast = boost::beast;
namespace net = boost::asio;

public_stream::public_stream(server_context& ctx, stream_type&& stream, std::string head,
                             std::string address, connection_slot slot)
    : ctx_(ctx), stream_(std::move(stream)), slot_(std::move(slot)), address_(std::move(address)) {
  queue_.push_back(std::make_shared<const std::string>(std::move(head)));
  queued_bytes_ = queue_.back()->size();
  ctx_.stats->public_streams.fetch_add(1);
}

public_stream::~public_stream() {
  if (ctx_.site) ctx_.site->limits().close_stream(address_);
  ctx_.stats->public_streams.fetch_sub(1);
}

void public_stream::run() {
  std::visit(
      [&](auto& s) {
        net::dispatch(s.get_executor(), [self = shared_from_this()] {
          self->do_write();
          self->do_read();
          self->ctx_.site->subscribe(self);
        });
      },
      stream_);
}

void public_stream::send(std::shared_ptr<const std::string> chunk) {
  std::visit(
      [&](auto& s) {
        net::post(s.get_executor(), [self = shared_from_this(), c = std::move(chunk)]() mutable {
          self->do_send(std::move(c));
        });
      },
      stream_);
}

void public_stream::close() {
  std::visit(
      [&](auto& s) {
        net::post(s.get_executor(), [self = shared_from_this()] { self->do_close(); });
      },
      stream_);
}

void public_stream::do_send(std::shared_ptr<const std::string> chunk) {
  if (closed_) return;
  queued_bytes_ += chunk->size();
  queue_.push_back(std::move(chunk));
  if (queued_bytes_ > ctx_.cfg->public_max_queue_bytes) {
    ctx_.stats->slow_closes.fetch_add(1);
    return do_close();  // the viewer's EventSource reconnects and refetches
  }
  if (!writing_) do_write();
}

void public_stream::do_write() {
  if (closed_ || queue_.empty()) return;
  writing_ = true;
  auto chunk = queue_.front();
  std::visit(
      [&](auto& s) {
        beast::get_lowest_layer(s).expires_after(ctx_.cfg->write_timeout);
        net::async_write(s, net::buffer(*chunk),
                         [self = shared_from_this(), chunk](beast::error_code ec, std::size_t n) {
                           self->on_write(ec, n);
                         });
      },
      stream_);
}

void public_stream::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  // Closed meanwhile (a send over the queue bound ran between the write's end and this): the
  // queue was cleared, and its front is gone.
  if (ec || closed_) return do_close();
  queued_bytes_ -= queue_.front()->size();
  queue_.pop_front();
  if (queue_.empty()) {
    std::visit([](auto& s) { beast::get_lowest_layer(s).expires_never(); }, stream_);
    return;
  }
  do_write();
}

void public_stream::do_read() {
  std::visit(
      [&](auto& s) {
        s.async_read_some(net::buffer(read_buf_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) return self->do_close();
                            self->do_read();  // anything the client sends is dropped
                          });
      },
      stream_);
}

void public_stream::do_close() {
  if (closed_) return;
  closed_ = true;
  queue_.clear();
  queued_bytes_ = 0;
  beast::error_code ec;
  std::visit([&](auto& s) { beast::get_lowest_layer(s).socket().close(ec); }, stream_);
}

}  // namespace a4p::server
