#include "status_json_source.hpp"

#include "report_node.hpp"
#include "report_text.hpp"

#include <string>

namespace vigil::plugins {

struct StatusJsonSource::Parser {
    simdjson::dom::parser dom;
};

namespace {

Phase parse_phase(const ReportNode& block, std::string_view name) {
    const ReportNode fields = block.need_object(name);
    Phase phase;
    phase.status = fields.need_bool("status");
    phase.start_time = fields.maybe_time("start_time");
    phase.end_time = fields.maybe_time("end_time");
    phase.sha256_checksum = fields.maybe_string("sha256_checksum");
    phase.size = fields.maybe_size("size");
    phase.error_message = fields.maybe_string("error_message");
    return phase;
}

DatabaseReport parse_database(std::string_view name, const ReportNode& block) {
    DatabaseReport db;
    db.database_name = std::string(name);
    db.staged_file_name = block.need_string("staged_file_name");
    db.backup = parse_phase(block, "BACKUP");
    db.compress = parse_phase(block, "COMPRESS");
    db.transfer = parse_phase(block, "TRANSFER");
    db.logs_summary = block.maybe_string("logs_summary");
    return db;
}

// A JSON object that shares nothing with this layout, or that dates its
// operation with the older single `operation_timestamp`, belongs to another
// source; declining lets the host ask it.
void decline_other_layouts(const ReportNode& top) {
    decline_unless_any_key(top, "status_json",
                           {"operation_start_time", "operation_end_time", "agent_id", "overall_status", "databases"});
    if (top.has("operation_timestamp") && !top.has("operation_start_time") && !top.has("operation_end_time")) {
        throw Declined(
            "not a status_json report: it has operation_timestamp instead of "
            "operation_start_time/operation_end_time (another report layout)");
    }
}

}  // namespace

StatusJsonSource::StatusJsonSource() : parser_(std::make_unique<Parser>()) {}
StatusJsonSource::~StatusJsonSource() = default;


Report StatusJsonSource::parse(std::string_view, std::string_view bytes) {
    const ReportNode top(parse_report_object(parser_->dom, bytes), "");
    decline_other_layouts(top);

    Report report;
    report.operation_start_time = top.need_time("operation_start_time");
    report.operation_end_time = top.need_time("operation_end_time");
    report.agent_id = top.need_string("agent_id");
    report.overall_status = top.need_string("overall_status");
    check_overall_status(report.overall_status);
    report.databases = read_databases(top.need_object("databases"), parse_database);
    return report;
}

}  // namespace vigil::plugins
