#include "plugin_host.hpp"

#include <boost/dll/shared_library_load_mode.hpp>

#include <cstddef>
#include <dlfcn.h>
#include <exception>
#include <iterator>

namespace vigil::host {

namespace {

// Sizes of the ABI 2.0 structs: what any plugin of major 2 must provide at
// least. Functions added in later minors are optional (VIGIL_HAS_FIELD).
constexpr std::size_t kDescriptorSize20 = offsetof(vigil_plugin_descriptor, notifier) + sizeof(void*);
constexpr std::size_t kLifecycleSize20 = offsetof(vigil_lifecycle, last_error) + sizeof(void*);
constexpr std::size_t kReportSourceSize20 = offsetof(vigil_report_source_api, parse) + sizeof(void*);
constexpr std::size_t kIntegritySize20 = offsetof(vigil_integrity_api, context_error) + sizeof(void*);
constexpr std::size_t kStorageSize20 = offsetof(vigil_storage_api, last_notified) + sizeof(void*);
constexpr std::size_t kNotifierSize20 = offsetof(vigil_notifier_api, send) + sizeof(void*);

std::string missing_function(const char* capability, const char* function) {
    return std::string(capability) + " capability has no " + function + " function";
}

// The first problem with a capability table, or "" when it is complete.
std::string check_lifecycle(const char* capability, const vigil_lifecycle* l) {
    if (l == nullptr) return std::string(capability) + " capability has no lifecycle table";
    if (l->struct_size < kLifecycleSize20) return std::string(capability) + " lifecycle table is too small";
    if (!l->create) return missing_function(capability, "create");
    if (!l->destroy) return missing_function(capability, "destroy");
    if (!l->configure) return missing_function(capability, "configure");
    if (!l->last_error) return missing_function(capability, "last_error");
    return "";
}

std::string check_tables(const vigil_plugin_descriptor& d) {
    if (!d.report_source && !d.integrity && !d.storage && !d.notifier) return "it offers no capability";
    if (const auto* t = d.report_source) {
        if (t->struct_size < kReportSourceSize20) return "report_source table is too small";
        if (auto p = check_lifecycle("report_source", t->lifecycle); !p.empty()) return p;
        if (!t->recognizes) return missing_function("report_source", "recognizes");
        if (!t->parse) return missing_function("report_source", "parse");
    }
    if (const auto* t = d.integrity) {
        if (t->struct_size < kIntegritySize20) return "integrity table is too small";
        if (auto p = check_lifecycle("integrity", t->lifecycle); !p.empty()) return p;
        if (!t->begin) return missing_function("integrity", "begin");
        if (!t->update) return missing_function("integrity", "update");
        if (!t->finish) return missing_function("integrity", "finish");
        if (!t->end) return missing_function("integrity", "end");
        if (!t->context_error) return missing_function("integrity", "context_error");
    }
    if (const auto* t = d.storage) {
        if (t->struct_size < kStorageSize20) return "storage table is too small";
        if (auto p = check_lifecycle("storage", t->lifecycle); !p.empty()) return p;
        const std::pair<const void*, const char*> functions[] = {
            {reinterpret_cast<const void*>(t->begin), "begin"},
            {reinterpret_cast<const void*>(t->commit), "commit"},
            {reinterpret_cast<const void*>(t->rollback), "rollback"},
            {reinterpret_cast<const void*>(t->try_lock_agent), "try_lock_agent"},
            {reinterpret_cast<const void*>(t->sync_jobs), "sync_jobs"},
            {reinterpret_cast<const void*>(t->load_jobs), "load_jobs"},
            {reinterpret_cast<const void*>(t->load_entries), "load_entries"},
            {reinterpret_cast<const void*>(t->insert_entry), "insert_entry"},
            {reinterpret_cast<const void*>(t->update_job_state), "update_job_state"},
            {reinterpret_cast<const void*>(t->find_report), "find_report"},
            {reinterpret_cast<const void*>(t->record_report), "record_report"},
            {reinterpret_cast<const void*>(t->insert_event), "insert_event"},
            {reinterpret_cast<const void*>(t->claim_deliveries), "claim_deliveries"},
            {reinterpret_cast<const void*>(t->finish_deliveries), "finish_deliveries"},
            {reinterpret_cast<const void*>(t->last_notified), "last_notified"}};
        for (const auto& [fn, name] : functions) {
            if (fn == nullptr) return missing_function("storage", name);
        }
    }
    if (const auto* t = d.notifier) {
        if (t->struct_size < kNotifierSize20) return "notifier table is too small";
        if (auto p = check_lifecycle("notifier", t->lifecycle); !p.empty()) return p;
        if (!t->send) return missing_function("notifier", "send");
    }
    return "";
}

std::string host_abi() {
    return std::to_string(VIGIL_ABI_MAJOR) + "." + std::to_string(VIGIL_ABI_MINOR);
}

const char* safe(const char* s) { return s ? s : ""; }

// The dynamic loader's own words inside Boost.DLL's message ("boost::dll::
// ...(dlerror system message: FILE: REASON): <an unrelated errno text>"):
// only "REASON" says anything to an operator.
std::string loader_message(const std::string& what) {
    const std::string marker = "dlerror system message: ";
    const std::size_t start = what.find(marker);
    if (start == std::string::npos) return what;
    std::string said = what.substr(start + marker.size());
    const std::size_t close = said.rfind("): ");
    if (close != std::string::npos) said.resize(close);
    // dlerror names the file first; the caller names it already.
    const std::size_t colon = said.find(": ");
    return colon == std::string::npos ? said : said.substr(colon + 2);
}

}  // namespace

Status::Code status_code_for(vigil_result result) {
    switch (result) {
        case VIGIL_OK: return Status::Code::kOk;
        case VIGIL_INVALID_INPUT: return Status::Code::kInvalid;
        case VIGIL_DECLINED: return Status::Code::kDeclined;
        case VIGIL_UNAVAILABLE: return Status::Code::kUnavailable;
        case VIGIL_PERMANENT: return Status::Code::kPermanent;
        case VIGIL_BUSY: return Status::Code::kBusy;
        default: return Status::Code::kError;
    }
}

std::shared_ptr<PluginLibrary> PluginLibrary::load(const std::filesystem::path& file, Status* status) {
    auto refuse = [&](const std::string& why) {
        *status = Status::error(Status::Code::kRefused, "plugin " + file.string() + " refused: " + why);
        return nullptr;
    };
    auto lib = std::shared_ptr<PluginLibrary>(new PluginLibrary());
    lib->file_ = file;
    try {
        // Never unmapped: C libraries a plugin links (libcurl, OpenSSL, libpq)
        // register process-exit handlers that would then jump into unmapped code.
        const auto no_delete = static_cast<boost::dll::load_mode::type>(RTLD_NODELETE);
        lib->library_.load(file, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local | no_delete);
    } catch (const std::exception& e) {
        return refuse("cannot be loaded: " + loader_message(e.what()));
    }
    if (!lib->library_.has(VIGIL_PLUGIN_ENTRY_SYMBOL)) {
        return refuse(std::string("it does not export ") + VIGIL_PLUGIN_ENTRY_SYMBOL);
    }
    auto entry = lib->library_.get<const vigil_plugin_descriptor*()>(VIGIL_PLUGIN_ENTRY_SYMBOL);
    const vigil_plugin_descriptor* d = entry();
    if (d == nullptr) return refuse(std::string(VIGIL_PLUGIN_ENTRY_SYMBOL) + " returned no descriptor");
    if (d->struct_size < offsetof(vigil_plugin_descriptor, abi_minor) + sizeof(d->abi_minor)) {
        return refuse("its descriptor is too small to say which ABI it needs");
    }
    const std::string plugin_abi = std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor);
    if (d->abi_major != VIGIL_ABI_MAJOR) {
        return refuse("it needs plugin ABI " + plugin_abi + " but this host implements ABI " + host_abi() +
                      " (the major versions differ: " +
                      (d->abi_major < VIGIL_ABI_MAJOR ? "rebuild the plugin with this Vigil's SDK)" : "upgrade Vigil)"));
    }
    if (d->abi_minor > VIGIL_ABI_MINOR) {
        return refuse("it needs plugin ABI " + plugin_abi + " but this host implements ABI " + host_abi() +
                      " (upgrade Vigil)");
    }
    if (d->struct_size < kDescriptorSize20) return refuse("its descriptor is too small");
    if (d->name == nullptr || *d->name == '\0') return refuse("its descriptor has no name");
    if (auto problem = check_tables(*d); !problem.empty()) return refuse(problem);
    lib->descriptor_ = d;
    *status = Status::ok();
    return lib;
}

