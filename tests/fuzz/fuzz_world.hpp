// The fixed workspace the domain fuzz targets decide and apply against: the test world of
// tests/protocol/world.hpp (every role, one of each entity), built once per process.
#pragma once

#include "tests/protocol/world.hpp"

namespace a4p::fuzz {

inline const protocol::testing::world& the_world() {
  static const protocol::testing::world w;
  return w;
}

}  // namespace a4p::fuzz
