// Owning C++ values for the C structs of plugin.h, and conversions both ways.
//
// Used by the C++ plugin layer (plugin.hpp) and by the host, so both sides
// read and write the ABI the same way. Header-only, C++17, no dependency but
// the standard library: it compiles with libstdc++ and libc++ alike.
#ifndef VIGIL_TYPES_HPP
#define VIGIL_TYPES_HPP

#include <vigil/plugin.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace vigil {

// True when the struct at `ptr` (never NULL) declares a size that contains
// `member`: a reader built against a newer header must not read past the
// end of a struct written by an older plugin or host.
#define VIGIL_HAS_FIELD(ptr, member)                                                         \
    (offsetof(std::remove_pointer_t<decltype(ptr)>, member) + sizeof((ptr)->member) <= \
     (ptr)->struct_size)

constexpr std::int64_t kNoTime = VIGIL_NO_TIME;
constexpr std::int64_t kNoSize = VIGIL_NO_SIZE;

namespace detail {
inline std::optional<std::string> opt_string(const char* s) {
    if (s == nullptr) return std::nullopt;
    return std::string(s);
}
inline const char* opt_cstr(const std::optional<std::string>& s) {
    return s ? s->c_str() : nullptr;
}
// The ABI writes an absent small number as -1.
inline std::optional<int> opt_int(std::int32_t v) {
    if (v < 0) return std::nullopt;
    return static_cast<int>(v);
}
inline std::int32_t int_or_absent(const std::optional<int>& v) { return v ? *v : -1; }
}  // namespace detail

// The schedule text of an `at` job: "MM HH * * *" (docs/scan.md).
inline std::string at_schedule(int hour, int minute) {
    char text[32];  // room for any two ints: the ABI does not bound them
    std::snprintf(text, sizeof text, "%02d %02d * * *", minute, hour);
    return text;
}

// How messages say when a job runs: "at 02:30" for an `at` job,
// `schedule "30 2 * * mon-fri" Europe/Paris` for any other.
inline std::string when_label(const std::optional<int>& hour, const std::optional<int>& minute,
                              const std::string& schedule, const std::string& timezone) {
    if (hour && minute && (schedule.empty() || schedule == at_schedule(*hour, *minute))) {
        char text[16];
        std::snprintf(text, sizeof text, "at %02d:%02d", *hour, *minute);
        return text;
    }
    return "schedule \"" + schedule + "\" " + (timezone.empty() ? std::string("UTC") : timezone);
}

// One phase of a database backup (docs/report-format.md).
struct Phase {
    bool status = false;
    std::int64_t start_time = kNoTime;
    std::int64_t end_time = kNoTime;
    std::optional<std::string> sha256_checksum;
    std::int64_t size = kNoSize;
    std::optional<std::string> error_message;
};

// One entry of a report's `databases` object.
struct DatabaseReport {
    std::string database_name;
    std::string staged_file_name;
    Phase backup, compress, transfer;
    std::optional<std::string> logs_summary;
};

// A parsed, validated report.
struct Report {
    std::int64_t operation_start_time = kNoTime;
    std::int64_t operation_end_time = kNoTime;
    std::string agent_id;
    std::string overall_status;
    std::vector<DatabaseReport> databases;
};

// The fields of a job and of an entry, each declared once on this side of
// the boundary: X(kind, name, default) in the order of the C struct after
// struct_size. The C++ members, the conversions from and to the C structs
// (from_c, JobView, EntryView) and a storage plugin's columns all follow
// from these lists, and a compile-time check below holds each list to its C
// struct. A kind says how a value crosses the boundary:
//   ID, INT64  int64_t, an id or a number   TIME  int64_t, VIGIL_NO_TIME when absent
//   TIME_US    a TIME kept to the microsecond by a storage (others may keep seconds)
//   SIZE       int64_t, VIGIL_NO_SIZE        TEXT  const char * (NULL reads as the default)
//   OPT_TEXT   const char *, NULL: absent    INT   int32_t
//   OPT_INT    int32_t, -1: absent           BOOL  int32_t, 0 or 1
//   TRI        int32_t, 1 yes, 0 no, -1 not known
//   PHASE      const vigil_phase *, NULL: absent
// A row of expected_backup_jobs. Its identity is (agent, database,
// schedule, timezone).
#define VIGIL_JOB_FIELDS(X)                                                                               \
    X(ID, id, 0)                                                                                         \
    X(TEXT, agent_id_responsible, "")                                                                    \
    X(TEXT, company_name, "")                                                                            \
    X(TEXT, city, "")                                                                                    \
    X(TEXT, neighborhood, "")                                                                            \
    X(TEXT, database_name, "")                                                                           \
    X(OPT_INT, expected_hour_utc, std::nullopt)   /* an `at` job's time; absent for other schedules */    \
    X(OPT_INT, expected_minute_utc, std::nullopt)                                                        \
    X(INT, window_minutes, 60)                                                                           \
    X(BOOL, is_active, true)                                                                             \
    X(TEXT, current_status, "unknown")                                                                   \
    X(TIME, last_checked_timestamp, kNoTime)                                                             \
    X(TIME, last_successful_backup_timestamp, kNoTime)                                                   \
    X(OPT_TEXT, previous_successful_hash_global, std::nullopt)                                           \
    X(TIME, created_at, kNoTime)                                                                         \
    X(TIME, updated_at, kNoTime)                                                                         \
    X(TIME, last_entry_cycle_at, kNoTime)                                                                \
    X(TEXT, schedule, "")           /* five cron fields; "": the `at` form (schedule_text) */             \
    X(TEXT, timezone, "UTC")        /* IANA name the schedule is read in */                              \
    X(OPT_INT, early_minutes, std::nullopt)  /* window before each instant; absent: window_minutes */     \
    X(OPT_INT, late_minutes, std::nullopt)   /* window after each instant; absent: window_minutes */      \
    X(TIME, status_changed_at, kNoTime)      /* the scan that last changed current_status */

