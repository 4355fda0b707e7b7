// C++ layer over plugin.h for plugin authors.
//
// Write a class deriving from one of ReportSource, IntegrityCheck, Storage or
// Notifier, then export the library with one line:
//
//     VIGIL_PLUGIN("my_format", "1.0.0", "reads my format", MyFormatSource)
//
// (several classes may follow, one per capability). This layer turns every
// exception into a result code plus a message kept in the instance, converts
// between the C structs and the owning C++ values of types.hpp, and keeps
// what it returns alive until the next call on the instance, as the ABI
// promises. Throw vigil::InvalidInput, vigil::Declined, vigil::Unavailable
// or vigil::Permanent to choose the result code; anything else is
// VIGIL_ERROR. Header-only; needs Boost.PropertyTree headers.
#ifndef VIGIL_PLUGIN_HPP
#define VIGIL_PLUGIN_HPP

#include <vigil/plugin.h>
#include <vigil/report_name.hpp>
#include <vigil/types.hpp>

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace vigil {

// A plugin instance's own settings: its YAML subtree.
using Config = boost::property_tree::ptree;

// Exceptions a plugin throws to choose the result code the host sees.
struct InvalidInput;

// The setting `key` of a plugin's config as a T; throws InvalidInput naming
// the setting when it is missing or is not a T.
template <typename T>
T setting(const Config& config, const std::string& key);
// Likewise, with a default for a missing setting.
template <typename T>
T setting(const Config& config, const std::string& key, const T& fallback);

struct InvalidInput : std::runtime_error { using std::runtime_error::runtime_error; };
struct Declined : std::runtime_error { using std::runtime_error::runtime_error; };
struct Unavailable : std::runtime_error { using std::runtime_error::runtime_error; };
struct Permanent : std::runtime_error { using std::runtime_error::runtime_error; };

template <typename T>
T setting(const Config& config, const std::string& key) {
    auto node = config.get_child_optional(key);
    if (!node) throw InvalidInput("setting `" + key + "`: required but missing");
    auto value = node->get_value_optional<T>();
    if (!value) throw InvalidInput("setting `" + key + "`: \"" + node->data() + "\" has the wrong type");
    return *value;
}

template <typename T>
T setting(const Config& config, const std::string& key, const T& fallback) {
    return config.get_child_optional(key) ? setting<T>(config, key) : fallback;
}

// Reads report files of one format into normalised reports.
class ReportSource {
public:
    virtual ~ReportSource() = default;
    // Accepts or refuses (throw InvalidInput) this instance's settings.
    virtual void configure(const Config&) {}
    // The agent id inside file_name (a view into it) when the name is one
    // of this source's reports, else nullopt (plugin.h, claim_name). The
    // host may call it from several threads at once: read only what
    // configure set. By default: the standard names
    // YYYYMMDD_HHMMSS_<AGENT_ID>.json that recognizes accepts.
    virtual std::optional<std::string_view> report_agent(std::string_view file_name) {
        const auto agent = standard_report_agent(file_name);
        return agent && recognizes(file_name) ? agent : std::nullopt;
    }
    // Narrows the default report_agent down: true when this source reads a
    // standard name (by default, every one). Unused when report_agent is
    // overridden.
    virtual bool recognizes(std::string_view /*file_name*/) { return true; }
    // Parses a whole file. Throws InvalidInput naming field and reason, or
    // Declined when the content is plainly another format.
    virtual Report parse(std::string_view file_name, std::string_view bytes) = 0;
};

// Checks one staged file from its bytes, streamed once.
class IntegrityCheck {
public:
    // The state of the check of one file. Different files may be checked on
    // different threads at once; one file is fed from one thread.
    class File {
    public:
        virtual ~File() = default;
        virtual void update(const unsigned char* bytes, std::size_t length) = 0;
        virtual CheckResult finish(std::int64_t file_size) = 0;
    };
    virtual ~IntegrityCheck() = default;
    virtual void configure(const Config&) {}
    // Starts checking the file named file_name. Must be thread-safe.
    virtual std::unique_ptr<File> begin(std::string_view file_name) = 0;
};

// A storage plugin is a class deriving from Storage (settings and
// transactions) and from the interface of each capability it offers:
// ScanStore, Outbox, OperatorReads, SilenceStore (plugin.h). The adapter
// fills the sub-table of a capability only when the class derives from its
// interface, and each interface's functions are all pure: a capability is
// offered whole or not at all.
class Storage {
public:
    virtual ~Storage() = default;
    // Opens the database its settings name (throw Unavailable when it
    // cannot be reached) and creates or upgrades its schema.
    virtual void configure(const Config&) = 0;
    virtual void begin() = 0;
    virtual void commit() = 0;
    virtual void rollback() = 0;
    // True only when configured with "vigil_dry_run": true and keeping
    // nothing it writes (plugin.h, dry_run). The default refuses dry runs.
    virtual bool dry_run() { return false; }
    // One line: what the instance is connected to, without secrets.
    virtual std::string description() { return {}; }
};

// Thrown by ScanStore::write and Outbox::insert_events to name the row the
// database refused (plugin.h, vigil_write_refusal): the host then sets
// aside the report that row came from and records the rest.
struct RowRefused : std::runtime_error {
    RowRefused(vigil_row_kind kind, std::size_t index, const std::string& why)
        : std::runtime_error(why), kind(kind), index(index) {}
    vigil_row_kind kind;
    std::size_t index;
};

// What every scan needs (plugin.h, vigil_scan_store_api). Lists in, lists out.
class ScanStore {
public:
    virtual ~ScanStore() = default;
    // True at i when agent_ids[i] is now held by this transaction.
    virtual std::vector<bool> claim_agents(const std::vector<std::string>& agent_ids) = 0;
    // The jobs are read in place (JobList), valid during the call only.
    virtual void sync_jobs(const JobList& jobs, std::int64_t now) = 0;
    // The active jobs of each agent.
    virtual std::vector<Job> load_jobs(const std::vector<std::string>& agent_ids) = 0;
    // The i-th answer is for queries[i].
    virtual std::vector<ReportSeen> find_reports(const std::vector<ReportQuery>& queries) = 0;
    // The entries of job_ids[i] from cycle since[i] on, for each i, in that order.
    virtual std::vector<Entry> load_entries(const std::vector<std::int64_t>& job_ids,
                                            const std::vector<std::int64_t>& since) = 0;
    // Throw RowRefused to name the row the database refused.
    virtual void write(const WriteBatch& batch) = 0;
    virtual std::int64_t start_scan(const Scan& scan) = 0;
    virtual void finish_scan(const Scan& scan) = 0;
    virtual std::vector<Scan> load_scans(bool completed_only, std::size_t limit) = 0;
};

// The notification outbox (plugin.h, vigil_outbox_api).
class Outbox {
public:
    virtual ~Outbox() = default;
    // Throw RowRefused (VIGIL_ROW_EVENT) to name the event refused.
    virtual void insert_events(const std::vector<QueuedEvent>& events) = 0;
    virtual std::vector<Event> claim_deliveries(const std::string& notifier, std::int64_t now,
                                                std::int64_t real_now, std::int64_t lease_until) = 0;
    virtual void finish_deliveries(const std::string& notifier, const std::vector<std::int64_t>& event_ids,
                                   const std::string& state, std::int64_t next_attempt_at,
                                   const std::string& error, std::int64_t at) = 0;
    // kNoTime when the job was never notified to this notifier.
    virtual std::int64_t last_notified(const std::string& notifier, std::int64_t job_id) = 0;
    // nullopt when the notifier was told nothing about the job's status.
    virtual std::optional<std::string> last_word(const std::string& notifier, std::int64_t job_id) = 0;
    virtual std::vector<DeliveryCount> count_deliveries() = 0;
};

// The operator's reads (plugin.h, vigil_operator_reads_api).
class OperatorReads {
public:
    virtual ~OperatorReads() = default;
    // agent_id empty = all agents.
    virtual std::vector<Job> load_all_jobs(const std::string& agent_id, bool active_only) = 0;
    // file_name empty = any report; since kNoTime = from the start.
    virtual std::vector<Entry> find_entries(const std::string& agent_id, const std::string& file_name,
                                            std::int64_t since) = 0;
    virtual std::vector<ReportRecord> load_reports(const std::string& agent_id, const std::string& file_name,
                                                   std::int64_t since) = 0;
};

// Operators' silences (plugin.h, vigil_silences_api).
class SilenceStore {
public:
    virtual ~SilenceStore() = default;
    virtual std::int64_t add_silence(const Silence& silence) = 0;
    // ending_after kNoTime = every silence.
    virtual std::vector<Silence> load_silences(std::int64_t ending_after) = 0;
    // False when there is no silence `id`.
    virtual bool expire_silence(std::int64_t id, std::int64_t at, const std::string& by) = 0;
};

// Delivers grouped notifications.
class Notifier {
public:
    virtual ~Notifier() = default;
    virtual void configure(const Config&) {}
    // Delivers the events as one message. Throw Unavailable for a failure
    // worth retrying, Permanent for one that is not.
    virtual void send(const std::vector<Event>& events) = 0;
};

namespace detail {

inline Config parse_config(const char* json) {
    Config tree;
    if (json != nullptr && *json != '\0') {
        std::istringstream in(json);
        boost::property_tree::read_json(in, tree);
    }
    return tree;
}

// Runs f, turning any exception into a result code and a stored message.
template <typename F>
vigil_result guarded(std::string& error, F&& f) noexcept {
    try {
        error.clear();
        f();
        return VIGIL_OK;
    } catch (const InvalidInput& e) {
        error = e.what();
        return VIGIL_INVALID_INPUT;
    } catch (const Declined& e) {
        error = e.what();
        return VIGIL_DECLINED;
    } catch (const Unavailable& e) {
        error = e.what();
        return VIGIL_UNAVAILABLE;
    } catch (const Permanent& e) {
        error = e.what();
        return VIGIL_PERMANENT;
    } catch (const boost::property_tree::ptree_error& e) {
        error = std::string("configuration: ") + e.what();
        return VIGIL_INVALID_INPUT;
    } catch (const std::exception& e) {
        error = e.what();
        return VIGIL_ERROR;
    } catch (...) {
        error = "unknown exception in plugin";
        return VIGIL_ERROR;
    }
}

// The state behind a vigil_instance*: the author's object, the last error,
// and whatever was last returned to the host.
template <typename T>
struct Instance {
    std::unique_ptr<T> impl;
    std::string error;

    // The author's object; calls before a successful configure are errors, not crashes.
    T& configured() {
        if (!impl) throw std::logic_error("plugin called before a successful configure");
        return *impl;
    }
};

template <typename T, typename State>
struct Lifecycle {
    static vigil_instance* create() noexcept {
        try {
            auto* s = new State();
            return reinterpret_cast<vigil_instance*>(s);
        } catch (...) {
            return nullptr;
        }
    }
    static void destroy(vigil_instance* p) noexcept {
        delete reinterpret_cast<State*>(p);
    }
    static vigil_result configure(vigil_instance* p, const char* json) noexcept {
        auto* s = reinterpret_cast<State*>(p);
        vigil_result r = guarded(s->error, [&] {
            s->impl = std::make_unique<T>();
            s->impl->configure(parse_config(json));
        });
        // A refused configuration leaves no half-configured object behind.
        if (r != VIGIL_OK) s->impl.reset();
        return r;
    }
    static const char* last_error(vigil_instance* p) noexcept {
        return reinterpret_cast<State*>(p)->error.c_str();
    }
    static const vigil_lifecycle* table() {
        static const vigil_lifecycle lifecycle{sizeof(vigil_lifecycle), &create, &destroy, &configure, &last_error};
        return &lifecycle;
    }
};

// ---- report source ----
template <typename T>
struct ReportSourceAdapter {
    struct State : Instance<T> {
        std::unique_ptr<Report> report;
        std::unique_ptr<ReportView> view;
    };
    static State* state(vigil_instance* p) { return reinterpret_cast<State*>(p); }

    static int32_t recognizes(vigil_instance* p, const char* name) noexcept {
        try {
            return state(p)->configured().report_agent(name) ? 1 : 0;
        } catch (...) {
            return 0;
        }
    }
    static int32_t claim_name(vigil_instance* p, const char* name, size_t* agent_offset,
                              size_t* agent_length) noexcept {
        try {
            const std::string_view whole(name);
            const std::optional<std::string_view> agent = state(p)->configured().report_agent(whole);
            // Only a non-empty part of the very name given counts.
            if (!agent || agent->empty() || agent->data() < whole.data() ||
                agent->data() + agent->size() > whole.data() + whole.size()) {
                return 0;
            }
            *agent_offset = static_cast<size_t>(agent->data() - whole.data());
            *agent_length = agent->size();
            return 1;
        } catch (...) {
            return 0;
        }
    }
    static vigil_result parse(vigil_instance* p, const char* name, const unsigned char* bytes,
                              size_t length, const vigil_report** out) noexcept {
        State* s = state(p);
        return guarded(s->error, [&] {
            s->view.reset();
            s->report = std::make_unique<Report>(s->configured().parse(
                name, std::string_view(reinterpret_cast<const char*>(bytes), length)));
            s->view = std::make_unique<ReportView>(*s->report);
            *out = &s->view->c;
        });
    }
    static const vigil_report_source_api* table() {
        static const vigil_report_source_api api{sizeof(vigil_report_source_api),
                                                 Lifecycle<T, State>::table(), &recognizes, &parse,
                                                 &claim_name};
        return &api;
    }
};

// ---- integrity check ----
template <typename T>
struct IntegrityAdapter {
    struct State : Instance<T> {};
    struct Context {
        std::unique_ptr<IntegrityCheck::File> file;
        std::string error;
        std::unique_ptr<CheckResult> result;
        std::unique_ptr<CheckResultView> view;
    };
    static State* state(vigil_instance* p) { return reinterpret_cast<State*>(p); }
    static Context* context(vigil_check_context* c) { return reinterpret_cast<Context*>(c); }

    static vigil_result begin(vigil_instance* p, const char* name, vigil_check_context** out) noexcept {
        State* s = state(p);
        *out = nullptr;
        Context* ctx = nullptr;
        try {
            ctx = new Context();
        } catch (...) {
            return VIGIL_ERROR;
        }
        *out = reinterpret_cast<vigil_check_context*>(ctx);
        // The error goes to the context: begin may run on several threads at once.
        return guarded(ctx->error, [&] { ctx->file = s->configured().begin(name); });
    }
    static vigil_result update(vigil_instance*, vigil_check_context* c, const unsigned char* bytes,
                               size_t length) noexcept {
        Context* ctx = context(c);
        return guarded(ctx->error, [&] {
            if (!ctx->file) throw std::logic_error("update on a check that did not begin");
            ctx->file->update(bytes, length);
        });
    }
    static vigil_result finish(vigil_instance*, vigil_check_context* c, int64_t size,
                               const vigil_check_result** out) noexcept {
        Context* ctx = context(c);
        return guarded(ctx->error, [&] {
            if (!ctx->file) throw std::logic_error("finish on a check that did not begin");
            ctx->result = std::make_unique<CheckResult>(ctx->file->finish(size));
            ctx->view = std::make_unique<CheckResultView>(*ctx->result);
            *out = &ctx->view->c;
        });
    }
    static void end(vigil_instance*, vigil_check_context* c) noexcept { delete context(c); }
    static const char* context_error(vigil_instance*, vigil_check_context* c) noexcept {
        return context(c)->error.c_str();
    }
    static const vigil_integrity_api* table() {
        static const vigil_integrity_api api{sizeof(vigil_integrity_api),
                                             Lifecycle<T, State>::table(),
                                             &begin,
                                             &update,
                                             &finish,
                                             &end,
                                             &context_error};
        return &api;
    }
};

// ---- storage ----
// The state of a storage instance: the author's object and what the last
// call of each kind returned, kept until the next one (plugin.h).
template <typename T>
struct StorageState : Instance<T> {
    std::vector<Job> jobs;
    std::unique_ptr<JobViews> job_views;
    std::vector<Entry> entries;
    std::unique_ptr<EntryViews> entry_views;
    std::vector<Event> events;
    std::unique_ptr<EventViews> event_views;
    std::string description;
    std::vector<Scan> scans;
    std::unique_ptr<ScanViews> scan_views;
    std::vector<ReportRecord> reports;
    std::unique_ptr<ReportRecordViews> report_views;
    std::vector<DeliveryCount> counts;
    std::unique_ptr<DeliveryCountViews> count_views;
    std::vector<Silence> silences;
    std::unique_ptr<SilenceViews> silence_views;
    std::optional<std::string> word;
};

template <typename T>
StorageState<T>* storage_state(vigil_instance* p) {
    return reinterpret_cast<StorageState<T>*>(p);
}

// Keeps what a call returned in the instance, in place of what the previous
// such call kept (whose views go first: they point into it), and hands out
// views of it, valid until the next call (plugin.h).
template <typename Views, typename Value, typename View>
void keep_and_view(std::vector<Value>& kept, std::unique_ptr<Views>& views, std::vector<Value> values,
                   const View* const** out, size_t* count) {
    views.reset();
    kept = std::move(values);
    views = std::make_unique<Views>(kept);
    *out = views->data();
    *count = views->size();
}

// Runs a write, naming the row in *refusal when it throws RowRefused.
template <typename F>
vigil_result guarded_write(std::string& error, vigil_write_refusal* refusal, F&& f) noexcept {
    return guarded(error, [&] {
        try {
            f();
        } catch (const RowRefused& e) {
            if (refusal != nullptr && VIGIL_HAS_FIELD(refusal, row_index)) {
                refusal->row_kind = e.kind;
                refusal->row_index = e.index;
            }
            throw;
        }
    });
}

template <typename T>
struct ScanStoreAdapter {
    static vigil_result claim_agents(vigil_instance* p, const char* const* agent_ids, size_t count,
                                     int32_t* acquired) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] {
            const std::vector<bool> held =
                s->configured().claim_agents(std::vector<std::string>(agent_ids, agent_ids + count));
            if (held.size() != count) {
                throw std::logic_error("claim_agents answered for " + std::to_string(held.size()) + " of " +
                                       std::to_string(count) + " agents");
            }
            for (size_t i = 0; i < count; ++i) acquired[i] = held[i] ? 1 : 0;
        });
    }
    static vigil_result sync_jobs(vigil_instance* p, const vigil_job* const* jobs, size_t count,
                                  int64_t now) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] { s->configured().sync_jobs(JobList(jobs, count), now); });
    }
    static vigil_result load_jobs(vigil_instance* p, const char* const* agent_ids, size_t count,
                                  const vigil_job* const** out, size_t* out_count) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] {
            keep_and_view(s->jobs, s->job_views,
                          s->configured().load_jobs(std::vector<std::string>(agent_ids, agent_ids + count)), out,
                          out_count);
        });
    }
    static vigil_result find_reports(vigil_instance* p, const vigil_report_query* const* queries, size_t count,
                                     vigil_report_seen* answers) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] {
            std::vector<ReportQuery> list;
            list.reserve(count);
            for (size_t i = 0; i < count; ++i) list.push_back(from_c(*queries[i]));
            const std::vector<ReportSeen> seen = s->configured().find_reports(list);
            if (seen.size() != count) {
                throw std::logic_error("find_reports answered " + std::to_string(seen.size()) + " of " +
                                       std::to_string(count) + " reports");
            }
            for (size_t i = 0; i < count; ++i) {
                answers[i].content_seen = seen[i].content_seen ? 1 : 0;
                answers[i].same_file = seen[i].same_file ? 1 : 0;
            }
        });
    }
    static vigil_result load_entries(vigil_instance* p, const int64_t* job_ids, const int64_t* since, size_t count,
                                     const vigil_entry* const** out, size_t* out_count) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] {
            keep_and_view(s->entries, s->entry_views,
                          s->configured().load_entries(std::vector<std::int64_t>(job_ids, job_ids + count),
                                                       std::vector<std::int64_t>(since, since + count)),
                          out, out_count);
        });
    }
    static vigil_result write(vigil_instance* p, const vigil_write_batch* batch,
                              vigil_write_refusal* refusal) noexcept {
        auto* s = storage_state<T>(p);
        return guarded_write(s->error, refusal, [&] { s->configured().write(from_c(*batch)); });
    }
    static vigil_result start_scan(vigil_instance* p, const vigil_scan* scan, int64_t* id) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] { *id = s->configured().start_scan(from_c(*scan)); });
    }
    static vigil_result finish_scan(vigil_instance* p, const vigil_scan* scan) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] { s->configured().finish_scan(from_c(*scan)); });
    }
    static vigil_result load_scans(vigil_instance* p, int32_t completed_only, size_t limit,
                                   const vigil_scan* const** out, size_t* count) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] {
            keep_and_view(s->scans, s->scan_views, s->configured().load_scans(completed_only != 0, limit), out, count);
        });
    }
    static const vigil_scan_store_api* table() {
        static const vigil_scan_store_api api{sizeof(vigil_scan_store_api), &claim_agents, &sync_jobs, &load_jobs,
                                              &find_reports, &load_entries, &write, &start_scan, &finish_scan,
                                              &load_scans};
        return &api;
    }
};

