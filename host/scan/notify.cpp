#include "notify.hpp"

#include "decisions.hpp"
#include "fault.hpp"
#include "plugin_open.hpp"
#include "plugin_paths.hpp"
#include "sha256.hpp"

#include <vigil/timestamp.hpp>

#include <nlohmann/json.hpp>
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

Event event_of(const Job& job, EventKind kind, std::int64_t now) {
    Event e;
    e.kind = name_of(kind);
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

// A notifier's message is stored in last_error and logged: at most this
// many bytes of it.
constexpr std::size_t kMaxOutcomeText = 1000;

bool matches_any(const std::vector<std::string>& patterns, const std::string& value) {
    if (patterns.empty()) return true;
    for (const auto& p : patterns) {
        if (::fnmatch(p.c_str(), value.c_str(), 0) == 0) return true;
    }
    return false;
}

// Records how a delivery went. When the database refuses the notifier's
// words, the outcome is recorded with a plain message instead; when it
// refuses that too, undelivered events are released for a later scan
// rather than left claimed until the lease expires. Delivered ones stay
// claimed: once the lease expires they are sent again, flagged as
// possible duplicates.
void record_outcome(StorageHandle& storage, const std::string& name, const std::vector<Event>& events,
                    DeliveryState state, std::int64_t next, const std::string& error, std::int64_t now) {
    const std::string state_name(name_of(state));
    std::vector<std::int64_t> ids;
    for (const Event& e : events) ids.push_back(e.id);
    Status st = storage.finish_deliveries(name, ids, state_name, next, error, now);
    if (st.is_ok()) return;
    spdlog::error("notifier {}: cannot record that {} event(s) are {}: {}", name, ids.size(), state_name,
                  recordable(st.message()));
    const std::string plain = error.empty() ? "" : "the notifier's message could not be stored";
    st = storage.finish_deliveries(name, ids, state_name, next, plain, now);
    if (st.is_ok()) {
        spdlog::warn("notifier {}: recorded {} at the second try{}", name, state_name,
                     error.empty() ? "" : ", without the notifier's message");
        return;
    }
    spdlog::error("notifier {}: cannot record the outcome at all: {}", name, recordable(st.message()));
    if (state == DeliveryState::kSent) return;
    st = storage.finish_deliveries(name, ids, std::string(name_of(DeliveryState::kPending)),
                                   next_attempt_after_failure(events, now), plain, now);
    if (st.is_ok()) {
        spdlog::warn("notifier {}: {} event(s) released for a later scan", name, ids.size());
    } else {
        spdlog::error("notifier {}: cannot release the events either; they wait for the claim to expire: {}", name,
                      recordable(st.message()));
    }
}

}  // namespace

std::string recordable(std::string_view text) {
    const nlohmann::json as_json = std::string(text);
    // The replacing serializer puts U+FFFD for each byte that is not UTF-8;
    // parsing back undoes its escapes.
    std::string out = nlohmann::json::parse(as_json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
                          .get<std::string>();
    for (char& c : out) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    }
    if (out.size() <= kMaxOutcomeText) return out;
    std::size_t cut = kMaxOutcomeText;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    return out.substr(0, cut) + "...";
}

bool is_problem_status(const std::string& status) {
    const auto parsed = parse_job_status(status);
    return parsed && is_problem(*parsed);
}

std::vector<Event> events_for(const Evaluation& ev, std::int64_t now) {
    std::vector<Event> events;
    const Job& job = ev.job;
    const std::string& before = ev.previous_status;
    const std::string& after = job.current_status;
    if (before != after && !(before == name_of(JobStatus::kUnknown) && after == name_of(JobStatus::kOk))) {
        Event e = event_of(job, EventKind::kStatusChange, now);
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
        if (entry.status != name_of(EntryStatus::kHashMismatch)) continue;
        Event e = event_of(job, EventKind::kHashMismatch, now);
        e.old_status = before;
        e.new_status = name_of(EntryStatus::kHashMismatch);
        e.cycle_expected_at = entry.cycle_expected_at;
        e.message = entry.message;
        e.fingerprint = fingerprint_of(e);
        events.push_back(std::move(e));
    }
    return events;
}

Event reminder_for(const Job& job, std::int64_t now) {
    Event e = event_of(job, EventKind::kReminder, now);
    e.old_status = job.current_status;
    e.new_status = job.current_status;
    e.cycle_expected_at = job.last_entry_cycle_at;
    e.message = "still " + job.current_status +
                (job.last_entry_cycle_at == kNoTime ? "" : " since cycle " + format_iso(job.last_entry_cycle_at));
    // A reminder's identity includes when it was sent: each one is a new alert.
    e.fingerprint = fingerprint_of(e) + "-" + std::to_string(now / 1'000'000);
    return e;
}

Event catch_up_for(const Job& job, const std::string& told, std::int64_t now) {
    Event e = event_of(job, EventKind::kStatusChange, now);
    e.old_status = told;
    e.new_status = job.current_status;
    e.cycle_expected_at = job.last_entry_cycle_at;
    e.message = "a silence has ended: now " + job.current_status +
                (job.last_entry_cycle_at == kNoTime ? "" : " (cycle " + format_iso(job.last_entry_cycle_at) + ")") +
                ", last told " + told;
    e.fingerprint = fingerprint_of(e);
    return e;
}

bool notifier_wants(const NotifierConfig& n, const Event& e) {
    if (e.kind == name_of(EventKind::kStatusChange) && e.new_status == name_of(JobStatus::kOk) && !n.send_resolved) {
        return false;
    }
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
    out->maintenance_ = config.maintenance;
    return Status::ok();
}

