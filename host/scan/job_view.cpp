#include "job_view.hpp"

#include "evaluate.hpp"
#include "zones.hpp"

namespace vigil::host {

std::string job_label(const Job& job) {
    return job.agent_id_responsible + "/" + job.database_name + " " +
           when_label(job.expected_hour_utc, job.expected_minute_utc, job.schedule_text(), job.timezone);
}

Status schedule_for(const Job& job, std::optional<Schedule>* out) {
    Zone zone;
    Status st = find_zone(job.timezone, &zone);
    if (st.is_ok()) st = job_schedule(job, zone, out);
    if (!st.is_ok()) return Status::error(st.code(), job_label(job) + ": " + st.message());
    return st;
}

}  // namespace vigil::host
