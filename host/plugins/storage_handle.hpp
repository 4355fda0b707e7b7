// The C++ handle over a storage plugin (plugin.h, ABI 3): its core
// (transactions, dry run, description) and the capabilities it offers, each
// of them a sub-table the plugin fills or leaves NULL.
#ifndef VIGIL_HOST_STORAGE_HANDLE_HPP
#define VIGIL_HOST_STORAGE_HANDLE_HPP

#include "plugin_host.hpp"
#include "status.hpp"

#include <vigil/plugin.h>
#include <vigil/types.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::host {

// What a storage plugin may offer beyond its core (plugin.h).
enum class StorageCapability { kScanStore, kOutbox, kOperatorReads, kSilences };
inline constexpr StorageCapability kStorageCapabilities[] = {StorageCapability::kScanStore, StorageCapability::kOutbox,
                                                             StorageCapability::kOperatorReads,
                                                             StorageCapability::kSilences};
// "scan store", "outbox", "operator reads", "silences".
std::string_view name_of(StorageCapability capability);
// Whether the table offers the capability (its sub-table is present).
bool offers(const vigil_storage_api& api, StorageCapability capability);
// The first problem with a storage table (a missing core function, a
// sub-table too small or missing one of its functions), or "" when none.
std::string storage_table_problem(const vigil_storage_api& api);
// "scan store, outbox", the capabilities the table offers, in the order above.
std::string storage_capability_names(const vigil_storage_api& api);

// Which row of a write the database refused (plugin.h, vigil_write_refusal).
struct RowRefusal {
    vigil_row_kind kind = VIGIL_ROW_NONE;
    std::size_t index = 0;
};

class StorageHandle : public PluginInstance {
public:
    static std::unique_ptr<StorageHandle> open(std::shared_ptr<PluginLibrary> library,
                                               const std::string& config_json, Status* status);

    bool offers(StorageCapability capability) const;
    // kOk when the plugin offers the capability; otherwise kConfig naming
    // the plugin, the capability and what needs it (`needed_by`, e.g.
    // "notifiers (vigil.yaml:12)").
    Status require(StorageCapability capability, const std::string& needed_by) const;

    // The core.
    Status begin();
    Status commit();
    Status rollback();
    // *active: the instance keeps nothing it writes.
    Status dry_run(bool* active);
    Status describe(std::string* text);

    // The scan store. Each call of a capability fails with require()'s
    // error when the plugin does not offer it.
    // (*acquired)[i]: agent_ids[i] is now held by this transaction.
    Status claim_agents(const std::vector<std::string>& agent_ids, std::vector<bool>* acquired);
    Status sync_jobs(const vigil_job* const* jobs, std::size_t count, std::int64_t now);
    // (*jobs)[agent]: the active jobs of each agent (named once each).
    Status load_jobs(const std::vector<std::string>& agent_ids, std::map<std::string, std::vector<Job>>* jobs);
    // (*seen)[i] answers queries[i].
    Status find_reports(const std::vector<ReportQuery>& queries, std::vector<ReportSeen>* seen);
    // The entries of job_ids[i] from cycle since[i] on, for each i, in that order.
    Status load_entries(const std::vector<std::int64_t>& job_ids, const std::vector<std::int64_t>& since,
                        std::vector<Entry>* entries);
    // On failure, *refused names the row the database refused when the
    // plugin could tell (kind VIGIL_ROW_NONE otherwise).
    Status write(const WriteBatch& batch, RowRefusal* refused);
    Status start_scan(const Scan& scan, std::int64_t* id);
    Status finish_scan(const Scan& scan);
    Status load_scans(bool completed_only, std::size_t limit, std::vector<Scan>* scans);

    // The outbox.
    // On failure, *refused names the event refused when the plugin could tell.
    Status insert_events(const std::vector<QueuedEvent>& events, RowRefusal* refused);
    Status claim_deliveries(const std::string& notifier, std::int64_t now, std::int64_t real_now,
                            std::int64_t lease_until, std::vector<Event>* events);
    Status finish_deliveries(const std::string& notifier, const std::vector<std::int64_t>& event_ids,
                             const std::string& state, std::int64_t next_attempt_at, const std::string& error,
                             std::int64_t at);
    Status last_notified(const std::string& notifier, std::int64_t job_id, std::int64_t* at);
    // What the notifier was last told of the job's status; nullopt: nothing.
    Status last_word(const std::string& notifier, std::int64_t job_id, std::optional<std::string>* status);
    Status count_deliveries(std::vector<DeliveryCount>* counts);

    // The operator's reads. agent_id empty: every agent.
    Status load_all_jobs(const std::string& agent_id, bool active_only, std::vector<Job>* jobs);
    // file_name empty: entries from any report; since kNoTime: from the start.
    Status find_entries(const std::string& agent_id, const std::string& file_name, std::int64_t since,
                        std::vector<Entry>* entries);
    Status load_reports(const std::string& agent_id, const std::string& file_name, std::int64_t since,
                        std::vector<ReportRecord>* reports);

    // Silences.
    Status add_silence(const Silence& silence, std::int64_t* id);
    // ending_after kNoTime: every silence.
    Status load_silences(std::int64_t ending_after, std::vector<Silence>* silences);
    // *found: the silence exists.
    Status expire_silence(std::int64_t id, std::int64_t at, const std::string& by, bool* found);

private:
    using PluginInstance::PluginInstance;
    Status check(vigil_result result, const char* what) const;
    // The sub-table, or nullptr with *status set to require()'s error.
    template <typename Table>
    const Table* table(const Table* sub_table, StorageCapability capability, const char* what, Status* status) const;
    const vigil_storage_api* api_ = nullptr;
};

}  // namespace vigil::host

#endif
