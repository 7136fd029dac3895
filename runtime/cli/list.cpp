// ocirun list: the containers under --root.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "runtime/cli/context.hpp"

namespace rt::cli {
namespace {

constexpr FlagSpec kFlags[] = {
    {"format,f", FlagKind::kValue, "FORMAT", "select one of: table or json", "table"},
    {"quiet,q", FlagKind::kBool, "", "display only container IDs"},
};

// Columns padded like runc's tabwriter (minimum 12, 3 spaces of padding).
std::string format_table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) {
      if (width.size() <= i) width.push_back(12);
      width[i] = std::max(width[i], r[i].size() + 3);
    }
  std::string out;
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i)
      out += i + 1 == r.size() ? r[i] : r[i] + std::string(width[i] - r[i].size(), ' ');
    out += "\n";
  }
  return out;
}

Result<int> run_list(const GlobalOptions& g, const ParsedArgs& args) {
  const std::string format = args.value("format", "table");
  if (format != "table" && format != "json") return Err(0, "invalid format option \"", format, "\"");
  auto ctx = make_context(g);
  TRY_ASSIGN(auto ids, ctx.store.list_ids());
  std::vector<oci::State> states;
  for (const auto& id : ids) {
    auto in = container::inspect(ctx, id);
    if (in) {
      states.push_back(container::to_oci_state(*in));
    } else if (in.error().msg != container::does_not_exist_message(id)) {  // deleted meanwhile: skip
      // One damaged container must not hide the others (runc warns too).
      log::warn("load container ", id, ": ", in.error().to_string());
    }
  }
  if (args.flag("quiet")) {
    for (const auto& s : states) std::printf("%s\n", s.id.c_str());
    return 0;
  }
  if (format == "json") {
    auto arr = nlohmann::ordered_json::array();
    for (const auto& s : states) arr.push_back(nlohmann::ordered_json::parse(oci::to_json(s, oci::StateFormat::kRuncExtended)));
    std::printf("%s\n", states.empty() ? "null" : arr.dump().c_str());
    return 0;
  }
  std::vector<std::vector<std::string>> rows = {{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}};
  for (const auto& s : states)
    rows.push_back({s.id, std::to_string(s.pid), s.status, s.bundle, s.created, s.owner});
  std::fputs(format_table(rows).c_str(), stdout);
  return 0;
}

}  // namespace

extern const Command kListCommand{
    "list", "lists containers started by ocirun with the given root", "", "", kFlags, 0, 0, 0, run_list,
};

}  // namespace rt::cli