template <typename T>
struct OutboxAdapter {
    static vigil_result insert_events(vigil_instance* p, const vigil_queued_event* const* events, size_t count,
                                      vigil_write_refusal* refusal) noexcept {
        auto* s = storage_state<T>(p);
        return guarded_write(s->error, refusal, [&] {
            std::vector<QueuedEvent> list;
            list.reserve(count);
            for (size_t i = 0; i < count; ++i) list.push_back(from_c(*events[i]));
            s->configured().insert_events(list);
        });
    }
    static vigil_result claim_deliveries(vigil_instance* p, const char* notifier, int64_t now, int64_t real_now,
                                         int64_t lease_until, const vigil_event* const** out,
                                         size_t* count) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] {
            keep_and_view(s->events, s->event_views,
                          s->configured().claim_deliveries(notifier, now, real_now, lease_until), out, count);
        });
    }
    static vigil_result finish_deliveries(vigil_instance* p, const char* notifier, const int64_t* ids, size_t count,
                                          const char* state_name, int64_t next_attempt_at, const char* error,
                                          int64_t at) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] {
            std::vector<std::int64_t> list(ids, ids + count);
            s->configured().finish_deliveries(notifier, list, state_name, next_attempt_at, error ? error : "", at);
        });
    }
    static vigil_result last_notified(vigil_instance* p, const char* notifier, int64_t job_id, int64_t* at) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] { *at = s->configured().last_notified(notifier, job_id); });
    }
    static vigil_result last_word(vigil_instance* p, const char* notifier, int64_t job_id,
                                  const char** status) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] {
            s->word = s->configured().last_word(notifier, job_id);
            *status = detail::opt_cstr(s->word);
        });
    }
    static vigil_result count_deliveries(vigil_instance* p, const vigil_delivery_count* const** out,
                                         size_t* count) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] {
            keep_and_view(s->counts, s->count_views, s->configured().count_deliveries(), out, count);
        });
    }
    static const vigil_outbox_api* table() {
        static const vigil_outbox_api api{sizeof(vigil_outbox_api), &insert_events,  &claim_deliveries,
                                          &finish_deliveries,       &last_notified,  &last_word,
                                          &count_deliveries};
        return &api;
    }
};

