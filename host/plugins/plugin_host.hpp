// Loading plugin libraries (Boost.DLL), checking them against the ABI, and
// C++ handles over their capabilities. A handle keeps its library loaded.
#ifndef VIGIL_HOST_PLUGIN_HOST_HPP
#define VIGIL_HOST_PLUGIN_HOST_HPP

#include "status.hpp"

#include <vigil/plugin.h>
#include <vigil/report_name.hpp>
#include <vigil/types.hpp>

#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::host {

// A loaded library whose descriptor passed every check.
class PluginLibrary {
public:
    // Loads the file and validates its descriptor: ABI major equal, minor not
    // newer than the host's, every required function present. On refusal,
    // *status says why, naming the file and both versions.
    static std::shared_ptr<PluginLibrary> load(const std::filesystem::path& file, Status* status);

    const std::filesystem::path& file() const { return file_; }
    const vigil_plugin_descriptor& descriptor() const { return *descriptor_; }
    std::string name() const;
    std::string version() const;
    std::string abi_version() const;
    // "report_source, integrity", in the descriptor's order; a storage
    // plugin's capabilities follow in brackets: "storage (scan store, outbox)".
    std::string capabilities() const;

private:
    boost::dll::shared_library library_;
    std::filesystem::path file_;
    const vigil_plugin_descriptor* descriptor_ = nullptr;
};

// The state shared by all capability handles: the library and the instance.
class PluginInstance {
public:
    PluginInstance(const PluginInstance&) = delete;
    PluginInstance& operator=(const PluginInstance&) = delete;
    ~PluginInstance();

    const std::string& plugin_name() const { return plugin_name_; }
    // The plugin's last error message, prefixed with its name.
    std::string error_message(vigil_result code) const;

protected:
    PluginInstance(std::shared_ptr<PluginLibrary> library, const vigil_lifecycle* lifecycle);
    // Creates and configures the instance; the message names the plugin.
    Status start(const std::string& config_json);

    std::shared_ptr<PluginLibrary> library_;
    const vigil_lifecycle* lifecycle_;
    vigil_instance* self_ = nullptr;
    std::string plugin_name_;
};

Status::Code status_code_for(vigil_result result);

class ReportSourceHandle : public PluginInstance {
public:
    static std::unique_ptr<ReportSourceHandle> open(std::shared_ptr<PluginLibrary> library,
                                                    const std::string& config_json, Status* status);
    // True when the plugin declares its report names (claim_name, ABI 2.1).
    bool declares_names() const;
    // The agent part of file_name (a view into it) when the name is one of
    // this source's reports: as claim_name says, or the standard name
    // YYYYMMDD_HHMMSS_<AGENT_ID>.json for a plugin without it. Safe to call
    // from several threads at once.
    std::optional<std::string_view> report_agent(std::string_view file_name) const;
    // Whether parse should be asked for this file: report_agent for a
    // source that declares its names, else the plugin's recognizes.
    bool recognizes(const std::string& file_name);
    // kOk with *report set, kInvalid or kDeclined with the plugin's reason.
    Status parse(const std::string& file_name, std::string_view bytes, Report* report);

private:
    using PluginInstance::PluginInstance;
    const vigil_report_source_api* api_ = nullptr;
};

class IntegrityHandle : public PluginInstance {
public:
    static std::unique_ptr<IntegrityHandle> open(std::shared_ptr<PluginLibrary> library,
                                                 const std::string& config_json, Status* status);

    // The check of one file; thread-compatible (one thread per file).
    class FileCheck {
    public:
        FileCheck(const FileCheck&) = delete;
        FileCheck& operator=(const FileCheck&) = delete;
        ~FileCheck();
        Status update(const unsigned char* bytes, std::size_t length);
        Status finish(std::int64_t size, CheckResult* result);

    private:
        friend class IntegrityHandle;
        FileCheck(const IntegrityHandle* owner, vigil_check_context* context);
        Status context_error(vigil_result code, const char* what) const;
        const IntegrityHandle* owner_;
        vigil_check_context* context_;
    };
    std::unique_ptr<FileCheck> begin(const std::string& file_name, Status* status) const;

private:
    using PluginInstance::PluginInstance;
    const vigil_integrity_api* api_ = nullptr;
};

class NotifierHandle : public PluginInstance {
public:
    static std::unique_ptr<NotifierHandle> open(std::shared_ptr<PluginLibrary> library,
                                                const std::string& config_json, Status* status);
    // kOk delivered, kUnavailable retry later, kPermanent give up.
    Status send(const std::vector<Event>& events);

private:
    using PluginInstance::PluginInstance;
    const vigil_notifier_api* api_ = nullptr;
};

}  // namespace vigil::host

#endif
