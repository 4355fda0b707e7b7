#include "schedule_command.hpp"

#include "cli.hpp"
#include "commands.hpp"
#include "decisions.hpp"
#include "zones.hpp"

#include <vigil/timestamp.hpp>

#include <iostream>
#include <memory>

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

Command add_schedule_command(CLI::App& vigil) {
    struct Args {
        ScheduleRequest request;
        std::string from;
    };
    auto args = std::make_shared<Args>();
    auto* app = vigil.add_subcommand(
        "schedule", "print the next instants of a cron schedule and their windows, in UTC and local time");
    app->add_option("expression", args->request.expression, "five cron fields: minute hour day-of-month month day-of-week")
        ->required();
    app->add_option("--timezone,-z", args->request.timezone, "IANA time zone the schedule is read in")
        ->capture_default_str();
    app->add_option("--count,-n", args->request.count, "how many instants")->check(CLI::Range(1, 1000))->capture_default_str();
    auto* from = app->add_option("--from", args->from, "list the instants after this one (ISO-8601; default: now)");
    app->add_option("--window-minutes", args->request.window_minutes, "window either side of each instant")
        ->check(CLI::Range(1, 719))
        ->capture_default_str();
    app->add_option("--early-minutes", args->request.early_minutes, "window before each instant (default: the window)")
        ->check(CLI::Range(0, 1439));
    app->add_option("--late-minutes", args->request.late_minutes, "window after each instant (default: the window)")
        ->check(CLI::Range(0, 1439));
    return {app, [args, from] {
                args->request.from = clock_now();
                if (from->count() > 0) {
                    if (Status st = parse_time_option("--from", args->from, &args->request.from); !st.is_ok()) {
                        return fail(st);
                    }
                }
                return schedule_command(args->request, std::cout, std::cerr);
            }};
}

}  // namespace vigil::host