// A row of backup_entries.
#define VIGIL_ENTRY_FIELDS(X)                                                                             \
    X(ID, id, 0)                                                                                         \
    X(INT64, expected_job_id, 0)                                                                         \
    X(TIME, cycle_expected_at, kNoTime)                                                                  \
    X(TIME, timestamp, kNoTime)                                                                          \
    X(TEXT, status, "")                                                                                  \
    X(TEXT, message, "")                                                                                 \
    X(OPT_TEXT, operation_log_file_name, std::nullopt)                                                   \
    X(TEXT, agent_id, "")                                                                                \
    X(OPT_TEXT, agent_overall_status, std::nullopt)                                                      \
    X(TIME, operation_start_time, kNoTime)                                                               \
    X(TIME_US, operation_end_time, kNoTime)   /* compared to the microsecond */                           \
    X(PHASE, backup, std::nullopt)                                                                       \
    X(PHASE, compress, std::nullopt)                                                                     \
    X(PHASE, transfer, std::nullopt)                                                                     \
    X(OPT_TEXT, agent_staged_file_name, std::nullopt)                                                    \
    X(OPT_TEXT, agent_logs_summary, std::nullopt)                                                        \
    X(OPT_TEXT, server_calculated_staged_hash, std::nullopt)                                             \
    X(SIZE, server_calculated_staged_size, kNoSize)                                                      \
    X(OPT_TEXT, previous_successful_hash_global, std::nullopt)                                           \
    X(TRI, hash_comparison_result, -1)   /* 1 differ, 0 same, -1 not compared */

// The C++ type of each kind.
#define VIGIL_CXX_TYPE_ID std::int64_t
#define VIGIL_CXX_TYPE_INT64 std::int64_t
#define VIGIL_CXX_TYPE_TIME std::int64_t
#define VIGIL_CXX_TYPE_TIME_US std::int64_t
#define VIGIL_CXX_TYPE_SIZE std::int64_t
#define VIGIL_CXX_TYPE_TEXT std::string
#define VIGIL_CXX_TYPE_OPT_TEXT std::optional<std::string>
#define VIGIL_CXX_TYPE_INT int
#define VIGIL_CXX_TYPE_OPT_INT std::optional<int>
#define VIGIL_CXX_TYPE_BOOL bool
#define VIGIL_CXX_TYPE_TRI int
#define VIGIL_CXX_TYPE_PHASE std::optional<Phase>
// The C type of each kind.
#define VIGIL_C_TYPE_ID int64_t
#define VIGIL_C_TYPE_INT64 int64_t
#define VIGIL_C_TYPE_TIME int64_t
#define VIGIL_C_TYPE_TIME_US int64_t
#define VIGIL_C_TYPE_SIZE int64_t
#define VIGIL_C_TYPE_TEXT const char*
#define VIGIL_C_TYPE_OPT_TEXT const char*
#define VIGIL_C_TYPE_INT int32_t
#define VIGIL_C_TYPE_OPT_INT int32_t
#define VIGIL_C_TYPE_BOOL int32_t
#define VIGIL_C_TYPE_TRI int32_t
#define VIGIL_C_TYPE_PHASE const vigil_phase*

#define VIGIL_CXX_MEMBER(kind, name, fallback) VIGIL_CXX_TYPE_##kind name = fallback;
#define VIGIL_C_MEMBER(kind, name, fallback) VIGIL_C_TYPE_##kind name;

struct Job {
    VIGIL_JOB_FIELDS(VIGIL_CXX_MEMBER)

