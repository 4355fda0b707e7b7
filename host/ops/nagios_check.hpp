// `vigil check`: a monitoring plugin after the Nagios plugin guidelines,
// judged from the records alone. A pure function of its inputs.
#ifndef VIGIL_HOST_OPS_NAGIOS_CHECK_HPP
#define VIGIL_HOST_OPS_NAGIOS_CHECK_HPP

#include "vocabulary.hpp"

#include <vigil/types.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace vigil::host {

// Nagios plugin return codes.
enum class CheckCode { kOk = 0, kWarning = 1, kCritical = 2, kUnknown = 3 };

struct CheckOptions {
    std::set<std::string> critical{std::string(name_of(JobStatus::kFailed)), std::string(name_of(JobStatus::kMissing)),
                                   std::string(name_of(JobStatus::kTransferIntegrityFailed))};  // job statuses
    std::set<std::string> warning;                                                       // job statuses
    std::int64_t max_scan_age = 30LL * 60 * 1'000'000;  // microseconds since the last completed scan ended
};

struct CheckInput {
    std::vector<Job> jobs;                  // the active jobs
    std::optional<Scan> last_scan;          // the latest, whatever its outcome
    std::optional<Scan> last_completed;     // the latest that ran to its end
    std::vector<DeliveryCount> deliveries;
    std::set<std::int64_t> silenced;        // ids of the jobs silenced at now
    std::int64_t now = 0;                   // the clock (or --now)
};

struct CheckVerdict {
    CheckCode code = CheckCode::kUnknown;
    std::string line;  // "VIGIL CRITICAL - ... | perfdata"
};

// CRITICAL: a job in a critical status, or no completed scan ended within
// max_scan_age (the monitor itself is not running). WARNING: a job in a
// warning status, or the latest scan failed. OK otherwise. Critical wins
// when a status is in both sets. A silenced job raises nothing: the line
// names those in a warning or critical status as "silenced". Performance
// data: jobs by status (silenced ones included), silenced jobs, the age of
// the last completed scan, pending and failed deliveries.
CheckVerdict judge_check(const CheckInput& input, const CheckOptions& options);

// The line for a check that could not judge: "VIGIL UNKNOWN - <why>".
CheckVerdict unknown_check(const std::string& why);

}  // namespace vigil::host

#endif
