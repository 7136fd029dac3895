// libFuzzer target: the state.json reader. A damaged file must be an error,
// never a crash; what decodes must encode and decode to the same text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "runtime/container/state_store.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto state = rt::container::decode_state(text);
  if (!state) return 0;
  const std::string encoded = rt::container::encode_state(*state);
  auto again = rt::container::decode_state(encoded);
  if (!again || rt::container::encode_state(*again) != encoded) std::abort();
  return 0;
}
