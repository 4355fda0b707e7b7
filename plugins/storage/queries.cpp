// Reads for the operator's commands (history, explain, check, metrics) over
// tables the scan writes elsewhere: processed_reports and the outbox.
#include "soci_storage.hpp"
#include "sql.hpp"

namespace vigil::plugins {

std::vector<ReportRecord> SociStorage::load_reports(const std::string& agent_id, const std::string& file_name,
                                                    std::int64_t since) {
    return guarded("load_reports", [&] {
        sql::Params params(url_.backend);
        sql::Columns c(url_.backend);
        for (const char* name : {"content_sha256", "agent_id", "file_name", "fate", "reason", "source"}) c.text(name);
        c.time("operation_end_time");
        c.time("scanned_at");
        std::string where = " WHERE agent_id = " + params.text(agent_id);
        if (!file_name.empty()) where += " AND file_name = " + params.text(file_name);
        if (since != kNoTime) where += " AND scanned_at >= " + params.time(since);
        std::vector<ReportRecord> records;
        sql::query(session_, "SELECT " + c.select_list() + " FROM processed_reports" + where + " ORDER BY id DESC",
                   params, c, [&] {
                       ReportRecord r;
                       r.content_sha256 = *c.get_text("content_sha256");
                       r.agent_id = *c.get_text("agent_id");
                       r.file_name = *c.get_text("file_name");
                       r.fate = *c.get_text("fate");
                       r.reason = c.get_text("reason").value_or("");
                       r.source = c.get_text("source");
                       r.operation_end_time = c.get_time("operation_end_time");
                       r.scanned_at = c.get_time("scanned_at");
                       records.push_back(std::move(r));
                   });
        return records;
    });
}

std::vector<DeliveryCount> SociStorage::count_deliveries() {
    return guarded("count_deliveries", [&] {
        sql::Params params(url_.backend);
        sql::Columns c(url_.backend);
        c.text("notifier");
        c.text("state");
        c.computed("n", "COUNT(*)");
        std::vector<DeliveryCount> counts;
        sql::query(session_,
                   "SELECT " + c.select_list() +
                       " FROM notification_deliveries GROUP BY notifier, state ORDER BY notifier, state",
                   params, c, [&] {
                       counts.push_back(DeliveryCount{*c.get_text("notifier"), *c.get_text("state"),
                                                      *c.get_integer("n")});
                   });
        return counts;
    });
}

}  // namespace vigil::plugins
