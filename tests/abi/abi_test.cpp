// The host's side of the plugin ABI, driven with fixture plugins that each
// break one rule of plugin.h (or throw where a careless author would): the
// host refuses what it cannot trust with a message naming the file and the
// reason, turns plugin failures into Status values, and keeps working.
#include "collect.hpp"
#include "plugin_host.hpp"
#include "test_db.hpp"

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using vigil::host::IntegrityHandle;
using vigil::host::PluginLibrary;
using vigil::host::ReportSourceHandle;
using vigil::host::StorageHandle;
using vigil::host::Status;

namespace {

fs::path fixture(const std::string& name) {
    return fs::path(VIGIL_ABI_FIXTURE_DIR) / ("vigil_" + name + ".so");
}

std::string abi(unsigned major, unsigned minor) { return std::to_string(major) + "." + std::to_string(minor); }

const std::string kHostAbi = abi(VIGIL_ABI_MAJOR, VIGIL_ABI_MINOR);

// Loads a fixture the host must refuse, checking what every refusal shares.
Status refusal_of(const fs::path& file) {
    Status status;
    auto library = PluginLibrary::load(file, &status);
    CHECK(library == nullptr);
    CHECK(status.code() == Status::Code::kRefused);
    CHECK_THAT(status.message(), Contains(file.string()));
    return status;
}

std::shared_ptr<PluginLibrary> accepted(const std::string& name) {
    Status status;
    auto library = PluginLibrary::load(fixture(name), &status);
    INFO(status.message());
    REQUIRE(library != nullptr);
    REQUIRE(status.is_ok());
    return library;
}

// The one report check_find_reports expects a database to hold.
vigil::ReportRecord acme_report(std::int64_t scanned_at) {
    vigil::ReportRecord record;
    record.content_sha256 = std::string(64, 'a');
    record.agent_id = "ACME_PARIS_CENTRE";
    record.file_name = "20261123_023107_ACME_PARIS_CENTRE.json";
    record.fate = "invalid";
    record.scanned_at = scanned_at;
    return record;
}

// find_reports of a storage holding acme_report and no other report: each
// answer is find_report's, per agent folder.
void check_find_reports(StorageHandle& storage) {
    const vigil::ReportRecord record = acme_report(0);
    const std::vector<StorageHandle::ReportQuery> queries = {
        {record.content_sha256, record.agent_id, record.file_name},
        {record.content_sha256, "BETA_LYON_GARE", record.file_name},
        {record.content_sha256, record.agent_id, "20261124_023107_ACME_PARIS_CENTRE.json"},
        {std::string(64, 'b'), record.agent_id, record.file_name},
    };
    std::vector<StorageHandle::ReportSeen> seen;
    REQUIRE(storage.find_reports(queries, &seen).is_ok());
    REQUIRE(seen.size() == queries.size());
    for (std::size_t i = 0; i < queries.size(); ++i) {
        INFO("query " << i);
        StorageHandle::ReportSeen one;
        REQUIRE(storage.find_report(queries[i].content_sha256, queries[i].agent_id, queries[i].file_name, &one)
                    .is_ok());
        CHECK(seen[i].content_seen == one.content_seen);
        CHECK(seen[i].same_file == one.same_file);
    }
    CHECK(seen[0].same_file);
    CHECK_FALSE(seen[1].content_seen);
    CHECK(seen[2].content_seen);
    CHECK_FALSE(seen[2].same_file);
    CHECK_FALSE(seen[3].content_seen);
}

struct Refused {
    const char* name;
    // Fragments the message must contain besides the path; none may occur in
    // the path itself, or the check would pass vacuously.
    std::vector<std::string> reason;
};

// Every fixture the host must refuse, with what its message has to say.
std::vector<Refused> refused_fixtures() {
    return {
        {"newer_major", {"ABI " + abi(VIGIL_ABI_MAJOR + 1, VIGIL_ABI_MINOR), "ABI " + kHostAbi}},
        {"newer_minor", {"ABI " + abi(VIGIL_ABI_MAJOR, VIGIL_ABI_MINOR + 1), "ABI " + kHostAbi}},
        {"older_major", {"ABI 1.0", "ABI " + kHostAbi, "rebuild the plugin"}},
        {"missing_parse", {"no parse function"}},
        {"missing_last_error", {"no last_error function"}},
        {"no_entry", {VIGIL_PLUGIN_ENTRY_SYMBOL}},
        {"null_entry", {VIGIL_PLUGIN_ENTRY_SYMBOL, "no descriptor"}},
        {"no_capability", {"no capability"}},
    };
}

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string vigil_bin() {
    const char* env = std::getenv("VIGIL_BIN");
    return env && *env ? env : VIGIL_ABI_DEFAULT_BIN;
}

struct Run {
    bool exited = false;  // false when the process died of a signal
    int exit_code = -1;
    std::string out;
};

// Runs a shell command line and captures its stdout and exit status.
Run run(const std::string& command) {
    Run result;
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buffer[4096];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
    const int status = pclose(pipe);
    result.exited = WIFEXITED(status);
    if (result.exited) result.exit_code = WEXITSTATUS(status);
    return result;
}

Run vigil_check(const fs::path& file) {
    return run(shell_quote(vigil_bin()) + " plugins --check " + shell_quote(file.string()));
}

// A scratch directory removed at the end of the test.
struct TempDir {
    fs::path path = fs::temp_directory_path() /
                    ("vigil-abi-test-" + std::to_string(static_cast<long>(::getpid())));
    TempDir() { fs::create_directories(path); }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

}  // namespace

// ---- refusals ----------------------------------------------------------

TEST_CASE("a plugin of another ABI major is refused, naming the file and both versions") {
    const Status status = refusal_of(fixture("newer_major"));
    CHECK_THAT(status.message(), Contains("ABI " + abi(VIGIL_ABI_MAJOR + 1, VIGIL_ABI_MINOR)));
    CHECK_THAT(status.message(), Contains("ABI " + kHostAbi));
}

TEST_CASE("a plugin built for ABI 1 (lifecycle held by value) is refused, saying to rebuild it") {
    const Status status = refusal_of(fixture("older_major"));
    CHECK_THAT(status.message(), Contains("it needs plugin ABI 1.0 but this host implements ABI " + kHostAbi));
    CHECK_THAT(status.message(), Contains("the major versions differ: rebuild the plugin with this Vigil's SDK"));
}

TEST_CASE("a report source built for ABI 2.0, without claim_name, loads and reads the standard names") {
    REQUIRE(VIGIL_ABI_MAJOR == 2);
    auto library = accepted("minor_zero_source");
    CHECK(library->abi_version() == "2.0");
    Status status;
    auto source = ReportSourceHandle::open(library, "{}", &status);
    INFO(status.message());
    REQUIRE(source != nullptr);
    CHECK_FALSE(source->declares_names());
    CHECK(source->report_agent("20261123_023107_ACME_PARIS_CENTRE.json") == std::string_view("ACME_PARIS_CENTRE"));
    CHECK(source->report_agent("20261123_023107_OTHER_AGENT_X.json") == std::string_view("OTHER_AGENT_X"));
    CHECK_FALSE(source->report_agent("2026-11-23_02-31-07_ACME_PARIS_CENTRE.json"));
    CHECK_FALSE(source->report_agent("STATUS.json"));
    CHECK_FALSE(source->report_agent("20261123_023107_ACME_PARIS_CENTRE.JSON"));
    // Its own recognizes still decides whether parse is asked.
    CHECK(source->recognizes("20261123_023107_ACME_PARIS_CENTRE.json"));
    vigil::Report report;
    CHECK(source->parse("20261123_023107_ACME_PARIS_CENTRE.json", "{}", &report).code() == Status::Code::kDeclined);
}

TEST_CASE("a plugin of a newer ABI minor is refused, naming the file and both versions") {
    const Status status = refusal_of(fixture("newer_minor"));
    CHECK_THAT(status.message(), Contains("ABI " + abi(VIGIL_ABI_MAJOR, VIGIL_ABI_MINOR + 1)));
    CHECK_THAT(status.message(), Contains("ABI " + kHostAbi));
}

TEST_CASE("a descriptor missing a required function is refused, naming the function") {
    SECTION("a capability function") {
        const Status status = refusal_of(fixture("missing_parse"));
        CHECK_THAT(status.message(), Contains("report_source capability has no parse function"));
    }
    SECTION("a lifecycle function") {
        const Status status = refusal_of(fixture("missing_last_error"));
        CHECK_THAT(status.message(), Contains("report_source capability has no last_error function"));
    }
}

TEST_CASE("a library without the entry symbol is refused") {
    const Status status = refusal_of(fixture("no_entry"));
    CHECK_THAT(status.message(), Contains(std::string("does not export ") + VIGIL_PLUGIN_ENTRY_SYMBOL));
}

TEST_CASE("an entry point returning no descriptor is refused") {
    const Status status = refusal_of(fixture("null_entry"));
    CHECK_THAT(status.message(), Contains("returned no descriptor"));
}

TEST_CASE("a descriptor offering no capability is refused") {
    const Status status = refusal_of(fixture("no_capability"));
    CHECK_THAT(status.message(), Contains("offers no capability"));
}

TEST_CASE("files that are not loadable libraries are refused") {
    SECTION("a missing file") {
        const Status status = refusal_of(fixture("does_not_exist"));
        CHECK_THAT(status.message(), Contains("cannot be loaded"));
    }
    SECTION("a file that is not a shared library") {
        TempDir dir;
        const fs::path garbage = dir.path / "vigil_garbage.so";
        std::ofstream(garbage) << "this is not an ELF file\n";
        const Status status = refusal_of(garbage);
        CHECK_THAT(status.message(), Contains("cannot be loaded: file too short"));
        // The loader's reason alone: no Boost internals, no unrelated errno text.
        CHECK(status.message().find("boost") == std::string::npos);
        CHECK(status.message().find("Bad file descriptor") == std::string::npos);
    }
}

// ---- accepted plugins --------------------------------------------------

TEST_CASE("a well-behaved plugin is accepted and described from its descriptor") {
    auto library = accepted("good_source");
    CHECK(library->file() == fixture("good_source"));
    CHECK(library->name() == "good_source");
    CHECK(library->version() == "2.3.4");
    CHECK(library->abi_version() == kHostAbi);
    CHECK(library->capabilities() == "report_source");
    CHECK(std::string(library->descriptor().description) == "fixture: a well-behaved report source");

    Status status;
    auto source = ReportSourceHandle::open(library, "{}", &status);
    INFO(status.message());
    REQUIRE(source != nullptr);
    CHECK(source->declares_names());
    CHECK(source->report_agent("20261123_000000_ACME.good") == std::string_view("ACME"));
    CHECK(source->recognizes("20261123_000000_ACME.good"));
    CHECK_FALSE(source->report_agent("20261123_000000_ACME.json"));
    CHECK_FALSE(source->recognizes("20261123_000000_ACME.json"));
    // The agent lies inside the name or nothing is claimed: an empty one is not.
    CHECK_FALSE(source->report_agent("20261123_000000_.good"));

    vigil::Report report;
    REQUIRE(source->parse("a.good", "ACME completed", &report).is_ok());
    CHECK(report.agent_id == "ACME");
    CHECK(report.overall_status == "completed");
    CHECK(report.operation_start_time == 1000000);
    CHECK(report.operation_end_time == 2000000);

    const Status invalid = source->parse("b.good", "garbled", &report);
    CHECK(invalid.code() == Status::Code::kInvalid);
    CHECK_THAT(invalid.message(), Contains("content: expected"));
}

TEST_CASE("a report whose source gave a time outside 1970..9999 is invalid, whatever the source checked") {
    Status status;
    auto source = ReportSourceHandle::open(accepted("good_source"), "{}", &status);
    REQUIRE(source != nullptr);
    vigil::host::ReportReader reader({source.get()});
    vigil::host::ReportFile file;
    reader.parse("20261123_000000_ACME.good", "ACME completed 1969", &file);
    CHECK(file.fate == vigil::host::Fate::kInvalid);
    CHECK_THAT(file.reason.text(), Contains("good_source") && Contains("operation_end_time") &&
                                       Contains("outside 1970-01-01T00:00:00Z..9999-12-31T23:59:59Z"));
    CHECK(file.report == nullptr);

    vigil::host::ReportFile fine;
    reader.parse("20261123_000100_ACME.good", "ACME completed", &fine);
    CHECK(fine.kept());
    REQUIRE(fine.report != nullptr);
    CHECK(fine.report->operation_end_time == 2000000);
}

TEST_CASE("a handle refuses a library that lacks its capability") {
    Status status;
    auto source = ReportSourceHandle::open(accepted("throwing_check"), "{}", &status);
    CHECK(source == nullptr);
    CHECK(status.code() == Status::Code::kConfig);
    CHECK_THAT(status.message(), Contains("throwing_check is not a report source"));

    auto check = IntegrityHandle::open(accepted("good_source"), "{}", &status);
    CHECK(check == nullptr);
    CHECK(status.code() == Status::Code::kConfig);
    CHECK_THAT(status.message(), Contains("good_source is not an integrity check"));
}

// ---- errors cross as codes plus the instance's message -------------------

TEST_CASE("a report source that throws yields an error and stays usable") {
    Status status;
    auto source = ReportSourceHandle::open(accepted("throwing_source"), "{}", &status);
    INFO(status.message());
    REQUIRE(source != nullptr);
    vigil::Report report;

    const Status thrown = source->parse("first.json", "throw", &report);
    CHECK(thrown.code() == Status::Code::kError);
    CHECK_THAT(thrown.message(), Contains("parse exploded on first.json"));

    REQUIRE(source->parse("second.json", "ACME", &report).is_ok());
    CHECK(report.agent_id == "ACME");

    const Status unknown = source->parse("third.json", "throw-int", &report);
    CHECK(unknown.code() == Status::Code::kError);
    CHECK_THAT(unknown.message(), Contains("unknown exception"));

    // Naming has no error channel: a throw there means "not mine".
    CHECK_FALSE(source->report_agent("explode.json"));
    CHECK_FALSE(source->recognizes("explode.json"));
    CHECK(source->report_agent("fine.json") == std::string_view("fine"));
    CHECK(source->recognizes("fine.json"));

    REQUIRE(source->parse("fourth.json", "BETA", &report).is_ok());
    CHECK(report.agent_id == "BETA");
}

TEST_CASE("a configure error at init becomes a configuration Status with the plugin's message") {
    auto library = accepted("bad_config");
    Status status;

    SECTION("a setting the plugin rejects") {
        auto source = ReportSourceHandle::open(library, R"({"x": -3})", &status);
        CHECK(source == nullptr);
        CHECK(status.code() == Status::Code::kConfig);
        CHECK_THAT(status.message(), Contains("bad_config"));
        CHECK_THAT(status.message(), Contains("setting `x`: must be a positive integer, got -3"));
    }
    SECTION("a setting the plugin requires but is absent") {
        auto source = ReportSourceHandle::open(library, "{}", &status);
        CHECK(source == nullptr);
        CHECK(status.code() == Status::Code::kConfig);
        CHECK_THAT(status.message(), Contains("bad_config: configuration:"));
        CHECK_THAT(status.message(), Contains("(x)"));
    }
    SECTION("settings that are not JSON") {
        auto source = ReportSourceHandle::open(library, "{", &status);
        CHECK(source == nullptr);
        CHECK(status.code() == Status::Code::kConfig);
        CHECK_THAT(status.message(), Contains("bad_config: configuration:"));
    }
    SECTION("a refused instance does not spoil the library for the next one") {
        CHECK(ReportSourceHandle::open(library, R"({"x": 0})", &status) == nullptr);
        auto source = ReportSourceHandle::open(library, R"({"x": 5})", &status);
        INFO(status.message());
        CHECK(source != nullptr);
        CHECK(status.is_ok());
    }
}

TEST_CASE("an integrity check whose update throws fails that file only") {
    Status status;
    auto check = IntegrityHandle::open(accepted("throwing_check"), "{}", &status);
    INFO(status.message());
    REQUIRE(check != nullptr);
    auto bytes = [](const char* s) { return reinterpret_cast<const unsigned char*>(s); };

    {
        auto file = check->begin("bad.sql.gz", &status);
        REQUIRE(status.is_ok());
        REQUIRE(file != nullptr);
        REQUIRE(file->update(bytes("fine"), 4).is_ok());
        const Status failed = file->update(bytes("corrupt"), 7);
        CHECK(failed.code() == Status::Code::kError);
        CHECK_THAT(failed.message(), Contains("throwing_check"));
        CHECK_THAT(failed.message(), Contains("update exploded after 4 bytes"));
    }

    auto file = check->begin("good.sql.gz", &status);
    REQUIRE(status.is_ok());
    REQUIRE(file != nullptr);
    REQUIRE(file->update(bytes("hello"), 5).is_ok());
    vigil::CheckResult result;
    REQUIRE(file->finish(5, &result).is_ok());
    CHECK(result.passed);
    CHECK(result.message == "5 bytes");
}

// ---- the vigil executable ----------------------------------------------

TEST_CASE("vigil plugins --check reports a refused plugin and exits 2") {
    for (const Refused& fixture_case : refused_fixtures()) {
        const fs::path file = fixture(fixture_case.name);
        const Run result = vigil_check(file);
        INFO(fixture_case.name << ":\n" << result.out);
        REQUIRE(result.exited);
        CHECK(result.exit_code == 2);
        CHECK_THAT(result.out, Contains("refused  " + file.string()));
        for (const std::string& fragment : fixture_case.reason) CHECK_THAT(result.out, Contains(fragment));
    }
}

TEST_CASE("vigil plugins --check accepts a well-behaved plugin and exits 0") {
    const Run result = vigil_check(fixture("good_source"));
    INFO(result.out);
    REQUIRE(result.exited);
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.out, Contains("host plugin ABI " + kHostAbi));
    CHECK_THAT(result.out, Contains("ok       good_source 2.3.4 (ABI " + kHostAbi + "): report_source"));
    CHECK_THAT(result.out, Contains(fixture("good_source").string()));
    CHECK_THAT(result.out, !Contains("refused"));
}

