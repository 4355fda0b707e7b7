#include "field_agent_source.hpp"

#include "field_values.hpp"
#include "plugin_settings.hpp"
#include "report_node.hpp"
#include "report_text.hpp"

#include <algorithm>
#include <new>
#include <optional>
#include <string>

namespace vigil::plugins {

namespace {

constexpr const char* kTimezoneSetting = "timezone";
// Deeper than any report of this layout needs (4 levels), far below what
// would cost the parser real memory.
constexpr std::size_t kMaxDepth = 64;

std::string_view last_path_component(std::string_view path) {
    const std::size_t separator = path.find_last_of("/\\");
    return separator == std::string_view::npos ? path : path.substr(separator + 1);
}

// The checksum goes by `sha256` in the field format and by `sha256_checksum`
// in STATUS.json; either is read, both at once is ambiguous.
std::optional<std::string> read_checksum(const ReportNode& phase) {
    std::optional<std::string> field_name = maybe_agent_string(phase, "sha256");
    std::optional<std::string> spec_name = maybe_agent_string(phase, "sha256_checksum");
    if (field_name && spec_name) {
        refuse(phase.path_of("sha256_checksum"), "given together with sha256: write only one of them");
    }
    return field_name ? field_name : spec_name;
}

Phase read_phase(const ReportNode& block, std::string_view name, const LocalZone& zone) {
    const ReportNode fields = block.need_object(name);
    Phase phase;
    phase.status = need_agent_status(fields, "status");
    phase.start_time = maybe_agent_time(fields, "start_time", zone);
    phase.end_time = maybe_agent_time(fields, "end_time", zone);
    phase.sha256_checksum = read_checksum(fields);
    phase.size = maybe_agent_size(fields, "size");
    phase.error_message = maybe_agent_string(fields, "error_message");
    return phase;
}

// Every phase of every database succeeded: nothing else makes a completed run.
std::string derived_overall_status(const Report& report) {
    const bool all_succeeded = std::all_of(report.databases.begin(), report.databases.end(), [](const DatabaseReport& db) {
        return db.backup.status && db.compress.status && db.transfer.status;
    });
    return all_succeeded ? "completed" : "failed_globally";
}

// A report with `overall_status` is one of the STATUS.json layouts, whose
// naive times are UTC: read here they would be shifted by the zone's
// offset. Declining leaves it to status_json or status_json_v1, whatever
// the order of the sources.
void decline_other_layouts(const ReportNode& top) {
    if (top.has("overall_status")) {
        throw Declined(
            "not a field_agent_json report: it has overall_status (a STATUS.json layout, read by status_json or "
            "status_json_v1)");
    }
    decline_unless_any_key(top, "field_agent_json",
                           {"operation_start_time", "operation_end_time", "agent_id", "databases"});
}

}  // namespace

struct FieldAgentSource::Parser {
    Parser() {
        if (dom.allocate(0, kMaxDepth) != simdjson::SUCCESS) throw std::bad_alloc();
    }
    simdjson::dom::parser dom;
};

std::optional<std::string_view> field_report_agent(std::string_view name) {
    constexpr std::string_view kSuffix = ".json";
    constexpr std::string_view kStamps[] = {"99999999_999999_", "9999-99-99_99-99-99_"};
    if (name.size() < kSuffix.size() || name.substr(name.size() - kSuffix.size()) != kSuffix) return std::nullopt;
    for (std::string_view stamp : kStamps) {
        if (name.size() < stamp.size() + kSuffix.size() || !starts_with_shape(name, stamp)) continue;
        const std::string_view agent = name.substr(stamp.size(), name.size() - stamp.size() - kSuffix.size());
        if (is_agent_id(agent)) return agent;
    }
    return std::nullopt;
}

FieldAgentSource::FieldAgentSource() : parser_(std::make_unique<Parser>()) {}
FieldAgentSource::~FieldAgentSource() = default;

void FieldAgentSource::configure(const Config& config) {
    settings::refuse_unknown(config, {kTimezoneSetting});
    if (std::optional<std::string> name = settings::optional_string(config, kTimezoneSetting)) {
        zone_ = LocalZone(*name, kTimezoneSetting);
    }
}

std::optional<std::string_view> FieldAgentSource::report_agent(std::string_view name) { return field_report_agent(name); }

Report FieldAgentSource::parse(std::string_view, std::string_view bytes) {
    const ReportNode top(parse_report_object(parser_->dom, bytes), "");
    decline_other_layouts(top);

    Report report;
    report.operation_start_time = need_agent_time(top, "operation_start_time", zone_);
    report.operation_end_time = need_agent_time(top, "operation_end_time", zone_);
    report.agent_id = top.need_string("agent_id");
    report.databases = read_databases(top.need_object("databases"), [this](std::string_view name, const ReportNode& block) {
        DatabaseReport db;
        db.database_name = std::string(name);
        // The agent's own path; the host judges what is left (an empty name,
        // "..") exactly as it judges a plain staged_file_name.
        db.staged_file_name = std::string(last_path_component(block.need_string("staged_file_name")));
        db.backup = read_phase(block, "BACKUP", zone_);
        db.compress = read_phase(block, "COMPRESS", zone_);
        db.transfer = read_phase(block, "TRANSFER", zone_);
        db.logs_summary = maybe_agent_string(block, "logs_summary");
        return db;
    });
    report.overall_status = derived_overall_status(report);
    return report;
}

}  // namespace vigil::plugins
