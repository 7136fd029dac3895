#include "runtime/cgroups/systemd/sd_bus.hpp"

#include <time.h>

#include <cstdlib>
#include <cstring>

#include "runtime/base/str.hpp"
#include "runtime/cgroups/systemd/sd_lib.hpp"

namespace rt::cgroups::systemd {
namespace {

constexpr const char* kDest = "org.freedesktop.systemd1";
constexpr const char* kPath = "/org/freedesktop/systemd1";
constexpr const char* kManager = "org.freedesktop.systemd1.Manager";
constexpr uint64_t kJobTimeoutUsec = 30ull * 1000 * 1000;

struct MessageDeleter {
  void operator()(sd_bus_message* m) const { sd_bus_lib().sd_bus_message_unref(m); }
};
using Message = std::unique_ptr<sd_bus_message, MessageDeleter>;

// Frees an sd_bus_error on every path.
struct BusError {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  ~BusError() { sd_bus_lib().sd_bus_error_free(&e); }
  std::string text() const { return e.message ? e.message : (e.name ? e.name : ""); }
  bool is(const char* name) const { return sd_bus_lib().sd_bus_error_has_name(&e, name) > 0; }
};

uint64_t now_usec() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000 + static_cast<uint64_t>(ts.tv_nsec) / 1000;
}

template <class T>
int append_basic(sd_bus_message* m, char type, T v) {
  return sd_bus_lib().sd_bus_message_append_basic(m, type, &v);
}

int append_array(sd_bus_message* m, const Value& v) {
  int r = 0;
  if (v.signature == "ay") {
    const auto& bytes = std::get<std::vector<uint8_t>>(v.v);
    return sd_bus_lib().sd_bus_message_append_array(m, 'y', bytes.data(), bytes.size());
  }
  if ((r = sd_bus_lib().sd_bus_message_open_container(m, 'a', v.signature.c_str() + 1)) < 0) return r;
  if (v.signature == "as") {
    for (const auto& s : std::get<std::vector<std::string>>(v.v))
      if ((r = sd_bus_lib().sd_bus_message_append_basic(m, 's', s.c_str())) < 0) return r;
  } else if (v.signature == "au") {
    for (uint32_t u : std::get<std::vector<uint32_t>>(v.v))
      if ((r = append_basic<uint32_t>(m, 'u', u)) < 0) return r;
  } else {  // a(ss)
    for (const auto& [a, b] : std::get<Value::Pairs>(v.v))
      if ((r = sd_bus_lib().sd_bus_message_append(m, "(ss)", a.c_str(), b.c_str())) < 0) return r;
  }
  return sd_bus_lib().sd_bus_message_close_container(m);
}

int append_scalar(sd_bus_message* m, const Value& v) {
  const char t = v.signature[0];
  switch (t) {
    case 't': return append_basic<uint64_t>(m, t, std::get<uint64_t>(v.v));
    case 'u': return append_basic<uint32_t>(m, t, static_cast<uint32_t>(std::get<uint64_t>(v.v)));
    case 'q': return append_basic<uint16_t>(m, t, static_cast<uint16_t>(std::get<uint64_t>(v.v)));
    case 'y': return append_basic<uint8_t>(m, t, static_cast<uint8_t>(std::get<uint64_t>(v.v)));
    case 'x': return append_basic<int64_t>(m, t, std::get<int64_t>(v.v));
    case 'i': return append_basic<int32_t>(m, t, static_cast<int32_t>(std::get<int64_t>(v.v)));
    case 'n': return append_basic<int16_t>(m, t, static_cast<int16_t>(std::get<int64_t>(v.v)));
    case 'b': return append_basic<int>(m, t, std::get<bool>(v.v) ? 1 : 0);
    case 'd': return append_basic<double>(m, t, std::get<double>(v.v));
    case 's': return sd_bus_lib().sd_bus_message_append_basic(m, 's', std::get<std::string>(v.v).c_str());
  }
  return -EINVAL;
}

Result<> append_properties(sd_bus_message* m, const std::vector<Property>& props) {
  int r = sd_bus_lib().sd_bus_message_open_container(m, 'a', "(sv)");
  for (const Property& p : props) {
    if (r >= 0) r = sd_bus_lib().sd_bus_message_open_container(m, 'r', "sv");
    if (r >= 0) r = sd_bus_lib().sd_bus_message_append_basic(m, 's', p.name.c_str());
    if (r >= 0) r = sd_bus_lib().sd_bus_message_open_container(m, 'v', p.value.signature.c_str());
    if (r >= 0) r = p.value.signature[0] == 'a' ? append_array(m, p.value) : append_scalar(m, p.value);
    if (r >= 0) r = sd_bus_lib().sd_bus_message_close_container(m);
    if (r >= 0) r = sd_bus_lib().sd_bus_message_close_container(m);
    if (r < 0) return Err(-r, "encoding the systemd property ", p.name);
  }
  if (r >= 0) r = sd_bus_lib().sd_bus_message_close_container(m);
  if (r < 0) return Err(-r, "encoding systemd properties");
  return {};
}

struct JobWait {
  std::string job, result;
  bool done = false;
};

int on_job_removed(sd_bus_message* m, void* userdata, sd_bus_error*) {
  auto* w = static_cast<JobWait*>(userdata);
  uint32_t id = 0;
  const char *path = nullptr, *unit = nullptr, *result = nullptr;
  if (sd_bus_lib().sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) < 0) return 0;
  if (w->job == path) w->result = result, w->done = true;
  return 0;
}

}  // namespace