std::string PluginLibrary::name() const { return safe(descriptor_->name); }
std::string PluginLibrary::version() const { return safe(descriptor_->version); }
std::string PluginLibrary::abi_version() const {
    return std::to_string(descriptor_->abi_major) + "." + std::to_string(descriptor_->abi_minor);
}
std::string PluginLibrary::capabilities() const {
    std::string out;
    auto add = [&](const void* table, const char* name) {
        if (table) out += out.empty() ? name : std::string(", ") + name;
    };
    add(descriptor_->report_source, "report_source");
    add(descriptor_->integrity, "integrity");
    add(descriptor_->storage, "storage");
    add(descriptor_->notifier, "notifier");
    return out;
}

PluginInstance::PluginInstance(std::shared_ptr<PluginLibrary> library, const vigil_lifecycle* lifecycle)
    : library_(std::move(library)), lifecycle_(lifecycle), plugin_name_(library_->name()) {}

PluginInstance::~PluginInstance() {
    if (self_ != nullptr) lifecycle_->destroy(self_);
}

std::string PluginInstance::error_message(vigil_result code) const {
    std::string message = self_ ? safe(lifecycle_->last_error(self_)) : "";
    if (message.empty()) message = "failed with code " + std::to_string(static_cast<int>(code));
    return "plugin " + plugin_name_ + ": " + message;
}

