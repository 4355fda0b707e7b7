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
    // "report_source, integrity", in the descriptor's order.
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

class StorageHandle : public PluginInstance {
public:
    static std::unique_ptr<StorageHandle> open(std::shared_ptr<PluginLibrary> library,
                                               const std::string& config_json, Status* status);
    // find_report: content_seen when these bytes were recorded before from
    // the same agent folder; same_file when under this very file name.
    struct ReportSeen {
        bool content_seen = false;
        bool same_file = false;
    };
    // What find_report is asked about one report.
    struct ReportQuery {
        std::string content_sha256;
        std::string agent_id;
        std::string file_name;
    };
    Status begin();
    Status commit();
    Status rollback();
    Status try_lock_agent(const std::string& agent_id, bool* acquired);
    Status sync_jobs(const vigil_job* const* jobs, std::size_t count, std::int64_t now);
    Status load_jobs(const std::string& agent_id, std::vector<Job>* jobs);
    Status load_entries(std::int64_t job_id, std::int64_t since, std::vector<Entry>* entries);
    Status insert_entry(const Entry& entry, std::int64_t* id);
    Status update_job_state(const Job& job);
    Status find_report(const std::string& sha256, const std::string& agent_id,
                       const std::string& file_name, ReportSeen* seen);
    Status record_report(const ReportRecord& record);
    Status insert_event(const Event& event, const std::vector<std::string>& notifiers, std::int64_t* id);
    Status claim_deliveries(const std::string& notifier, std::int64_t now, std::int64_t real_now,
                            std::int64_t lease_until, std::vector<Event>* events);
    Status finish_deliveries(const std::string& notifier, const std::vector<std::int64_t>& event_ids,
                             const std::string& state, std::int64_t next_attempt_at, const std::string& error,
                             std::int64_t at);
    Status last_notified(const std::string& notifier, std::int64_t job_id, std::int64_t* at);

    // The optional functions (plugin.h). Each fails with kError naming the
    // plugin and the function when the plugin does not offer it.
    // *active: the instance keeps nothing it writes (false when not offered).
    Status dry_run(bool* active);
    Status describe(std::string* text);
    Status start_scan(const Scan& scan, std::int64_t* id);
    Status finish_scan(const Scan& scan);
    Status load_scans(bool completed_only, std::size_t limit, std::vector<Scan>* scans);
    // agent_id empty: every agent.
    Status load_all_jobs(const std::string& agent_id, std::vector<Job>* jobs);
    // file_name empty: entries from any report; since kNoTime: from the start.
    Status find_entries(const std::string& agent_id, const std::string& file_name, std::int64_t since,
                        std::vector<Entry>* entries);
    Status load_reports(const std::string& agent_id, const std::string& file_name, std::int64_t since,
                        std::vector<ReportRecord>* reports);
    Status count_deliveries(std::vector<DeliveryCount>* counts);

    // Silences (plugin.h): offered when the plugin has all four functions;
    // otherwise each fails with kConfig saying silences need such a plugin.
    bool offers_silences() const;
    // kOk when offered, else the kConfig above.
    Status require_silences() const;
    Status add_silence(const Silence& silence, std::int64_t* id);
    // ending_after kNoTime: every silence.
    Status load_silences(std::int64_t ending_after, std::vector<Silence>* silences);
    // *found: the silence exists.
    Status expire_silence(std::int64_t id, std::int64_t at, const std::string& by, bool* found);
    // What the notifier was last told of the job's status; nullopt: nothing.
    Status last_word(const std::string& notifier, std::int64_t job_id, std::optional<std::string>* status);

    // The batched calls of the scan (plugin.h, ABI 2.2). When the plugin
    // does not offer one, the handle makes the one-row calls instead, with
    // the same result.
    // load_entries(job_ids[i], since[i]) for each i, concatenated in that order.
    Status load_entries_of_jobs(const std::vector<std::int64_t>& job_ids, const std::vector<std::int64_t>& since,
                                std::vector<Entry>* entries);
    // Whether write_agent is one call to the plugin (rather than the
    // one-row calls, which the caller may as well make itself, one by one,
    // knowing which of them failed).
    bool offers_write_agent() const;
    // insert_entry for each entry, update_job_state for each job, then
    // record_report for each record.
    Status write_agent(const std::vector<Entry>& entries, const std::vector<Job>& job_states,
                       const std::vector<ReportRecord>& records);
    // try_lock_agent for each agent, in one call when the plugin offers
    // try_lock_agents (ABI 2.3): (*acquired)[i] says whether agent_ids[i]
    // is now held by this transaction.
    Status try_lock_agents(const std::vector<std::string>& agent_ids, std::vector<bool>* acquired);
    // load_jobs for each agent, in one call when the plugin offers
    // load_jobs_of_agents (ABI 2.4): (*jobs)[agent] is what load_jobs(agent)
    // gives, for each of the agents (given once each).
    Status load_jobs_of_agents(const std::vector<std::string>& agent_ids,
                               std::map<std::string, std::vector<Job>>* jobs);
    // find_report for each query, in one call when the plugin offers
    // find_reports (ABI 2.5): (*seen)[i] answers queries[i].
    Status find_reports(const std::vector<ReportQuery>& queries, std::vector<ReportSeen>* seen);

private:
    using PluginInstance::PluginInstance;
    Status check(vigil_result result, const char* what) const;
    Status not_offered(const char* what) const;
    const vigil_storage_api* api_ = nullptr;
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
