// The -ENOSYS stub prepended to libseccomp's program (see seccomp.hpp).
//
//        ld  [arch]
//        jeq AUDIT_ARCH_A, arch_a        one test per architecture
//        ...
//        ja  filter                      an architecture we have no numbers for
// arch_a: ld  [nr]
//        (s390: jeq 0, enosys)           the multiplexer for unknown numbers
//        (x86_64: jset 0x40000000, x32)  the x32 ABI has its own numbering
//        jgt MAX_A, enosys, filter
//        ...
// enosys: ret ERRNO(ENOSYS)
// filter: <libseccomp's program>
//
// libseccomp's program reloads what it needs, so clobbering A is harmless.
// Conditional jumps only reach 255 instructions ahead; the stub is small
// (at most ~6 instructions per architecture), and finish() checks it.
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cerrno>
#include <cstddef>

#include "runtime/security/seccomp.hpp"

namespace rt::security {
namespace {

constexpr uint32_t kX32SyscallBit = 0x40000000u;

// A tiny assembler for forward jumps to labels.
class Assembler {
 public:
  int label() {
    bound_.push_back(-1);
    return static_cast<int>(bound_.size()) - 1;
  }
  void bind(int l) { bound_[l] = static_cast<int>(code_.size()); }
  void load_word(uint32_t offset) { code_.push_back({BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset), -1, -1}); }
  void ret(uint32_t value) { code_.push_back({BPF_STMT(BPF_RET | BPF_K, value), -1, -1}); }
  void jump(int target) { code_.push_back({BPF_STMT(BPF_JMP | BPF_JA, 0), target, -1}); }
  // jt/jf: labels, or -1 for the next instruction.
  void jump_if(uint16_t op, uint32_t k, int jt, int jf) {
    code_.push_back({BPF_JUMP(BPF_JMP | op | BPF_K, k, 0, 0), jt, jf});
  }

  Result<std::vector<sock_filter>> finish() const {
    std::vector<sock_filter> out;
    for (size_t i = 0; i < code_.size(); ++i) {
      sock_filter f = code_[i].insn;
      const auto offset = [&](int l) { return l < 0 ? 0 : bound_[l] - static_cast<int>(i) - 1; };
      if (BPF_OP(f.code) == BPF_JA && BPF_CLASS(f.code) == BPF_JMP) {
        f.k = static_cast<uint32_t>(offset(code_[i].jt));
      } else if (BPF_CLASS(f.code) == BPF_JMP) {
        const int jt = offset(code_[i].jt), jf = offset(code_[i].jf);
        if (jt < 0 || jt > 255 || jf < 0 || jf > 255)
          return Err(E2BIG, "seccomp -ENOSYS stub: conditional jump out of range");
        f.jt = static_cast<uint8_t>(jt);
        f.jf = static_cast<uint8_t>(jf);
      }
      out.push_back(f);
    }
    return out;
  }

 private:
  struct Insn {
    sock_filter insn;
    int jt, jf;  // labels
  };
  std::vector<Insn> code_;
  std::vector<int> bound_;
};

// jgt max -> enosys, else -> filter; no known number: straight to the filter.
void emit_max_check(Assembler& a, const std::optional<uint32_t>& max, int enosys, int filter) {
  if (max)
    a.jump_if(BPF_JGT, *max, enosys, filter);
  else
    a.jump(filter);
}

}  // namespace

Result<std::vector<sock_filter>> enosys_stub(std::span<const EnosysArch> arches) {
  Assembler a;
  const int enosys = a.label(), filter = a.label();
  std::vector<int> sections;
  a.load_word(offsetof(seccomp_data, arch));
  for (const auto& arch : arches) {
    sections.push_back(a.label());
    a.jump_if(BPF_JEQ, arch.audit_arch, sections.back(), -1);
  }
  a.jump(filter);
  for (size_t i = 0; i < arches.size(); ++i) {
    const EnosysArch& arch = arches[i];
    a.bind(sections[i]);
    a.load_word(offsetof(seccomp_data, nr));
    if (arch.multiplexer_zero) a.jump_if(BPF_JEQ, 0, enosys, -1);
    if (arch.audit_arch == AUDIT_ARCH_X86_64) {
      const int native = a.label(), x32 = a.label();
      a.jump_if(BPF_JSET, kX32SyscallBit, x32, native);
      a.bind(native);
      emit_max_check(a, arch.max_nr, enosys, filter);
      a.bind(x32);
      emit_max_check(a, arch.max_x32_nr, enosys, filter);
    } else {
      emit_max_check(a, arch.max_nr, enosys, filter);
    }
  }
  a.bind(enosys);
  a.ret(SECCOMP_RET_ERRNO | ENOSYS);
  a.bind(filter);
  return a.finish();
}

}  // namespace rt::security
