#include "storage_handle.hpp"

#include <utility>

namespace vigil::host {

namespace {

const char* safe(const char* s) { return s ? s : ""; }

template <typename CStruct, typename Value>
void copy_out(const CStruct* const* out, std::size_t count, std::vector<Value>* values) {
    values->clear();
    values->reserve(count);
    for (std::size_t i = 0; i < count; ++i) values->push_back(from_c(*out[i]));
}

std::vector<const char*> c_strings(const std::vector<std::string>& texts) {
    std::vector<const char*> out;
    out.reserve(texts.size());
    for (const std::string& t : texts) out.push_back(t.c_str());
    return out;
}

// The functions of a table, each with its name, for the load-time check.
template <typename... Fns>
std::string first_missing(const char* table, Fns... named) {
    std::string missing;
    auto look = [&](const auto& pair) {
        if (missing.empty() && pair.first == nullptr) missing = std::string(table) + " has no " + pair.second + " function";
    };
    (look(named), ...);
    return missing;
}

template <typename Fn>
std::pair<const void*, const char*> fn(Fn f, const char* name) {
    return {reinterpret_cast<const void*>(f), name};
}

// A sub-table's size covers its last function: every function is required.
#define VIGIL_TABLE_COMPLETE(table, last) (VIGIL_HAS_FIELD(table, last))

std::string scan_store_problem(const vigil_scan_store_api* t) {
    if (!VIGIL_TABLE_COMPLETE(t, load_scans)) return "storage scan store table is too small";
    return first_missing("storage scan store", fn(t->claim_agents, "claim_agents"), fn(t->sync_jobs, "sync_jobs"),
                         fn(t->load_jobs, "load_jobs"), fn(t->find_reports, "find_reports"),
                         fn(t->load_entries, "load_entries"), fn(t->write, "write"),
                         fn(t->start_scan, "start_scan"), fn(t->finish_scan, "finish_scan"),
                         fn(t->load_scans, "load_scans"));
}

std::string outbox_problem(const vigil_outbox_api* t) {
    if (!VIGIL_TABLE_COMPLETE(t, count_deliveries)) return "storage outbox table is too small";
    return first_missing("storage outbox", fn(t->insert_events, "insert_events"),
                         fn(t->claim_deliveries, "claim_deliveries"), fn(t->finish_deliveries, "finish_deliveries"),
                         fn(t->last_notified, "last_notified"), fn(t->last_word, "last_word"),
                         fn(t->count_deliveries, "count_deliveries"));
}

std::string operator_reads_problem(const vigil_operator_reads_api* t) {
    if (!VIGIL_TABLE_COMPLETE(t, load_reports)) return "storage operator reads table is too small";
    return first_missing("storage operator reads", fn(t->load_all_jobs, "load_all_jobs"),
                         fn(t->find_entries, "find_entries"), fn(t->load_reports, "load_reports"));
}

std::string silences_problem(const vigil_silences_api* t) {
    if (!VIGIL_TABLE_COMPLETE(t, expire_silence)) return "storage silences table is too small";
    return first_missing("storage silences", fn(t->add_silence, "add_silence"), fn(t->load_silences, "load_silences"),
                         fn(t->expire_silence, "expire_silence"));
}

#undef VIGIL_TABLE_COMPLETE

}  // namespace

std::string_view name_of(StorageCapability capability) {
    switch (capability) {
        case StorageCapability::kScanStore: return "scan store";
        case StorageCapability::kOutbox: return "outbox";
        case StorageCapability::kOperatorReads: return "operator reads";
        case StorageCapability::kSilences: return "silences";
    }
    return "";
}

bool offers(const vigil_storage_api& api, StorageCapability capability) {
    switch (capability) {
        case StorageCapability::kScanStore: return api.scan_store != nullptr;
        case StorageCapability::kOutbox: return api.outbox != nullptr;
        case StorageCapability::kOperatorReads: return api.operator_reads != nullptr;
        case StorageCapability::kSilences: return api.silences != nullptr;
    }
    return false;
}

std::string storage_table_problem(const vigil_storage_api& api) {
    if (!VIGIL_HAS_FIELD(&api, silences)) return "storage table is too small";
    if (std::string p = first_missing("storage", fn(api.begin, "begin"), fn(api.commit, "commit"),
                                      fn(api.rollback, "rollback"), fn(api.dry_run, "dry_run"),
                                      fn(api.describe, "describe"));
        !p.empty()) {
        return p;
    }
    if (api.scan_store) {
        if (std::string p = scan_store_problem(api.scan_store); !p.empty()) return p;
    }
    if (api.outbox) {
        if (std::string p = outbox_problem(api.outbox); !p.empty()) return p;
    }
    if (api.operator_reads) {
        if (std::string p = operator_reads_problem(api.operator_reads); !p.empty()) return p;
    }
    if (api.silences) {
        if (std::string p = silences_problem(api.silences); !p.empty()) return p;
    }
    return "";
}

std::string storage_capability_names(const vigil_storage_api& api) {
    std::string names;
    for (StorageCapability c : kStorageCapabilities) {
        if (offers(api, c)) names += (names.empty() ? "" : ", ") + std::string(name_of(c));
    }
    return names;
}

std::unique_ptr<StorageHandle> StorageHandle::open(std::shared_ptr<PluginLibrary> library,
                                                   const std::string& config_json, Status* status) {
    const auto* api = library->descriptor().storage;
    if (api == nullptr) {
        *status = Status::error(Status::Code::kConfig, "plugin " + library->name() + " is not a storage plugin");
        return nullptr;
    }
    std::unique_ptr<StorageHandle> h(new StorageHandle(library, api->lifecycle));
    h->api_ = api;
    *status = h->start(config_json);
    return status->is_ok() ? std::move(h) : nullptr;
}

bool StorageHandle::offers(StorageCapability capability) const { return host::offers(*api_, capability); }

Status StorageHandle::require(StorageCapability capability, const std::string& needed_by) const {
    if (offers(capability)) return Status::ok();
    const std::string offered = storage_capability_names(*api_);
    return Status::error(Status::Code::kConfig, needed_by + " needs the " + std::string(name_of(capability)) +
                                                    " of the storage, and storage plugin " + plugin_name_ +
                                                    " does not offer it (it offers: " +
                                                    (offered.empty() ? "none" : offered) + ")");
}

Status StorageHandle::check(vigil_result result, const char* what) const {
    if (result == VIGIL_OK) return Status::ok();
    return Status::error(status_code_for(result), std::string("storage ") + what + ": " + error_message(result));
}

template <typename Table>
const Table* StorageHandle::table(const Table* sub_table, StorageCapability capability, const char* what,
                                  Status* status) const {
    if (sub_table == nullptr) *status = require(capability, std::string("storage ") + what);
    return sub_table;
}

Status StorageHandle::begin() { return check(api_->begin(self_), "begin"); }
Status StorageHandle::commit() { return check(api_->commit(self_), "commit"); }
Status StorageHandle::rollback() { return check(api_->rollback(self_), "rollback"); }

Status StorageHandle::dry_run(bool* active) {
    int32_t on = 0;
    Status s = check(api_->dry_run(self_, &on), "dry_run");
    *active = s.is_ok() && on != 0;
    return s;
}

Status StorageHandle::describe(std::string* text) {
    const char* out = nullptr;
    Status s = check(api_->describe(self_, &out), "describe");
    if (s.is_ok()) *text = safe(out);
    return s;
}

// ---- scan store ----

Status StorageHandle::claim_agents(const std::vector<std::string>& agent_ids, std::vector<bool>* acquired) {
    Status s;
    const auto* t = table(api_->scan_store, StorageCapability::kScanStore, "claim_agents", &s);
    if (!t) return s;
    const std::vector<const char*> ids = c_strings(agent_ids);
    std::vector<int32_t> got(agent_ids.size(), 0);
    s = check(t->claim_agents(self_, ids.data(), ids.size(), got.data()), "claim_agents");
    acquired->clear();
    if (s.is_ok()) {
        for (int32_t g : got) acquired->push_back(g != 0);
    }
    return s;
}

Status StorageHandle::sync_jobs(const vigil_job* const* jobs, std::size_t count, std::int64_t now) {
    Status s;
    const auto* t = table(api_->scan_store, StorageCapability::kScanStore, "sync_jobs", &s);
    if (!t) return s;
    return check(t->sync_jobs(self_, jobs, count, now), "sync_jobs");
}

Status StorageHandle::load_jobs(const std::vector<std::string>& agent_ids,
                                std::map<std::string, std::vector<Job>>* jobs) {
    Status s;
    const auto* t = table(api_->scan_store, StorageCapability::kScanStore, "load_jobs", &s);
    if (!t) return s;
    jobs->clear();
    for (const std::string& id : agent_ids) (*jobs)[id];
    const std::vector<const char*> ids = c_strings(agent_ids);
    const vigil_job* const* out = nullptr;
    std::size_t count = 0;
    s = check(t->load_jobs(self_, ids.data(), ids.size(), &out, &count), "load_jobs");
    if (!s.is_ok()) return s;
    for (std::size_t i = 0; i < count; ++i) {
        Job job = from_c(*out[i]);
        const auto it = jobs->find(job.agent_id_responsible);
        if (it == jobs->end()) {
            return Status::error(Status::Code::kError, "storage load_jobs: job " + std::to_string(job.id) +
                                                           " belongs to an agent that was not asked for");
        }
        it->second.push_back(std::move(job));
    }
    return s;
}

Status StorageHandle::find_reports(const std::vector<ReportQuery>& queries, std::vector<ReportSeen>* seen) {
    Status s;
    const auto* t = table(api_->scan_store, StorageCapability::kScanStore, "find_reports", &s);
    if (!t) return s;
    const ReportQueryViews views(queries);
    std::vector<vigil_report_seen> answers(queries.size(), vigil_report_seen{sizeof(vigil_report_seen), 0, 0});
    s = check(t->find_reports(self_, views.data(), views.size(), answers.data()), "find_reports");
    seen->clear();
    if (s.is_ok()) {
        for (const vigil_report_seen& a : answers) seen->push_back(from_c(a));
    }
    return s;
}

Status StorageHandle::load_entries(const std::vector<std::int64_t>& job_ids, const std::vector<std::int64_t>& since,
                                   std::vector<Entry>* entries) {
    Status s;
    const auto* t = table(api_->scan_store, StorageCapability::kScanStore, "load_entries", &s);
    if (!t) return s;
    if (job_ids.size() != since.size()) {
        return Status::error(Status::Code::kError, "load_entries: " + std::to_string(job_ids.size()) +
                                                       " jobs but " + std::to_string(since.size()) + " times");
    }
    const vigil_entry* const* out = nullptr;
    std::size_t count = 0;
    s = check(t->load_entries(self_, job_ids.data(), since.data(), job_ids.size(), &out, &count), "load_entries");
    if (s.is_ok()) copy_out(out, count, entries);
    return s;
}

Status StorageHandle::write(const WriteBatch& batch, RowRefusal* refused) {
    *refused = RowRefusal();
    Status s;
    const auto* t = table(api_->scan_store, StorageCapability::kScanStore, "write", &s);
    if (!t) return s;
    const WriteBatchView view(batch);
    vigil_write_refusal refusal{sizeof(vigil_write_refusal), VIGIL_ROW_NONE, 0};
    s = check(t->write(self_, &view.c, &refusal), "write");
    if (!s.is_ok() && s.code() != Status::Code::kUnavailable) {
        const std::size_t sizes[] = {0, batch.entries.size(), batch.job_states.size(), batch.reports.size()};
        // A row the batch does not have names nothing.
        if (refusal.row_kind > VIGIL_ROW_NONE && refusal.row_kind < VIGIL_ROW_EVENT &&
            refusal.row_index < sizes[refusal.row_kind]) {
            refused->kind = static_cast<vigil_row_kind>(refusal.row_kind);
            refused->index = refusal.row_index;
        }
    }
    return s;
}

Status StorageHandle::start_scan(const Scan& scan, std::int64_t* id) {
    Status s;
    const auto* t = table(api_->scan_store, StorageCapability::kScanStore, "start_scan", &s);
    if (!t) return s;
    const ScanView view(scan);
    return check(t->start_scan(self_, &view.c, id), "start_scan");
}

Status StorageHandle::finish_scan(const Scan& scan) {
    Status s;
    const auto* t = table(api_->scan_store, StorageCapability::kScanStore, "finish_scan", &s);
    if (!t) return s;
    const ScanView view(scan);
    return check(t->finish_scan(self_, &view.c), "finish_scan");
}

Status StorageHandle::load_scans(bool completed_only, std::size_t limit, std::vector<Scan>* scans) {
    Status s;
    const auto* t = table(api_->scan_store, StorageCapability::kScanStore, "load_scans", &s);
    if (!t) return s;
    const vigil_scan* const* out = nullptr;
    std::size_t count = 0;
    s = check(t->load_scans(self_, completed_only ? 1 : 0, limit, &out, &count), "load_scans");
    if (s.is_ok()) copy_out(out, count, scans);
    return s;
}

// ---- outbox ----

Status StorageHandle::insert_events(const std::vector<QueuedEvent>& events, RowRefusal* refused) {
    *refused = RowRefusal();
    Status s;
    const auto* t = table(api_->outbox, StorageCapability::kOutbox, "insert_events", &s);
    if (!t) return s;
    const QueuedEventViews views(events);
    vigil_write_refusal refusal{sizeof(vigil_write_refusal), VIGIL_ROW_NONE, 0};
    s = check(t->insert_events(self_, views.data(), views.size(), &refusal), "insert_events");
    if (!s.is_ok() && s.code() != Status::Code::kUnavailable && refusal.row_kind == VIGIL_ROW_EVENT &&
        refusal.row_index < events.size()) {
        refused->kind = VIGIL_ROW_EVENT;
        refused->index = refusal.row_index;
    }
    return s;
}

Status StorageHandle::claim_deliveries(const std::string& notifier, std::int64_t now, std::int64_t real_now,
                                       std::int64_t lease_until, std::vector<Event>* events) {
    Status s;
    const auto* t = table(api_->outbox, StorageCapability::kOutbox, "claim_deliveries", &s);
    if (!t) return s;
    const vigil_event* const* out = nullptr;
    std::size_t count = 0;
    s = check(t->claim_deliveries(self_, notifier.c_str(), now, real_now, lease_until, &out, &count),
              "claim_deliveries");
    if (s.is_ok()) copy_out(out, count, events);
    return s;
}

Status StorageHandle::finish_deliveries(const std::string& notifier, const std::vector<std::int64_t>& event_ids,
                                        const std::string& state, std::int64_t next_attempt_at,
                                        const std::string& error, std::int64_t at) {
    Status s;
    const auto* t = table(api_->outbox, StorageCapability::kOutbox, "finish_deliveries", &s);
    if (!t) return s;
    return check(t->finish_deliveries(self_, notifier.c_str(), event_ids.data(), event_ids.size(), state.c_str(),
                                      next_attempt_at, error.c_str(), at),
                 "finish_deliveries");
}

Status StorageHandle::last_notified(const std::string& notifier, std::int64_t job_id, std::int64_t* at) {
    Status s;
    const auto* t = table(api_->outbox, StorageCapability::kOutbox, "last_notified", &s);
    if (!t) return s;
    return check(t->last_notified(self_, notifier.c_str(), job_id, at), "last_notified");
}

Status StorageHandle::last_word(const std::string& notifier, std::int64_t job_id,
                                std::optional<std::string>* status) {
    Status s;
    const auto* t = table(api_->outbox, StorageCapability::kOutbox, "last_word", &s);
    if (!t) return s;
    const char* out = nullptr;
    s = check(t->last_word(self_, notifier.c_str(), job_id, &out), "last_word");
    if (s.is_ok()) *status = out ? std::optional<std::string>(out) : std::nullopt;
    return s;
}

Status StorageHandle::count_deliveries(std::vector<DeliveryCount>* counts) {
    Status s;
    const auto* t = table(api_->outbox, StorageCapability::kOutbox, "count_deliveries", &s);
    if (!t) return s;
    const vigil_delivery_count* const* out = nullptr;
    std::size_t count = 0;
    s = check(t->count_deliveries(self_, &out, &count), "count_deliveries");
    if (s.is_ok()) copy_out(out, count, counts);
    return s;
}

// ---- operator reads ----

Status StorageHandle::load_all_jobs(const std::string& agent_id, bool active_only, std::vector<Job>* jobs) {
    Status s;
    const auto* t = table(api_->operator_reads, StorageCapability::kOperatorReads, "load_all_jobs", &s);
    if (!t) return s;
    const vigil_job* const* out = nullptr;
    std::size_t count = 0;
    s = check(t->load_all_jobs(self_, agent_id.empty() ? nullptr : agent_id.c_str(), active_only ? 1 : 0, &out,
                               &count),
              "load_all_jobs");
    if (s.is_ok()) copy_out(out, count, jobs);
    return s;
}

Status StorageHandle::find_entries(const std::string& agent_id, const std::string& file_name, std::int64_t since,
                                   std::vector<Entry>* entries) {
    Status s;
    const auto* t = table(api_->operator_reads, StorageCapability::kOperatorReads, "find_entries", &s);
    if (!t) return s;
    const vigil_entry* const* out = nullptr;
    std::size_t count = 0;
    s = check(t->find_entries(self_, agent_id.c_str(), file_name.empty() ? nullptr : file_name.c_str(), since, &out,
                              &count),
              "find_entries");
    if (s.is_ok()) copy_out(out, count, entries);
    return s;
}

Status StorageHandle::load_reports(const std::string& agent_id, const std::string& file_name, std::int64_t since,
                                   std::vector<ReportRecord>* reports) {
    Status s;
    const auto* t = table(api_->operator_reads, StorageCapability::kOperatorReads, "load_reports", &s);
    if (!t) return s;
    const vigil_report_record* const* out = nullptr;
    std::size_t count = 0;
    s = check(t->load_reports(self_, agent_id.c_str(), file_name.empty() ? nullptr : file_name.c_str(), since, &out,
                              &count),
              "load_reports");
    if (s.is_ok()) copy_out(out, count, reports);
    return s;
}

// ---- silences ----

Status StorageHandle::add_silence(const Silence& silence, std::int64_t* id) {
    Status s;
    const auto* t = table(api_->silences, StorageCapability::kSilences, "add_silence", &s);
    if (!t) return s;
    const SilenceView view(silence);
    return check(t->add_silence(self_, &view.c, id), "add_silence");
}

Status StorageHandle::load_silences(std::int64_t ending_after, std::vector<Silence>* silences) {
    Status s;
    const auto* t = table(api_->silences, StorageCapability::kSilences, "load_silences", &s);
    if (!t) return s;
    const vigil_silence* const* out = nullptr;
    std::size_t count = 0;
    s = check(t->load_silences(self_, ending_after, &out, &count), "load_silences");
    if (s.is_ok()) copy_out(out, count, silences);
    return s;
}

Status StorageHandle::expire_silence(std::int64_t id, std::int64_t at, const std::string& by, bool* found) {
    Status s;
    const auto* t = table(api_->silences, StorageCapability::kSilences, "expire_silence", &s);
    if (!t) return s;
    int32_t exists = 0;
    s = check(t->expire_silence(self_, id, at, by.c_str(), &exists), "expire_silence");
    *found = s.is_ok() && exists != 0;
    return s;
}

}  // namespace vigil::host