Result<Bus> Bus::connect(bool user) {
  TRY(load_sd_bus());
  sd_bus* bus = nullptr;
  const int r = user ? sd_bus_lib().sd_bus_open_user(&bus) : sd_bus_lib().sd_bus_open_system(&bus);
  if (r < 0) return Err(-r, "connecting to the systemd ", user ? "user" : "system", " bus");
  return Bus(bus);
}

Bus::Bus(Bus&& o) noexcept : bus_(o.bus_) { o.bus_ = nullptr; }
Bus& Bus::operator=(Bus&& o) noexcept {
  std::swap(bus_, o.bus_);
  return *this;
}
Bus::~Bus() {
  if (bus_) sd_bus_lib().sd_bus_flush_close_unref(bus_);
}

Result<int> Bus::version() {
  BusError err;
  char* v = nullptr;
  const int r = sd_bus_lib().sd_bus_get_property_string(bus_, kDest, kPath, kManager, "Version", &err.e, &v);
  if (r < 0) return Err(-r, "reading the systemd version: ", err.text());
  const int version = std::atoi(v + (v[0] == 'v' ? 1 : 0));  // "252.38-1~deb12u1"
  std::free(v);
  return version;
}

Result<> Bus::run_job(sd_bus_message* call, const std::string& what) {
  // Listen before calling, so a quick JobRemoved is already queued for us.
  JobWait wait;
  sd_bus_slot* slot = nullptr;
  int r = sd_bus_lib().sd_bus_match_signal(bus_, &slot, kDest, kPath, kManager, "JobRemoved", on_job_removed, &wait);
  if (r < 0) return Err(-r, "subscribing to systemd job signals");
  std::unique_ptr<sd_bus_slot, decltype(sd_bus_lib().sd_bus_slot_unref)> slot_guard(slot, sd_bus_lib().sd_bus_slot_unref);
  (void)sd_bus_lib().sd_bus_call_method(bus_, kDest, kPath, kManager, "Subscribe", nullptr, nullptr, "");
  BusError err;
  sd_bus_message* reply_raw = nullptr;
  if ((r = sd_bus_lib().sd_bus_call(bus_, call, 0, &err.e, &reply_raw)) < 0) {
    if (err.is("org.freedesktop.systemd1.UnitExists")) return Err(EEXIST, what, ": ", err.text());
    if (err.is("org.freedesktop.systemd1.NoSuchUnit")) return Err(ENOENT, what, ": ", err.text());
    return Err(-r, what, ": ", err.text());
  }
  Message reply(reply_raw);
  const char* job = nullptr;
  if ((r = sd_bus_lib().sd_bus_message_read(reply_raw, "o", &job)) < 0) return Err(-r, what, ": reading the reply");
  wait.job = job;
  const uint64_t deadline = now_usec() + kJobTimeoutUsec;
  while (!wait.done) {
    if ((r = sd_bus_lib().sd_bus_process(bus_, nullptr)) < 0) return Err(-r, what, ": waiting for the job");
    if (r > 0) continue;
    const uint64_t now = now_usec();
    if (now >= deadline) return Err(ETIMEDOUT, what, ": the job did not finish within 30s");
    if ((r = sd_bus_lib().sd_bus_wait(bus_, deadline - now)) < 0) return Err(-r, what, ": waiting for the job");
  }
  if (wait.result != "done") return Err(EIO, what, ": the job ended with \"", wait.result, "\"");
  return {};
}

