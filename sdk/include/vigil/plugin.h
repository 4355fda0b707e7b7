/*
 * Vigil plugin ABI — plain C, stable across compilers and standard libraries.
 *
 * A plugin is a shared library exporting one symbol:
 *
 *     const vigil_plugin_descriptor *vigil_plugin_entry(void);
 *
 * The descriptor says which ABI version the plugin was built against and
 * which capabilities it offers (report source, integrity check, storage,
 * notifier), each as a table of function pointers.
 *
 * Compatibility rules (checked by the host before anything else is called):
 *   - plugin abi_major must equal VIGIL_ABI_MAJOR of the host;
 *   - plugin abi_minor must be <= the host's VIGIL_ABI_MINOR;
 *   - every struct starts with `struct_size` and only ever grows at its end,
 *     so a reader uses a field only when struct_size says it is present;
 *   - every function pointer marked "required" must be non-NULL.
 *
 * Error rules:
 *   - every entry point is noexcept: nothing (no C++ exception, no longjmp)
 *     leaves a plugin; failures come back as a vigil_result code;
 *   - after a non-OK result, last_error(instance) returns a NUL-terminated
 *     UTF-8 message owned by the instance, naming the file/field/setting at
 *     fault; it stays valid until the next call on that instance.
 *
 * Ownership rules:
 *   - everything the host passes in is owned by the host and valid only for
 *     the duration of the call: a plugin copies what it keeps;
 *   - everything a plugin returns (strings, structs, arrays) is owned by the
 *     plugin instance and stays valid until the next call on that instance
 *     (for integrity checks: on that check context); the host copies it.
 *   - no allocator crosses the boundary: the host never frees plugin memory
 *     and vice versa.
 *
 * Strings are NUL-terminated UTF-8 and cannot carry a NUL byte: a report
 * source must refuse (or treat as absent) a value that contains one rather
 * than pass it on cut short.
 *
 * Threading rules:
 *   - the host calls a given instance from one thread at a time, except for
 *     integrity checks, whose begin/update/finish/end may run concurrently
 *     on different check contexts of the same instance.
 *
 * Times are int64 microseconds since 1970-01-01T00:00:00Z (UTC);
 * VIGIL_NO_TIME means "absent". Sizes are int64 bytes; VIGIL_NO_SIZE means
 * "absent". Absent strings are NULL.
 */
#ifndef VIGIL_PLUGIN_H
#define VIGIL_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI's history is in sdk/README.md ("ABI versions"). */
#define VIGIL_ABI_MAJOR 3
#define VIGIL_ABI_MINOR 0

/* Name of the one symbol every plugin library exports. */
#define VIGIL_PLUGIN_ENTRY_SYMBOL "vigil_plugin_entry"

#if defined(_WIN32)
#define VIGIL_PLUGIN_EXPORT __declspec(dllexport)
#else
#define VIGIL_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

#define VIGIL_NO_TIME INT64_MIN
#define VIGIL_NO_SIZE ((int64_t)-1)

/* Result codes of every plugin entry point. */
typedef enum vigil_result {
    VIGIL_OK = 0,
    VIGIL_ERROR = 1,          /* generic failure; see last_error */
    VIGIL_INVALID_INPUT = 2,  /* the input (report, setting) is wrong; see last_error */
    VIGIL_DECLINED = 3,       /* report source: not my format, ask the next source */
    VIGIL_UNAVAILABLE = 4,    /* storage/notifier endpoint unreachable (may be retried) */
    VIGIL_PERMANENT = 5,      /* notifier: rejected for good, do not retry */
    VIGIL_BUSY = 6            /* storage: held by another scanner; skip, not an error */
} vigil_result;

/* Opaque per-instance state of a plugin capability. */
typedef struct vigil_instance vigil_instance;

/*
 * Lifecycle shared by every capability: each capability table points to one
 * (a pointer, so that the lifecycle table too can grow at its end).
 *
 * create:     required. Returns a new instance, or NULL when out of memory
 *             (no message is available then). Any thread; instances are
 *             independent of each other.
 * destroy:    required. Frees the instance and everything it returned. Called
 *             exactly once per created instance, also after a failed
 *             configure. Nothing the instance returned may be used after.
 * configure:  required. Called once after create, before anything else, with
 *             the instance's own YAML subtree rendered as a JSON object
 *             (UTF-8, NUL-terminated, owned by the host, valid during the
 *             call): a plain YAML true/false or number written as JSON
 *             writes it is a JSON boolean or number, every other scalar
 *             (quoted ones included) a string, exactly as written. The host adds "vigil_config_dir" (the configuration
 *             file's directory, for relative paths). VIGIL_UNAVAILABLE: an
 *             endpoint cannot be reached (the scan exits 3); any other
 *             non-OK refuses the settings (a configuration error, exit 2).
 *             The message names the setting at fault.
 * last_error: required. Message for the last non-OK result on this instance,
 *             owned by the instance, valid until its next call (never NULL;
 *             "" when there is none).
 */
