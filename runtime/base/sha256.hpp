// SHA-256 (FIPS 180-4), for content-addressed caches. No dependency: the
// project links only what Debian's runtime packages provide.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace rt {

class Sha256 {
 public:
  Sha256();
  Sha256& update(std::string_view data);
  std::array<uint8_t, 32> digest();  // finishes; the object is spent afterwards
  std::string hex_digest();

 private:
  void block(const uint8_t* p);

  std::array<uint32_t, 8> h_;
  std::array<uint8_t, 64> buf_{};
  size_t buf_len_ = 0;
  uint64_t total_ = 0;
};

inline std::string sha256_hex(std::string_view data) { return Sha256().update(data).hex_digest(); }

}  // namespace rt
