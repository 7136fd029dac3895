#include "runtime/cgroups/bpf.hpp"

#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "runtime/base/str.hpp"
#include "runtime/cgroups/devices.hpp"

namespace rt::cgroups {
namespace {

// Registers: r1 = context on entry; r2 = device type, r3 = requested access,
// r4 = major, r5 = minor; r1 is reused as scratch after the loads.
constexpr uint8_t kR0 = 0, kR1 = 1, kR2 = 2, kR3 = 3, kR4 = 4, kR5 = 5;

BpfInsn load_word(uint8_t dst, int16_t off) { return {BPF_LDX | BPF_MEM | BPF_W, dst, kR1, off, 0}; }
BpfInsn alu32_imm(uint8_t op, uint8_t dst, int32_t imm) { return {static_cast<uint8_t>(BPF_ALU | op | BPF_K), dst, 0, 0, imm}; }
BpfInsn mov32_reg(uint8_t dst, uint8_t src) { return {BPF_ALU | BPF_MOV | BPF_X, dst, src, 0, 0}; }
BpfInsn jump_imm(uint8_t op, uint8_t dst, int32_t imm) { return {static_cast<uint8_t>(BPF_JMP | op | BPF_K), dst, 0, 0, imm}; }
BpfInsn jump_reg(uint8_t op, uint8_t dst, uint8_t src) { return {static_cast<uint8_t>(BPF_JMP | op | BPF_X), dst, src, 0, 0}; }
BpfInsn exit_insn() { return {BPF_JMP | BPF_EXIT, 0, 0, 0, 0}; }

// One exception: a run of "skip this block unless it matches" jumps, then
// the verdict. Jump offsets are patched once the block's length is known.
void append_exception(BpfProgram& prog, const DeviceState::Key& k, uint8_t access, bool allow) {
  BpfProgram block;
  block.push_back(jump_imm(BPF_JNE, kR2, k.type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR));
  if (access != kAccAll) {
    block.push_back(mov32_reg(kR1, kR3));
    block.push_back(alu32_imm(BPF_AND, kR1, access));
    // allow: (req & acc) != req -> skip;  deny: (req & acc) == 0 -> skip
    block.push_back(allow ? jump_reg(BPF_JNE, kR1, kR3) : jump_imm(BPF_JEQ, kR1, 0));
  }
  if (k.major != kAnyNumber) block.push_back(jump_imm(BPF_JNE, kR4, static_cast<int32_t>(k.major)));
  if (k.minor != kAnyNumber) block.push_back(jump_imm(BPF_JNE, kR5, static_cast<int32_t>(k.minor)));
  block.push_back(alu32_imm(BPF_MOV, kR0, allow ? 1 : 0));
  block.push_back(exit_insn());
  for (size_t i = 0; i + 2 < block.size(); ++i)
    if (BPF_CLASS(block[i].code) == BPF_JMP)
      block[i].off = static_cast<int16_t>(block.size() - i - 1);  // to the first insn after the block
  prog.insert(prog.end(), block.begin(), block.end());
}

long bpf(int cmd, union bpf_attr* attr) { return ::syscall(SYS_bpf, cmd, attr, sizeof(*attr)); }

uint64_t ptr(const void* p) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)); }

}  // namespace

BpfProgram device_filter_program(const DeviceState& state) {
  BpfProgram prog = {
      load_word(kR2, 0), alu32_imm(BPF_AND, kR2, 0xFFFF),  // type: low 16 bits of access_type
      load_word(kR3, 0), alu32_imm(BPF_RSH, kR3, 16),      // access: high 16 bits
      load_word(kR4, 4),                                   // major
      load_word(kR5, 8),                                   // minor
  };
  for (const auto& [k, access] : state.exceptions()) append_exception(prog, k, access, !state.default_allow());
  prog.push_back(alu32_imm(BPF_MOV, kR0, state.default_allow() ? 1 : 0));
  prog.push_back(exit_insn());
  return prog;
}

std::string disassemble(const BpfProgram& program) {
  std::string out;
  for (size_t i = 0; i < program.size(); ++i) {
    const BpfInsn& in = program[i];
    out += cat(i, ": code=0x", "0123456789abcdef"[in.code >> 4], "0123456789abcdef"[in.code & 15], " dst=r",
               static_cast<int>(in.dst), " src=r", static_cast<int>(in.src), " off=", in.off, " imm=", in.imm, "\n");
  }
  return out;
}

Result<UniqueFd> load_device_program(const BpfProgram& program) {
  std::vector<struct bpf_insn> insns(program.size());
  for (size_t i = 0; i < program.size(); ++i) {
    insns[i].code = program[i].code;
    insns[i].dst_reg = program[i].dst & 0xF;
    insns[i].src_reg = program[i].src & 0xF;
    insns[i].off = program[i].off;
    insns[i].imm = program[i].imm;
  }
  static const char kLicense[] = "Apache";
  std::string log(64 * 1024, '\0');
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = ptr(insns.data());
  attr.insn_cnt = static_cast<uint32_t>(insns.size());
  attr.license = ptr(kLicense);
  attr.log_buf = ptr(log.data());
  attr.log_size = static_cast<uint32_t>(log.size());
  attr.log_level = 1;
  UniqueFd fd(static_cast<int>(bpf(BPF_PROG_LOAD, &attr)));
  if (!fd) {
    const int e = errno;
    log.resize(std::strlen(log.c_str()));
    return Err(e, "loading the device filter (", insns.size(), " instructions)",
               log.empty() ? std::string() : ", verifier: " + std::string(trim(log)));
  }
  return fd;
}

Result<std::vector<uint32_t>> query_device_programs(int cgroup_fd) {
  std::vector<uint32_t> ids(64);
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.query.target_fd = static_cast<uint32_t>(cgroup_fd);
  attr.query.attach_type = BPF_CGROUP_DEVICE;
  attr.query.prog_ids = ptr(ids.data());
  attr.query.prog_cnt = static_cast<uint32_t>(ids.size());
  if (bpf(BPF_PROG_QUERY, &attr) < 0) return ErrnoErr("querying the attached device filters");
  ids.resize(attr.query.prog_cnt);
  return ids;
}

Result<> replace_device_programs(int cgroup_fd, int prog_fd) {
  TRY_ASSIGN(const auto old_ids, query_device_programs(cgroup_fd));
  union bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.target_fd = static_cast<uint32_t>(cgroup_fd);
  attr.attach_bpf_fd = static_cast<uint32_t>(prog_fd);
  attr.attach_type = BPF_CGROUP_DEVICE;
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf(BPF_PROG_ATTACH, &attr) < 0) return ErrnoErr("attaching the device filter");
  for (uint32_t id : old_ids) {
    std::memset(&attr, 0, sizeof attr);
    attr.prog_id = id;
    UniqueFd old(static_cast<int>(bpf(BPF_PROG_GET_FD_BY_ID, &attr)));
    if (!old) {
      if (errno == ENOENT) continue;  // detached meanwhile
      return ErrnoErr("opening the old device filter ", id);
    }
    std::memset(&attr, 0, sizeof attr);
    attr.target_fd = static_cast<uint32_t>(cgroup_fd);
    attr.attach_bpf_fd = static_cast<uint32_t>(old.get());
    attr.attach_type = BPF_CGROUP_DEVICE;
    if (bpf(BPF_PROG_DETACH, &attr) < 0 && errno != ENOENT)
      return ErrnoErr("detaching the old device filter ", id);
  }
  return {};
}

}  // namespace rt::cgroups