typedef struct vigil_lifecycle {
    uint32_t struct_size;
    vigil_instance *(*create)(void);
    void (*destroy)(vigil_instance *self);
    vigil_result (*configure)(vigil_instance *self, const char *config_json);
    const char *(*last_error)(vigil_instance *self);
} vigil_lifecycle;

/* ------------------------------------------------------------------ */
/* Normalised report (docs/report-format.md)                            */
/* ------------------------------------------------------------------ */

/* One phase (BACKUP, COMPRESS, TRANSFER) of a database's backup. */
typedef struct vigil_phase {
    uint32_t struct_size;
    int32_t status;               /* 1 = true, 0 = false */
    int64_t start_time;           /* VIGIL_NO_TIME when absent */
    int64_t end_time;             /* VIGIL_NO_TIME when absent */
    const char *sha256_checksum;  /* hex as written by the agent, NULL when absent */
    int64_t size;                 /* VIGIL_NO_SIZE when absent */
    const char *error_message;    /* NULL when absent or null */
} vigil_phase;

/* One entry of the report's `databases` object. */
typedef struct vigil_database_report {
    uint32_t struct_size;
    const char *database_name;
    const char *staged_file_name;  /* as written by the agent, never NULL */
    const vigil_phase *backup;     /* never NULL */
    const vigil_phase *compress;   /* never NULL */
    const vigil_phase *transfer;   /* never NULL */
    const char *logs_summary;      /* NULL when absent */
} vigil_database_report;

typedef struct vigil_report {
    uint32_t struct_size;
    int64_t operation_start_time;
    int64_t operation_end_time;
    const char *agent_id;
    const char *overall_status;    /* "completed" or "failed_globally" */
    size_t database_count;
    const vigil_database_report *const *databases;
} vigil_report;

/*
 * Report source capability. One thread at a time per instance, except for
 * claim_name (below).
 * lifecycle:  required, see vigil_lifecycle.
 * recognizes: required. 1 when the file name (a base name, no directory) is
 *             one this source reads, else 0. Cannot fail: an exception or
 *             error inside counts as 0. The host asks it only of a source
 *             without claim_name, before parse.
 * parse:      required. Parses the whole file (possibly starting with a UTF-8
 *             BOM; bytes owned by the host, valid during the call). Returns
 *               VIGIL_OK            and *out set: owned by the instance, valid
 *                                   until its next call; the host copies it;
 *               VIGIL_INVALID_INPUT with last_error naming field and reason
 *                                   (the report is recorded as invalid);
 *               VIGIL_DECLINED      when the content is plainly another
 *                                   format (the next source is asked);
 *               VIGIL_ERROR         for a failure of the plugin itself.
 * claim_name: optional: NULL, or absent from a smaller table, in a
 *             plugin that does not declare its names. Declares which file
 *             names are this source's reports and where the agent id sits in
 *             them: returns 1 when file_name (a base name, NUL-terminated,
 *             owned by the host) is one of its report names, with
 *             *agent_offset and *agent_length the bytes of file_name that
 *             hold the agent id; 0 when it is not. The host reads the
 *             outputs only after a 1. Cannot fail: an exception or error
 *             inside counts as 0, and so does an empty agent or one that
 *             does not lie inside the name. It must depend on nothing but
 *             the name and the instance's settings, and may be called from
 *             several threads at once on one configured instance.
 *             The host lists an agent's log/ with it: a name a source
 *             claims for the folder's own agent id (compared exactly) is a
 *             report of that agent; a name claimed only for other agent ids
 *             is another agent's, left alone; a `.json` name no source
 *             claims is counted as unrecognised. When the host reads a
 *             report it asks parse of the sources that claim its name (for
 *             this source, claim_name replaces recognizes).
 *             Without claim_name, the host treats the source as claiming
 *             the standard names YYYYMMDD_HHMMSS_<AGENT_ID>.json (eight
 *             digits, `_`, six digits, `_`, the agent id, `.json`) and asks
 *             recognizes before parse.
 */
