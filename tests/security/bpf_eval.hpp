// A classic-BPF interpreter for seccomp programs, so tests can ask what a
// compiled filter answers for a syscall without installing it.
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <vector>

namespace rt::security::testing {

inline seccomp_data syscall_data(uint32_t arch, int nr, std::initializer_list<uint64_t> args = {}) {
  seccomp_data d{};
  d.arch = arch;
  d.nr = nr;
  size_t i = 0;
  for (uint64_t a : args) d.args[i++] = a;
  return d;
}

inline uint32_t alu(uint16_t op, uint32_t a, uint32_t v) {
  switch (op) {
    case BPF_ADD: return a + v;
    case BPF_SUB: return a - v;
    case BPF_MUL: return a * v;
    case BPF_DIV: return v ? a / v : 0;
    case BPF_MOD: return v ? a % v : 0;
    case BPF_OR: return a | v;
    case BPF_AND: return a & v;
    case BPF_XOR: return a ^ v;
    case BPF_LSH: return a << (v & 31);
    case BPF_RSH: return a >> (v & 31);
    case BPF_NEG: return -a;
  }
  return 0;
}

inline bool jump_taken(uint16_t op, uint32_t a, uint32_t v) {
  switch (op) {
    case BPF_JEQ: return a == v;
    case BPF_JGT: return a > v;
    case BPF_JGE: return a >= v;
    case BPF_JSET: return (a & v) != 0;
  }
  return false;
}

// The program's return value, or nullopt if it runs off the end or does
// something the kernel's checker would refuse.
inline std::optional<uint32_t> bpf_eval(const std::vector<sock_filter>& prog, const seccomp_data& d) {
  uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {};
  const auto* bytes = reinterpret_cast<const unsigned char*>(&d);
  for (size_t pc = 0; pc < prog.size(); ++pc) {
    const sock_filter& f = prog[pc];
    const uint32_t src = BPF_SRC(f.code) == BPF_X ? x : f.k;
    switch (BPF_CLASS(f.code)) {
      case BPF_LD:
        if (BPF_MODE(f.code) == BPF_ABS) {
          if (f.k + 4 > sizeof d) return std::nullopt;
          std::memcpy(&a, bytes + f.k, 4);
        } else if (BPF_MODE(f.code) == BPF_MEM) {
          a = mem[f.k % BPF_MEMWORDS];
        } else if (BPF_MODE(f.code) == BPF_IMM) {
          a = f.k;
        } else {
          return std::nullopt;
        }
        break;
      case BPF_LDX: x = BPF_MODE(f.code) == BPF_MEM ? mem[f.k % BPF_MEMWORDS] : f.k; break;
      case BPF_ST: mem[f.k % BPF_MEMWORDS] = a; break;
      case BPF_STX: mem[f.k % BPF_MEMWORDS] = x; break;
      case BPF_ALU: a = alu(BPF_OP(f.code), a, src); break;
      case BPF_JMP:
        if (BPF_OP(f.code) == BPF_JA)
          pc += f.k;
        else
          pc += jump_taken(BPF_OP(f.code), a, src) ? f.jt : f.jf;
        break;
      case BPF_RET: return BPF_RVAL(f.code) == BPF_A ? a : f.k;
      case BPF_MISC:
        if (BPF_MISCOP(f.code) == BPF_TAX)
          x = a;
        else
          a = x;
        break;
    }
  }
  return std::nullopt;
}

}  // namespace rt::security::testing
