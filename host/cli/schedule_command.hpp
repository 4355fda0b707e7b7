// `vigil schedule EXPR`: the next instants of a schedule and their windows,
// in UTC and local time, to check an expression before deploying it.
#ifndef VIGIL_HOST_SCHEDULE_COMMAND_HPP
#define VIGIL_HOST_SCHEDULE_COMMAND_HPP

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace vigil::host {

struct ScheduleRequest {
    std::string expression;          // five cron fields
    std::string timezone = "UTC";
    int count = 5;                   // instants to print
    std::int64_t from = 0;           // the first instant printed is after this
    int window_minutes = 60;         // as a job's window_minutes
    std::optional<int> early_minutes;
    std::optional<int> late_minutes;
};

// Prints the instants on out. Returns the exit status: 0, or 2 (message on
// err) for an expression or zone that a configuration would refuse, naming
// it, or windows that would touch or overlap (after the instants).
int schedule_command(const ScheduleRequest& request, std::ostream& out, std::ostream& err);

}  // namespace vigil::host

#endif