typedef struct vigil_report_source_api {
    uint32_t struct_size;
    const vigil_lifecycle *lifecycle;
    int32_t (*recognizes)(vigil_instance *self, const char *file_name);
    vigil_result (*parse)(vigil_instance *self, const char *file_name,
                          const unsigned char *bytes, size_t length,
                          const vigil_report **out);
    int32_t (*claim_name)(vigil_instance *self, const char *file_name,
                          size_t *agent_offset, size_t *agent_length);
} vigil_report_source_api;

/* ------------------------------------------------------------------ */
/* Integrity check                                                      */
/* ------------------------------------------------------------------ */

typedef struct vigil_check_context vigil_check_context;

/* Outcome of one check of one file. */
typedef struct vigil_check_result {
    uint32_t struct_size;
    int32_t passed;               /* 1 pass, 0 fail */
    const char *message;          /* why it failed, or a short note; never NULL */
    const char *digest_name;      /* e.g. "sha256"; NULL when the check makes no digest */
    const char *digest_hex;       /* lower-case hex; NULL when no digest */
} vigil_check_result;

/*
 * Integrity check capability. The host reads each staged file once and
 * feeds every configured check: begin, update (any number of times, in
 * file order), finish, then end. Contexts are independent: different
 * contexts of one instance may be driven from different threads at once,
 * so begin must be thread-safe; one context is used by one thread at a time.
 * begin:  required. *out is a new context for the file named file_name
 *         (a base name). On a non-OK result *out is either NULL or a context
 *         that must still be ended (return one to carry a message:
 *         context_error is the only way to say why); end is never called
 *         with NULL.
 * update: required. Feeds the next bytes of the file (owned by the host,
 *         valid during the call). A non-OK result makes the check count as
 *         failed for this file.
 * finish: required. The file is complete (its size in bytes is given);
 *         *out is owned by the context and valid until end(context).
 *         passed = 0 means the file failed the check (message says why);
 *         a non-OK result means the check could not run (also a failure
 *         for the file).
 * end:    required. Frees the context. Called exactly once per begun context,
 *         also after a failed update/finish.
 * context_error: required. Message for the last non-OK result on a context,
 *         owned by the context.
 */
typedef struct vigil_integrity_api {
    uint32_t struct_size;
    const vigil_lifecycle *lifecycle;
    vigil_result (*begin)(vigil_instance *self, const char *file_name,
                          vigil_check_context **out);
    vigil_result (*update)(vigil_instance *self, vigil_check_context *context,
                           const unsigned char *bytes, size_t length);
    vigil_result (*finish)(vigil_instance *self, vigil_check_context *context,
                           int64_t file_size, const vigil_check_result **out);
    void (*end)(vigil_instance *self, vigil_check_context *context);
    const char *(*context_error)(vigil_instance *self, vigil_check_context *context);
} vigil_integrity_api;

/* ------------------------------------------------------------------ */
/* Notification event (docs/notifications.md)                           */
/* ------------------------------------------------------------------ */

/* A change worth telling people about: a job's status changed, a backup's
 * content changed, a problem persists (reminder), or a test message. */
typedef struct vigil_event {
    uint32_t struct_size;
    int64_t id;
    const char *kind;               /* status_change, hash_mismatch, reminder, test */
    const char *fingerprint;        /* stable identity of the event */
    const char *agent_id;
    const char *database_name;
    int32_t expected_hour_utc;      /* an `at` job's time; -1 for other schedules */
    int32_t expected_minute_utc;    /* an `at` job's time; -1 for other schedules */
    const char *old_status;
    const char *new_status;
    int64_t cycle_expected_at;      /* VIGIL_NO_TIME when none */
    const char *message;
    int64_t scan_time;
    int32_t possibly_duplicate;     /* 1 when an earlier delivery may have arrived */
    int64_t job_id;                 /* the expected_backup_jobs row, 0 for a test event */
    const char *schedule;           /* the job's cron text; NULL for a test event */
    const char *timezone;           /* the zone it is read in; NULL for a test event */
} vigil_event;

/* ------------------------------------------------------------------ */
/* Storage (docs/records.md)                                            */
/* ------------------------------------------------------------------ */

/* A row of expected_backup_jobs. A field added here is added to
 * VIGIL_JOB_FIELDS (types.hpp) as well: the C++ side checks that they agree. */