template <typename T>
struct OperatorReadsAdapter {
    static vigil_result load_all_jobs(vigil_instance* p, const char* agent, int32_t active_only,
                                      const vigil_job* const** out, size_t* count) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] {
            keep_and_view(s->jobs, s->job_views, s->configured().load_all_jobs(agent ? agent : "", active_only != 0),
                          out, count);
        });
    }
    static vigil_result find_entries(vigil_instance* p, const char* agent, const char* file, int64_t since,
                                     const vigil_entry* const** out, size_t* count) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] {
            keep_and_view(s->entries, s->entry_views,
                          s->configured().find_entries(agent ? agent : "", file ? file : "", since), out, count);
        });
    }
    static vigil_result load_reports(vigil_instance* p, const char* agent, const char* file, int64_t since,
                                     const vigil_report_record* const** out, size_t* count) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] {
            keep_and_view(s->reports, s->report_views,
                          s->configured().load_reports(agent ? agent : "", file ? file : "", since), out, count);
        });
    }
    static const vigil_operator_reads_api* table() {
        static const vigil_operator_reads_api api{sizeof(vigil_operator_reads_api), &load_all_jobs, &find_entries,
                                                  &load_reports};
        return &api;
    }
};

template <typename T>
struct SilenceStoreAdapter {
    static vigil_result add_silence(vigil_instance* p, const vigil_silence* silence, int64_t* id) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] { *id = s->configured().add_silence(from_c(*silence)); });
    }
    static vigil_result load_silences(vigil_instance* p, int64_t ending_after, const vigil_silence* const** out,
                                      size_t* count) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] {
            keep_and_view(s->silences, s->silence_views, s->configured().load_silences(ending_after), out, count);
        });
    }
    static vigil_result expire_silence(vigil_instance* p, int64_t id, int64_t at, const char* by,
                                       int32_t* found) noexcept {
        auto* s = storage_state<T>(p);
        return guarded(s->error, [&] { *found = s->configured().expire_silence(id, at, by ? by : "") ? 1 : 0; });
    }
    static const vigil_silences_api* table() {
        static const vigil_silences_api api{sizeof(vigil_silences_api), &add_silence, &load_silences,
                                            &expire_silence};
        return &api;
    }
};

