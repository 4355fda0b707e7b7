// Notifications (docs/notifications.md): which changes become events, which notifiers
// want them, and delivery after the scan committed, with retries.
#ifndef VIGIL_HOST_NOTIFY_HPP
#define VIGIL_HOST_NOTIFY_HPP

#include "config.hpp"
#include "evaluate.hpp"
#include "silence.hpp"
#include "status.hpp"
#include "storage_handle.hpp"
#include "vocabulary.hpp"

#include <vigil/types.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::host {

// The events one job's evaluation produces: a change of current_status
// (except a new job's first unknown -> ok) and every hash_mismatch entry.
std::vector<Event> events_for(const Evaluation& evaluation, std::int64_t now);

// A reminder that the job is still in a problem state.
Event reminder_for(const Job& job, std::int64_t now);

// After a silence: the current status of the job, told to a notifier whose
// last word on it was `told` (docs/notifications.md).
Event catch_up_for(const Job& job, const std::string& told, std::int64_t now);

// Whether the notifier's filters let the event through.
bool notifier_wants(const NotifierConfig& notifier, const Event& event);

// True for the statuses that deserve reminders: failed, missing, transfer_integrity_failed.
bool is_problem_status(const std::string& status);

// When a delivery that failed for now is tried again: after roughly as long
// as the event has waited already (between one minute and one hour).
std::int64_t next_attempt_after_failure(const std::vector<Event>& events, std::int64_t now);

// What a notifier said, fit for a log line and for the database: valid
// UTF-8 (U+FFFD for the bytes that are not), control characters as spaces,
// at most 1000 bytes (cut at a character, then "...").
std::string recordable(std::string_view text);

struct DeliveryOutcome {
    int sent = 0;
    int retry_later = 0;
    int failed = 0;
    std::string last_error;
};

// The configured notifiers, opened.
class Notifiers {
public:
    // Finds, loads and configures every notifier of the config.
    static Status open(const Config& config, Notifiers* out);

    bool empty() const { return entries_.empty(); }

    // Before the agents are recorded: reads the silences from the storage
    // (the maintenance windows come with the config). Without notifiers
    // there is nothing to read, nor from a storage plugin without silences:
    // no silence can have been added to it, and a configuration with
    // maintenance windows is refused on it before the scan
    // (require_storage_capabilities).
    Status load_silences(StorageHandle& storage);

    // Inside an agent's transaction: adds to *queued the job's events and
    // the reminders due, each for every notifier that wants it and may be
    // told (notice_decision: nothing while the job is silenced, a catch-up
    // on the first scan after its silence), to be stored with the agent's
    // rows. Reads what each notifier was told from the outbox.
    Status queue(StorageHandle& storage, const Evaluation& evaluation, std::int64_t now,
                 std::vector<QueuedEvent>* queued) const;

    // After the scan: claims, sends (one grouped message per notifier, a few
    // tries) and records the outcome of every due delivery.
    std::map<std::string, DeliveryOutcome> deliver(StorageHandle& storage, std::int64_t now,
                                                   std::int64_t real_now) const;

    // Sends one test event through each notifier (or only `name`).
    std::map<std::string, Status> send_test(const std::string& name, std::int64_t now) const;

private:
    struct Entry {
        NotifierConfig config;
        std::unique_ptr<NotifierHandle> handle;
    };
    std::vector<Entry> entries_;
    std::vector<Silence> silences_;
    std::vector<MaintenanceWindow> maintenance_;
};

}  // namespace vigil::host

#endif
