#include "vocabulary.hpp"

namespace vigil::host {

namespace {

template <typename E>
struct Named {
    E value;
    std::string_view name;
};

constexpr Named<JobStatus> kJobStatusNames[] = {
    {JobStatus::kOk, "ok"},
    {JobStatus::kFailed, "failed"},
    {JobStatus::kMissing, "missing"},
    {JobStatus::kTransferIntegrityFailed, "transfer_integrity_failed"},
    {JobStatus::kUnknown, "unknown"},
};

constexpr Named<EntryStatus> kEntryStatusNames[] = {
    {EntryStatus::kSuccess, "success"},
    {EntryStatus::kHashMismatch, "hash_mismatch"},
    {EntryStatus::kFailed, "failed"},
    {EntryStatus::kTransferIntegrityFailed, "transfer_integrity_failed"},
    {EntryStatus::kMissing, "missing"},
};

constexpr Named<Fate> kFateNames[] = {
    {Fate::kUsed, "used"},
    {Fate::kInvalid, "invalid"},
    {Fate::kStale, "stale"},
    {Fate::kFuture, "future"},
    {Fate::kAgentMismatch, "agent_mismatch"},
    {Fate::kIrrelevant, "irrelevant"},
    {Fate::kNoJob, "no_job"},
    {Fate::kDuplicate, "duplicate"},
};

constexpr Named<EventKind> kEventKindNames[] = {
    {EventKind::kStatusChange, "status_change"},
    {EventKind::kHashMismatch, "hash_mismatch"},
    {EventKind::kReminder, "reminder"},
    {EventKind::kTest, "test"},
};

constexpr Named<DeliveryState> kDeliveryStateNames[] = {
    {DeliveryState::kPending, "pending"},
    {DeliveryState::kSent, "sent"},
    {DeliveryState::kFailed, "failed"},
};

constexpr Named<ScanOutcome> kScanOutcomeNames[] = {
    {ScanOutcome::kRunning, "running"},
    {ScanOutcome::kCompleted, "completed"},
    {ScanOutcome::kFailed, "failed"},
};

// Every table lists every value once, so a value not found cannot happen;
// the first name stands in rather than undefined behaviour.
template <typename E, std::size_t N>
std::string_view name_in(const Named<E> (&table)[N], E value) {
    for (const auto& entry : table) {
        if (entry.value == value) return entry.name;
    }
    return table[0].name;
}

template <typename E, std::size_t N>
std::optional<E> value_in(const Named<E> (&table)[N], std::string_view text) {
    for (const auto& entry : table) {
        if (entry.name == text) return entry.value;
    }
    return std::nullopt;
}

}  // namespace

std::string_view name_of(JobStatus status) { return name_in(kJobStatusNames, status); }
std::string_view name_of(EntryStatus status) { return name_in(kEntryStatusNames, status); }
std::string_view name_of(Fate fate) { return name_in(kFateNames, fate); }
std::string_view name_of(EventKind kind) { return name_in(kEventKindNames, kind); }
std::string_view name_of(DeliveryState state) { return name_in(kDeliveryStateNames, state); }
std::string_view name_of(ScanOutcome outcome) { return name_in(kScanOutcomeNames, outcome); }

std::optional<JobStatus> parse_job_status(std::string_view text) { return value_in(kJobStatusNames, text); }
std::optional<EntryStatus> parse_entry_status(std::string_view text) { return value_in(kEntryStatusNames, text); }
std::optional<Fate> parse_fate(std::string_view text) { return value_in(kFateNames, text); }
std::optional<EventKind> parse_event_kind(std::string_view text) { return value_in(kEventKindNames, text); }
std::optional<DeliveryState> parse_delivery_state(std::string_view text) {
    return value_in(kDeliveryStateNames, text);
}
std::optional<ScanOutcome> parse_scan_outcome(std::string_view text) { return value_in(kScanOutcomeNames, text); }

std::string job_status_names() {
    std::string text;
    for (const auto& entry : kJobStatusNames) text += (text.empty() ? "" : ", ") + std::string(entry.name);
    return text;
}

bool is_problem(JobStatus status) {
    return status == JobStatus::kFailed || status == JobStatus::kMissing ||
           status == JobStatus::kTransferIntegrityFailed;
}

JobStatus job_status_for(EntryStatus status) {
    switch (status) {
        case EntryStatus::kSuccess:
        case EntryStatus::kHashMismatch: return JobStatus::kOk;
        case EntryStatus::kFailed: return JobStatus::kFailed;
        case EntryStatus::kTransferIntegrityFailed: return JobStatus::kTransferIntegrityFailed;
        case EntryStatus::kMissing: return JobStatus::kMissing;
    }
    return JobStatus::kUnknown;
}

}  // namespace vigil::host
