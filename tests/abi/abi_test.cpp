// The host's side of the plugin ABI, driven with fixture plugins that each
// break one rule of plugin.h (or throw where a careless author would): the
// host refuses what it cannot trust with a message naming the file and the
// reason, turns plugin failures into Status values, and keeps working. And
// the storage capabilities (ABI 3): a storage plugin written with the SDK
// that offers only the scan store and the outbox (minimal_storage) runs a
// scan with notifiers, and whatever needs a capability it lacks is refused
// before anything runs, naming that capability.
#include "collect.hpp"
#include "storage_handle.hpp"
#include "test_db.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using vigil::host::IntegrityHandle;
using vigil::host::PluginLibrary;
using vigil::host::ReportSourceHandle;
using vigil::host::RowRefusal;
using vigil::host::StorageCapability;
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

// find_reports of a storage holding acme_report and no other report, in one
// call naming two agents and one query twice: each answer is its query's,
// by position, and content is seen per agent folder.
void check_find_reports(StorageHandle& storage) {
    const vigil::ReportRecord record = acme_report(0);
    const std::vector<vigil::ReportQuery> queries = {
        {record.content_sha256, record.agent_id, record.file_name},
        {record.content_sha256, "BETA_LYON_GARE", record.file_name},
        {record.content_sha256, record.agent_id, "20261124_023107_ACME_PARIS_CENTRE.json"},
        {std::string(64, 'b'), record.agent_id, record.file_name},
        {record.content_sha256, record.agent_id, record.file_name},
    };
    std::vector<vigil::ReportSeen> seen;
    REQUIRE(storage.find_reports(queries, &seen).is_ok());
    REQUIRE(seen.size() == queries.size());
    CHECK(seen[0].content_seen);
    CHECK(seen[0].same_file);
    CHECK_FALSE(seen[1].content_seen);  // the same bytes, another agent's folder
    CHECK_FALSE(seen[1].same_file);
    CHECK(seen[2].content_seen);
    CHECK_FALSE(seen[2].same_file);
    CHECK_FALSE(seen[3].content_seen);
    CHECK_FALSE(seen[3].same_file);
    CHECK(seen[4].content_seen);
    CHECK(seen[4].same_file);
}

// The bundled storage plugin, opened on a fresh database of `backend`.
std::unique_ptr<StorageHandle> bundled_storage(const std::string& backend, const fs::path& dir) {
    Status status;
    auto library = PluginLibrary::load(VIGIL_SOCI_PLUGIN, &status);
    INFO(status.message());
    REQUIRE(library != nullptr);
    auto storage = StorageHandle::open(
        library, R"({"url": ")" + vigil::test::fresh_database_url(backend, dir) + R"("})", &status);
    INFO(status.message());
    REQUIRE(storage != nullptr);
    return storage;
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
        {"abi2_storage", {"ABI 2.5", "ABI " + kHostAbi, "rebuild the plugin"}},
        {"missing_parse", {"no parse function"}},
        {"missing_last_error", {"no last_error function"}},
        {"half_scan_store", {"storage scan store has no write function"}},
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

// The line of `out` that starts with `prefix`, "" when none does.
std::string line_starting(const std::string& out, const std::string& prefix) {
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(prefix, 0) == 0) return line;
    }
    return "";
}

// A loopback port bound but not listening for as long as it lives: a
// connection to it is refused at once.
class ClosedPort {
public:
    ClosedPort() {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
        port_ = ntohs(address.sin_port);
    }
    ~ClosedPort() { ::close(fd_); }
    ClosedPort(const ClosedPort&) = delete;
    ClosedPort& operator=(const ClosedPort&) = delete;
    int port() const { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
};

constexpr const char* kAgent = "ACME_PARIS_CENTRE";
constexpr const char* kReportName = "20261123_023107_ACME_PARIS_CENTRE.json";
constexpr const char* kScanNow = "2026-11-23T04:00:00Z";

// A storage tree of one agent whose 02:30 sales backup failed, and
// vigil.yaml with a webhook notifier, pointed at a storage plugin of the
// fixture directory; `extra` YAML is appended.
struct FixtureSite {
    TempDir dir;
    ClosedPort hook;
    fs::path root = dir.path / "root";
    fs::path config = dir.path / "vigil.yaml";
    fs::path report = root / kAgent / "log" / kReportName;

