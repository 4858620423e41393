// server/public_stream in process, on an io_context the test drives handler by handler: a write
// completion queued behind a send that passes --public-max-queue-bytes (fixed in fce3ec5, found
// by a load run as a SIGSEGV). With asio, a write to a socket with room completes in its
// initiating call and its handler is posted, so a send posted before it runs first: it closes
// the stream and clears the queue, and the write's handler then finds the queue empty. Before
// the fix that handler popped the empty queue (ASan: heap-use-after-free on the header's string).
#include "server/public_stream.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <memory>
#include <string>

#include "server/config.hpp"
#include "server/metrics.hpp"
#include "server/public_site.hpp"
#include "tests/server/inprocess.hpp"

namespace a4p::test {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

TEST(public_stream, a_write_completing_after_a_send_over_the_bound_closed_the_stream) {
  // The server_app lends its public site (subscribe) and counters; the stream runs on `ioc`,
  // which only this thread drives, with a queue bound of its own.
  inprocess_a4pd server;
  ASSERT_TRUE(server.started());
  auto& app_ctx = server.app().context();
  server::server_config cfg = *app_ctx.cfg;
  cfg.public_max_queue_bytes = 1024;
  server::server_context ctx;
  ctx.cfg = &cfg;
  ctx.stats = app_ctx.stats;
  ctx.site = app_ctx.site;

  net::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(net::ip::address_v4::loopback(), 0));
  tcp::socket viewer(ioc);
  viewer.connect(acceptor.local_endpoint());
  tcp::socket accepted = acceptor.accept();

  const std::string address = "198.51.100.7";
  ASSERT_TRUE(ctx.site->limits().open_stream(address));
  const auto slow_closes = ctx.stats->slow_closes.load();
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";
  auto s = std::make_shared<server::public_stream>(
      ctx, server::public_stream::stream_type(std::in_place_index<0>, std::move(accepted)), head,
      address, server::connection_slot{});

  s->run();  // posted: writes the header (its completion posted in turn), reads, subscribes
  s->send(std::make_shared<const std::string>(std::string(4096, 'x')));  // over the bound
  ASSERT_EQ(ioc.run_one(), 1u);  // run(): the header's write completes, its handler is queued
  ASSERT_EQ(ioc.run_one(), 1u);  // the send: over the bound, the stream closes, queue cleared
  EXPECT_EQ(ctx.stats->slow_closes.load(), slow_closes + 1);
  s.reset();
  ioc.poll();  // the header write's handler, on a closed stream; the aborted read

  // The viewer got the header whole, then the end of the stream.
  std::string got(head.size(), '\0');
  boost::system::error_code ec;
  net::read(viewer, net::buffer(got), ec);
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(got, head);
  char more = 0;
  net::read(viewer, net::buffer(&more, 1), ec);
  EXPECT_EQ(ec, net::error::eof);
  // The site's greeting (posted from the server's thread) held the stream last: once it has
  // run, the destructor gives the stream's place back.
  EXPECT_TRUE(eventually([&] {
    ioc.restart();  // poll() stops an io_context it finds without work
    ioc.poll();
    return ctx.site->limits().streams() == 0;
  }));
}

}  // namespace
}  // namespace a4p::test
