#include "http/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <csignal>
#include <exception>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "http/server_internal.h"

namespace bucketflow::http {

namespace asio = boost::asio;
using internal::Connection;
using internal::Redirect;
using internal::tcp;

// Threading: `control_` (a strand) owns the acceptor, the signal set, the grace timer and the
// work guard; each connection runs on its own strand; the registry of live connections is
// shared between them under `mu_`.
class Server::Impl {
 public:
  Impl(ServerConfig config, const Router& router, AccessLogger access_logger)
      : config_(std::move(config)),
        router_(router),
        access_logger_(std::move(access_logger)),
        io_(std::max(1, config_.threads)),
        control_(asio::make_strand(io_)),
        acceptor_(control_),
        grace_timer_(control_),
        sweep_timer_(control_),
        env_{.config = config_,
             .router = router_,
             .access_logger = access_logger_,
             .stopping = stopping_} {}

  ~Impl() {
    Stop();
    Join();
  }

  Status Start();
  uint16_t port() const { return port_; }
  void Wait();
  void Stop() {
    asio::post(control_, [this] { DoStop(); });
  }

 private:
  Status Listen(const tcp::endpoint& endpoint);
  asio::awaitable<void> AcceptLoop();
  void Spawn(tcp::socket socket);
  asio::awaitable<void> Serve(std::shared_ptr<Connection> conn);
  void Unregister(Connection& conn);
  void DoStop();
  std::vector<std::shared_ptr<Connection>> Snapshot();
  void CloseConnections(bool only_idle);
  asio::awaitable<void> SweepLoop();
  void CloseStalled(std::chrono::steady_clock::duration timeout);
  void FinishDrain();
  void RunIo();
  void Join();

  // Immutable after construction.
  const ServerConfig config_;
  const Router& router_;
  const AccessLogger access_logger_;

  asio::io_context io_;
  asio::strand<asio::io_context::executor_type> control_;
  tcp::acceptor acceptor_;                                                          // control_ only
  asio::steady_timer grace_timer_;                                                  // control_ only
  asio::steady_timer sweep_timer_;                                                  // control_ only
  std::optional<asio::signal_set> signals_;                                         // control_ only
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;  // control_
  std::atomic<bool> stopping_{false};
  internal::ConnectionEnv env_;

  std::mutex mu_;
  std::list<std::shared_ptr<Connection>> connections_;  // GUARDED_BY(mu_)

  std::mutex join_mu_;
  std::vector<std::thread> threads_;  // GUARDED_BY(join_mu_)
  uint16_t port_ = 0;
  bool started_ = false;  // Start() was called; Start() is not called concurrently
};

Status Server::Impl::Start() {
  if (started_) {
    return Status::FailedPrecondition("server already started");
  }
  started_ = true;
  boost::system::error_code ec;
  tcp::resolver resolver(io_);
  const auto endpoints =
      resolver.resolve(config_.host, std::to_string(config_.port), tcp::resolver::passive, ec);
  if (ec || endpoints.empty()) {
    return Status::InvalidArgument("cannot resolve listen address '", config_.host,
                                   "': ", ec.message());
  }
  RETURN_IF_ERROR(Listen(endpoints.begin()->endpoint()));
  if (config_.handle_signals) {
    // Installed before any I/O thread runs, so no lock is needed for signals_ yet.
    signals_.emplace(control_, SIGINT, SIGTERM);
    signals_->async_wait([this](const boost::system::error_code& signal_ec, int signal_number) {
      if (!signal_ec) {
        spdlog::info("received signal {}, shutting down", signal_number);
        DoStop();
      }
    });
  }
  work_.emplace(io_.get_executor());
  asio::co_spawn(control_, AcceptLoop(), [](const std::exception_ptr& error) {
    if (error) {
      spdlog::error("http accept loop ended with an exception");
    }
  });
  if (config_.idle_timeout_seconds > 0) {
    asio::co_spawn(control_, SweepLoop(), asio::detached);
  }
  std::lock_guard lock(join_mu_);
  for (int thread_idx = 0; thread_idx < std::max(1, config_.threads); ++thread_idx) {
    threads_.emplace_back([this] { RunIo(); });
  }
  return Status::Ok();
}

Status Server::Impl::Listen(const tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor_.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return Status::Unavailable("cannot listen on ", config_.host, ":", config_.port, ": ",
                               ec.message());
  }
  port_ = acceptor_.local_endpoint(ec).port();
  return Status::Ok();
}

asio::awaitable<void> Server::Impl::AcceptLoop() {
  while (!stopping_.load()) {
    boost::system::error_code ec;
    tcp::socket socket = co_await acceptor_.async_accept(asio::make_strand(io_), Redirect(ec));
    if (stopping_.load() || ec == asio::error::operation_aborted) {
      break;
    }
    if (ec) {
      // Typically EMFILE: back off briefly instead of spinning on the error.
      spdlog::warn("http accept failed: {}", ec.message());
      asio::steady_timer backoff(control_, std::chrono::milliseconds(50));
      co_await backoff.async_wait(Redirect(ec));
      continue;
    }
    Spawn(std::move(socket));
  }
}