    FixtureSite(const std::string& storage_plugin, const std::string& extra = "") {
        fs::create_directories(root / kAgent / "database");
        fs::create_directories(report.parent_path());
        std::ofstream(root / kAgent / "database" / "sales.sql.gz") << "dump";
        std::ofstream(report) << R"({"operation_start_time": "2026-11-23T02:30:00Z",
 "operation_end_time": "2026-11-23T02:31:07Z", "agent_id": "ACME_PARIS_CENTRE", "overall_status": "completed",
 "databases": {"sales": {"staged_file_name": "sales.sql.gz", "BACKUP": {"status": true},
   "COMPRESS": {"status": true}, "TRANSFER": {"status": false, "error_message": "timeout"},
   "logs_summary": "test"}}})";
        std::ofstream(config) << "storage_root: " << root.string() << "\n"
                              << "report_settle_seconds: 0\n"
                              << "plugins:\n  path: [" << VIGIL_ABI_FIXTURE_DIR << "]\n"
                              << "database:\n  plugin: " << storage_plugin << "\n"
                              << "jobs:\n  - {agent: " << kAgent << ", database: sales, at: \"02:30\"}\n"
                              << "notifiers:\n  - plugin: webhook\n    name: hook\n"
                              << "    url: \"http://127.0.0.1:" << hook.port() << "/hook\"\n    attempts: 1\n"
                              << extra;
    }
    // `vigil <command> --config vigil.yaml`, stderr with stdout.
    Run vigil(const std::string& command) const {
        return run(shell_quote(vigil_bin()) + " " + command + " --config " + shell_quote(config.string()) + " 2>&1");
    }
    bool report_archived() const { return fs::exists(report.parent_path() / "_archive" / kReportName); }
};

const std::string kMaintenance =
    "maintenance:\n  - agents: \"ACME_*\"\n    schedule: \"0 1 * * sun\"\n    duration: 3h\n"
    "    reason: weekly storage maintenance\n";

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

TEST_CASE("a storage plugin built for ABI 2.x is refused from its version alone, saying to rebuild it") {
    // Its flat 2.5 table read as a 3.0 one would have the host call a
    // function of the wrong signature: the version is checked first.
    const Status status = refusal_of(fixture("abi2_storage"));
    CHECK_THAT(status.message(), Contains("it needs plugin ABI 2.5 but this host implements ABI " + kHostAbi));
    CHECK_THAT(status.message(), Contains("the major versions differ: rebuild the plugin with this Vigil's SDK"));

    SECTION("configured as the storage of a scan: a configuration error naming the setting, file and versions") {
        TempDir dir;
        fs::create_directories(dir.path / "root");
        std::ofstream(dir.path / "vigil.yaml") << "storage_root: " << (dir.path / "root").string()
                                                 << "\nplugins:\n  path: [" << VIGIL_ABI_FIXTURE_DIR
                                                 << "]\ndatabase:\n  plugin: abi2_storage\njobs: []\n";
        for (const char* command : {" scan", " config check"}) {
            const Run result = run(shell_quote(vigil_bin()) + command + " --config " +
                                   shell_quote((dir.path / "vigil.yaml").string()) + " 2>&1");
            INFO(command << ": " << result.out);
            REQUIRE(result.exited);
            CHECK(result.exit_code == 2);
            CHECK_THAT(result.out, Contains((dir.path / "vigil.yaml").string() + ":"));
            CHECK_THAT(result.out, Contains(fixture("abi2_storage").string()));
            CHECK_THAT(result.out, Contains("it needs plugin ABI 2.5 but this host implements ABI " + kHostAbi));
            CHECK_THAT(result.out, Contains("rebuild the plugin with this Vigil's SDK"));
        }
    }
}