TEST_CASE("vigil plugins lists accepted and refused fixtures from VIGIL_PLUGIN_PATH") {
    const Run result = run("VIGIL_PLUGIN_PATH=" + shell_quote(VIGIL_ABI_FIXTURE_DIR) + " " +
                           shell_quote(vigil_bin()) + " plugins");
    INFO(result.out);
    REQUIRE(result.exited);
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.out, Contains(std::string("search ") + VIGIL_ABI_FIXTURE_DIR + "\n"));
    for (const Refused& fixture_case : refused_fixtures()) {
        CHECK_THAT(result.out, Contains("refused  " + fixture(fixture_case.name).string()));
    }
    CHECK_THAT(result.out, Contains("ok       minor_zero_source 1.0.0 (ABI 2.0): report_source"));
    for (const char* name : {"good_source", "throwing_source", "bad_config", "throwing_check"}) {
        CHECK_THAT(result.out, Contains(std::string("ok       ") + name + " "));
        CHECK_THAT(result.out, Contains(fixture(name).string()));
    }
    CHECK_THAT(result.out, Contains("ok       throwing_check 1.0.0 (ABI " + kHostAbi + "): integrity"));
    // A storage plugin of the previous minor, without its optional calls.
    CHECK_THAT(result.out, Contains("ok       soci_abi21 1.0.0 (ABI " + abi(VIGIL_ABI_MAJOR, 1) + "): storage"));
}

