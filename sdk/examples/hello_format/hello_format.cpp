// hello_format: a report source for a made-up text layout, to show what a
// Vigil plugin needs: one class and the VIGIL_PLUGIN line. It uses only the
// installed SDK (header-only) and the standard library, so it can be built by
// any C++17 compiler with any standard library.
//
// A "hello" report, in a file with the standard report name
// YYYYMMDD_HHMMSS_<agent>.json: what vigil::ReportSource claims unless a
// source declares other names by overriding report_agent.
//
//     HELLO 1
//     agent ACME_PARIS_CENTRE
//     status completed
//     ended 2026-11-23T02:31:07Z
//     database sales sales.sql.gz ok 9f86d0...0a08 1048576
//     database hr hr.sql.gz failed
//
// `database NAME STAGED_FILE ok|failed [SHA256 SIZE]`: the outcome covers the
// backup's three phases; the checksum and size, when given, are what the host
// verifies the staged file against.
#include <vigil/plugin.hpp>
#include <vigil/timestamp.hpp>

#include <sstream>
#include <string>

namespace {

class HelloFormat : public vigil::ReportSource {
public:
    vigil::Report parse(std::string_view, std::string_view bytes) override {
        std::istringstream in{std::string(bytes)};
        std::string line;
        // Declining lets the next configured source (say status_json) read a
        // file that is plainly not ours; throwing InvalidInput would not.
        if (!std::getline(in, line) || line != "HELLO 1") {
            throw vigil::Declined("not a hello report: the first line is not \"HELLO 1\"");
        }
        vigil::Report report;
        for (int number = 2; std::getline(in, line); ++number) {
            std::istringstream words(line);
            std::string keyword;
            if (!(words >> keyword)) continue;
            if (keyword == "agent") {
                words >> report.agent_id;
            } else if (keyword == "status") {
                words >> report.overall_status;
            } else if (keyword == "ended") {
                std::string text;
                words >> text;
                std::string why;
                auto micros = vigil::parse_report_timestamp(text, &why);
                if (!micros) fail(number, "\"" + text + "\" " + why);
                report.operation_end_time = *micros;
            } else if (keyword == "database") {
                report.databases.push_back(database(words, number));
            } else {
                fail(number, "unknown keyword \"" + keyword + "\"");
            }
        }
        if (report.agent_id.empty()) throw vigil::InvalidInput("no `agent` line");
        if (report.overall_status != "completed" && report.overall_status != "failed_globally") {
            throw vigil::InvalidInput("`status` must be completed or failed_globally");
        }
        if (report.operation_end_time == vigil::kNoTime) throw vigil::InvalidInput("no `ended` line");
        report.operation_start_time = report.operation_end_time;
        return report;
    }

private:
    // The host logs the message and records it as the report's reason.
    [[noreturn]] static void fail(int number, const std::string& why) {
        throw vigil::InvalidInput("line " + std::to_string(number) + ": " + why);
    }

    static vigil::DatabaseReport database(std::istringstream& words, int number) {
        vigil::DatabaseReport db;
        std::string outcome;
        if (!(words >> db.database_name >> db.staged_file_name >> outcome) ||
            (outcome != "ok" && outcome != "failed")) {
            fail(number, "expected `database NAME STAGED_FILE ok|failed [SHA256 SIZE]`");
        }
        db.backup.status = db.compress.status = db.transfer.status = outcome == "ok";
        std::string checksum;
        std::int64_t size = 0;
        if (words >> checksum >> size && size >= 0) {
            db.compress.sha256_checksum = checksum;
            db.compress.size = size;
        }
        return db;
    }
};

}  // namespace

VIGIL_PLUGIN("hello_format", "1.0.0", "reads made-up HELLO text reports (the SDK example)", HelloFormat)