TEST_CASE("a report source without claim_name loads and reads the standard names") {
    // claim_name is optional: NULL in a complete table, or beyond the end of
    // a smaller one (where short_source keeps one that would claim every
    // name: the host must not read past struct_size).
    const std::string name = GENERATE(as<std::string>(), "no_claim_name_source", "short_source");
    INFO(name);
    auto library = accepted(name);
    CHECK(library->abi_version() == kHostAbi);
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
    SECTION("a function of a storage capability the plugin offers") {
        // Every function of an offered sub-table is required: a half
        // implemented capability is refused at load time, not met mid-scan.
        const Status status = refusal_of(fixture("half_scan_store"));
        CHECK_THAT(status.message(), Contains("storage scan store has no write function"));
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
    for (const char* name : {"no_claim_name_source", "short_source"}) {
        CHECK_THAT(result.out, Contains(std::string("ok       ") + name + " 1.0.0 (ABI " + kHostAbi + "): report_source\n"));
    }
    for (const char* name : {"good_source", "throwing_source", "bad_config", "throwing_check"}) {
        CHECK_THAT(result.out, Contains(std::string("ok       ") + name + " "));
        CHECK_THAT(result.out, Contains(fixture(name).string()));
    }
    CHECK_THAT(result.out, Contains("ok       throwing_check 1.0.0 (ABI " + kHostAbi + "): integrity\n"));
    // A storage plugin says which of the storage capabilities it offers:
    // those of the interfaces its class derives from.
    CHECK_THAT(result.out,
               Contains("ok       minimal_storage 1.0.0 (ABI " + kHostAbi + "): storage (scan store, outbox)\n"));
    CHECK_THAT(result.out, Contains("ok       soci_failing_write 1.0.0 (ABI " + kHostAbi +
                                    "): storage (scan store, outbox, operator reads, silences)\n"));
    // The bundled one, from the bundled plugin directory, offers them all.
    const std::string soci = line_starting(result.out, "ok       soci ");
    INFO(soci);
    CHECK_THAT(soci, Contains("(ABI " + kHostAbi + "): storage (scan store, outbox, operator reads, silences)"));
}

// ---- a storage plugin offering only the scan store and the outbox ------

TEST_CASE("vigil plugins --check lists a storage plugin's capabilities: minimal_storage offers two") {
    const Run result = vigil_check(fixture("minimal_storage"));
    INFO(result.out);
    REQUIRE(result.exited);
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.out, Contains("ok       minimal_storage 1.0.0 (ABI " + kHostAbi + "): storage (scan store, outbox)\n"));
}