Status PluginInstance::start(const std::string& config_json) {
    self_ = lifecycle_->create();
    if (self_ == nullptr) {
        return Status::error(Status::Code::kError, "plugin " + plugin_name_ + ": create failed");
    }
    vigil_result r = lifecycle_->configure(self_, config_json.c_str());
    if (r != VIGIL_OK) {
        Status::Code code = r == VIGIL_UNAVAILABLE ? Status::Code::kUnavailable : Status::Code::kConfig;
        return Status::error(code, error_message(r));
    }
    return Status::ok();
}

// ---- report source ----

std::unique_ptr<ReportSourceHandle> ReportSourceHandle::open(std::shared_ptr<PluginLibrary> library,
                                                             const std::string& config_json,
                                                             Status* status) {
    const auto* api = library->descriptor().report_source;
    if (api == nullptr) {
        *status = Status::error(Status::Code::kConfig, "plugin " + library->name() + " is not a report source");
        return nullptr;
    }
    std::unique_ptr<ReportSourceHandle> h(new ReportSourceHandle(library, api->lifecycle));
    h->api_ = api;
    *status = h->start(config_json);
    return status->is_ok() ? std::move(h) : nullptr;
}

bool ReportSourceHandle::declares_names() const {
    return VIGIL_HAS_FIELD(api_, claim_name) && api_->claim_name != nullptr;
}

std::optional<std::string_view> ReportSourceHandle::report_agent(std::string_view file_name) const {
    if (!declares_names()) return standard_report_agent(file_name);
    // Handed over NUL-terminated: a name holding a NUL is no report's.
    if (file_name.find('\0') != std::string_view::npos) return std::nullopt;
    const std::string name(file_name);
    std::size_t offset = 0, length = 0;
    if (api_->claim_name(self_, name.c_str(), &offset, &length) == 0) return std::nullopt;
    if (length == 0 || offset > file_name.size() || length > file_name.size() - offset) return std::nullopt;
    return file_name.substr(offset, length);
}

bool ReportSourceHandle::recognizes(const std::string& file_name) {
    if (declares_names()) return report_agent(file_name).has_value();
    return api_->recognizes(self_, file_name.c_str()) != 0;
}

Status ReportSourceHandle::parse(const std::string& file_name, std::string_view bytes, Report* report) {
    const vigil_report* out = nullptr;
    vigil_result r = api_->parse(self_, file_name.c_str(),
                                 reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), &out);
    if (r == VIGIL_OK && out == nullptr) {
        return Status::error(Status::Code::kError, "plugin " + plugin_name_ + ": parse returned no report");
    }
    if (r != VIGIL_OK) {
        // The caller names the source; the message is the plugin's own words.
        std::string message = safe(lifecycle_->last_error(self_));
        if (message.empty()) message = "failed with code " + std::to_string(static_cast<int>(r));
        return Status::error(status_code_for(r), message);
    }
    if (out->database_count > 0 && out->databases == nullptr) {
        return Status::error(Status::Code::kError, "plugin " + plugin_name_ + ": parse returned a report whose databases are missing");
    }
    for (std::size_t i = 0; i < out->database_count; ++i) {
        const vigil_database_report* d = out->databases[i];
        if (d == nullptr || !d->backup || !d->compress || !d->transfer) {
            return Status::error(Status::Code::kError, "plugin " + plugin_name_ + ": parse returned an incomplete database block");
        }
    }
    *report = from_c(*out);
    return Status::ok();
}