// The storage table of T: its core, and a sub-table for each capability
// interface T derives from, none for the others.
template <typename T>
struct StorageAdapter {
    using State = StorageState<T>;
    static vigil_result begin(vigil_instance* p) noexcept {
        State* s = storage_state<T>(p);
        return guarded(s->error, [&] { s->configured().begin(); });
    }
    static vigil_result commit(vigil_instance* p) noexcept {
        State* s = storage_state<T>(p);
        return guarded(s->error, [&] { s->configured().commit(); });
    }
    static vigil_result rollback(vigil_instance* p) noexcept {
        State* s = storage_state<T>(p);
        return guarded(s->error, [&] { s->configured().rollback(); });
    }
    static vigil_result dry_run(vigil_instance* p, int32_t* active) noexcept {
        State* s = storage_state<T>(p);
        return guarded(s->error, [&] { *active = s->configured().dry_run() ? 1 : 0; });
    }
    static vigil_result describe(vigil_instance* p, const char** text) noexcept {
        State* s = storage_state<T>(p);
        return guarded(s->error, [&] {
            s->description = s->configured().description();
            *text = s->description.c_str();
        });
    }
    static const vigil_storage_api* table() {
        static const vigil_storage_api api = [] {
            vigil_storage_api a{};
            a.struct_size = sizeof(vigil_storage_api);
            a.lifecycle = Lifecycle<T, State>::table();
            a.begin = &begin;
            a.commit = &commit;
            a.rollback = &rollback;
            a.dry_run = &dry_run;
            a.describe = &describe;
            if constexpr (std::is_base_of_v<ScanStore, T>) a.scan_store = ScanStoreAdapter<T>::table();
            if constexpr (std::is_base_of_v<Outbox, T>) a.outbox = OutboxAdapter<T>::table();
            if constexpr (std::is_base_of_v<OperatorReads, T>) a.operator_reads = OperatorReadsAdapter<T>::table();
            if constexpr (std::is_base_of_v<SilenceStore, T>) a.silences = SilenceStoreAdapter<T>::table();
            return a;
        }();
        return &api;
    }
};

