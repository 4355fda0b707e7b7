#include "job_schedule.hpp"

#include "schedule.hpp"
#include "zones.hpp"

#include <vigil/types.hpp>

namespace vigil::host {

namespace {

template <std::size_t N>
int first_set(const std::bitset<N>& bits) {
    for (std::size_t i = 0; i < N; ++i) {
        if (bits.test(i)) return static_cast<int>(i);
    }
    return -1;
}

}  // namespace

Status resolve_job_schedule(const ScheduleKeys& keys, std::int64_t now, JobSchedule* out, std::string* bad_key) {
    auto fail = [&](const char* key, const std::string& message) {
        *bad_key = key;
        return Status::error(Status::Code::kConfig, message);
    };
    const bool at = keys.at_hour.has_value();
    if (at && keys.schedule) return fail("schedule", "give either `at` or `schedule`, not both");
    if (!at && !keys.schedule) {
        return fail("at", "missing `at` (expected time, \"HH:MM\" UTC) or `schedule` (cron, e.g. \"30 2 * * mon-fri\")");
    }
    if (at && keys.timezone) {
        return fail("timezone", "`at` is a UTC time; for local time write `schedule: \"" +
                                    at_schedule(*keys.at_hour, *keys.at_minute) + "\"` with the timezone");
    }

    JobSchedule job;
    job.early_minutes = keys.early_minutes.value_or(keys.window_minutes);
    job.late_minutes = keys.late_minutes.value_or(keys.window_minutes);
    job.timezone = keys.timezone.value_or("UTC");
    Zone zone;
    if (Status st = find_zone(job.timezone, &zone); !st.is_ok()) return fail("timezone", st.message());
    CronSpec cron;
    if (at) {
        cron = daily_cron(*keys.at_hour, *keys.at_minute);
    } else if (Status st = parse_cron(*keys.schedule, &cron); !st.is_ok()) {
        return fail("schedule", "\"" + *keys.schedule + "\": " + st.message());
    }
    job.schedule = cron.text;
    // A cron written in the `at` form, in UTC, is that `at` job.
    if (zone.is_utc() && cron.minutes.count() == 1 && cron.hours.count() == 1) {
        const int hour = first_set(cron.hours);
        const int minute = first_set(cron.minutes);
        if (cron.text == at_schedule(hour, minute)) {
            job.hour = hour;
            job.minute = minute;
        }
    }
    const Schedule schedule(std::move(cron), zone, job.early_minutes, job.late_minutes);
    if (auto clash = window_clash(schedule, now)) {
        return fail(at ? "at" : "schedule", *clash);
    }
    *out = std::move(job);
    return Status::ok();
}

}  // namespace vigil::host