// ---- integrity ----

std::unique_ptr<IntegrityHandle> IntegrityHandle::open(std::shared_ptr<PluginLibrary> library,
                                                       const std::string& config_json, Status* status) {
    const auto* api = library->descriptor().integrity;
    if (api == nullptr) {
        *status = Status::error(Status::Code::kConfig, "plugin " + library->name() + " is not an integrity check");
        return nullptr;
    }
    std::unique_ptr<IntegrityHandle> h(new IntegrityHandle(library, api->lifecycle));
    h->api_ = api;
    *status = h->start(config_json);
    return status->is_ok() ? std::move(h) : nullptr;
}

std::unique_ptr<IntegrityHandle::FileCheck> IntegrityHandle::begin(const std::string& file_name,
                                                                   Status* status) const {
    vigil_check_context* context = nullptr;
    vigil_result r = api_->begin(self_, file_name.c_str(), &context);
    std::unique_ptr<FileCheck> check;
    if (context != nullptr) check.reset(new FileCheck(this, context));
    if (r != VIGIL_OK) {
        *status = check ? check->context_error(r, "begin")
                        : Status::error(Status::Code::kError, "plugin " + plugin_name_ + ": begin failed");
        return nullptr;
    }
    if (!check) {
        *status = Status::error(Status::Code::kError, "plugin " + plugin_name_ + ": begin returned no context");
        return nullptr;
    }
    *status = Status::ok();
    return check;
}

IntegrityHandle::FileCheck::FileCheck(const IntegrityHandle* owner, vigil_check_context* context)
    : owner_(owner), context_(context) {}

IntegrityHandle::FileCheck::~FileCheck() { owner_->api_->end(owner_->self_, context_); }

Status IntegrityHandle::FileCheck::context_error(vigil_result code, const char* what) const {
    std::string message = safe(owner_->api_->context_error(owner_->self_, context_));
    if (message.empty()) message = std::string(what) + " failed";
    return Status::error(status_code_for(code), "plugin " + owner_->plugin_name_ + ": " + message);
}

Status IntegrityHandle::FileCheck::update(const unsigned char* bytes, std::size_t length) {
    vigil_result r = owner_->api_->update(owner_->self_, context_, bytes, length);
    return r == VIGIL_OK ? Status::ok() : context_error(r, "update");
}

Status IntegrityHandle::FileCheck::finish(std::int64_t size, CheckResult* result) {
    const vigil_check_result* out = nullptr;
    vigil_result r = owner_->api_->finish(owner_->self_, context_, size, &out);
    if (r != VIGIL_OK) return context_error(r, "finish");
    if (out == nullptr) {
        return Status::error(Status::Code::kError, "plugin " + owner_->plugin_name_ + ": finish returned no result");
    }
    *result = from_c(*out);
    return Status::ok();
}

// ---- storage ----

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

Status StorageHandle::check(vigil_result result, const char* what) const {
    if (result == VIGIL_OK) return Status::ok();
    return Status::error(status_code_for(result), std::string("storage ") + what + ": " + error_message(result));
}

Status StorageHandle::begin() { return check(api_->begin(self_), "begin"); }
Status StorageHandle::commit() { return check(api_->commit(self_), "commit"); }
Status StorageHandle::rollback() { return check(api_->rollback(self_), "rollback"); }

Status StorageHandle::try_lock_agent(const std::string& agent_id, bool* acquired) {
    int32_t got = 0;
    vigil_result r = api_->try_lock_agent(self_, agent_id.c_str(), &got);
    // VIGIL_BUSY says the same as *acquired = 0: another scanner has the agent.
    *acquired = r == VIGIL_OK && got != 0;
    return r == VIGIL_BUSY ? Status::ok() : check(r, "try_lock_agent");
}

Status StorageHandle::sync_jobs(const vigil_job* const* jobs, std::size_t count, std::int64_t now) {
    return check(api_->sync_jobs(self_, jobs, count, now), "sync_jobs");
}

