// cgroup v2 device control: a BPF_PROG_TYPE_CGROUP_DEVICE program built
// instruction by instruction (no clang, no libbpf) and attached with bpf(2).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"

namespace rt::cgroups {

class DeviceState;

// One eBPF instruction, field for field struct bpf_insn (whose register
// nibbles are bit-fields, awkward to compare in tests).
struct BpfInsn {
  uint8_t code = 0;
  uint8_t dst = 0;
  uint8_t src = 0;
  int16_t off = 0;
  int32_t imm = 0;
  bool operator==(const BpfInsn&) const = default;
};
using BpfProgram = std::vector<BpfInsn>;

// PURE. The filter for an emulated rule set: load type/access/major/minor
// from struct bpf_cgroup_dev_ctx, test each exception (all of which have the
// verdict opposite to the default), then return the default.
//  - allow exceptions (default deny) match when the requested access is a
//    subset of the rule's, as v1's match_exception does;
//  - deny exceptions (default allow) match when they share any bit with the
//    request, as v1's match_exception_partial does: "deny w" must also stop an
//    O_RDWR open, which asks for read and write at once.
BpfProgram device_filter_program(const DeviceState& state);

// Human-readable listing, for test failure messages and debugging.
std::string disassemble(const BpfProgram& program);

// Loads the program into the kernel (the verifier's log goes into the error).
Result<UniqueFd> load_device_program(const BpfProgram& program);
// Attaches prog_fd to the cgroup with BPF_F_ALLOW_MULTI, then detaches every
// device program that was attached before it: during the switch both run and
// the stricter verdict wins, so there is never a moment without a filter.
Result<> replace_device_programs(int cgroup_fd, int prog_fd);
// Ids of the device programs attached to the cgroup itself.
Result<std::vector<uint32_t>> query_device_programs(int cgroup_fd);

}  // namespace rt::cgroups
