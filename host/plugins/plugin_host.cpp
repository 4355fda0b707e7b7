#include "plugin_host.hpp"

#include "storage_handle.hpp"

#include <boost/dll/shared_library_load_mode.hpp>

#include <cstddef>
#include <dlfcn.h>
#include <exception>
#include <iterator>

namespace vigil::host {

namespace {

// Sizes of the ABI 3.0 structs: what any plugin of major 3 must provide at
// least. Functions added in later minors are optional (VIGIL_HAS_FIELD).
constexpr std::size_t kDescriptorSize30 = offsetof(vigil_plugin_descriptor, notifier) + sizeof(void*);
constexpr std::size_t kLifecycleSize30 = offsetof(vigil_lifecycle, last_error) + sizeof(void*);
constexpr std::size_t kReportSourceSize30 = offsetof(vigil_report_source_api, parse) + sizeof(void*);
constexpr std::size_t kIntegritySize30 = offsetof(vigil_integrity_api, context_error) + sizeof(void*);
constexpr std::size_t kNotifierSize30 = offsetof(vigil_notifier_api, send) + sizeof(void*);

std::string missing_function(const char* capability, const char* function) {
    return std::string(capability) + " capability has no " + function + " function";
}

// The first problem with a capability table, or "" when it is complete.
std::string check_lifecycle(const char* capability, const vigil_lifecycle* l) {
    if (l == nullptr) return std::string(capability) + " capability has no lifecycle table";
    if (l->struct_size < kLifecycleSize30) return std::string(capability) + " lifecycle table is too small";
    if (!l->create) return missing_function(capability, "create");
    if (!l->destroy) return missing_function(capability, "destroy");
    if (!l->configure) return missing_function(capability, "configure");
    if (!l->last_error) return missing_function(capability, "last_error");
    return "";
}

std::string check_tables(const vigil_plugin_descriptor& d) {
    if (!d.report_source && !d.integrity && !d.storage && !d.notifier) return "it offers no capability";
    if (const auto* t = d.report_source) {
        if (t->struct_size < kReportSourceSize30) return "report_source table is too small";
        if (auto p = check_lifecycle("report_source", t->lifecycle); !p.empty()) return p;
        if (!t->recognizes) return missing_function("report_source", "recognizes");
        if (!t->parse) return missing_function("report_source", "parse");
    }
    if (const auto* t = d.integrity) {
        if (t->struct_size < kIntegritySize30) return "integrity table is too small";
        if (auto p = check_lifecycle("integrity", t->lifecycle); !p.empty()) return p;
        if (!t->begin) return missing_function("integrity", "begin");
        if (!t->update) return missing_function("integrity", "update");
        if (!t->finish) return missing_function("integrity", "finish");
        if (!t->end) return missing_function("integrity", "end");
        if (!t->context_error) return missing_function("integrity", "context_error");
    }
    if (const auto* t = d.storage) {
        if (auto p = check_lifecycle("storage", t->lifecycle); !p.empty()) return p;
        if (auto p = storage_table_problem(*t); !p.empty()) return p;
    }
    if (const auto* t = d.notifier) {
        if (t->struct_size < kNotifierSize30) return "notifier table is too small";
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
    if (d->struct_size < kDescriptorSize30) return refuse("its descriptor is too small");
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
    if (descriptor_->storage) {
        const std::string offered = storage_capability_names(*descriptor_->storage);
        add(descriptor_->storage, ("storage (" + (offered.empty() ? std::string("no capability") : offered) + ")").c_str());
    }
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