typedef struct vigil_job {
    uint32_t struct_size;
    int64_t id;                                /* 0 before it is stored */
    const char *agent_id_responsible;
    const char *company_name;
    const char *city;
    const char *neighborhood;
    const char *database_name;
    int32_t expected_hour_utc;                 /* an `at` job's time; -1 for other schedules */
    int32_t expected_minute_utc;               /* an `at` job's time; -1 for other schedules */
    int32_t window_minutes;
    int32_t is_active;
    const char *current_status;                /* ok, failed, ..., unknown */
    int64_t last_checked_timestamp;            /* VIGIL_NO_TIME when never */
    int64_t last_successful_backup_timestamp;  /* VIGIL_NO_TIME when never */
    const char *previous_successful_hash_global; /* NULL when none */
    int64_t created_at;                        /* `now` of the scan that first stored it */
    int64_t updated_at;
    int64_t last_entry_cycle_at;               /* cycle of its latest entry, VIGIL_NO_TIME */
    const char *schedule;                      /* five cron fields, "MM HH * * *" for an `at` job;
                                                  "" or NULL: the `at` form of the hour and minute */
    const char *timezone;                      /* IANA zone the schedule is read in; NULL: UTC */
    int32_t early_minutes;                     /* window before each instant; -1: window_minutes */
    int32_t late_minutes;                      /* window after each instant; -1: window_minutes */
    int64_t status_changed_at;                 /* `now` of the scan that last changed current_status
                                                  (created_at until then); VIGIL_NO_TIME: not known */
} vigil_job;

/* A row of backup_entries. A field added here is added to
 * VIGIL_ENTRY_FIELDS (types.hpp) as well: the C++ side checks that they agree. */
typedef struct vigil_entry {
    uint32_t struct_size;
    int64_t id;                                /* 0 before it is stored */
    int64_t expected_job_id;
    int64_t cycle_expected_at;
    int64_t timestamp;                         /* the scan's now */
    const char *status;                        /* success, hash_mismatch, failed, ... */
    const char *message;
    const char *operation_log_file_name;       /* NULL for missing entries */
    const char *agent_id;
    const char *agent_overall_status;          /* NULL for missing entries */
    int64_t operation_start_time;              /* VIGIL_NO_TIME for missing entries */
    int64_t operation_end_time;                /* VIGIL_NO_TIME for missing entries */
    const vigil_phase *backup;                 /* NULL for missing entries */
    const vigil_phase *compress;
    const vigil_phase *transfer;
    const char *agent_staged_file_name;
    const char *agent_logs_summary;
    const char *server_calculated_staged_hash; /* NULL when not computed */
    int64_t server_calculated_staged_size;     /* VIGIL_NO_SIZE when not computed */
    const char *previous_successful_hash_global; /* the hash compared with */
    int32_t hash_comparison_result;            /* 1 differ, 0 same, -1 not compared */
} vigil_entry;

/* The fate of one report file in one scan. */
typedef struct vigil_report_record {
    uint32_t struct_size;
    const char *content_sha256;     /* SHA-256 of the file's bytes, lower-case hex */
    const char *agent_id;           /* the folder it was found in */
    const char *file_name;
    const char *fate;               /* used, invalid, stale, future, agent_mismatch,
                                       irrelevant, no_job, duplicate */
    const char *reason;             /* "" when none */
    const char *source;             /* report source plugin that read it, NULL when none */
    int64_t operation_end_time;     /* VIGIL_NO_TIME when unknown */
    int64_t scanned_at;             /* the scan's now */
} vigil_report_record;

/* A row of the scans table: one run of `vigil scan` (docs/records.md).
 * Counts are those of the scan's summary; 0 while it runs. */
typedef struct vigil_scan {
    uint32_t struct_size;
    int64_t id;                     /* 0 before it is stored */
    int64_t started_at;             /* real clock */
    int64_t finished_at;            /* real clock; VIGIL_NO_TIME while it runs (or if it died) */
    int64_t scan_time;              /* the instant it judged at: --now or the clock */
    const char *host;               /* the machine's name */
    int64_t pid;
    const char *outcome;            /* running, completed, failed */
    const char *message;            /* why it failed; "" otherwise */
    int64_t agents_scanned;         /* agent folders scanned and recorded */
    int64_t agents_without_folder;  /* agents with jobs but no folder, recorded */
    int64_t folders_skipped;        /* not agent folders, or unusable */
    int64_t agents_busy;            /* held by another scanner */
    int64_t agents_failed;          /* nothing recorded: database error */
    int64_t reports_processed;
    int64_t entries_recorded;
    int64_t events_queued;
    int64_t reports_archived;
    int64_t archive_failures;
    int64_t jobs_active;
    int64_t bytes_verified;
} vigil_scan;