// ---- notifier ----
template <typename T>
struct NotifierAdapter {
    struct State : Instance<T> {};
    static vigil_result send(vigil_instance* p, const vigil_event* const* events, size_t count) noexcept {
        auto* s = reinterpret_cast<State*>(p);
        return guarded(s->error, [&] {
            std::vector<Event> list;
            list.reserve(count);
            for (size_t i = 0; i < count; ++i) list.push_back(from_c(*events[i]));
            s->configured().send(list);
        });
    }
    static const vigil_notifier_api* table() {
        static const vigil_notifier_api api{sizeof(vigil_notifier_api),
                                            Lifecycle<T, State>::table(), &send};
        return &api;
    }
};

template <typename T>
void add_capability(vigil_plugin_descriptor& d) {
    static_assert(std::is_base_of_v<ReportSource, T> || std::is_base_of_v<IntegrityCheck, T> ||
                      std::is_base_of_v<Storage, T> || std::is_base_of_v<Notifier, T>,
                  "a VIGIL_PLUGIN class must derive from ReportSource, IntegrityCheck, Storage or Notifier");
    static_assert(std::is_base_of_v<Storage, T> ||
                      !(std::is_base_of_v<ScanStore, T> || std::is_base_of_v<Outbox, T> ||
                        std::is_base_of_v<OperatorReads, T> || std::is_base_of_v<SilenceStore, T>),
                  "a class offering a storage capability (ScanStore, Outbox, OperatorReads, SilenceStore) "
                  "must derive from vigil::Storage too");
    if constexpr (std::is_base_of_v<ReportSource, T>) d.report_source = ReportSourceAdapter<T>::table();
    if constexpr (std::is_base_of_v<IntegrityCheck, T>) d.integrity = IntegrityAdapter<T>::table();
    if constexpr (std::is_base_of_v<Storage, T>) d.storage = StorageAdapter<T>::table();
    if constexpr (std::is_base_of_v<Notifier, T>) d.notifier = NotifierAdapter<T>::table();
}

template <typename... Ts>
vigil_plugin_descriptor make_descriptor(const char* name, const char* version, const char* description) {
    vigil_plugin_descriptor d{};
    d.struct_size = sizeof(vigil_plugin_descriptor);
    d.abi_major = VIGIL_ABI_MAJOR;
    d.abi_minor = VIGIL_ABI_MINOR;
    d.name = name;
    d.version = version;
    d.description = description;
    (add_capability<Ts>(d), ...);
    return d;
}

}  // namespace detail
}  // namespace vigil

// Exports the plugin: its name (as configs spell it), version, a one-line
// description, then one class per capability it offers.
#define VIGIL_PLUGIN(NAME, VERSION, DESCRIPTION, ...)                                          \
    extern "C" VIGIL_PLUGIN_EXPORT const vigil_plugin_descriptor* vigil_plugin_entry(void) noexcept { \
        static const vigil_plugin_descriptor descriptor =                                     \
            ::vigil::detail::make_descriptor<__VA_ARGS__>(NAME, VERSION, DESCRIPTION);         \
        return &descriptor;                                                                   \
    }

#endif  // VIGIL_PLUGIN_HPP
