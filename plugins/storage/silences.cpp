// Silences, and what each notifier was last told about a job: the two
// facts the host's notification policy reads (docs/notifications.md).
#include "soci_storage.hpp"
#include "sql.hpp"

namespace vigil::plugins {

std::int64_t SociStorage::add_silence(const Silence& silence) {
    require_transaction("add_silence");
    return guarded("add_silence", [&] {
        sql::Params params(url_.backend);
        sql::Assignments row;
        row.set("agents", params.text(silence.agents));
        row.set("databases", params.text(silence.databases));
        row.set("created_at", params.time(silence.created_at));
        row.set("created_at_us", params.integer(silence.created_at));
        row.set("created_by", params.text(silence.created_by));
        row.set("reason", params.text(silence.reason));
        row.set("ends_at", params.time(silence.ends_at));
        row.set("ends_at_us", params.integer(silence.ends_at));
        return static_cast<std::int64_t>(sql::insert_returning_id(session_, url_.backend, "silences", row, params));
    });
}

std::vector<Silence> SociStorage::load_silences(std::int64_t ending_after) {
    return guarded("load_silences", [&] {
        sql::Params params(url_.backend);
        sql::Columns c(url_.backend);
        for (const char* name : {"id", "created_at_us", "ends_at_us", "expired_at_us"}) c.integer(name);
        for (const char* name : {"agents", "databases", "created_by", "reason", "expired_by"}) c.text(name);
        std::string where;
        if (ending_after != kNoTime) where = " WHERE ends_at_us > " + params.integer(ending_after);
        std::vector<Silence> silences;
        sql::query(session_, "SELECT " + c.select_list() + " FROM silences" + where + " ORDER BY id", params, c, [&] {
            Silence s;
            s.id = *c.get_integer("id");
            s.agents = *c.get_text("agents");
            s.databases = *c.get_text("databases");
            s.created_at = *c.get_integer("created_at_us");
            s.created_by = *c.get_text("created_by");
            s.reason = *c.get_text("reason");
            s.ends_at = *c.get_integer("ends_at_us");
            s.expired_at = c.get_integer("expired_at_us").value_or(kNoTime);
            s.expired_by = c.get_text("expired_by");
            silences.push_back(std::move(s));
        });
        return silences;
    });
}

bool SociStorage::expire_silence(std::int64_t id, std::int64_t at, const std::string& by) {
    require_transaction("expire_silence");
    return guarded("expire_silence", [&] {
        sql::Params params(url_.backend);
        sql::Assignments row;
        row.set("ends_at", params.time(at));
        row.set("ends_at_us", params.integer(at));
        row.set("expired_at", params.time(at));
        row.set("expired_at_us", params.integer(at));
        row.set("expired_by", params.text(by));
        std::string silence = params.integer(id);
        std::string when = params.integer(at);
        sql::execute(session_, "UPDATE silences SET " + row.assignments() + " WHERE id = " + silence +
                                   " AND ends_at_us > " + when,
                     params);
        sql::Params look(url_.backend);
        sql::Columns c(url_.backend);
        c.computed("n", "COUNT(*)");
        bool found = false;
        sql::query(session_, "SELECT " + c.select_list() + " FROM silences WHERE id = " + look.integer(id), look, c,
                   [&] { found = c.get_integer("n").value_or(0) > 0; });
        return found;
    });
}

std::optional<std::string> SociStorage::last_word(const std::string& notifier, std::int64_t job_id) {
    return guarded("last_word", [&] {
        sql::Params params(url_.backend);
        sql::Columns c(url_.backend);
        c.text("e.new_status");
        std::string name = params.text(notifier);
        std::string job = params.integer(job_id);
        std::optional<std::string> word;
        sql::query(session_,
                   "SELECT " + c.select_list() +
                       " FROM notification_deliveries d JOIN notification_events e ON e.id = d.event_id"
                       " WHERE d.notifier = " + name + " AND e.job_id = " + job +
                       " AND d.state <> 'failed' AND e.kind IN ('status_change', 'reminder')"
                       " ORDER BY e.id DESC LIMIT 1",
                   params, c, [&] { word = c.get_text("e.new_status"); });
        return word;
    });
}

}  // namespace vigil::plugins