Status Notifiers::load_silences(StorageHandle& storage) {
    if (entries_.empty()) return Status::ok();
    if (!storage.offers(StorageCapability::kSilences)) return Status::ok();
    return storage.load_silences(kNoTime, &silences_);
}

Status Notifiers::queue(StorageHandle& storage, const Evaluation& ev, std::int64_t now,
                        std::vector<QueuedEvent>* queued) const {
    if (entries_.empty()) return Status::ok();
    const std::size_t first_queued = queued->size();
    const Job& job = ev.job;
    auto silenced = [&](std::int64_t t) {
        return t != kNoTime &&
               silencing_at(silences_, maintenance_, job.agent_id_responsible, job.database_name, t).has_value();
    };
    const bool silenced_now = silenced(now);
    const bool silenced_before = !silenced_now && silenced(ev.previous_checked);
    std::vector<NoticeDecision> decisions;
    std::map<std::string, std::vector<std::string>> catch_ups;  // last word -> notifiers
    for (const Entry& n : entries_) {
        std::optional<std::string> word;
        if (silenced_before) {
            if (Status st = storage.last_word(n.config.choice.name, job.id, &word); !st.is_ok()) return st;
        }
        decisions.push_back(notice_decision(silenced_now, silenced_before, word, job.current_status));
        if (decisions.back() == NoticeDecision::kCatchUp) catch_ups[presumed_status(word)].push_back(n.config.choice.name);
    }

    // Events of a silenced job are stored all the same, without deliveries.
    for (Event& e : events_for(ev, now)) {
        std::vector<std::string> wanted;
        for (std::size_t i = 0; i < entries_.size(); ++i) {
            const bool told = decisions[i] == NoticeDecision::kDeliver ||
                              (decisions[i] != NoticeDecision::kHold && e.kind == name_of(EventKind::kHashMismatch));
            if (told && notifier_wants(entries_[i].config, e)) wanted.push_back(entries_[i].config.choice.name);
        }
        queued->push_back({std::move(e), std::move(wanted)});
    }
    for (const auto& [word, names] : catch_ups) {
        Event e = catch_up_for(job, word, now);
        std::vector<std::string> wanted;
        for (const Entry& n : entries_) {
            if (std::count(names.begin(), names.end(), n.config.choice.name) && notifier_wants(n.config, e)) {
                wanted.push_back(n.config.choice.name);
            }
        }
        if (wanted.empty()) continue;
        queued->push_back({std::move(e), std::move(wanted)});
    }
    if (silenced_now || !is_problem_status(job.current_status)) return Status::ok();
    const Event reminder = reminder_for(ev.job, now);
    // An event of the job queued above for a notifier is its latest word to
    // it, though not stored yet: no reminder on top of it.
    auto told_now = [&](const std::string& name) {
        return std::any_of(queued->begin() + static_cast<std::ptrdiff_t>(first_queued), queued->end(),
                           [&](const QueuedEvent& q) {
                               return std::find(q.notifiers.begin(), q.notifiers.end(), name) != q.notifiers.end();
                           });
    };
    for (const Entry& n : entries_) {
        if (n.config.repeat_interval <= 0) continue;
        if (!notifier_wants(n.config, reminder)) continue;
        if (told_now(n.config.choice.name)) continue;
        std::int64_t last = kNoTime;
        if (Status st = storage.last_notified(n.config.choice.name, ev.job.id, &last); !st.is_ok()) return st;
        if (last != kNoTime && now - last < n.config.repeat_interval) continue;
        queued->push_back({reminder, {n.config.choice.name}});
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
            spdlog::warn("notifier {}: attempt {} of {} failed: {}", name, attempt, n.config.attempts,
                         recordable(sent.message()));
            if (attempt < n.config.attempts && delay > 0) {
                std::this_thread::sleep_for(std::chrono::microseconds(delay));
                delay *= 2;
            }
        }
        fault_point("notify.sent");

        const std::string error = sent.is_ok() ? "" : recordable(sent.message());
        const auto count = static_cast<int>(events.size());
        DeliveryState state = DeliveryState::kSent;
        std::int64_t next = now;
        if (sent.code() == Status::Code::kPermanent) {
            state = DeliveryState::kFailed;
            outcome.failed += count;
            outcome.last_error = error;
            spdlog::error("notifier {}: refused for good, {} event(s) dropped: {}", name, count, error);
        } else if (!sent.is_ok()) {
            state = DeliveryState::kPending;
            next = next_attempt_after_failure(events, now);
            outcome.retry_later += count;
            outcome.last_error = error;
            spdlog::error("notifier {}: {} event(s) kept for a later scan (from {}): {}", name, count,
                          format_iso(next), error);
        } else {
            outcome.sent += count;
            spdlog::info("notifier {}: {} event(s) delivered", name, count);
        }
        record_outcome(storage, name, events, state, next, error, now);
    }
    return outcomes;
}

std::map<std::string, Status> Notifiers::send_test(const std::string& name, std::int64_t now) const {
    std::map<std::string, Status> results;
    for (const Entry& n : entries_) {
        if (!name.empty() && n.config.choice.name != name) continue;
        Event e;
        e.kind = name_of(EventKind::kTest);
        e.agent_id = "VIGIL_TEST_MESSAGE";
        e.database_name = "test";
        e.expected_hour_utc = 0;
        e.expected_minute_utc = 0;
        e.old_status = name_of(JobStatus::kOk);
        e.new_status = name_of(JobStatus::kOk);
        e.message = "test message from vigil notify test: if you read this, " + n.config.choice.name + " works";
        e.scan_time = now;
        e.fingerprint = fingerprint_of(e);
        const Status sent = n.handle->send({e});
        results[n.config.choice.name] = sent.is_ok() ? sent : Status::error(sent.code(), recordable(sent.message()));
    }
    return results;
}

}  // namespace vigil::host
