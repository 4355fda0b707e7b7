#include "schedule_command.hpp"

#include "cli.hpp"
#include "decisions.hpp"
#include "zones.hpp"

#include <vigil/timestamp.hpp>

namespace vigil::host {

namespace {

std::string minutes(int n) { return std::to_string(n) + (n == 1 ? " minute" : " minutes"); }

// "2026-11-24T01:30:00Z = Tue 2026-11-24 02:30 CET"
std::string both_clocks(const Zone& zone, std::int64_t t) {
    return format_iso(t) + " = " + zone.wall_time_text(t);
}

}  // namespace

int schedule_command(const ScheduleRequest& request, std::ostream& out, std::ostream& err) {
    CronSpec cron;
    if (Status st = parse_cron(request.expression, &cron); !st.is_ok()) {
        err << "vigil: schedule \"" << request.expression << "\": " << st.message() << "\n";
        return kExitConfig;
    }
    Zone zone;
    if (Status st = find_zone(request.timezone, &zone); !st.is_ok()) {
        err << "vigil: --timezone: " << st.message() << "\n";
        return kExitConfig;
    }
    const int early = request.early_minutes.value_or(request.window_minutes);
    const int late = request.late_minutes.value_or(request.window_minutes);
    const Schedule schedule(cron, zone, early, late);

    out << "schedule:  " << cron.text << "\n";
    out << "time zone: " << zone.name() << "\n";
    out << "window:    " << minutes(early) << " before and " << minutes(late) << " after each instant\n";
    out << "from:      " << format_iso(request.from) << "\n";
    auto instant = schedule.next_instant(request.from);
    for (int i = 1; i <= request.count && instant; ++i) {
        out << "\ninstant " << i << ": " << both_clocks(zone, *instant) << "\n";
        out << "   opens: " << both_clocks(zone, *instant - schedule.early()) << "\n";
        out << "  closes: " << both_clocks(zone, deadline_of(schedule, *instant)) << "\n";
        instant = schedule.next_instant(*instant);
    }
    if (auto clash = window_clash(schedule, request.from)) {
        err << "vigil: windows: " << *clash << "; a configuration would refuse this job\n";
        return kExitConfig;
    }
    return kExitOk;
}

}  // namespace vigil::host