void Server::Impl::Spawn(tcp::socket socket) {
  boost::system::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  auto conn = std::make_shared<Connection>(std::move(socket));
  const tcp::endpoint remote = conn->socket.remote_endpoint(ec);
  conn->remote = ec ? std::string("-") : remote.address().to_string();
  {
    std::lock_guard lock(mu_);
    conn->registry_pos = connections_.insert(connections_.end(), conn);
  }
  auto executor = conn->socket.get_executor();
  asio::co_spawn(executor, Serve(std::move(conn)), [](const std::exception_ptr& error) {
    if (error) {
      spdlog::error("http connection ended with an exception");
    }
  });
}

asio::awaitable<void> Server::Impl::Serve(std::shared_ptr<Connection> conn) {
  try {
    co_await internal::ServeConnection(env_, *conn);
  } catch (const std::exception& e) {
    spdlog::error("http connection from {} failed: {}", conn->remote, e.what());
  }
  co_await internal::LingeringClose(conn);
  Unregister(*conn);
}

void Server::Impl::Unregister(Connection& conn) {
  bool last = false;
  {
    std::lock_guard lock(mu_);
    connections_.erase(conn.registry_pos);
    last = connections_.empty();
  }
  if (last && stopping_.load()) {
    asio::post(control_, [this] { FinishDrain(); });
  }
}

void Server::Impl::DoStop() {
  if (stopping_.exchange(true)) {
    return;
  }
  boost::system::error_code ec;
  acceptor_.close(ec);
  if (signals_) {
    signals_->cancel(ec);
  }
  sweep_timer_.cancel();
  CloseConnections(/*only_idle=*/true);
  bool empty = false;
  {
    std::lock_guard lock(mu_);
    empty = connections_.empty();
  }
  if (empty) {
    FinishDrain();
    return;
  }
  grace_timer_.expires_after(std::chrono::seconds(std::max(0, config_.shutdown_grace_seconds)));
  grace_timer_.async_wait([this](const boost::system::error_code& wait_ec) {
    if (wait_ec) {
      return;  // cancelled by FinishDrain: everything finished in time
    }
    spdlog::warn("http shutdown grace period over; closing remaining connections");
    CloseConnections(/*only_idle=*/false);
    work_.reset();
  });
}

std::vector<std::shared_ptr<Connection>> Server::Impl::Snapshot() {
  std::lock_guard lock(mu_);
  return {connections_.begin(), connections_.end()};
}

// Closing happens on each connection's strand, where its coroutine runs; an idle connection
// is parked in async_read_header and simply sees the socket closed.
void Server::Impl::CloseConnections(bool only_idle) {
  const std::vector<std::shared_ptr<Connection>> snapshot = Snapshot();
  for (const auto& conn : snapshot) {
    asio::post(conn->socket.get_executor(), [conn, only_idle] {
      if (!only_idle || conn->idle) {
        boost::system::error_code ec;
        conn->socket.shutdown(tcp::socket::shutdown_both, ec);
        conn->socket.close(ec);
      }
    });
  }
}

asio::awaitable<void> Server::Impl::SweepLoop() {
  const auto timeout = std::chrono::seconds(config_.idle_timeout_seconds);
  // Check a few times per timeout period, so a connection lives at most ~1.25x the timeout.
  const auto interval =
      std::min<std::chrono::steady_clock::duration>(timeout / 4, std::chrono::seconds(5));
  while (!stopping_.load()) {
    sweep_timer_.expires_after(interval);
    boost::system::error_code ec;
    co_await sweep_timer_.async_wait(Redirect(ec));
    if (ec || stopping_.load()) {
      break;
    }
    CloseStalled(timeout);
  }
}

void Server::Impl::CloseStalled(std::chrono::steady_clock::duration timeout) {
  const std::vector<std::shared_ptr<Connection>> snapshot = Snapshot();
  const auto now = std::chrono::steady_clock::now();
  for (const auto& conn : snapshot) {
    asio::post(conn->socket.get_executor(), [conn, now, timeout] {
      if (conn->waiting && now - conn->waiting_since > timeout) {
        boost::system::error_code ec;
        conn->socket.close(ec);
      }
    });
  }
}

void Server::Impl::FinishDrain() {
  grace_timer_.cancel();
  work_.reset();
}

void Server::Impl::Wait() { Join(); }

void Server::Impl::RunIo() {
  while (true) {
    try {
      io_.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("http io thread caught: {}", e.what());
    } catch (...) {
      spdlog::error("http io thread caught a non-exception");
    }
  }
}

void Server::Impl::Join() {
  std::lock_guard lock(join_mu_);
  for (std::thread& thread : threads_) {
    if (thread.get_id() == std::this_thread::get_id()) {
      thread.detach();  // Stop() from inside a handler: the thread ends by itself
    } else if (thread.joinable()) {
      thread.join();
    }
  }
  threads_.clear();
}

Server::Server(ServerConfig config, const Router& router, AccessLogger access_logger)
    : impl_(std::make_unique<Impl>(std::move(config), router, std::move(access_logger))) {}

Server::~Server() = default;

Status Server::Start() { return impl_->Start(); }

uint16_t Server::port() const { return impl_->port(); }

void Server::Wait() { impl_->Wait(); }

void Server::Stop() { impl_->Stop(); }

}  // namespace bucketflow::http
