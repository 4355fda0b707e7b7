// The notification outbox: events and their per-notifier deliveries.
#include "soci_storage.hpp"
#include "sql.hpp"

namespace vigil::plugins {
namespace {

void declare_event_columns(sql::Columns& c) {
    for (const char* name : {"e.id", "e.job_id", "e.expected_hour_utc", "e.expected_minute_utc", "e.scan_time_us",
                             "d.claimed_until_us"}) {
        c.integer(name);
    }
    for (const char* name : {"e.kind", "e.fingerprint", "e.agent_id", "e.database_name", "e.old_status",
                             "e.new_status", "e.message", "e.schedule", "e.timezone"}) {
        c.text(name);
    }
    c.time("e.cycle_expected_at");
}

Event read_event(const sql::Columns& c) {
    Event e;
    e.id = *c.get_integer("e.id");
    e.job_id = c.get_integer("e.job_id").value_or(0);
    e.kind = *c.get_text("e.kind");
    e.fingerprint = *c.get_text("e.fingerprint");
    e.agent_id = *c.get_text("e.agent_id");
    e.database_name = *c.get_text("e.database_name");
    e.expected_hour_utc = sql::small_integer(c.get_integer("e.expected_hour_utc"));
    e.expected_minute_utc = sql::small_integer(c.get_integer("e.expected_minute_utc"));
    e.schedule = c.get_text("e.schedule").value_or("");
    e.timezone = c.get_text("e.timezone").value_or("");
    e.old_status = *c.get_text("e.old_status");
    e.new_status = *c.get_text("e.new_status");
    e.cycle_expected_at = c.get_time("e.cycle_expected_at");
    e.message = c.get_text("e.message").value_or("");
    e.scan_time = *c.get_integer("e.scan_time_us");
    // Claimed before and never finished: the claimant may have delivered it.
    e.possibly_duplicate = c.get_integer("d.claimed_until_us").has_value();
    return e;
}

std::string id_list(sql::Params& params, const std::vector<std::int64_t>& ids) {
    std::vector<std::string> placeholders;
    for (std::int64_t id : ids) placeholders.push_back(params.integer(id));
    return "(" + sql::join(placeholders) + ")";
}

}  // namespace

std::int64_t SociStorage::insert_event(const Event& event, const std::vector<std::string>& notifiers) {
    require_transaction("insert_event");
    return guarded("insert_event", [&] {
        sql::Params params(url_.backend);
        sql::Assignments row;
        row.set("job_id", params.integer_or_null(event.job_id, event.job_id == 0));
        row.set("kind", params.text(event.kind));
        row.set("fingerprint", params.text(event.fingerprint));
        row.set("agent_id", params.text(event.agent_id));
        row.set("database_name", params.text(event.database_name));
        row.set("expected_hour_utc", params.integer(event.expected_hour_utc));
        row.set("expected_minute_utc", params.integer(event.expected_minute_utc));
        row.set("schedule", params.text(event.schedule.empty() ? std::nullopt : std::optional<std::string>(event.schedule)));
        row.set("timezone", params.text(event.timezone.empty() ? std::nullopt : std::optional<std::string>(event.timezone)));
        row.set("old_status", params.text(event.old_status));
        row.set("new_status", params.text(event.new_status));
        row.set("cycle_expected_at", params.time(event.cycle_expected_at));
        row.set("message", params.text(event.message));
        row.set("scan_time", params.time(event.scan_time));
        row.set("scan_time_us", params.integer(event.scan_time));
        const long long id = sql::insert_returning_id(session_, url_.backend, "notification_events", row, params);

        if (!notifiers.empty()) {
            sql::Params dp(url_.backend);
            std::vector<std::string> rows;
            for (const std::string& name : notifiers) {
                std::string event_id = dp.integer(id);
                std::string notifier = dp.text(name);
                std::string due = dp.integer(event.scan_time);
                rows.push_back("(" + event_id + ", " + notifier + ", " + due + ")");
            }
            sql::execute(session_,
                         "INSERT INTO notification_deliveries (event_id, notifier, next_attempt_at_us) VALUES " +
                             sql::join(rows),
                         dp);
        }
        return static_cast<std::int64_t>(id);
    });
}

std::vector<Event> SociStorage::claim_deliveries(const std::string& notifier, std::int64_t now,
                                                 std::int64_t real_now, std::int64_t lease_until) {
    require_transaction("claim_deliveries");
    return guarded("claim_deliveries", [&] {
        sql::Params params(url_.backend);
        sql::Columns c(url_.backend);
        declare_event_columns(c);
        c.integer("d.id");
        std::string name = params.text(notifier);
        std::string due = params.integer(now);
        std::string expired = params.integer(real_now);
        // SKIP LOCKED splits the work between concurrent PostgreSQL scanners;
        // SQLite's BEGIN IMMEDIATE already lets one claimant in at a time.
        std::string lock = postgres() ? " FOR UPDATE OF d SKIP LOCKED" : "";
        std::vector<Event> events;
        std::vector<std::int64_t> delivery_ids;
        sql::query(session_,
                   "SELECT " + c.select_list() +
                       " FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id"
                       " WHERE d.notifier = " + name + " AND d.state = 'pending' AND ("
                       "(d.claimed_until_us IS NULL AND d.next_attempt_at_us <= " + due + ") OR "
                       "d.claimed_until_us < " + expired + ") ORDER BY e.id" + lock,
                   params, c, [&] {
                       events.push_back(read_event(c));
                       delivery_ids.push_back(*c.get_integer("d.id"));
                   });
        if (!delivery_ids.empty()) {
            sql::Params up(url_.backend);
            std::string until = up.integer(lease_until);
            std::string ids = id_list(up, delivery_ids);
            sql::execute(session_,
                         "UPDATE notification_deliveries SET claimed_until_us = " + until +
                             ", attempts = attempts + 1 WHERE id IN " + ids,
                         up);
        }
        return events;
    });
}

void SociStorage::finish_deliveries(const std::string& notifier, const std::vector<std::int64_t>& event_ids,
                                    const std::string& state, std::int64_t next_attempt_at,
                                    const std::string& error, std::int64_t at) {
    if (state != "sent" && state != "failed" && state != "pending") {
        throw std::invalid_argument("finish_deliveries: unknown state \"" + state + "\"");
    }
    if (event_ids.empty()) return;
    guarded("finish_deliveries", [&] {
        sql::Params params(url_.backend);
        std::string new_state = params.text(state);
        std::string next = params.integer(next_attempt_at == kNoTime ? at : next_attempt_at);
        std::string message = params.text(error);
        std::string finished = params.time(state == "pending" ? kNoTime : at);
        std::string name = params.text(notifier);
        std::string ids = id_list(params, event_ids);
        sql::execute(session_,
                     "UPDATE notification_deliveries SET state = " + new_state + ", claimed_until_us = NULL, "
                     "next_attempt_at_us = " + next + ", last_error = " + message + ", finished_at = " + finished +
                         " WHERE notifier = " + name + " AND event_id IN " + ids,
                     params);
    });
}

std::int64_t SociStorage::last_notified(const std::string& notifier, std::int64_t job_id) {
    return guarded("last_notified", [&] {
        sql::Params params(url_.backend);
        sql::Columns c(url_.backend);
        c.computed("latest", "MAX(e.scan_time_us)");
        std::string name = params.text(notifier);
        std::string job = params.integer(job_id);
        std::int64_t latest = kNoTime;
        sql::query(session_,
                   "SELECT " + c.select_list() +
                       " FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id"
                       " WHERE d.notifier = " + name + " AND e.job_id = " + job + " AND d.state <> 'failed'",
                   params, c, [&] {
                       if (auto v = c.get_integer("latest")) latest = *v;
                   });
        return latest;
    });
}

}  // namespace vigil::plugins
