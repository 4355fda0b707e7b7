// A configured job's schedule keys (docs/configuration.md): `at` or `schedule`, with
// `timezone`, `early_minutes`, `late_minutes` and `window_minutes`.
#ifndef VIGIL_HOST_JOB_SCHEDULE_HPP
#define VIGIL_HOST_JOB_SCHEDULE_HPP

#include "status.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace vigil::host {

// The keys as the configuration gives them (at already read as a time).
struct ScheduleKeys {
    std::optional<int> at_hour;  // `at: "HH:MM"`
    std::optional<int> at_minute;
    std::optional<std::string> schedule;
    std::optional<std::string> timezone;
    std::optional<int> early_minutes;
    std::optional<int> late_minutes;
    int window_minutes = 60;  // the job's own, else the global one
};

// What they amount to.
struct JobSchedule {
    std::optional<int> hour;    // set for the `at` form (the cron "MM HH * * *" in UTC)
    std::optional<int> minute;
    std::string schedule;       // the cron text, fields in lower case joined by single spaces
    std::string timezone = "UTC";
    int early_minutes = 60;
    int late_minutes = 60;
};

// Checks the keys and resolves them into *out (left as it was on error).
// On error *bad_key is the key at fault ("schedule", "timezone", ...) and
// the message says why; windows that touch or overlap are refused naming
// two such instants (the first pair after `now`).
Status resolve_job_schedule(const ScheduleKeys& keys, std::int64_t now, JobSchedule* out, std::string* bad_key);

}  // namespace vigil::host

#endif