Status StorageHandle::load_jobs(const std::string& agent_id, std::vector<Job>* jobs) {
    const vigil_job* const* out = nullptr;
    std::size_t count = 0;
    Status s = check(api_->load_jobs(self_, agent_id.empty() ? nullptr : agent_id.c_str(), &out, &count),
                     "load_jobs");
    if (!s.is_ok()) return s;
    jobs->clear();
    for (std::size_t i = 0; i < count; ++i) jobs->push_back(from_c(*out[i]));
    return s;
}

Status StorageHandle::load_entries(std::int64_t job_id, std::int64_t since, std::vector<Entry>* entries) {
    const vigil_entry* const* out = nullptr;
    std::size_t count = 0;
    Status s = check(api_->load_entries(self_, job_id, since, &out, &count), "load_entries");
    if (!s.is_ok()) return s;
    entries->clear();
    for (std::size_t i = 0; i < count; ++i) entries->push_back(from_c(*out[i]));
    return s;
}

Status StorageHandle::insert_entry(const Entry& entry, std::int64_t* id) {
    EntryView view(entry);
    return check(api_->insert_entry(self_, &view.c, id), "insert_entry");
}

Status StorageHandle::update_job_state(const Job& job) {
    JobView view(job);
    return check(api_->update_job_state(self_, &view.c), "update_job_state");
}

Status StorageHandle::find_report(const std::string& sha256, const std::string& agent_id,
                                  const std::string& file_name, ReportSeen* seen) {
    int32_t content_seen = 0, same_file = 0;
    Status s = check(api_->find_report(self_, sha256.c_str(), agent_id.c_str(), file_name.c_str(),
                                       &content_seen, &same_file),
                     "find_report");
    seen->content_seen = content_seen != 0;
    seen->same_file = same_file != 0;
    return s;
}

Status StorageHandle::record_report(const ReportRecord& record) {
    ReportRecordView view(record);
    return check(api_->record_report(self_, &view.c), "record_report");
}

Status StorageHandle::insert_event(const Event& event, const std::vector<std::string>& notifiers,
                                   std::int64_t* id) {
    EventView view(event);
    std::vector<const char*> names;
    for (const auto& n : notifiers) names.push_back(n.c_str());
    return check(api_->insert_event(self_, &view.c, names.data(), names.size(), id), "insert_event");
}

Status StorageHandle::claim_deliveries(const std::string& notifier, std::int64_t now, std::int64_t real_now,
                                       std::int64_t lease_until, std::vector<Event>* events) {
    const vigil_event* const* out = nullptr;
    std::size_t count = 0;
    Status s = check(api_->claim_deliveries(self_, notifier.c_str(), now, real_now, lease_until, &out, &count),
                     "claim_deliveries");
    if (!s.is_ok()) return s;
    events->clear();
    for (std::size_t i = 0; i < count; ++i) events->push_back(from_c(*out[i]));
    return s;
}

Status StorageHandle::finish_deliveries(const std::string& notifier, const std::vector<std::int64_t>& event_ids,
                                        const std::string& state, std::int64_t next_attempt_at,
                                        const std::string& error, std::int64_t at) {
    return check(api_->finish_deliveries(self_, notifier.c_str(), event_ids.data(), event_ids.size(), state.c_str(),
                                         next_attempt_at, error.c_str(), at),
                 "finish_deliveries");
}

Status StorageHandle::last_notified(const std::string& notifier, std::int64_t job_id, std::int64_t* at) {
    return check(api_->last_notified(self_, notifier.c_str(), job_id, at), "last_notified");
}

// The optional functions: present when the table is large enough to hold
// the pointer and the pointer is set.
#define VIGIL_STORAGE_OFFERS(api, function) (VIGIL_HAS_FIELD(api, function) && (api)->function != nullptr)

Status StorageHandle::not_offered(const char* what) const {
    return Status::error(Status::Code::kError, "storage plugin " + plugin_name_ + " does not offer " + what +
                                                   ": this command needs a newer storage plugin");
}

Status StorageHandle::dry_run(bool* active) {
    *active = false;
    if (!VIGIL_STORAGE_OFFERS(api_, dry_run)) return Status::ok();
    int32_t on = 0;
    Status s = check(api_->dry_run(self_, &on), "dry_run");
    *active = s.is_ok() && on != 0;
    return s;
}