/* How many notification deliveries one notifier has in one state. */
typedef struct vigil_delivery_count {
    uint32_t struct_size;
    const char *notifier;
    const char *state;              /* pending, sent, failed */
    int64_t count;
} vigil_delivery_count;

/* A silence (docs/notifications.md): nothing is delivered about the jobs it
 * matches while it is in force, from created_at until ends_at (exclusive). */
typedef struct vigil_silence {
    uint32_t struct_size;
    int64_t id;                     /* 0 before it is stored */
    const char *agents;             /* glob on the agent id */
    const char *databases;          /* glob on the database name ("*": every one) */
    int64_t created_at;             /* when it was added: it is in force from then */
    const char *created_by;         /* who added it */
    const char *reason;
    int64_t ends_at;                /* when it stops being in force */
    int64_t expired_at;             /* when it was ended early; VIGIL_NO_TIME otherwise */
    const char *expired_by;         /* who ended it early; NULL otherwise */
} vigil_silence;

/* What the scan asks find_reports about one report file. */
typedef struct vigil_report_query {
    uint32_t struct_size;
    const char *content_sha256;     /* SHA-256 of the file's bytes, lower-case hex */
    const char *agent_id;           /* the agent folder it was found in */
    const char *file_name;
} vigil_report_query;

/* find_reports' answer to one query. */
typedef struct vigil_report_seen {
    uint32_t struct_size;
    int32_t content_seen;           /* 1: these bytes were recorded before from the same agent folder */
    int32_t same_file;              /* 1: ... under this very file name */
} vigil_report_seen;

/* One write of the scan: the rows of one agent or of several, written in
 * this order (entries inserted, then job states updated, then report fates
 * recorded). A single row is a batch of one. */
typedef struct vigil_write_batch {
    uint32_t struct_size;
    const vigil_entry *const *entries;
    size_t entry_count;
    const vigil_job *const *job_states;
    size_t job_state_count;
    const vigil_report_record *const *reports;
    size_t report_count;
} vigil_write_batch;

/* An event to store in the outbox, with the notifiers that are to deliver it. */
typedef struct vigil_queued_event {
    uint32_t struct_size;
    const vigil_event *event;
    const char *const *notifiers;
    size_t notifier_count;
} vigil_queued_event;

/* Which list of a write a refused row is in. */
typedef enum vigil_row_kind {
    VIGIL_ROW_NONE = 0,             /* the failure is no single row's */
    VIGIL_ROW_ENTRY = 1,
    VIGIL_ROW_JOB_STATE = 2,
    VIGIL_ROW_REPORT = 3,
    VIGIL_ROW_EVENT = 4
} vigil_row_kind;

/* Which row a failed write was refused on (its reason is last_error). The
 * host sets struct_size and row_kind = VIGIL_ROW_NONE before the call. */
typedef struct vigil_write_refusal {
    uint32_t struct_size;
    int32_t row_kind;               /* a vigil_row_kind */
    size_t row_index;               /* position in that list */
} vigil_write_refusal;

/*
 * Storage capability: the core every storage plugin has (settings and
 * transactions), and four sub-tables, one per capability, each offered
 * when its pointer is non-NULL. Every function of a sub-table that is
 * offered is required. The host says which capabilities a plugin offers
 * (`vigil plugins`) and refuses, when it reads the configuration, a
 * configuration or a command that needs one the plugin lacks:
 *
 *   scan_store      every scan: claims, jobs, report look-ups, entries,
 *                   the scan's writes, the scans table;
 *   outbox          a configuration with notifiers: events and their
 *                   deliveries;
 *   operator_reads  the operator's commands (status, history, explain,
 *                   check) and the metrics file;
 *   silences        silences added by operators, and `maintenance:`
 *                   windows.
 *
 * One thread at a time per instance. Every write happens between begin
 * and commit; on any failure the host calls rollback. Arrays and structs a
 * function returns are owned by the instance and valid until its next
 * call; what the host passes in is valid during the call only.
 * VIGIL_UNAVAILABLE: the connection is gone; any other non-OK: the
 * operation failed (the host rolls back and keeps the reports of the
 * agents concerned in place).
 *
 * configure: receives the `database` section of the configuration
 *            untouched, plus "vigil_config_dir" (for relative paths) and,
 *            for a dry run or an operator's command, "vigil_dry_run": true.
 *            Opens the connection (VIGIL_UNAVAILABLE when it cannot; the
 *            message names the database without its password) and creates
 *            or upgrades the schema (not in a dry run).
 * begin/commit/rollback: required. One write transaction.
 * dry_run:   required. *active = 1 when the instance keeps nothing it
 *            writes: it was configured with "vigil_dry_run": true, creates
 *            no database that does not exist, leaves an existing schema as
 *            it is, and discards every write when it is destroyed
 *            (begin/commit/rollback then delimit steps inside one
 *            transaction that is never committed). 0 refuses dry runs and
 *            the operator's commands.
 * describe:  required. *text = one line saying what the instance is
 *            connected to and in what state (no secrets).
 */
