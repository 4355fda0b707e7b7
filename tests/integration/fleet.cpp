#include "fleet.hpp"

#include <ctime>
#include <stdexcept>

namespace vigil::test {

namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::size_t kMaxSlots = 30;  // a report ends at most 30 minutes after its cycle

std::int64_t utc(int year, int month, int day, int hour, int minute) {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    return static_cast<std::int64_t>(::timegm(&tm));
}

std::string iso(std::int64_t t) {
    const std::time_t time = static_cast<std::time_t>(t);
    std::tm tm{};
    ::gmtime_r(&time, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

std::string two_digits(std::size_t n) { return (n < 10 ? "0" : "") + std::to_string(n); }

// The job's last cycle due by the day-2 scan (04:00): a 23:30 job's is the evening before.
std::int64_t day2_cycle(const std::string& at) {
    const std::int64_t t = utc(2026, 11, 23, std::stoi(at.substr(0, 2)), std::stoi(at.substr(3, 2)));
    return t > utc(2026, 11, 23, 4, 0) ? t - kDay : t;
}

std::string day1_stamp(std::size_t job) { return "20261122_0350" + two_digits(job); }

std::string day1_report_bytes(const AgentPlan& agent, std::size_t job_index, const Staged& staged) {
    const JobPlan& job = agent.jobs[job_index];
    auto body = Site::report(agent.id, iso(day2_cycle(job.at) - kDay + 60));
    body["databases"][job.database] = Site::block(job.database + "_day1.sql.gz", staged);
    return body.dump(2);
}

std::string day1_content(const AgentPlan& agent, const JobPlan& job) {
    return gzip_bytes("v1 " + agent.id + "/" + job.database);
}

// Uniform enough for choosing among a few cases, and the same on every platform.
class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    int below(int n) {
        state_ += 0x9e3779b97f4a7c15ULL;
        std::uint64_t z = state_;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return static_cast<int>((z ^ (z >> 31)) % static_cast<std::uint64_t>(n));
    }

private:
    std::uint64_t state_;
};

void configure_day(Site& site, const FleetPlan& plan, bool day1) {
    std::vector<Site::JobSpec> jobs;
    for (const AgentPlan& agent : plan) {
        for (const JobPlan& job : agent.jobs) {
            if (day1 ? job.day1 : job.day2) {
                jobs.push_back({agent.id, job.database, job.at, day1 ? job.window_day1 : job.window_day2});
            }
        }
    }
    site.configure(jobs);
}

void drop_day2_reports(Site& site, const AgentPlan& agent) {
    std::size_t slot = 0;
    std::string previous;
    auto drop = [&](const std::string& stamp, const std::string& bytes) {
        site.drop_raw_report(agent.id, stamp, bytes);
        previous = bytes;
    };
    for (const ReportPlan& rp : agent.reports) {
        if (slot + 2 > kMaxSlots) throw std::logic_error(agent.id + ": too many reports in the plan");
        if (!agent.jobs.empty() && rp.job >= agent.jobs.size()) throw std::logic_error(agent.id + ": no such job");
        const JobPlan* job = agent.jobs.empty() ? nullptr : &agent.jobs[rp.job];
        const std::string database = job ? job->database : "sales";
        const std::int64_t cycle = day2_cycle(job ? job->at : "02:30");
        const std::string stamp = "20261123_0350" + two_digits(slot);
        const std::int64_t end = cycle + 60 * static_cast<std::int64_t>(++slot);
        const std::string staged_name = database + "_" + stamp + ".sql.gz";
        auto verified = [&](const std::string& content) {
            auto body = Site::report(agent.id, iso(end));
            body["databases"][database] = Site::block(staged_name, site.stage(agent.id, staged_name, content));
            return body;
        };
        const std::string same_content = job ? day1_content(agent, *job) : gzip_bytes("v1 " + agent.id);
        const std::string new_content = gzip_bytes("v2 " + agent.id + "/" + database + "/" + stamp);
        auto needs_day1_report = [&] {
            if (!job || !job->day1 || !job->day1_report) {
                throw std::logic_error(agent.id + ": this kind needs a job with a day-1 report");
            }
        };

        switch (rp.kind) {
            case ReportKind::kSuccess: drop(stamp, verified(same_content).dump(2)); break;
            case ReportKind::kChanged: drop(stamp, verified(new_content).dump(2)); break;
            case ReportKind::kFailed: {
                auto body = Site::report(agent.id, iso(end));
                body["databases"][database] =
                    Site::block(staged_name, site.stage(agent.id, staged_name, same_content), false);
                drop(stamp, body.dump(2));
                break;
            }
            case ReportKind::kBadChecksum: {
                Staged wrong = site.stage(agent.id, staged_name, same_content);
                wrong.sha256 = std::string(64, 'a');
                auto body = Site::report(agent.id, iso(end));
                body["databases"][database] = Site::block(staged_name, wrong);
                drop(stamp, body.dump(2));
                break;
            }
            case ReportKind::kMissingStaged: {
                auto body = Site::report(agent.id, iso(end));
                body["databases"][database] = Site::block("absent_" + staged_name, Staged{std::string(64, 'b'), 10});
                drop(stamp, body.dump(2));
                break;
            }
            case ReportKind::kInvalid:
                drop(stamp, "{\"agent_id\": \"" + agent.id + "\", \"operation_end_time\": \"" + iso(end));
                break;
            case ReportKind::kDuplicate:
                if (previous.empty()) throw std::logic_error(agent.id + ": a duplicate needs an earlier report");
                drop(stamp, std::string(previous));
                break;
            case ReportKind::kNoJob: {
                auto body = Site::report(agent.id, iso(end));
                body["databases"]["unwatched"] =
                    Site::block(staged_name, site.stage(agent.id, staged_name, same_content));
                drop(stamp, body.dump(2));
                break;
            }
            case ReportKind::kSuperseded: {
                auto early = Site::report(agent.id, iso(cycle - 10 * 60));
                const std::string early_name = database + "_" + stamp + "_early.sql.gz";
                early["databases"][database] =
                    Site::block(early_name, site.stage(agent.id, early_name, gzip_bytes("early " + stamp)));
                drop(stamp, early.dump(2));
                drop("20261123_0350" + two_digits(slot++), verified(same_content).dump(2));
                break;
            }
            case ReportKind::kOutsideWindow: {
                auto body = verified(same_content);
                body["operation_end_time"] = iso(cycle - 2 * 3600);
                drop(stamp, body.dump(2));
                break;
            }
            case ReportKind::kStale: {
                auto body = verified(same_content);
                body["operation_end_time"] = iso(utc(2026, 11, 21, 12, 0));
                drop(stamp, body.dump(2));
                break;
            }
            case ReportKind::kFuture: {
                auto body = verified(same_content);
                body["operation_end_time"] = iso(utc(2026, 11, 23, 6, 0));
                drop(stamp, body.dump(2));
                break;
            }
            case ReportKind::kAgentMismatch: {
                auto body = verified(same_content);
                body["agent_id"] = "OTHER_CITY_ELSEWHERE";
                drop(stamp, body.dump(2));
                break;
            }
            case ReportKind::kResent: {
                needs_day1_report();
                // Staging the day-1 backup again, same bytes, gives back its checksum and size.
                const Staged day1 = site.stage(agent.id, database + "_day1.sql.gz", day1_content(agent, *job));
                drop(stamp, day1_report_bytes(agent, rp.job, day1));
                break;
            }
            case ReportKind::kNameTaken:
                needs_day1_report();
                drop(day1_stamp(rp.job), verified(new_content).dump(2));
                break;
        }
    }
}

}  // namespace

FleetPlan random_fleet(int agents, std::uint64_t seed) {
    static const char* const kTimes[] = {"02:30", "01:00", "03:15", "23:30"};
    Rng rng(seed);
    FleetPlan plan;
    for (int i = 0; i < agents; ++i) {
        AgentPlan agent;
        agent.id = "CO" + std::to_string(i % 13) + "_CITY" + std::to_string(i % 7) + "_AREA-" + std::to_string(1000 + i);
        if (i % 10 != 9) {
            const int jobs = 1 + rng.below(2);
            for (int j = 0; j < jobs; ++j) {
                JobPlan job;
                job.database = j == 0 ? "sales" : "stock";
                job.at = kTimes[rng.below(4)];
                job.window_day1 = rng.below(3) == 0 ? 30 : 0;
                job.window_day2 = rng.below(10) == 0 ? 30 - job.window_day1 : job.window_day1;
                if (j > 0) {
                    const int change = rng.below(10);
                    job.day1 = change != 0;
                    job.day2 = change != 1;
                }
                job.day1_report = job.day1 && (j == 0 || rng.below(2) == 0);
                agent.jobs.push_back(job);
            }
        }
        const int reports = 1 + rng.below(3);
        bool name_taken = false;
        for (int r = 0; r < reports; ++r) {
            ReportPlan report{static_cast<ReportKind>(rng.below(kReportKinds))};
            if (!agent.jobs.empty()) report.job = static_cast<std::size_t>(rng.below(static_cast<int>(agent.jobs.size())));
            switch (report.kind) {
                case ReportKind::kDuplicate:
                    if (r == 0) report.kind = ReportKind::kSuccess;
                    break;
                case ReportKind::kResent:
                case ReportKind::kNameTaken:
                    // Job 0 always has a day-1 report; one file name can be taken only once.
                    report.job = 0;
                    if (agent.jobs.empty()) report.kind = ReportKind::kNoJob;
                    else if (report.kind == ReportKind::kNameTaken && name_taken) report.kind = ReportKind::kChanged;
                    name_taken |= report.kind == ReportKind::kNameTaken;
                    break;
                default: break;
            }
            agent.reports.push_back(report);
        }
        plan.push_back(std::move(agent));
    }
    for (int g = 0; g < agents / 25 + 1; ++g) {
        AgentPlan ghost;
        ghost.id = "GHOST_CITY" + std::to_string(g) + "_AREA";
        ghost.has_folder = false;
        JobPlan job;
        job.database = "sales";
        job.at = kTimes[g % 4];
        ghost.jobs.push_back(job);
        plan.push_back(std::move(ghost));
    }
    return plan;
}

void build_day1(Site& site, const FleetPlan& plan) {
    configure_day(site, plan, true);
    for (const AgentPlan& agent : plan) {
        if (!agent.has_folder) continue;
        for (std::size_t j = 0; j < agent.jobs.size(); ++j) {
            const JobPlan& job = agent.jobs[j];
            if (!job.day1 || !job.day1_report) continue;
            const Staged staged = site.stage(agent.id, job.database + "_day1.sql.gz", day1_content(agent, job));
            site.drop_raw_report(agent.id, day1_stamp(j), day1_report_bytes(agent, j, staged));
        }
    }
}

void build_day2(Site& site, const FleetPlan& plan) {
    configure_day(site, plan, false);
    for (const AgentPlan& agent : plan) {
        if (agent.has_folder) drop_day2_reports(site, agent);
    }
}

std::int64_t latest_entries(const Site& site, const std::string& status) {
    return site.count("SELECT COUNT(*) FROM backup_entries WHERE status = '" + status +
                      "' AND \"timestamp\" = (SELECT MAX(\"timestamp\") FROM backup_entries)");
}

std::int64_t latest_reports(const Site& site, const std::string& fate) {
    return site.count("SELECT COUNT(*) FROM processed_reports WHERE fate = '" + fate +
                      "' AND scanned_at = (SELECT MAX(scanned_at) FROM processed_reports)");
}

}  // namespace vigil::test