Status StorageHandle::describe(std::string* text) {
    if (!VIGIL_STORAGE_OFFERS(api_, describe)) return not_offered("describe");
    const char* out = nullptr;
    Status s = check(api_->describe(self_, &out), "describe");
    if (s.is_ok()) *text = safe(out);
    return s;
}

Status StorageHandle::start_scan(const Scan& scan, std::int64_t* id) {
    if (!VIGIL_STORAGE_OFFERS(api_, start_scan)) return not_offered("start_scan");
    ScanView view(scan);
    return check(api_->start_scan(self_, &view.c, id), "start_scan");
}

Status StorageHandle::finish_scan(const Scan& scan) {
    if (!VIGIL_STORAGE_OFFERS(api_, finish_scan)) return not_offered("finish_scan");
    ScanView view(scan);
    return check(api_->finish_scan(self_, &view.c), "finish_scan");
}

namespace {

// Copies an array the plugin returned into owning values.
template <typename Value, typename CStruct>
void copy_out(const CStruct* const* out, std::size_t count, std::vector<Value>* values) {
    values->clear();
    for (std::size_t i = 0; i < count; ++i) values->push_back(from_c(*out[i]));
}

}  // namespace

Status StorageHandle::load_scans(bool completed_only, std::size_t limit, std::vector<Scan>* scans) {
    if (!VIGIL_STORAGE_OFFERS(api_, load_scans)) return not_offered("load_scans");
    const vigil_scan* const* out = nullptr;
    std::size_t count = 0;
    Status s = check(api_->load_scans(self_, completed_only ? 1 : 0, limit, &out, &count), "load_scans");
    if (s.is_ok()) copy_out(out, count, scans);
    return s;
}

Status StorageHandle::load_all_jobs(const std::string& agent_id, std::vector<Job>* jobs) {
    if (!VIGIL_STORAGE_OFFERS(api_, load_all_jobs)) return not_offered("load_all_jobs");
    const vigil_job* const* out = nullptr;
    std::size_t count = 0;
    Status s = check(api_->load_all_jobs(self_, agent_id.empty() ? nullptr : agent_id.c_str(), &out, &count),
                     "load_all_jobs");
    if (s.is_ok()) copy_out(out, count, jobs);
    return s;
}

Status StorageHandle::find_entries(const std::string& agent_id, const std::string& file_name, std::int64_t since,
                                   std::vector<Entry>* entries) {
    if (!VIGIL_STORAGE_OFFERS(api_, find_entries)) return not_offered("find_entries");
    const vigil_entry* const* out = nullptr;
    std::size_t count = 0;
    Status s = check(api_->find_entries(self_, agent_id.c_str(), file_name.empty() ? nullptr : file_name.c_str(),
                                        since, &out, &count),
                     "find_entries");
    if (s.is_ok()) copy_out(out, count, entries);
    return s;
}

Status StorageHandle::load_reports(const std::string& agent_id, const std::string& file_name, std::int64_t since,
                                   std::vector<ReportRecord>* reports) {
    if (!VIGIL_STORAGE_OFFERS(api_, load_reports)) return not_offered("load_reports");
    const vigil_report_record* const* out = nullptr;
    std::size_t count = 0;
    Status s = check(api_->load_reports(self_, agent_id.c_str(), file_name.empty() ? nullptr : file_name.c_str(),
                                        since, &out, &count),
                     "load_reports");
    if (s.is_ok()) copy_out(out, count, reports);
    return s;
}

Status StorageHandle::count_deliveries(std::vector<DeliveryCount>* counts) {
    if (!VIGIL_STORAGE_OFFERS(api_, count_deliveries)) return not_offered("count_deliveries");
    const vigil_delivery_count* const* out = nullptr;
    std::size_t count = 0;
    Status s = check(api_->count_deliveries(self_, &out, &count), "count_deliveries");
    if (s.is_ok()) copy_out(out, count, counts);
    return s;
}

bool StorageHandle::offers_silences() const {
    return VIGIL_STORAGE_OFFERS(api_, add_silence) && VIGIL_STORAGE_OFFERS(api_, load_silences) &&
           VIGIL_STORAGE_OFFERS(api_, expire_silence) && VIGIL_STORAGE_OFFERS(api_, last_word);
}

