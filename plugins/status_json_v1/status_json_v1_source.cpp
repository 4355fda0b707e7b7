#include "status_json_v1_source.hpp"

#include "report_node.hpp"
#include "report_text.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace vigil::plugins {

struct StatusJsonV1Source::Parser {
    simdjson::dom::parser dom;
};

namespace {

// Keys only the current layout has: their presence means status_json's file.
constexpr std::string_view kCurrentLayoutKeys[] = {"operation_start_time", "operation_end_time"};

// A v1 phase block: `status`, `timestamp` (when the phase ended) and, for
// compress_process, the staged file's checksum and size.
Phase read_process(const ReportNode& block, std::string_view key, bool describes_staged_file) {
    const ReportNode process = block.need_object(key);
    Phase phase;
    phase.status = process.need_bool("status");
    phase.end_time = process.maybe_time("timestamp");
    if (describes_staged_file) {
        phase.sha256_checksum = process.maybe_string("sha256_checksum");
        phase.size = process.maybe_size("size_bytes");
    }
    return phase;
}

DatabaseReport read_database(std::string_view name, const ReportNode& block) {
    DatabaseReport db;
    db.database_name = std::string(name);
    // Absent means the agent's fixed naming; present, it must be usable: a
    // silently substituted name could verify some other file.
    db.staged_file_name = block.find("staged_file_name") ? block.need_string("staged_file_name")
                                                         : db.database_name + ".sql.gz";
    db.backup = read_process(block, "backup_process", false);
    db.compress = read_process(block, "compress_process", true);
    db.transfer = read_process(block, "transfer_process", false);
    return db;
}

// The layout has no start time: the operation cannot have started after its
// first phase ended, nor after it ended.
std::int64_t earliest_time(const Report& report) {
    std::int64_t earliest = report.operation_end_time;
    for (const DatabaseReport& db : report.databases) {
        for (const Phase* phase : {&db.backup, &db.compress, &db.transfer}) {
            if (phase->end_time != kNoTime) earliest = std::min(earliest, phase->end_time);
        }
    }
    return earliest;
}

void decline_other_layouts(const ReportNode& top) {
    for (std::string_view key : kCurrentLayoutKeys) {
        if (top.has(key)) {
            throw Declined("not a status_json_v1 report: it has " + std::string(key) +
                           " (the current layout, read by status_json)");
        }
    }
    decline_unless_any_key(top, "status_json_v1", {"operation_timestamp", "agent_id", "overall_status", "databases"});
}

}  // namespace

StatusJsonV1Source::StatusJsonV1Source() : parser_(std::make_unique<Parser>()) {}
StatusJsonV1Source::~StatusJsonV1Source() = default;


Report StatusJsonV1Source::parse(std::string_view, std::string_view bytes) {
    const ReportNode top(parse_report_object(parser_->dom, bytes), "");
    decline_other_layouts(top);

    Report report;
    report.operation_end_time = top.need_time("operation_timestamp");
    report.agent_id = top.need_string("agent_id");
    report.overall_status = top.need_string("overall_status");
    check_overall_status(report.overall_status);
    report.databases = read_databases(top.need_object("databases"), read_database);
    report.operation_start_time = earliest_time(report);
    return report;
}

}  // namespace vigil::plugins