TEST_CASE("the host calls only the capabilities a storage plugin offers, and says which one is missing") {
    Status status;
    auto storage = StorageHandle::open(accepted("minimal_storage"), "{}", &status);
    INFO(status.message());
    REQUIRE(storage != nullptr);
    CHECK(storage->offers(StorageCapability::kScanStore));
    CHECK(storage->offers(StorageCapability::kOutbox));
    CHECK_FALSE(storage->offers(StorageCapability::kOperatorReads));
    CHECK_FALSE(storage->offers(StorageCapability::kSilences));
    CHECK(storage->require(StorageCapability::kOutbox, "notifiers (vigil.yaml:9)").is_ok());

    const Status missing = storage->require(StorageCapability::kSilences, "maintenance (vigil.yaml:12)");
    CHECK(missing.code() == Status::Code::kConfig);
    CHECK(missing.message() ==
          "maintenance (vigil.yaml:12) needs the silences of the storage, and storage plugin minimal_storage does "
          "not offer it (it offers: scan store, outbox)");
    // A call of a capability not offered is that error, not a crash on a NULL table.
    std::vector<vigil::Silence> silences;
    const Status load = storage->load_silences(vigil::kNoTime, &silences);
    CHECK(load.code() == Status::Code::kConfig);
    CHECK_THAT(load.message(), Contains("needs the silences of the storage") && Contains("minimal_storage"));
    std::vector<vigil::Job> jobs;
    const Status reads = storage->load_all_jobs("", true, &jobs);
    CHECK(reads.code() == Status::Code::kConfig);
    CHECK_THAT(reads.message(), Contains("needs the operator reads of the storage"));

    // What it offers works through the host: a job written is read back.
    vigil::Job job;
    job.agent_id_responsible = kAgent;
    job.database_name = "sales";
    job.expected_hour_utc = 2;
    job.expected_minute_utc = 30;
    const vigil::JobView view(job);
    const vigil_job* configured[] = {&view.c};
    REQUIRE(storage->begin().is_ok());
    REQUIRE(storage->sync_jobs(configured, 1, 1'795'000'000'000'000).is_ok());
    std::map<std::string, std::vector<vigil::Job>> loaded;
    REQUIRE(storage->load_jobs({kAgent}, &loaded).is_ok());
    REQUIRE(storage->commit().is_ok());
    REQUIRE(loaded[kAgent].size() == 1);
    CHECK(loaded[kAgent][0].schedule == "30 02 * * *");
    CHECK(loaded[kAgent][0].current_status == "unknown");
}

TEST_CASE("a scan with a notifier runs on a storage plugin offering only the scan store and the outbox") {
    // The SDK once filled every function of the table, so such a plugin
    // "offered" silences and a scan with a notifier asked it for them and
    // failed: the outbox is all a scan with notifiers needs.
    FixtureSite site("minimal_storage");
    const Run check = site.vigil("config check");
    INFO("config check: " << check.out);
    CHECK(check.exit_code == 0);

    const Run scan = site.vigil(std::string("scan --now ") + kScanNow);
    INFO("scan: " << scan.out);
    REQUIRE(scan.exited);
    CHECK(scan.exit_code == 0);
    CHECK_THAT(scan.out, Contains("1 scanned") && Contains(", 0 failed"));
    CHECK_THAT(scan.out, Contains("1 processed: used 1"));
    CHECK_THAT(scan.out, Contains("1 recorded: success 0, hash_mismatch 0, failed 1"));
    CHECK_THAT(scan.out, Contains("ACME_PARIS_CENTRE/sales at 02:30: status unknown -> failed"));
    CHECK_THAT(scan.out, Contains("jobs:     1 active: ok 0, failed 1"));
    // The event went through its outbox; the hook is down, so it waits there.
    CHECK_THAT(scan.out, Contains("1 events queued; hook: 0 sent, 1 to retry, 0 failed"));
    CHECK(site.report_archived());
}

TEST_CASE("a configuration needing a capability the storage plugin lacks is refused before the scan") {
    struct Need {
        std::string extra;      // the configuration's, beyond a scan with a notifier
        std::string needed_by;  // what the message says needs it, up to the file name
        const char* capability;
    };
    const std::vector<Need> needs = {
        {kMaintenance, "maintenance (", "silences"},
        {"metrics_file: vigil.prom\n", "metrics_file (", "operator reads"},
    };
    for (const Need& need : needs) {
        INFO(need.extra);
        FixtureSite site("minimal_storage", need.extra);
        for (const char* command : {"config check", "scan --now 2026-11-23T04:00:00Z"}) {
            const Run result = site.vigil(command);
            INFO(command << ": " << result.out);
            REQUIRE(result.exited);
            CHECK(result.exit_code == 2);
            CHECK_THAT(result.out, Contains(need.needed_by + site.config.string()));
            CHECK_THAT(result.out, Contains(std::string("needs the ") + need.capability +
                                            " of the storage, and storage plugin minimal_storage does not offer it "
                                            "(it offers: scan store, outbox)"));
        }
        // Refused before anything was read or moved.
        CHECK_FALSE(site.report_archived());
        CHECK(fs::exists(site.report));
    }
}

TEST_CASE("the operator's commands are refused by a storage plugin without their capability, naming it") {
    FixtureSite site("minimal_storage");
    struct Command {
        const char* args;
        std::vector<std::string> capabilities;  // the message names one of them
    };
    const std::vector<Command> commands = {
        {"silence add --agent 'ACME_*' --for 1h --reason test", {"silences"}},
        {"silence expire 1", {"silences"}},
        // It lacks both; the command opens the records as status does first.
        {"silence list", {"silences", "operator reads"}},
        {"status", {"operator reads"}},
        {"history ACME_PARIS_CENTRE", {"operator reads"}},
    };
    for (const Command& command : commands) {
        const Run result = site.vigil(command.args);
        INFO(command.args << ": " << result.out);
        REQUIRE(result.exited);
        CHECK(result.exit_code == 2);
        CHECK_THAT(result.out, Contains("storage plugin minimal_storage does not offer it (it offers: scan store, outbox)"));
        bool named = false;
        for (const std::string& c : command.capabilities) {
            named = named || result.out.find("needs the " + c + " of the storage") != std::string::npos;
        }
        CHECK(named);
    }
}

// ---- the host's scan-store calls against the bundled plugin -------------

TEST_CASE("find_reports answers through the host, each query by position, per agent folder") {
    const std::string backend = GENERATE(from_range(vigil::test::storage_backends()));
    INFO("backend: " << backend);
    vigil::test::ScratchDir dir;
    auto storage = bundled_storage(backend, dir.path());
    vigil::WriteBatch batch;
    batch.reports.push_back(acme_report(1'795'000'000'000'000));
    RowRefusal refused;
    REQUIRE(storage->begin().is_ok());
    REQUIRE(storage->write(batch, &refused).is_ok());
    REQUIRE(storage->commit().is_ok());
    check_find_reports(*storage);
}

TEST_CASE("the host's batched scan-store calls reach the bundled plugin and come back in the host's order") {
    const std::string backend = GENERATE(from_range(vigil::test::storage_backends()));
    INFO("backend: " << backend);
    vigil::test::ScratchDir dir;
    auto storage = bundled_storage(backend, dir.path());

    vigil::Job job;
    job.agent_id_responsible = kAgent;
    job.company_name = "ACME";
    job.city = "PARIS";
    job.neighborhood = "CENTRE";
    job.database_name = "sales";
    job.expected_hour_utc = 2;
    job.expected_minute_utc = 30;
    const std::int64_t now = 1'795'000'000'000'000;
    const vigil::JobView view(job);
    const vigil_job* configured[] = {&view.c};
    REQUIRE(storage->begin().is_ok());
    REQUIRE(storage->sync_jobs(configured, 1, now).is_ok());
    REQUIRE(storage->commit().is_ok());

    // Every agent asked for has its list, an agent without jobs an empty one.
    std::map<std::string, std::vector<vigil::Job>> jobs;
    REQUIRE(storage->begin().is_ok());
    REQUIRE(storage->load_jobs({"BETA_LYON_GARE", kAgent}, &jobs).is_ok());
    REQUIRE(storage->commit().is_ok());
    REQUIRE(jobs.size() == 2);
    CHECK(jobs["BETA_LYON_GARE"].empty());
    REQUIRE(jobs[kAgent].size() == 1);
    const vigil::Job stored = jobs[kAgent][0];

    vigil::Entry entry;
    entry.expected_job_id = stored.id;
    entry.cycle_expected_at = now - 3'600'000'000;
    entry.timestamp = now;
    entry.status = "missing";
    entry.agent_id = kAgent;
    vigil::Job state = stored;
    state.current_status = "missing";
    state.last_entry_cycle_at = entry.cycle_expected_at;
    state.updated_at = now;
    vigil::WriteBatch batch;
    batch.entries = {entry, entry};
    batch.job_states = {state};
    batch.reports = {acme_report(now)};
    RowRefusal refused;
    REQUIRE(storage->begin().is_ok());
    REQUIRE(storage->write(batch, &refused).is_ok());
    REQUIRE(storage->commit().is_ok());

    // By position: both of the job's, none of an unknown job, none since now.
    std::vector<vigil::Entry> entries;
    REQUIRE(storage->load_entries({stored.id, 424242, stored.id}, {vigil::kNoTime, vigil::kNoTime, now}, &entries)
                .is_ok());
    CHECK(entries.size() == 2);
    REQUIRE(storage->begin().is_ok());
    REQUIRE(storage->load_jobs({kAgent}, &jobs).is_ok());
    REQUIRE(storage->commit().is_ok());
    REQUIRE(jobs[kAgent].size() == 1);
    CHECK(jobs[kAgent][0].current_status == "missing");

    // A refused write names its row: here the second job state's.
    vigil::Job unknown = state;
    unknown.id = 424242;
    vigil::WriteBatch wrong;
    wrong.job_states = {state, unknown};
    REQUIRE(storage->begin().is_ok());
    const Status failed = storage->write(wrong, &refused);
    CHECK_FALSE(failed.is_ok());
    CHECK_THAT(failed.message(), Contains("424242"));
    CHECK(refused.kind == VIGIL_ROW_JOB_STATE);
    CHECK(refused.index == 1);
    CHECK(storage->rollback().is_ok());
}

TEST_CASE("claim_agents through the host answers each agent by position") {
    const std::string backend = GENERATE(from_range(vigil::test::storage_backends()));
    INFO("backend: " << backend);
    vigil::test::ScratchDir dir;
    const std::string settings = R"({"url": ")" + vigil::test::fresh_database_url(backend, dir.path()) + R"("})";
    Status status;
    auto library = PluginLibrary::load(VIGIL_SOCI_PLUGIN, &status);
    REQUIRE(library != nullptr);
    auto first = StorageHandle::open(library, settings, &status);
    INFO(status.message());
    REQUIRE(first != nullptr);
    REQUIRE(first->begin().is_ok());
    std::vector<bool> acquired;
    REQUIRE(first->claim_agents({"ACME_PARIS_CENTRE", "BETA_LYON_GARE"}, &acquired).is_ok());
    CHECK(acquired == std::vector<bool>{true, true});
    if (backend == "postgresql") {
        // SQLite's writer excludes other scanners as a whole; PostgreSQL
        // claims agent by agent, so a second scanner meets the first's.
        auto second = StorageHandle::open(library, settings, &status);
        REQUIRE(second != nullptr);
        REQUIRE(second->begin().is_ok());
        REQUIRE(second->claim_agents({"GAMMA_NICE_PORT", "BETA_LYON_GARE"}, &acquired).is_ok());
        CHECK(acquired == std::vector<bool>{true, false});
        REQUIRE(second->rollback().is_ok());
    }
    REQUIRE(first->commit().is_ok());
}
