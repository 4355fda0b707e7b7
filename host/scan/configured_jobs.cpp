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

        vigil_job c{};
        c.struct_size = sizeof(vigil_job);
        c.agent_id_responsible = jc.agent.c_str();
        c.company_name = company;
        c.city = city;
        c.neighborhood = jc.agent.c_str() + (jc.agent.size() - parts->neighborhood.size());
        c.database_name = jc.database.c_str();
        c.expected_hour_utc = detail::int_or_absent(jc.hour);
        c.expected_minute_utc = detail::int_or_absent(jc.minute);
        c.window_minutes = jc.window_minutes;
        c.is_active = 1;
        c.current_status = "unknown";
        c.last_checked_timestamp = kNoTime;
        c.last_successful_backup_timestamp = kNoTime;
        c.created_at = kNoTime;
        c.updated_at = kNoTime;
        c.last_entry_cycle_at = kNoTime;
        c.schedule = jc.schedule.empty() ? nullptr : jc.schedule.c_str();
        c.timezone = jc.timezone.c_str();
        c.early_minutes = jc.early_minutes;
        c.late_minutes = jc.late_minutes;
        c.status_changed_at = kNoTime;
        views_.push_back(c);
    }
    for (const vigil_job& view : views_) pointers_.push_back(&view);
}

}  // namespace vigil::host
