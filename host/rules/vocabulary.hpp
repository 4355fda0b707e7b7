// The scan's domain words (docs/scan.md): job statuses, entry statuses,
// report fates, notification event kinds, delivery states and scan
// outcomes, each an enum with one name
// table. Their names are what the database stores, the plugins receive and
// the output prints; text read back is parsed here and nowhere else.
#ifndef VIGIL_HOST_VOCABULARY_HPP
#define VIGIL_HOST_VOCABULARY_HPP

#include <optional>
#include <string>
#include <string_view>

namespace vigil::host {

// A job's current_status.
enum class JobStatus { kOk, kFailed, kMissing, kTransferIntegrityFailed, kUnknown };

// An entry's status: the judgement of one cycle of one job.
enum class EntryStatus { kSuccess, kHashMismatch, kFailed, kTransferIntegrityFailed, kMissing };

// What became of one report file.
enum class Fate { kUsed, kInvalid, kStale, kFuture, kAgentMismatch, kIrrelevant, kNoJob, kDuplicate };

// What a notification event tells; test only by `vigil notify test`.
enum class EventKind { kStatusChange, kHashMismatch, kReminder, kTest };

// Where a notification's delivery to one notifier stands: waiting to be
// sent (or tried again), sent, refused for good.
enum class DeliveryState { kPending, kSent, kFailed };

// How a scan's run ended: running until it ends (or when it stopped
// before), completed, or failed.
enum class ScanOutcome { kRunning, kCompleted, kFailed };

// Every value of each enum, in its declaration order.
inline constexpr JobStatus kJobStatuses[] = {JobStatus::kOk, JobStatus::kFailed, JobStatus::kMissing,
                                             JobStatus::kTransferIntegrityFailed, JobStatus::kUnknown};
inline constexpr EntryStatus kEntryStatuses[] = {EntryStatus::kSuccess, EntryStatus::kHashMismatch,
                                                 EntryStatus::kFailed, EntryStatus::kTransferIntegrityFailed,
                                                 EntryStatus::kMissing};
inline constexpr Fate kFates[] = {Fate::kUsed,          Fate::kInvalid,    Fate::kStale, Fate::kFuture,
                                  Fate::kAgentMismatch, Fate::kIrrelevant, Fate::kNoJob, Fate::kDuplicate};
inline constexpr EventKind kEventKinds[] = {EventKind::kStatusChange, EventKind::kHashMismatch,
                                            EventKind::kReminder, EventKind::kTest};
inline constexpr DeliveryState kDeliveryStates[] = {DeliveryState::kPending, DeliveryState::kSent,
                                                    DeliveryState::kFailed};
inline constexpr ScanOutcome kScanOutcomes[] = {ScanOutcome::kRunning, ScanOutcome::kCompleted, ScanOutcome::kFailed};

// The name each value is written as: ok, transfer_integrity_failed,
// hash_mismatch, agent_mismatch, status_change, ...
std::string_view name_of(JobStatus status);
std::string_view name_of(EntryStatus status);
std::string_view name_of(Fate fate);
std::string_view name_of(EventKind kind);
std::string_view name_of(DeliveryState state);
std::string_view name_of(ScanOutcome outcome);

// The value a name stands for, compared exactly; nothing for any other text.
std::optional<JobStatus> parse_job_status(std::string_view text);
std::optional<EntryStatus> parse_entry_status(std::string_view text);
std::optional<Fate> parse_fate(std::string_view text);
std::optional<EventKind> parse_event_kind(std::string_view text);
std::optional<DeliveryState> parse_delivery_state(std::string_view text);
std::optional<ScanOutcome> parse_scan_outcome(std::string_view text);

// "ok, failed, missing, transfer_integrity_failed, unknown": every job
// status's name, in declaration order, for messages listing what is allowed.
std::string job_status_names();

// failed, missing and transfer_integrity_failed: the statuses a job is in
// trouble with.
bool is_problem(JobStatus status);

// The job status an entry status leads to (docs/scan.md, step 4):
// success and hash_mismatch make a job ok, the others carry over.
JobStatus job_status_for(EntryStatus status);

}  // namespace vigil::host

#endif
