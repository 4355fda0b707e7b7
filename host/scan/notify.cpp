#include "notify.hpp"

#include "decisions.hpp"
#include "fault.hpp"
#include "plugin_open.hpp"
#include "plugin_paths.hpp"
#include "sha256.hpp"

#include <vigil/timestamp.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <fnmatch.h>
#include <thread>

namespace vigil::host {

namespace {

std::string fingerprint_of(const Event& e) {
    const std::string cycle = e.cycle_expected_at == kNoTime ? "-" : format_iso(e.cycle_expected_at);
    // An `at` job's events keep the fingerprints they had before schedules.
    const std::string when = e.expected_hour_utc && e.expected_minute_utc
                                 ? time_of_day(*e.expected_hour_utc, *e.expected_minute_utc)
                                 : e.schedule + " " + e.timezone;
    return Sha256::hex_of(e.kind + "|" + e.agent_id + "|" + e.database_name + "|" + when + "|" + cycle + "|" +
                          e.new_status)
        .substr(0, 32);
}

Event event_of(const Job& job, const std::string& kind, std::int64_t now) {
    Event e;
    e.kind = kind;
    e.job_id = job.id;
    e.agent_id = job.agent_id_responsible;
    e.database_name = job.database_name;
    e.expected_hour_utc = job.expected_hour_utc;
    e.expected_minute_utc = job.expected_minute_utc;
    e.schedule = job.schedule_text();
    e.timezone = job.timezone;
    e.scan_time = now;
    return e;
}

bool matches_any(const std::vector<std::string>& patterns, const std::string& value) {
    if (patterns.empty()) return true;
    for (const auto& p : patterns) {
        if (::fnmatch(p.c_str(), value.c_str(), 0) == 0) return true;
    }
    return false;
}

}  // namespace

bool is_problem_status(const std::string& status) {
    return status == "failed" || status == "missing" || status == "transfer_integrity_failed";
}

std::vector<Event> events_for(const Evaluation& ev, std::int64_t now) {
    std::vector<Event> events;
    const Job& job = ev.job;
    const std::string& before = ev.previous_status;
    const std::string& after = job.current_status;
    if (before != after && !(before == "unknown" && after == "ok")) {
        Event e = event_of(job, "status_change", now);
        e.old_status = before;
        e.new_status = after;
        e.cycle_expected_at = job.last_entry_cycle_at;
        for (const Entry& entry : ev.new_entries) {
            if (entry.cycle_expected_at == job.last_entry_cycle_at) e.message = entry.message;
        }
        e.fingerprint = fingerprint_of(e);
        events.push_back(std::move(e));
    }
    for (const Entry& entry : ev.new_entries) {
        if (entry.status != "hash_mismatch") continue;
        Event e = event_of(job, "hash_mismatch", now);
        e.old_status = before;
        e.new_status = "hash_mismatch";
        e.cycle_expected_at = entry.cycle_expected_at;
        e.message = entry.message;
        e.fingerprint = fingerprint_of(e);
        events.push_back(std::move(e));
    }
    return events;
}

Event reminder_for(const Job& job, std::int64_t now) {
    Event e = event_of(job, "reminder", now);
    e.old_status = job.current_status;
    e.new_status = job.current_status;
    e.cycle_expected_at = job.last_entry_cycle_at;
    e.message = "still " + job.current_status +
                (job.last_entry_cycle_at == kNoTime ? "" : " since cycle " + format_iso(job.last_entry_cycle_at));
    // A reminder's identity includes when it was sent: each one is a new alert.
    e.fingerprint = fingerprint_of(e) + "-" + std::to_string(now / 1'000'000);
    return e;
}

bool notifier_wants(const NotifierConfig& n, const Event& e) {
    if (e.kind == "status_change" && e.new_status == "ok" && !n.send_resolved) return false;
    if (!n.statuses.empty() && std::find(n.statuses.begin(), n.statuses.end(), e.new_status) == n.statuses.end()) {
        return false;
    }
    return matches_any(n.agents, e.agent_id) && matches_any(n.databases, e.database_name);
}

std::int64_t next_attempt_after_failure(const std::vector<Event>& events, std::int64_t now) {
    std::int64_t oldest = now;
    for (const Event& e : events) oldest = std::min(oldest, e.scan_time);
    const std::int64_t waited = now - oldest;
    return now + std::clamp<std::int64_t>(waited, 60'000'000, 3600'000'000);
}

Status Notifiers::open(const Config& config, Notifiers* out) {
    const auto search_path = plugin_search_path(config.plugin_path);
    for (const NotifierConfig& n : config.notifiers) {
        std::unique_ptr<NotifierHandle> handle;
        if (Status st = open_plugin(n.choice, search_path, &handle); !st.is_ok()) return st;
        out->entries_.push_back(Entry{n, std::move(handle)});
    }
    return Status::ok();
}

Status Notifiers::queue(StorageHandle& storage, const Evaluation& ev, std::int64_t now, int* queued) const {
    if (entries_.empty()) return Status::ok();
    for (Event& e : events_for(ev, now)) {
        std::vector<std::string> wanted;
        for (const Entry& n : entries_) {
            if (notifier_wants(n.config, e)) wanted.push_back(n.config.choice.name);
        }
        std::int64_t id = 0;
        if (Status st = storage.insert_event(e, wanted, &id); !st.is_ok()) return st;
        ++*queued;
    }
    if (!is_problem_status(ev.job.current_status)) return Status::ok();
    const Event reminder = reminder_for(ev.job, now);
    for (const Entry& n : entries_) {
        if (n.config.repeat_interval <= 0) continue;
        if (!notifier_wants(n.config, reminder)) continue;
        std::int64_t last = kNoTime;
        if (Status st = storage.last_notified(n.config.choice.name, ev.job.id, &last); !st.is_ok()) return st;
        if (last != kNoTime && now - last < n.config.repeat_interval) continue;
        std::int64_t id = 0;
        if (Status st = storage.insert_event(reminder, {n.config.choice.name}, &id); !st.is_ok()) return st;
        ++*queued;
    }
    return Status::ok();
}

std::map<std::string, DeliveryOutcome> Notifiers::deliver(StorageHandle& storage, std::int64_t now,
                                                          std::int64_t real_now) const {
    std::map<std::string, DeliveryOutcome> outcomes;
    for (const Entry& n : entries_) {
        const std::string& name = n.config.choice.name;
        DeliveryOutcome& outcome = outcomes[name];
        std::vector<Event> events;
        Status st = storage.begin();
        if (st.is_ok()) st = storage.claim_deliveries(name, now, real_now, real_now + n.config.lease, &events);
        if (st.is_ok()) st = storage.commit();
        if (!st.is_ok()) {
            storage.rollback();
            outcome.last_error = st.message();
            spdlog::error("notifier {}: cannot claim its deliveries: {}", name, st.message());
            continue;
        }
        if (events.empty()) continue;
        fault_point("notify.claimed");

        Status sent;
        std::int64_t delay = n.config.retry_delay;
        for (int attempt = 1; attempt <= n.config.attempts; ++attempt) {
            sent = n.handle->send(events);
            if (sent.is_ok() || sent.code() == Status::Code::kPermanent) break;
            spdlog::warn("notifier {}: attempt {} of {} failed: {}", name, attempt, n.config.attempts, sent.message());
            if (attempt < n.config.attempts && delay > 0) {
                std::this_thread::sleep_for(std::chrono::microseconds(delay));
                delay *= 2;
            }
        }
        fault_point("notify.sent");

        std::vector<std::int64_t> ids;
        for (const Event& e : events) ids.push_back(e.id);
        std::string state = "sent";
        std::int64_t next = now;
        if (sent.code() == Status::Code::kPermanent) {
            state = "failed";
            outcome.failed += static_cast<int>(ids.size());
            outcome.last_error = sent.message();
            spdlog::error("notifier {}: refused for good, {} event(s) dropped: {}", name, ids.size(), sent.message());
        } else if (!sent.is_ok()) {
            state = "pending";
            next = next_attempt_after_failure(events, now);
            outcome.retry_later += static_cast<int>(ids.size());
            outcome.last_error = sent.message();
            spdlog::error("notifier {}: {} event(s) kept for a later scan (from {}): {}", name, ids.size(),
                          format_iso(next), sent.message());
        } else {
            outcome.sent += static_cast<int>(ids.size());
            spdlog::info("notifier {}: {} event(s) delivered", name, ids.size());
        }
        Status finish = storage.finish_deliveries(name, ids, state, next, sent.is_ok() ? "" : sent.message(), now);
        if (!finish.is_ok()) {
            // The claim expires after the lease and the events are sent again, flagged as possible duplicates.
            spdlog::error("notifier {}: cannot record the outcome: {}", name, finish.message());
        }
    }
    return outcomes;
}

std::map<std::string, Status> Notifiers::send_test(const std::string& name, std::int64_t now) const {
    std::map<std::string, Status> results;
    for (const Entry& n : entries_) {
        if (!name.empty() && n.config.choice.name != name) continue;
        Event e;
        e.kind = "test";
        e.agent_id = "VIGIL_TEST_MESSAGE";
        e.database_name = "test";
        e.expected_hour_utc = 0;
        e.expected_minute_utc = 0;
        e.old_status = "ok";
        e.new_status = "ok";
        e.message = "test message from vigil notify test: if you read this, " + n.config.choice.name + " works";
        e.scan_time = now;
        e.fingerprint = fingerprint_of(e);
        results[n.config.choice.name] = n.handle->send({e});
    }
    return results;
}

}  // namespace vigil::host
