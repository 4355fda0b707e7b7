#include "configured_jobs.hpp"

#include "agent_id.hpp"

namespace vigil::host {

Job configured_job(const JobConfig& jc) {
    Job j;
    auto parts = parse_agent_id(jc.agent);
    j.agent_id_responsible = jc.agent;
    j.company_name = parts->company;
    j.city = parts->city;
    j.neighborhood = parts->neighborhood;
    j.database_name = jc.database;
    j.expected_hour_utc = jc.hour;
    j.expected_minute_utc = jc.minute;
    j.window_minutes = jc.window_minutes;
    j.schedule = jc.schedule;
    j.timezone = jc.timezone;
    j.early_minutes = jc.early_minutes;
    j.late_minutes = jc.late_minutes;
    return j;
}

namespace {

// What a configuration entry does not set: as a job has it before the
// storage gave it an id and a state (Job's defaults).
const vigil_job& new_job_defaults() {
    static const Job defaults;
    static const JobView view(defaults);
    return view.c;
}

}  // namespace

ConfiguredJobViews::ConfiguredJobViews(const Config& config) {
    std::size_t parts_size = 0;
    // "COMPANY_CITY_..." keeps its company and city, each ended by a NUL,
    // in as many bytes as its text up to and with the second '_'.
    for (const JobConfig& jc : config.jobs) parts_size += jc.agent.find('_', jc.agent.find('_') + 1) + 1;
    parts_.reserve(parts_size);
    views_.reserve(config.jobs.size());
    pointers_.reserve(config.jobs.size());
    for (const JobConfig& jc : config.jobs) {
        const auto parts = parse_agent_id(jc.agent);
        const char* company = parts_.data() + parts_.size();
        parts_.append(parts->company).push_back('\0');
        const char* city = parts_.data() + parts_.size();
        parts_.append(parts->city).push_back('\0');

        vigil_job c = new_job_defaults();
        c.agent_id_responsible = jc.agent.c_str();
        c.company_name = company;
        c.city = city;
        c.neighborhood = jc.agent.c_str() + (jc.agent.size() - parts->neighborhood.size());
        c.database_name = jc.database.c_str();
        c.expected_hour_utc = detail::int_or_absent(jc.hour);
        c.expected_minute_utc = detail::int_or_absent(jc.minute);
        c.window_minutes = jc.window_minutes;
        c.schedule = jc.schedule.c_str();
        c.timezone = jc.timezone.c_str();
        c.early_minutes = jc.early_minutes;
        c.late_minutes = jc.late_minutes;
        views_.push_back(c);
    }
    for (const vigil_job& view : views_) pointers_.push_back(&view);
}

}  // namespace vigil::host