typedef struct vigil_scan_store_api vigil_scan_store_api;
typedef struct vigil_outbox_api vigil_outbox_api;
typedef struct vigil_operator_reads_api vigil_operator_reads_api;
typedef struct vigil_silences_api vigil_silences_api;

typedef struct vigil_storage_api {
    uint32_t struct_size;
    const vigil_lifecycle *lifecycle;
    vigil_result (*begin)(vigil_instance *self);
    vigil_result (*commit)(vigil_instance *self);
    vigil_result (*rollback)(vigil_instance *self);
    vigil_result (*dry_run)(vigil_instance *self, int32_t *active);
    vigil_result (*describe)(vigil_instance *self, const char **text);
    const vigil_scan_store_api *scan_store;          /* NULL: not offered */
    const vigil_outbox_api *outbox;                  /* NULL: not offered */
    const vigil_operator_reads_api *operator_reads;  /* NULL: not offered */
    const vigil_silences_api *silences;              /* NULL: not offered */
} vigil_storage_api;

/*
 * The scan store. Its calls take lists: a scan asks about a batch of
 * agents at once (one round trip to a database server), and one row is a
 * list of one.
 * claim_agents:  inside a transaction, claims each of the count agents for
 *                this scanner until commit/rollback: acquired[i] = 1 when
 *                agent_ids[i] is now held by this transaction, 0 when
 *                another scanner holds it. acquired is the host's array of
 *                count elements, all written on VIGIL_OK.
 * sync_jobs:     upserts the configured jobs by identity (agent, database,
 *                schedule, timezone): new ones get created_at = now,
 *                status unknown and status_changed_at = now; existing ones
 *                get window_minutes, early_minutes, late_minutes, company,
 *                city, neighborhood and is_active updated (updated_at = now
 *                only when something changed); active jobs not in the list
 *                become inactive.
 * load_jobs:     inside a transaction, the active jobs of each of the count
 *                agents (each named once), the agents in any order, each
 *                agent's in an order of the plugin's choosing that is the
 *                same at every call (load_all_jobs' when it is offered).
 * find_reports:  for each of the count queries, in answers[i] (the host's
 *                array): content_seen = 1 when a report with these bytes
 *                was recorded before from the same agent folder (the same
 *                bytes recorded from another agent's folder do not count,
 *                so one agent can never make another's report a
 *                duplicate); same_file = 1 when it was recorded under this
 *                agent and file name. The queries may name several agents,
 *                and one query twice. Read-only, inside a transaction or
 *                not.
 * load_entries:  for each i < count, the entries of job job_ids[i] with
 *                cycle_expected_at >= since[i] (VIGIL_NO_TIME: all of
 *                them), concatenated by position in the list, then cycle,
 *                then id. A job asked twice has its entries twice.
 * write:         between begin and commit, stores the batch: each entry
 *                inserted (its id is ignored and not returned), then each
 *                job state (current_status, last_checked_timestamp,
 *                last_successful_backup_timestamp,
 *                previous_successful_hash_global, last_entry_cycle_at,
 *                updated_at, and status_changed_at unless VIGIL_NO_TIME)
 *                set on the job of its id (an error naming the job when it
 *                does not exist), then each report fate recorded (a fate
 *                already recorded for the same content, agent and file name
 *                is kept). On a non-OK result other than VIGIL_UNAVAILABLE,
 *                *refusal names the first row the database refused when the
 *                plugin can tell (row_kind and row_index; its reason is
 *                last_error), so that the host can set aside the report that
 *                row came from and record the rest; VIGIL_ROW_NONE when the
 *                failure is no row's. The host then rolls back.
 * start_scan:    stores a scans row (outcome "running"); *id receives its
 *                id. finish_scan: updates the row scan->id with everything
 *                else the struct holds. Both between begin and commit.
 * load_scans:    the latest scans, newest first, at most `limit`; only
 *                those with outcome "completed" when completed_only = 1.
 */