TEST_CASE("a storage plugin built before silences: vigil silence says they need another plugin") {
    TempDir dir;
    fs::create_directories(dir.path / "root");
    std::ofstream(dir.path / "vigil.yaml") << "storage_root: " << (dir.path / "root").string()
                                             << "\nplugins:\n  path: [" << VIGIL_ABI_FIXTURE_DIR
                                             << "]\ndatabase:\n  plugin: old_storage\n  url: \"old://\"\n";
    const std::string config = " --config " + shell_quote((dir.path / "vigil.yaml").string()) + " 2>&1";
    for (const char* command : {" silence add --agent 'ACME_*' --for 1h --reason test", " silence list",
                                " silence expire 1"}) {
        const Run result = run(shell_quote(vigil_bin()) + command + config);
        INFO(command << ": " << result.out);
        CHECK(result.exit_code == 2);
        CHECK_THAT(result.out, Contains("storage plugin old_storage does not offer silences"));
    }
}

TEST_CASE("the host makes the one-row calls for a storage plugin without the batched ones of ABI 2.2, 2.4 and 2.5") {
    TempDir dir;
    Status status;
    auto storage = StorageHandle::open(
        accepted("soci_abi21"), R"({"url": "sqlite3://db=)" + (dir.path / "vigil.db").string() + R"("})", &status);
    INFO(status.message());
    REQUIRE(storage != nullptr);
    CHECK_FALSE(storage->offers_write_agent());

    vigil::Job job;
    job.agent_id_responsible = "ACME_PARIS_CENTRE";
    job.company_name = "ACME";
    job.city = "PARIS";
    job.neighborhood = "CENTRE";
    job.database_name = "sales";
    job.expected_hour_utc = 2;
    job.expected_minute_utc = 30;
    const std::int64_t now = 1'795'000'000'000'000;
    std::vector<vigil::Job> jobs;
    REQUIRE(storage->begin().is_ok());
    const vigil::JobView view(job);
    const vigil_job* configured[] = {&view.c};
    REQUIRE(storage->sync_jobs(configured, 1, now).is_ok());
    REQUIRE(storage->commit().is_ok());
    REQUIRE(storage->load_jobs(job.agent_id_responsible, &jobs).is_ok());
    REQUIRE(jobs.size() == 1);
    // Without load_jobs_of_agents (ABI 2.4), the host asks load_jobs agent by agent.
    std::map<std::string, std::vector<vigil::Job>> of_agents;
    REQUIRE(storage->load_jobs_of_agents({"BETA_LYON_GARE", job.agent_id_responsible}, &of_agents).is_ok());
    REQUIRE(of_agents.size() == 2);
    CHECK(of_agents["BETA_LYON_GARE"].empty());
    REQUIRE(of_agents[job.agent_id_responsible].size() == 1);
    CHECK(of_agents[job.agent_id_responsible][0].id == jobs[0].id);

    vigil::Entry entry;
    entry.expected_job_id = jobs[0].id;
    entry.cycle_expected_at = now - 3'600'000'000;
    entry.timestamp = now;
    entry.status = "missing";
    entry.agent_id = job.agent_id_responsible;
    const vigil::ReportRecord record = acme_report(now);
    vigil::Job state = jobs[0];
    state.current_status = "missing";
    state.updated_at = now;
    REQUIRE(storage->begin().is_ok());
    CHECK(storage->write_agent({entry, entry}, {state}, {record}).is_ok());
    REQUIRE(storage->commit().is_ok());

    std::vector<vigil::Entry> entries;
    REQUIRE(storage->load_entries_of_jobs({jobs[0].id, 424242, jobs[0].id}, {vigil::kNoTime, vigil::kNoTime, now},
                                          &entries)
                .is_ok());
    CHECK(entries.size() == 2);  // both of the job's, then none of the unknown job, none since now
    REQUIRE(storage->load_jobs(job.agent_id_responsible, &jobs).is_ok());
    CHECK(jobs[0].current_status == "missing");
    vigil::host::StorageHandle::ReportSeen seen;
    REQUIRE(storage->find_report(record.content_sha256, record.agent_id, record.file_name, &seen).is_ok());
    CHECK(seen.same_file);
    // Without find_reports (ABI 2.5), the host asks find_report report by report.
    check_find_reports(*storage);

    state.id = 424242;
    REQUIRE(storage->begin().is_ok());
    const Status unknown = storage->write_agent({}, {state}, {});
    CHECK_THAT(unknown.message(), Contains("no job with id 424242"));
    CHECK(storage->rollback().is_ok());
}

TEST_CASE("the host asks find_reports in one call of a storage plugin that offers it") {
    Status status;
    auto library = PluginLibrary::load(VIGIL_SOCI_PLUGIN, &status);
    INFO(status.message());
    REQUIRE(library != nullptr);
    const std::string backend = GENERATE(from_range(vigil::test::storage_backends()));
    INFO("backend: " << backend);
    vigil::test::ScratchDir dir;
    auto storage = StorageHandle::open(
        library, R"({"url": ")" + vigil::test::fresh_database_url(backend, dir.path()) + R"("})", &status);
    INFO(status.message());
    REQUIRE(storage != nullptr);
    REQUIRE(storage->begin().is_ok());
    REQUIRE(storage->record_report(acme_report(1'795'000'000'000'000)).is_ok());
    REQUIRE(storage->commit().is_ok());
    check_find_reports(*storage);
}

TEST_CASE("the host claims agent by agent for a storage plugin without the batched claims of ABI 2.3") {
    const std::string backend = GENERATE(from_range(vigil::test::storage_backends()));
    INFO("backend: " << backend);
    vigil::test::ScratchDir dir;
    const std::string settings = R"({"url": ")" + vigil::test::fresh_database_url(backend, dir.path()) + R"("})";
    Status status;
    auto first = StorageHandle::open(accepted("soci_abi21"), settings, &status);
    INFO(status.message());
    REQUIRE(first != nullptr);
    REQUIRE(first->begin().is_ok());
    std::vector<bool> acquired;
    REQUIRE(first->try_lock_agents({"ACME_PARIS_CENTRE", "BETA_LYON_GARE"}, &acquired).is_ok());
    CHECK(acquired == std::vector<bool>{true, true});
    if (backend == "postgresql") {
        auto second = StorageHandle::open(accepted("soci_abi21"), settings, &status);
        REQUIRE(second != nullptr);
        REQUIRE(second->begin().is_ok());
        REQUIRE(second->try_lock_agents({"GAMMA_NICE_PORT", "BETA_LYON_GARE"}, &acquired).is_ok());
        CHECK(acquired == std::vector<bool>{true, false});
        REQUIRE(second->rollback().is_ok());
    }
    REQUIRE(first->commit().is_ok());
}
