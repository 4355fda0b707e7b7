// scans: one row per run of `vigil scan`, written when it starts and
// completed when it ends (docs/records.md).
#include "soci_storage.hpp"
#include "sql.hpp"

namespace vigil::plugins {
namespace {

// The counters, in the order of the table's columns.
struct Counter {
    const char* column;
    std::int64_t Scan::*field;
};
constexpr Counter kCounters[] = {
    {"agents_scanned", &Scan::agents_scanned},
    {"agents_without_folder", &Scan::agents_without_folder},
    {"folders_skipped", &Scan::folders_skipped},
    {"agents_busy", &Scan::agents_busy},
    {"agents_failed", &Scan::agents_failed},
    {"reports_processed", &Scan::reports_processed},
    {"entries_recorded", &Scan::entries_recorded},
    {"events_queued", &Scan::events_queued},
    {"reports_archived", &Scan::reports_archived},
    {"archive_failures", &Scan::archive_failures},
    {"jobs_active", &Scan::jobs_active},
    {"bytes_verified", &Scan::bytes_verified},
};

void set_row(sql::Assignments& row, sql::Params& params, const Scan& scan) {
    row.set("finished_at", params.time(scan.finished_at));
    const bool finished = scan.finished_at != kNoTime && scan.started_at != kNoTime;
    row.set("duration_us", params.integer_or_null(finished ? scan.finished_at - scan.started_at : 0, !finished));
    row.set("outcome", params.text(scan.outcome));
    row.set("message", params.text(scan.message));
    for (const Counter& counter : kCounters) row.set(counter.column, params.integer(scan.*counter.field));
}

}  // namespace

std::int64_t SociStorage::start_scan(const Scan& scan) {
    require_transaction("start_scan");
    return guarded("start_scan", [&] {
        sql::Params params(url_.backend);
        sql::Assignments row;
        row.set("started_at", params.time(scan.started_at));
        row.set("scan_time", params.time(scan.scan_time));
        row.set("host", params.text(scan.host));
        row.set("pid", params.integer(scan.pid));
        set_row(row, params, scan);
        return static_cast<std::int64_t>(sql::insert_returning_id(session_, url_.backend, "scans", row, params));
    });
}

void SociStorage::finish_scan(const Scan& scan) {
    require_transaction("finish_scan");
    guarded("finish_scan", [&] {
        sql::Params params(url_.backend);
        sql::Assignments row;
        set_row(row, params, scan);
        const std::string sql = "UPDATE scans SET " + row.assignments() + " WHERE id = " + params.integer(scan.id);
        if (sql::execute(session_, sql, params) != 1) {
            throw std::runtime_error("database " + url_.redacted + ": finish_scan: no scan with id " +
                                     std::to_string(scan.id));
        }
    });
}

std::vector<Scan> SociStorage::load_scans(bool completed_only, std::size_t limit) {
    return guarded("load_scans", [&] {
        sql::Params params(url_.backend);
        sql::Columns c(url_.backend);
        c.integer("id");
        c.integer("pid");
        for (const char* name : {"started_at", "finished_at", "scan_time"}) c.time(name);
        for (const char* name : {"host", "outcome", "message"}) c.text(name);
        c.integer("duration_us");
        for (const Counter& counter : kCounters) c.integer(counter.column);
        std::string where = completed_only ? " WHERE outcome = 'completed'" : "";
        std::vector<Scan> scans;
        sql::query(session_,
                   "SELECT " + c.select_list() + " FROM scans" + where + " ORDER BY id DESC LIMIT " +
                       params.integer(static_cast<long long>(limit)),
                   params, c, [&] {
                       Scan s;
                       s.id = *c.get_integer("id");
                       s.pid = *c.get_integer("pid");
                       s.started_at = c.get_time("started_at");
                       s.scan_time = c.get_time("scan_time");
                       // The exact duration, on the whole second the start was stored with.
                       const auto duration = c.get_integer("duration_us");
                       s.finished_at = duration ? s.started_at + *duration : c.get_time("finished_at");
                       s.host = *c.get_text("host");
                       s.outcome = *c.get_text("outcome");
                       s.message = c.get_text("message").value_or("");
                       for (const Counter& counter : kCounters) s.*counter.field = *c.get_integer(counter.column);
                       scans.push_back(std::move(s));
                   });
        return scans;
    });
}

}  // namespace vigil::plugins