Status StorageHandle::require_silences() const {
    if (offers_silences()) return Status::ok();
    return Status::error(Status::Code::kConfig,
                         "storage plugin " + plugin_name_ +
                             " does not offer silences (add_silence, load_silences, expire_silence, last_word): "
                             "silences need a storage plugin that keeps them");
}

Status StorageHandle::add_silence(const Silence& silence, std::int64_t* id) {
    if (!offers_silences()) return require_silences();
    const SilenceView view(silence);
    int64_t out = 0;
    Status s = check(api_->add_silence(self_, &view.c, &out), "add_silence");
    if (s.is_ok()) *id = out;
    return s;
}

Status StorageHandle::load_silences(std::int64_t ending_after, std::vector<Silence>* silences) {
    if (!offers_silences()) return require_silences();
    const vigil_silence* const* out = nullptr;
    std::size_t count = 0;
    Status s = check(api_->load_silences(self_, ending_after, &out, &count), "load_silences");
    if (s.is_ok()) copy_out(out, count, silences);
    return s;
}

Status StorageHandle::expire_silence(std::int64_t id, std::int64_t at, const std::string& by, bool* found) {
    if (!offers_silences()) return require_silences();
    int32_t out = 0;
    Status s = check(api_->expire_silence(self_, id, at, by.c_str(), &out), "expire_silence");
    if (s.is_ok()) *found = out != 0;
    return s;
}

Status StorageHandle::last_word(const std::string& notifier, std::int64_t job_id, std::optional<std::string>* status) {
    if (!offers_silences()) return require_silences();
    const char* out = nullptr;
    Status s = check(api_->last_word(self_, notifier.c_str(), job_id, &out), "last_word");
    if (s.is_ok()) *status = out ? std::optional<std::string>(out) : std::nullopt;
    return s;
}

Status StorageHandle::load_entries_of_jobs(const std::vector<std::int64_t>& job_ids,
                                           const std::vector<std::int64_t>& since, std::vector<Entry>* entries) {
    if (job_ids.size() != since.size()) {
        return Status::error(Status::Code::kError, "load_entries_of_jobs: " + std::to_string(job_ids.size()) +
                                                       " jobs but " + std::to_string(since.size()) + " times");
    }
    if (!VIGIL_STORAGE_OFFERS(api_, load_entries_of_jobs)) {
        entries->clear();
        std::vector<Entry> of_job;
        for (std::size_t i = 0; i < job_ids.size(); ++i) {
            if (Status s = load_entries(job_ids[i], since[i], &of_job); !s.is_ok()) return s;
            entries->insert(entries->end(), std::make_move_iterator(of_job.begin()),
                            std::make_move_iterator(of_job.end()));
        }
        return Status::ok();
    }
    const vigil_entry* const* out = nullptr;
    std::size_t count = 0;
    Status s = check(api_->load_entries_of_jobs(self_, job_ids.data(), since.data(), job_ids.size(), &out, &count),
                     "load_entries_of_jobs");
    if (s.is_ok()) copy_out(out, count, entries);
    return s;
}

Status StorageHandle::try_lock_agents(const std::vector<std::string>& agent_ids, std::vector<bool>* acquired) {
    acquired->clear();
    if (!VIGIL_STORAGE_OFFERS(api_, try_lock_agents)) {
        for (const std::string& id : agent_ids) {
            bool held = false;
            if (Status s = try_lock_agent(id, &held); !s.is_ok()) return s;
            acquired->push_back(held);
        }
        return Status::ok();
    }
    std::vector<const char*> ids;
    ids.reserve(agent_ids.size());
    for (const std::string& id : agent_ids) ids.push_back(id.c_str());
    std::vector<int32_t> got(agent_ids.size(), 0);
    Status s = check(api_->try_lock_agents(self_, ids.data(), ids.size(), got.data()), "try_lock_agents");
    if (s.is_ok()) {
        for (int32_t g : got) acquired->push_back(g != 0);
    }
    return s;
}