Result<> Bus::start_once(const std::string& unit, const std::vector<Property>& props) {
  sd_bus_message* raw = nullptr;
  int r = sd_bus_lib().sd_bus_message_new_method_call(bus_, &raw, kDest, kPath, kManager, "StartTransientUnit");
  if (r < 0) return Err(-r, "creating the StartTransientUnit call");
  Message call(raw);
  if ((r = sd_bus_lib().sd_bus_message_append(raw, "ss", unit.c_str(), "replace")) < 0) return Err(-r, "encoding StartTransientUnit");
  TRY(append_properties(raw, props));
  if ((r = sd_bus_lib().sd_bus_message_append(raw, "a(sa(sv))", 0)) < 0) return Err(-r, "encoding StartTransientUnit");
  return run_job(raw, "starting the systemd unit " + unit);
}

Result<> Bus::start_transient_unit(const std::string& unit, const std::vector<Property>& props) {
  auto r = start_once(unit, props);
  if (r || r.error().errnum != EEXIST) return r;
  // A failed unit of the same name lingers until reset: reset it, retry once.
  (void)sd_bus_lib().sd_bus_call_method(bus_, kDest, kPath, kManager, "ResetFailedUnit", nullptr, nullptr, "s", unit.c_str());
  return start_once(unit, props);
}

Result<> Bus::set_unit_properties(const std::string& unit, const std::vector<Property>& props) {
  sd_bus_message* raw = nullptr;
  int r = sd_bus_lib().sd_bus_message_new_method_call(bus_, &raw, kDest, kPath, kManager, "SetUnitProperties");
  if (r < 0) return Err(-r, "creating the SetUnitProperties call");
  Message call(raw);
  if ((r = sd_bus_lib().sd_bus_message_append(raw, "sb", unit.c_str(), 1)) < 0) return Err(-r, "encoding SetUnitProperties");
  TRY(append_properties(raw, props));
  BusError err;
  if ((r = sd_bus_lib().sd_bus_call(bus_, raw, 0, &err.e, nullptr)) < 0) return Err(-r, "updating ", unit, ": ", err.text());
  return {};
}

Result<> Bus::stop_unit(const std::string& unit) {
  sd_bus_message* raw = nullptr;
  int r = sd_bus_lib().sd_bus_message_new_method_call(bus_, &raw, kDest, kPath, kManager, "StopUnit");
  if (r < 0) return Err(-r, "creating the StopUnit call");
  Message call(raw);
  if ((r = sd_bus_lib().sd_bus_message_append(raw, "ss", unit.c_str(), "replace")) < 0) return Err(-r, "encoding StopUnit");
  auto stopped = run_job(raw, "stopping the systemd unit " + unit);
  if (!stopped && stopped.error().errnum != ENOENT) return stopped;
  // A stopped scope that failed stays listed until reset.
  (void)sd_bus_lib().sd_bus_call_method(bus_, kDest, kPath, kManager, "ResetFailedUnit", nullptr, nullptr, "s", unit.c_str());
  return {};
}

}  // namespace rt::cgroups::systemd
