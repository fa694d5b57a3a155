#pragma once

#include <cstdio>
#include <cstdlib>

// Programmer invariants only; never for user input. Prints the reason and aborts.
#define BUCKETFLOW_CHECK(cond, reason)                                                           \
  do {                                                                                           \
    if (!(cond)) {                                                                               \
      std::fprintf(stderr, "%s:%d: check failed: %s (%s)\n", __FILE__, __LINE__, #cond, reason); \
      std::abort();                                                                              \
    }                                                                                            \
  } while (0)