struct vigil_scan_store_api {
    uint32_t struct_size;
    vigil_result (*claim_agents)(vigil_instance *self, const char *const *agent_ids, size_t count,
                                 int32_t *acquired);
    vigil_result (*sync_jobs)(vigil_instance *self, const vigil_job *const *jobs, size_t count,
                              int64_t now);
    vigil_result (*load_jobs)(vigil_instance *self, const char *const *agent_ids, size_t count,
                              const vigil_job *const **out, size_t *out_count);
    vigil_result (*find_reports)(vigil_instance *self, const vigil_report_query *const *queries,
                                 size_t count, vigil_report_seen *answers);
    vigil_result (*load_entries)(vigil_instance *self, const int64_t *job_ids, const int64_t *since,
                                 size_t count, const vigil_entry *const **out, size_t *out_count);
    vigil_result (*write)(vigil_instance *self, const vigil_write_batch *batch,
                          vigil_write_refusal *refusal);
    vigil_result (*start_scan)(vigil_instance *self, const vigil_scan *scan, int64_t *id);
    vigil_result (*finish_scan)(vigil_instance *self, const vigil_scan *scan);
    vigil_result (*load_scans)(vigil_instance *self, int32_t completed_only, size_t limit,
                               const vigil_scan *const **out, size_t *count);
};

/*
 * The notification outbox (docs/notifications.md): events are stored in the
 * transaction that changed the job, with one delivery per notifier, and
 * delivered after the commit.
 * insert_events:     between begin and commit, stores each event (its id
 *                    is ignored) with one pending delivery for each of its
 *                    notifiers. On a non-OK result other than
 *                    VIGIL_UNAVAILABLE, *refusal names the event refused
 *                    (VIGIL_ROW_EVENT) when the plugin can tell, as write.
 * claim_deliveries:  inside a transaction, takes the notifier's pending
 *                    deliveries that are due (next attempt <= now, not
 *                    claimed) or whose claim expired (claimed_until <
 *                    real_now: the claimant died), in event order, marks
 *                    them claimed until lease_until and counts an attempt.
 *                    An event whose previous claim never finished comes
 *                    back with possibly_duplicate = 1. Concurrent claimants
 *                    get disjoint sets.
 * finish_deliveries: ends the claim of the given events for the notifier:
 *                    state "sent", "failed" (permanent) or "pending" (retry
 *                    at next_attempt_at); error is the last failure (""
 *                    when none); at is the scan's now.
 * last_notified:     *at = scan_time of the latest event of the job with a
 *                    delivery for the notifier that is not "failed";
 *                    VIGIL_NO_TIME when there is none.
 * last_word:         *status = new_status of the latest status_change or
 *                    reminder event of the job with a delivery for the
 *                    notifier that is not "failed"; NULL when there is none.
 * count_deliveries:  the number of deliveries per notifier and state (only
 *                    non-zero counts).
 */
struct vigil_outbox_api {
    uint32_t struct_size;
    vigil_result (*insert_events)(vigil_instance *self, const vigil_queued_event *const *events,
                                  size_t count, vigil_write_refusal *refusal);
    vigil_result (*claim_deliveries)(vigil_instance *self, const char *notifier, int64_t now,
                                     int64_t real_now, int64_t lease_until,
                                     const vigil_event *const **out, size_t *count);
    vigil_result (*finish_deliveries)(vigil_instance *self, const char *notifier,
                                      const int64_t *event_ids, size_t count, const char *state,
                                      int64_t next_attempt_at, const char *error, int64_t at);
    vigil_result (*last_notified)(vigil_instance *self, const char *notifier, int64_t job_id,
                                  int64_t *at);
    vigil_result (*last_word)(vigil_instance *self, const char *notifier, int64_t job_id,
                              const char **status);
    vigil_result (*count_deliveries)(vigil_instance *self, const vigil_delivery_count *const **out,
                                     size_t *count);
};