    // The schedule as stored: its own text, or the `at` form.
    std::string schedule_text() const {
        if (!schedule.empty() || !expected_hour_utc || !expected_minute_utc) return schedule;
        return at_schedule(*expected_hour_utc, *expected_minute_utc);
    }
};

struct Entry {
    VIGIL_ENTRY_FIELDS(VIGIL_CXX_MEMBER)
};

namespace detail {
// The C structs as the lists declare them: the check that each list
// matches its struct in plugin.h, field by field.
struct JobLayout {
    uint32_t struct_size;
    VIGIL_JOB_FIELDS(VIGIL_C_MEMBER)
};
struct EntryLayout {
    uint32_t struct_size;
    VIGIL_ENTRY_FIELDS(VIGIL_C_MEMBER)
};
#define VIGIL_SAME_OFFSET(C, Layout)                                                                      \
    static_assert(sizeof(C) == sizeof(Layout), #C " and its field list differ: update both");
VIGIL_SAME_OFFSET(vigil_job, JobLayout)
VIGIL_SAME_OFFSET(vigil_entry, EntryLayout)
#undef VIGIL_SAME_OFFSET
#define VIGIL_CHECK_JOB_FIELD(kind, name, fallback)                                                       \
    static_assert(offsetof(vigil_job, name) == offsetof(JobLayout, name) &&                              \
                      std::is_same_v<decltype(vigil_job::name), decltype(JobLayout::name)>,              \
                  "vigil_job." #name " is not where or what VIGIL_JOB_FIELDS says");
#define VIGIL_CHECK_ENTRY_FIELD(kind, name, fallback)                                                     \
    static_assert(offsetof(vigil_entry, name) == offsetof(EntryLayout, name) &&                          \
                      std::is_same_v<decltype(vigil_entry::name), decltype(EntryLayout::name)>,          \
                  "vigil_entry." #name " is not where or what VIGIL_ENTRY_FIELDS says");
VIGIL_JOB_FIELDS(VIGIL_CHECK_JOB_FIELD)
VIGIL_ENTRY_FIELDS(VIGIL_CHECK_ENTRY_FIELD)
#undef VIGIL_CHECK_JOB_FIELD
#undef VIGIL_CHECK_ENTRY_FIELD
}  // namespace detail

// The fate of one report file.
struct ReportRecord {
    std::string content_sha256;
    std::string agent_id;
    std::string file_name;
    std::string fate;
    std::string reason;
    std::optional<std::string> source;
    std::int64_t operation_end_time = kNoTime;
    std::int64_t scanned_at = kNoTime;
};

// A notification event.
struct Event {
    std::int64_t id = 0;
    std::string kind;
    std::string fingerprint;
    std::string agent_id;
    std::string database_name;
    std::optional<int> expected_hour_utc;    // the job's `at` time; absent for other schedules
    std::optional<int> expected_minute_utc;
    std::string old_status;
    std::string new_status;
    std::int64_t cycle_expected_at = kNoTime;
    std::string message;
    std::int64_t scan_time = kNoTime;
    bool possibly_duplicate = false;
    std::int64_t job_id = 0;
    std::string schedule;   // the job's cron text ("" for a test event)
    std::string timezone;   // the zone it is read in ("" for a test event)
};

// A row of the scans table: one run of `vigil scan`.
struct Scan {
    std::int64_t id = 0;
    std::int64_t started_at = kNoTime;   // real clock
    std::int64_t finished_at = kNoTime;  // real clock; kNoTime while it runs
    std::int64_t scan_time = kNoTime;    // the instant it judged at
    std::string host;
    std::int64_t pid = 0;
    std::string outcome = "running";     // running, completed, failed
    std::string message;
    std::int64_t agents_scanned = 0;
    std::int64_t agents_without_folder = 0;
    std::int64_t folders_skipped = 0;
    std::int64_t agents_busy = 0;
    std::int64_t agents_failed = 0;
    std::int64_t reports_processed = 0;
    std::int64_t entries_recorded = 0;
    std::int64_t events_queued = 0;
    std::int64_t reports_archived = 0;
    std::int64_t archive_failures = 0;
    std::int64_t jobs_active = 0;
    std::int64_t bytes_verified = 0;
};

// How many notification deliveries one notifier has in one state.
struct DeliveryCount {
    std::string notifier;
    std::string state;
    std::int64_t count = 0;
};

// An operator's silence: nothing is delivered about the jobs it matches
// from created_at until ends_at (exclusive).
struct Silence {
    std::int64_t id = 0;
    std::string agents = "*";        // glob on the agent id
    std::string databases = "*";     // glob on the database name
    std::int64_t created_at = kNoTime;
    std::string created_by;
    std::string reason;
    std::int64_t ends_at = kNoTime;
    std::int64_t expired_at = kNoTime;       // ended early at; kNoTime otherwise
    std::optional<std::string> expired_by;   // who ended it early
};

// What the scan asks about one report file (ScanStore::find_reports).
struct ReportQuery {
    std::string content_sha256;
    std::string agent_id;
    std::string file_name;
};

// The answer to a ReportQuery.
struct ReportSeen {
    bool content_seen = false;  // these bytes were recorded before from this agent folder
    bool same_file = false;     // ... under this very file name
};

// One write of the scan (ScanStore::write): entries, then job states, then
// report fates, of one agent or of several.
struct WriteBatch {
    std::vector<Entry> entries;
    std::vector<Job> job_states;
    std::vector<ReportRecord> reports;

    bool empty() const { return entries.empty() && job_states.empty() && reports.empty(); }
};

// An event for the outbox and the notifiers that are to deliver it.
struct QueuedEvent {
    Event event;
    std::vector<std::string> notifiers;
};

// Result of one integrity check on one file.
struct CheckResult {
    bool passed = false;
    std::string message;
    std::optional<std::string> digest_name;
    std::optional<std::string> digest_hex;
};

// ---------------------------------------------------------------------
// C -> C++ (reads only the fields the struct's size says are present)
// ---------------------------------------------------------------------

inline Phase from_c(const vigil_phase& c) {
    Phase p;
    if (VIGIL_HAS_FIELD(&c, status)) p.status = c.status != 0;
    if (VIGIL_HAS_FIELD(&c, start_time)) p.start_time = c.start_time;
    if (VIGIL_HAS_FIELD(&c, end_time)) p.end_time = c.end_time;
    if (VIGIL_HAS_FIELD(&c, sha256_checksum)) p.sha256_checksum = detail::opt_string(c.sha256_checksum);
    if (VIGIL_HAS_FIELD(&c, size)) p.size = c.size;
    if (VIGIL_HAS_FIELD(&c, error_message)) p.error_message = detail::opt_string(c.error_message);
    return p;
}

inline Report from_c(const vigil_report& c) {
    Report r;
    r.operation_start_time = c.operation_start_time;
    r.operation_end_time = c.operation_end_time;
    r.agent_id = c.agent_id ? c.agent_id : "";
    r.overall_status = c.overall_status ? c.overall_status : "";
    for (std::size_t i = 0; i < c.database_count; ++i) {
        const vigil_database_report* d = c.databases[i];
        DatabaseReport db;
        db.database_name = d->database_name ? d->database_name : "";
        db.staged_file_name = d->staged_file_name ? d->staged_file_name : "";
        if (d->backup) db.backup = from_c(*d->backup);
        if (d->compress) db.compress = from_c(*d->compress);
        if (d->transfer) db.transfer = from_c(*d->transfer);
        if (VIGIL_HAS_FIELD(d, logs_summary)) db.logs_summary = detail::opt_string(d->logs_summary);
        r.databases.push_back(std::move(db));
    }
    return r;
}

namespace detail {
// One field from C to C++ (the kinds of VIGIL_JOB_FIELDS).
inline void from_field(std::int64_t& to, std::int64_t from) { to = from; }
inline void from_field(int& to, std::int32_t from) { to = from; }
inline void from_field(bool& to, std::int32_t from) { to = from != 0; }
// NULL keeps the default.
inline void from_field(std::string& to, const char* from) {
    if (from) to = from;
}
inline void from_field(std::optional<std::string>& to, const char* from) { to = opt_string(from); }
inline void from_field(std::optional<int>& to, std::int32_t from) { to = opt_int(from); }
inline void from_field(std::optional<Phase>& to, const vigil_phase* from) {
    if (from) to = from_c(*from);
    else to.reset();
}
}  // namespace detail

// Reads only the fields the struct's size says are present.
#define VIGIL_FROM_C_FIELD(kind, name, fallback) \
    if (VIGIL_HAS_FIELD(&c, name)) detail::from_field(v.name, c.name);

inline Job from_c(const vigil_job& c) {
    Job v;
    VIGIL_JOB_FIELDS(VIGIL_FROM_C_FIELD)
    return v;
}

inline Entry from_c(const vigil_entry& c) {
    Entry v;
    VIGIL_ENTRY_FIELDS(VIGIL_FROM_C_FIELD)
    return v;
}

#undef VIGIL_FROM_C_FIELD

inline ReportRecord from_c(const vigil_report_record& c) {
    ReportRecord r;
    r.content_sha256 = c.content_sha256 ? c.content_sha256 : "";
    r.agent_id = c.agent_id ? c.agent_id : "";
    r.file_name = c.file_name ? c.file_name : "";
    r.fate = c.fate ? c.fate : "";
    r.reason = c.reason ? c.reason : "";
    r.source = detail::opt_string(c.source);
    r.operation_end_time = c.operation_end_time;
    r.scanned_at = c.scanned_at;
    return r;
}

inline Event from_c(const vigil_event& c) {
    Event e;
    e.id = c.id;
    e.kind = c.kind ? c.kind : "";
    e.fingerprint = c.fingerprint ? c.fingerprint : "";
    e.agent_id = c.agent_id ? c.agent_id : "";
    e.database_name = c.database_name ? c.database_name : "";
    e.expected_hour_utc = detail::opt_int(c.expected_hour_utc);
    e.expected_minute_utc = detail::opt_int(c.expected_minute_utc);
    e.old_status = c.old_status ? c.old_status : "";
    e.new_status = c.new_status ? c.new_status : "";
    e.cycle_expected_at = c.cycle_expected_at;
    e.message = c.message ? c.message : "";
    e.scan_time = c.scan_time;
    e.possibly_duplicate = c.possibly_duplicate != 0;
    if (VIGIL_HAS_FIELD(&c, job_id)) e.job_id = c.job_id;
    if (VIGIL_HAS_FIELD(&c, schedule) && c.schedule) e.schedule = c.schedule;
    if (VIGIL_HAS_FIELD(&c, timezone) && c.timezone) e.timezone = c.timezone;
    return e;
}

inline Scan from_c(const vigil_scan& c) {
    Scan s;
    s.id = c.id;
    s.started_at = c.started_at;
    s.finished_at = c.finished_at;
    s.scan_time = c.scan_time;
    s.host = c.host ? c.host : "";
    s.pid = c.pid;
    s.outcome = c.outcome ? c.outcome : "";
    s.message = c.message ? c.message : "";
    s.agents_scanned = c.agents_scanned;
    s.agents_without_folder = c.agents_without_folder;
    s.folders_skipped = c.folders_skipped;
    s.agents_busy = c.agents_busy;
    s.agents_failed = c.agents_failed;
    s.reports_processed = c.reports_processed;
    s.entries_recorded = c.entries_recorded;
    s.events_queued = c.events_queued;
    s.reports_archived = c.reports_archived;
    s.archive_failures = c.archive_failures;
    s.jobs_active = c.jobs_active;
    s.bytes_verified = c.bytes_verified;
    return s;
}

inline DeliveryCount from_c(const vigil_delivery_count& c) {
    DeliveryCount d;
    d.notifier = c.notifier ? c.notifier : "";
    d.state = c.state ? c.state : "";
    d.count = c.count;
    return d;
}

inline Silence from_c(const vigil_silence& c) {
    Silence s;
    s.id = c.id;
    s.agents = c.agents ? c.agents : "";
    s.databases = c.databases ? c.databases : "";
    s.created_at = c.created_at;
    s.created_by = c.created_by ? c.created_by : "";
    s.reason = c.reason ? c.reason : "";
    s.ends_at = c.ends_at;
    s.expired_at = c.expired_at;
    s.expired_by = detail::opt_string(c.expired_by);
    return s;
}

inline ReportQuery from_c(const vigil_report_query& c) {
    ReportQuery q;
    q.content_sha256 = c.content_sha256 ? c.content_sha256 : "";
    q.agent_id = c.agent_id ? c.agent_id : "";
    q.file_name = c.file_name ? c.file_name : "";
    return q;
}

inline ReportSeen from_c(const vigil_report_seen& c) {
    ReportSeen s;
    s.content_seen = c.content_seen != 0;
    s.same_file = c.same_file != 0;
    return s;
}

inline CheckResult from_c(const vigil_check_result& c) {
    CheckResult r;
    r.passed = c.passed != 0;
    r.message = c.message ? c.message : "";
    r.digest_name = detail::opt_string(c.digest_name);
    r.digest_hex = detail::opt_string(c.digest_hex);
    return r;
}

// ---------------------------------------------------------------------
// C++ -> C views. A view points into the value it was made from: the value
// must outlive the view, and views are neither copied nor moved (they hold
// pointers to their own members).
// ---------------------------------------------------------------------

struct PhaseView {
    vigil_phase c{};
    explicit PhaseView(const Phase& p) {
        c.struct_size = sizeof(vigil_phase);
        c.status = p.status ? 1 : 0;
        c.start_time = p.start_time;
        c.end_time = p.end_time;
        c.sha256_checksum = detail::opt_cstr(p.sha256_checksum);
        c.size = p.size;
        c.error_message = detail::opt_cstr(p.error_message);
    }
    PhaseView(const PhaseView&) = delete;
    PhaseView& operator=(const PhaseView&) = delete;
};

struct ReportView {
    vigil_report c{};
    struct Database {
        PhaseView backup, compress, transfer;
        vigil_database_report c{};
        explicit Database(const DatabaseReport& d)
            : backup(d.backup), compress(d.compress), transfer(d.transfer) {
            c.struct_size = sizeof(vigil_database_report);
            c.database_name = d.database_name.c_str();
            c.staged_file_name = d.staged_file_name.c_str();
            c.backup = &backup.c;
            c.compress = &compress.c;
            c.transfer = &transfer.c;
            c.logs_summary = detail::opt_cstr(d.logs_summary);
        }
    };
    std::vector<std::unique_ptr<Database>> databases;
    std::vector<const vigil_database_report*> pointers;

    explicit ReportView(const Report& r) {
        for (const auto& d : r.databases) {
            databases.push_back(std::make_unique<Database>(d));
            pointers.push_back(&databases.back()->c);
        }
        c.struct_size = sizeof(vigil_report);
        c.operation_start_time = r.operation_start_time;
        c.operation_end_time = r.operation_end_time;
        c.agent_id = r.agent_id.c_str();
        c.overall_status = r.overall_status.c_str();
        c.database_count = pointers.size();
        c.databases = pointers.data();
    }
    ReportView(const ReportView&) = delete;
    ReportView& operator=(const ReportView&) = delete;
};

namespace detail {
// The phases a view's struct points to, kept alive with it.
using PhaseViews = std::vector<std::unique_ptr<PhaseView>>;
// One field from C++ to C (the kinds of VIGIL_JOB_FIELDS); the C value
// points into the C++ one.
inline std::int64_t to_field(std::int64_t v, PhaseViews&) { return v; }
inline std::int32_t to_field(int v, PhaseViews&) { return v; }
inline std::int32_t to_field(bool v, PhaseViews&) { return v ? 1 : 0; }
inline const char* to_field(const std::string& v, PhaseViews&) { return v.c_str(); }
inline const char* to_field(const std::optional<std::string>& v, PhaseViews&) { return opt_cstr(v); }
inline std::int32_t to_field(const std::optional<int>& v, PhaseViews&) { return int_or_absent(v); }
inline const vigil_phase* to_field(const std::optional<Phase>& v, PhaseViews& phases) {
    if (!v) return nullptr;
    phases.push_back(std::make_unique<PhaseView>(*v));
    return &phases.back()->c;
}
}  // namespace detail

#define VIGIL_TO_C_FIELD(kind, name, fallback) c.name = detail::to_field(v.name, phases_);

struct JobView {
    vigil_job c{};
    explicit JobView(const Job& v) {
        c.struct_size = sizeof(vigil_job);
        VIGIL_JOB_FIELDS(VIGIL_TO_C_FIELD)
    }
    JobView(const JobView&) = delete;
    JobView& operator=(const JobView&) = delete;

private:
    detail::PhaseViews phases_;  // a job has none
};

struct EntryView {
    vigil_entry c{};
    explicit EntryView(const Entry& v) {
        c.struct_size = sizeof(vigil_entry);
        VIGIL_ENTRY_FIELDS(VIGIL_TO_C_FIELD)
    }
    EntryView(const EntryView&) = delete;
    EntryView& operator=(const EntryView&) = delete;

private:
    detail::PhaseViews phases_;
};

#undef VIGIL_TO_C_FIELD

struct ReportRecordView {
    vigil_report_record c{};
    explicit ReportRecordView(const ReportRecord& r) {
        c.struct_size = sizeof(vigil_report_record);
        c.content_sha256 = r.content_sha256.c_str();
        c.agent_id = r.agent_id.c_str();
        c.file_name = r.file_name.c_str();
        c.fate = r.fate.c_str();
        c.reason = r.reason.c_str();
        c.source = detail::opt_cstr(r.source);
        c.operation_end_time = r.operation_end_time;
        c.scanned_at = r.scanned_at;
    }
    ReportRecordView(const ReportRecordView&) = delete;
    ReportRecordView& operator=(const ReportRecordView&) = delete;
};

struct EventView {
    vigil_event c{};
    explicit EventView(const Event& e) {
        c.struct_size = sizeof(vigil_event);
        c.id = e.id;
        c.kind = e.kind.c_str();
        c.fingerprint = e.fingerprint.c_str();
        c.agent_id = e.agent_id.c_str();
        c.database_name = e.database_name.c_str();
        c.expected_hour_utc = detail::int_or_absent(e.expected_hour_utc);
        c.expected_minute_utc = detail::int_or_absent(e.expected_minute_utc);
        c.old_status = e.old_status.c_str();
        c.new_status = e.new_status.c_str();
        c.cycle_expected_at = e.cycle_expected_at;
        c.message = e.message.c_str();
        c.scan_time = e.scan_time;
        c.possibly_duplicate = e.possibly_duplicate ? 1 : 0;
        c.job_id = e.job_id;
        c.schedule = e.schedule.empty() ? nullptr : e.schedule.c_str();
        c.timezone = e.timezone.empty() ? nullptr : e.timezone.c_str();
    }
    EventView(const EventView&) = delete;
    EventView& operator=(const EventView&) = delete;
};

struct ScanView {
    vigil_scan c{};
    explicit ScanView(const Scan& s) {
        c.struct_size = sizeof(vigil_scan);
        c.id = s.id;
        c.started_at = s.started_at;
        c.finished_at = s.finished_at;
        c.scan_time = s.scan_time;
        c.host = s.host.c_str();
        c.pid = s.pid;
        c.outcome = s.outcome.c_str();
        c.message = s.message.c_str();
        c.agents_scanned = s.agents_scanned;
        c.agents_without_folder = s.agents_without_folder;
        c.folders_skipped = s.folders_skipped;
        c.agents_busy = s.agents_busy;
        c.agents_failed = s.agents_failed;
        c.reports_processed = s.reports_processed;
        c.entries_recorded = s.entries_recorded;
        c.events_queued = s.events_queued;
        c.reports_archived = s.reports_archived;
        c.archive_failures = s.archive_failures;
        c.jobs_active = s.jobs_active;
        c.bytes_verified = s.bytes_verified;
    }
    ScanView(const ScanView&) = delete;
    ScanView& operator=(const ScanView&) = delete;
};

struct DeliveryCountView {
    vigil_delivery_count c{};
    explicit DeliveryCountView(const DeliveryCount& d) {
        c.struct_size = sizeof(vigil_delivery_count);
        c.notifier = d.notifier.c_str();
        c.state = d.state.c_str();
        c.count = d.count;
    }
    DeliveryCountView(const DeliveryCountView&) = delete;
    DeliveryCountView& operator=(const DeliveryCountView&) = delete;
};

struct SilenceView {
    vigil_silence c{};
    explicit SilenceView(const Silence& s) {
        c.struct_size = sizeof(vigil_silence);
        c.id = s.id;
        c.agents = s.agents.c_str();
        c.databases = s.databases.c_str();
        c.created_at = s.created_at;
        c.created_by = s.created_by.c_str();
        c.reason = s.reason.c_str();
        c.ends_at = s.ends_at;
        c.expired_at = s.expired_at;
        c.expired_by = detail::opt_cstr(s.expired_by);
    }
    SilenceView(const SilenceView&) = delete;
    SilenceView& operator=(const SilenceView&) = delete;
};

struct CheckResultView {
    vigil_check_result c{};
    explicit CheckResultView(const CheckResult& r) {
        c.struct_size = sizeof(vigil_check_result);
        c.passed = r.passed ? 1 : 0;
        c.message = r.message.c_str();
        c.digest_name = detail::opt_cstr(r.digest_name);
        c.digest_hex = detail::opt_cstr(r.digest_hex);
    }
    CheckResultView(const CheckResultView&) = delete;
    CheckResultView& operator=(const CheckResultView&) = delete;
};

// A list of C views over a list of values, as the ABI's `T const* const*` arrays.
template <typename View, typename CStruct, typename Value>
struct ViewList {
    std::vector<std::unique_ptr<View>> views;
    std::vector<const CStruct*> pointers;
    explicit ViewList(const std::vector<Value>& values) {
        views.reserve(values.size());
        pointers.reserve(values.size());
        for (const auto& v : values) {
            views.push_back(std::make_unique<View>(v));
            pointers.push_back(&views.back()->c);
        }
    }
    const CStruct* const* data() const { return pointers.data(); }
    std::size_t size() const { return pointers.size(); }
};

using JobViews = ViewList<JobView, vigil_job, Job>;

// The configured jobs the host hands to Storage::sync_jobs, read in place
// from its views: a fleet configures 100,000 jobs, and converting them all
// into Job values at once would hold a second copy of the configuration.
// Valid during the sync_jobs call only.
class JobList {
public:
    // A job's identity (agent, database, schedule, timezone), as views into
    // the host's text; compared field by field, in byte order.
    struct Identity {
        std::string_view agent, database, schedule, timezone;
        using Tuple = std::tuple<const std::string_view&, const std::string_view&, const std::string_view&,
                                 const std::string_view&>;
        Tuple tie() const { return std::tie(agent, database, schedule, timezone); }
        friend bool operator<(const Identity& a, const Identity& b) { return a.tie() < b.tie(); }
        friend bool operator==(const Identity& a, const Identity& b) { return a.tie() == b.tie(); }
        friend bool operator!=(const Identity& a, const Identity& b) { return !(a == b); }
    };

    JobList(const vigil_job* const* jobs, std::size_t count) : jobs_(jobs), count_(count) {
        for (std::size_t i = 0; i < count_; ++i) {
            const vigil_job& c = *jobs_[i];
            if (VIGIL_HAS_FIELD(&c, schedule) && c.schedule && *c.schedule) continue;
            const bool at = c.expected_hour_utc >= 0 && c.expected_minute_utc >= 0;
            at_schedules_.emplace(i, at ? at_schedule(c.expected_hour_utc, c.expected_minute_utc) : std::string());
        }
    }
    JobList(const JobList&) = delete;
    JobList& operator=(const JobList&) = delete;

    std::size_t size() const { return count_; }
    // Job i, converted: a copy, as long-lived as the caller keeps it.
    Job operator[](std::size_t i) const { return from_c(*jobs_[i]); }
    // Job i's identity, as sync_jobs matches stored rows by it: the schedule
    // as stored (Job::schedule_text), UTC when no timezone is given.
    Identity identity(std::size_t i) const {
        const vigil_job& c = *jobs_[i];
        Identity id;
        id.agent = c.agent_id_responsible ? c.agent_id_responsible : "";
        id.database = c.database_name ? c.database_name : "";
        auto at = at_schedules_.find(i);
        id.schedule = at != at_schedules_.end() ? std::string_view(at->second) : std::string_view(c.schedule);
        id.timezone = VIGIL_HAS_FIELD(&c, timezone) && c.timezone ? c.timezone : "UTC";
        return id;
    }

private:
    const vigil_job* const* jobs_;
    std::size_t count_;
    // The schedule text of jobs given by hour and minute alone (or with no
    // schedule at all: ""), by position.
    std::unordered_map<std::size_t, std::string> at_schedules_;
};
using EntryViews = ViewList<EntryView, vigil_entry, Entry>;
using EventViews = ViewList<EventView, vigil_event, Event>;
using ReportRecordViews = ViewList<ReportRecordView, vigil_report_record, ReportRecord>;
using ScanViews = ViewList<ScanView, vigil_scan, Scan>;
using DeliveryCountViews = ViewList<DeliveryCountView, vigil_delivery_count, DeliveryCount>;
using SilenceViews = ViewList<SilenceView, vigil_silence, Silence>;

struct ReportQueryView {
    vigil_report_query c{};
    explicit ReportQueryView(const ReportQuery& q) {
        c.struct_size = sizeof(vigil_report_query);
        c.content_sha256 = q.content_sha256.c_str();
        c.agent_id = q.agent_id.c_str();
        c.file_name = q.file_name.c_str();
    }
    ReportQueryView(const ReportQueryView&) = delete;
    ReportQueryView& operator=(const ReportQueryView&) = delete;
};
using ReportQueryViews = ViewList<ReportQueryView, vigil_report_query, ReportQuery>;

// The C batch over a WriteBatch: the batch must outlive the view.
struct WriteBatchView {
    EntryViews entries;
    JobViews job_states;
    ReportRecordViews reports;
    vigil_write_batch c{};
    explicit WriteBatchView(const WriteBatch& b) : entries(b.entries), job_states(b.job_states), reports(b.reports) {
        c.struct_size = sizeof(vigil_write_batch);
        c.entries = entries.data();
        c.entry_count = entries.size();
        c.job_states = job_states.data();
        c.job_state_count = job_states.size();
        c.reports = reports.data();
        c.report_count = reports.size();
    }
    WriteBatchView(const WriteBatchView&) = delete;
    WriteBatchView& operator=(const WriteBatchView&) = delete;
};

inline WriteBatch from_c(const vigil_write_batch& c) {
    WriteBatch b;
    b.entries.reserve(c.entry_count);
    for (std::size_t i = 0; i < c.entry_count; ++i) b.entries.push_back(from_c(*c.entries[i]));
    b.job_states.reserve(c.job_state_count);
    for (std::size_t i = 0; i < c.job_state_count; ++i) b.job_states.push_back(from_c(*c.job_states[i]));
    b.reports.reserve(c.report_count);
    for (std::size_t i = 0; i < c.report_count; ++i) b.reports.push_back(from_c(*c.reports[i]));
    return b;
}

struct QueuedEventView {
    EventView event;
    std::vector<const char*> notifiers;
    vigil_queued_event c{};
    explicit QueuedEventView(const QueuedEvent& q) : event(q.event) {
        for (const std::string& n : q.notifiers) notifiers.push_back(n.c_str());
        c.struct_size = sizeof(vigil_queued_event);
        c.event = &event.c;
        c.notifiers = notifiers.data();
        c.notifier_count = notifiers.size();
    }
    QueuedEventView(const QueuedEventView&) = delete;
    QueuedEventView& operator=(const QueuedEventView&) = delete;
};
using QueuedEventViews = ViewList<QueuedEventView, vigil_queued_event, QueuedEvent>;

inline QueuedEvent from_c(const vigil_queued_event& c) {
    QueuedEvent q;
    q.event = from_c(*c.event);
    q.notifiers.assign(c.notifiers, c.notifiers + c.notifier_count);
    return q;
}

}  // namespace vigil

#endif  // VIGIL_TYPES_HPP