Status StorageHandle::load_jobs_of_agents(const std::vector<std::string>& agent_ids,
                                          std::map<std::string, std::vector<Job>>* jobs) {
    jobs->clear();
    if (!VIGIL_STORAGE_OFFERS(api_, load_jobs_of_agents)) {
        for (const std::string& id : agent_ids) {
            if (Status s = load_jobs(id, &(*jobs)[id]); !s.is_ok()) return s;
        }
        return Status::ok();
    }
    std::vector<const char*> ids;
    ids.reserve(agent_ids.size());
    for (const std::string& id : agent_ids) {
        ids.push_back(id.c_str());
        (*jobs)[id];
    }
    const vigil_job* const* out = nullptr;
    std::size_t count = 0;
    Status s = check(api_->load_jobs_of_agents(self_, ids.data(), ids.size(), &out, &count), "load_jobs_of_agents");
    if (!s.is_ok()) return s;
    for (std::size_t i = 0; i < count; ++i) {
        Job job = from_c(*out[i]);
        const auto it = jobs->find(job.agent_id_responsible);
        if (it == jobs->end()) {
            return Status::error(Status::Code::kError, "storage load_jobs_of_agents: job " + std::to_string(job.id) +
                                                           " belongs to an agent that was not asked for");
        }
        it->second.push_back(std::move(job));
    }
    return s;
}

Status StorageHandle::find_reports(const std::vector<ReportQuery>& queries, std::vector<ReportSeen>* seen) {
    seen->assign(queries.size(), ReportSeen());
    if (!VIGIL_STORAGE_OFFERS(api_, find_reports)) {
        for (std::size_t i = 0; i < queries.size(); ++i) {
            const ReportQuery& q = queries[i];
            if (Status s = find_report(q.content_sha256, q.agent_id, q.file_name, &(*seen)[i]); !s.is_ok()) return s;
        }
        return Status::ok();
    }
    std::vector<const char*> content, agents, files;
    content.reserve(queries.size());
    agents.reserve(queries.size());
    files.reserve(queries.size());
    for (const ReportQuery& q : queries) {
        content.push_back(q.content_sha256.c_str());
        agents.push_back(q.agent_id.c_str());
        files.push_back(q.file_name.c_str());
    }
    std::vector<int32_t> content_seen(queries.size(), 0), same_file(queries.size(), 0);
    Status s = check(api_->find_reports(self_, content.data(), agents.data(), files.data(), queries.size(),
                                        content_seen.data(), same_file.data()),
                     "find_reports");
    if (s.is_ok()) {
        for (std::size_t i = 0; i < queries.size(); ++i) {
            (*seen)[i].content_seen = content_seen[i] != 0;
            (*seen)[i].same_file = same_file[i] != 0;
        }
    }
    return s;
}

bool StorageHandle::offers_write_agent() const { return VIGIL_STORAGE_OFFERS(api_, write_agent); }

Status StorageHandle::write_agent(const std::vector<Entry>& entries, const std::vector<Job>& job_states,
                                  const std::vector<ReportRecord>& records) {
    if (!offers_write_agent()) {
        std::int64_t id = 0;
        for (const Entry& e : entries) {
            if (Status s = insert_entry(e, &id); !s.is_ok()) return s;
        }
        for (const Job& j : job_states) {
            if (Status s = update_job_state(j); !s.is_ok()) return s;
        }
        for (const ReportRecord& r : records) {
            if (Status s = record_report(r); !s.is_ok()) return s;
        }
        return Status::ok();
    }
    const EntryViews entry_views(entries);
    const JobViews job_views(job_states);
    const ReportRecordViews record_views(records);
    return check(api_->write_agent(self_, entry_views.data(), entry_views.size(), job_views.data(), job_views.size(),
                                   record_views.data(), record_views.size()),
                 "write_agent");
}

#undef VIGIL_STORAGE_OFFERS

// ---- notifier ----

std::unique_ptr<NotifierHandle> NotifierHandle::open(std::shared_ptr<PluginLibrary> library,
                                                     const std::string& config_json, Status* status) {
    const auto* api = library->descriptor().notifier;
    if (api == nullptr) {
        *status = Status::error(Status::Code::kConfig, "plugin " + library->name() + " is not a notifier");
        return nullptr;
    }
    std::unique_ptr<NotifierHandle> h(new NotifierHandle(library, api->lifecycle));
    h->api_ = api;
    *status = h->start(config_json);
    return status->is_ok() ? std::move(h) : nullptr;
}

Status NotifierHandle::send(const std::vector<Event>& events) {
    EventViews views(events);
    vigil_result r = api_->send(self_, views.data(), views.size());
    if (r == VIGIL_OK) return Status::ok();
    return Status::error(r == VIGIL_PERMANENT ? Status::Code::kPermanent : Status::Code::kUnavailable,
                         error_message(r));
}

}  // namespace vigil::host