/*
 * The operator's reads (docs/operating.md): what status, history, explain,
 * check and the metrics file show.
 * load_all_jobs:  the jobs of one agent (all agents when agent_id is NULL),
 *                 only the active ones when active_only = 1, by agent, then
 *                 in an order of the plugin's choosing that is the same at
 *                 every call (the operator's commands list them in it).
 * find_entries:   entries recorded for the agent's jobs, only those made
 *                 from the report file_name when it is not NULL, and only
 *                 those recorded (timestamp) at or after `since` unless it
 *                 is VIGIL_NO_TIME; newest first (timestamp, then id,
 *                 descending).
 * load_reports:   processed_reports rows of the agent folder agent_id, of
 *                 file_name when not NULL, scanned at or after `since`
 *                 unless it is VIGIL_NO_TIME; newest first.
 */
struct vigil_operator_reads_api {
    uint32_t struct_size;
    vigil_result (*load_all_jobs)(vigil_instance *self, const char *agent_id, int32_t active_only,
                                  const vigil_job *const **out, size_t *count);
    vigil_result (*find_entries)(vigil_instance *self, const char *agent_id, const char *file_name,
                                 int64_t since, const vigil_entry *const **out, size_t *count);
    vigil_result (*load_reports)(vigil_instance *self, const char *agent_id, const char *file_name,
                                 int64_t since, const vigil_report_record *const **out,
                                 size_t *count);
};

/*
 * Silences (docs/notifications.md).
 * add_silence:    between begin and commit, stores the silence (its id,
 *                 expired_at and expired_by are ignored); *id receives its
 *                 id.
 * load_silences:  the silences whose ends_at is later than ending_after
 *                 (all of them when it is VIGIL_NO_TIME), by id.
 * expire_silence: between begin and commit, sets ends_at, expired_at to
 *                 `at` and expired_by of silence `id` when it is still in
 *                 force at `at`; *found = 1 when the silence exists
 *                 (expired now or before), 0 when there is no such silence.
 */
struct vigil_silences_api {
    uint32_t struct_size;
    vigil_result (*add_silence)(vigil_instance *self, const vigil_silence *silence, int64_t *id);
    vigil_result (*load_silences)(vigil_instance *self, int64_t ending_after,
                                  const vigil_silence *const **out, size_t *count);
    vigil_result (*expire_silence)(vigil_instance *self, int64_t id, int64_t at, const char *by,
                                   int32_t *found);
};

/* ------------------------------------------------------------------ */
/* Notifier (docs/notifications.md)                                     */
/* ------------------------------------------------------------------ */


/*
 * Notifier capability. One thread at a time per instance.
 * send: required. Delivers the events (owned by the host, valid during the
 *       call) as one grouped message. VIGIL_OK when the endpoint accepted
 *       it, VIGIL_UNAVAILABLE for a failure worth retrying (connection,
 *       timeout, HTTP 408/429/5xx, SMTP 4xx), VIGIL_PERMANENT for a refusal
 *       that retrying will not fix (other HTTP 4xx, SMTP 5xx). The message
 *       names the endpoint, never a password or secret. Event kinds:
 *       status_change (old_status -> new_status, job statuses),
 *       hash_mismatch (new_status is "hash_mismatch"; the job stays ok),
 *       reminder (the job is still in new_status), test.
 */
typedef struct vigil_notifier_api {
    uint32_t struct_size;
    const vigil_lifecycle *lifecycle;
    vigil_result (*send)(vigil_instance *self, const vigil_event *const *events,
                         size_t count);
} vigil_notifier_api;

/* ------------------------------------------------------------------ */
/* Descriptor                                                           */
/* ------------------------------------------------------------------ */

/*
 * What vigil_plugin_entry returns: static data that lives as long as the
 * library is loaded. Capabilities the plugin does not offer are NULL; at
 * least one must be present.
 */
typedef struct vigil_plugin_descriptor {
    uint32_t struct_size;
    uint32_t abi_major;
    uint32_t abi_minor;
    const char *name;               /* the name configs use, e.g. "status_json" */
    const char *version;            /* the plugin's own version, e.g. "1.0.0" */
    const char *description;        /* one line, may be NULL */
    const vigil_report_source_api *report_source;
    const vigil_integrity_api *integrity;
    const vigil_storage_api *storage;
    const vigil_notifier_api *notifier;
} vigil_plugin_descriptor;

/* The exported entry point: may be called more than once, from any thread;
 * returns the same static descriptor each time. */
typedef const vigil_plugin_descriptor *(*vigil_plugin_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* VIGIL_PLUGIN_H */
