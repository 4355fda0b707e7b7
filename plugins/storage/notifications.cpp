// The notification outbox: events and their per-notifier deliveries.
#include "json_rows.hpp"
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

// A notification_events row (its id aside), the same for one event's
// INSERT and for the JSON rows of a batch.
void event_row(const Event& event, sql::RowSink& row) {
    row.integer("job_id", event.job_id, event.job_id == 0);
    row.text("kind", event.kind);
    row.text("fingerprint", event.fingerprint);
    row.text("agent_id", event.agent_id);
    row.text("database_name", event.database_name);
    row.integer("expected_hour_utc", event.expected_hour_utc.value_or(0), !event.expected_hour_utc);
    row.integer("expected_minute_utc", event.expected_minute_utc.value_or(0), !event.expected_minute_utc);
    row.text("schedule", event.schedule.empty() ? std::nullopt : std::optional<std::string>(event.schedule));
    row.text("timezone", event.timezone.empty() ? std::nullopt : std::optional<std::string>(event.timezone));
    row.text("old_status", event.old_status);
    row.text("new_status", event.new_status);
    row.time("cycle_expected_at", event.cycle_expected_at);
    row.text("message", event.message);
    row.time("scan_time", event.scan_time);
    row.integer("scan_time_us", event.scan_time, false);
}

// A delivery of a batch: the notifier, and the position of its event.
void delivery_row(long long event_position, const std::string& notifier, sql::RowSink& row) {
    row.integer("event_position", event_position, false);
    row.text("notifier", notifier);
}

// insert_events' statement on PostgreSQL, whose text depends on no value:
// its column lists come from rows written with nothing in them. Each event
// takes its id from the sequence beforehand, in the given order (as one
// insert after another would), so that its deliveries, inserted by the
// same statement, can name it; their foreign key is checked once the
// whole statement has run.
std::string insert_events_sql() {
    sql::JsonRows event, delivery;
    event.next_row();
    event_row(Event{}, event);
    delivery.next_row();
    delivery_row(0, "", delivery);
    const std::string position = sql::JsonRows::kPosition;
    return "WITH given AS (SELECT nextval(pg_get_serial_sequence('notification_events', 'id')) AS id, ordered.* "
           "FROM (SELECT * FROM json_to_recordset(CAST(:p0 AS json)) AS event(" +
           event.definitions() + ") ORDER BY " + position +
           ") AS ordered), new_events AS (INSERT INTO notification_events (id, " + event.columns() +
           ") SELECT id, " + event.columns() + " FROM given ORDER BY " + position +
           ") INSERT INTO notification_deliveries (event_id, notifier, next_attempt_at_us)"
           " SELECT given.id, asked.notifier, given.scan_time_us FROM json_to_recordset(CAST(:p1 AS json)) AS asked(" +
           delivery.definitions() + ") JOIN given ON given." + position + " = asked.event_position ORDER BY asked." +
           position;
}

std::string id_list(sql::Params& params, const std::vector<std::int64_t>& ids) {
    std::vector<std::string> placeholders;
    for (std::int64_t id : ids) placeholders.push_back(params.integer(id));
    return "(" + sql::join(placeholders) + ")";
}

}  // namespace

void SociStorage::insert_events(const std::vector<QueuedEvent>& events) {
    require_transaction("insert_events");
    if (events.empty()) return;
    // SQLite answers in-process: two statements per event cost no round trip.
    if (!postgres()) {
        insert_event_rows(events);
        return;
    }
    write_batched(
        "insert_events",
        [&] {
            sql::JsonRows event_rows, delivery_rows;
            for (std::size_t i = 0; i < events.size(); ++i) {
                event_rows.next_row();
                event_row(events[i].event, event_rows);
                for (const std::string& notifier : events[i].notifiers) {
                    delivery_rows.next_row();
                    delivery_row(static_cast<long long>(i), notifier, delivery_rows);
                }
            }
            sql::Params params(url_.backend);
            // Placeholders in the order of the statement's text (:p0, :p1).
            params.text(event_rows.json());
            params.text(delivery_rows.json());
            static const std::string statement = insert_events_sql();
            prepared_.execute(statement, params);
        },
        [&] { insert_event_rows(events); });
}

void SociStorage::insert_event_rows(const std::vector<QueuedEvent>& events) {
    for (std::size_t i = 0; i < events.size(); ++i) {
        write_row(VIGIL_ROW_EVENT, i, [&] { insert_event(events[i]); });
    }
}

void SociStorage::insert_event(const QueuedEvent& queued) {
    guarded("insert_events", [&] {
        sql::Params params(url_.backend);
        sql::Assignments row;
        sql::BoundRow bound(params, row);
        event_row(queued.event, bound);
        const long long id = sql::insert_returning_id(session_, url_.backend, "notification_events", row, params);
        if (queued.notifiers.empty()) return;
        sql::Params dp(url_.backend);
        std::vector<std::string> rows;
        for (const std::string& name : queued.notifiers) {
            std::string event_id = dp.integer(id);
            std::string notifier = dp.text(name);
            std::string due = dp.integer(queued.event.scan_time);
            rows.push_back("(" + event_id + ", " + notifier + ", " + due + ")");
        }
        sql::execute(session_,
                     "INSERT INTO notification_deliveries (event_id, notifier, next_attempt_at_us) VALUES " +
                         sql::join(rows),
                     dp);
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
