#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "core/status.h"

// Starts and stops a `bucketflow server` child on a free loopback port, with its database and
// artifacts in one directory, and reads its memory use from /proc. Not thread-safe.
namespace bucketflow::bench {

struct MemoryUse {
  int64_t rss_kb = 0;  // VmRSS: resident now
  int64_t hwm_kb = 0;  // VmHWM: peak resident so far
};

class ServerProcess {
 public:
  // `binary` is the bucketflow executable; `dir` holds db.sqlite, artifacts/ and server.log.
  ServerProcess(std::string binary, std::string dir);
  ~ServerProcess();  // SIGKILLs a child that is still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Spawns the server and waits until GET /health answers 200. Returns the time that took.
  Result<std::chrono::duration<double>> Start();
  // SIGTERM, then waits; returns the exit status (non-zero or a signal is an error).
  Status Stop();
  Result<MemoryUse> Memory() const;
  std::string url() const;

 private:
  Status Spawn();

  std::string binary_;
  std::string dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// A fresh temporary directory (mkdtemp under $TMPDIR or /tmp).
Result<std::string> MakeTempDir();

}  // namespace bucketflow::bench
