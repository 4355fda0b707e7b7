// README "Exit status": a database that cannot be reached is exit status 3
// with one line naming the URL without its password, and no report moves.
// (A missing SQLite directory is in cli_test.cpp.)
#include "harness.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <arpa/inet.h>
#include <cstdlib>
#include <netinet/in.h>
#include <regex>
#include <stdexcept>
#include <sys/socket.h>
#include <unistd.h>

using namespace vigil::test;
namespace fs = std::filesystem;

namespace {

const std::string kAgent = "ACME_PARIS_CENTRE";
const std::string kStamp = "20261123_023100";
const std::string kNow = "2026-11-23T04:00:00Z";

// A loopback port nothing listens on: the kernel's pick, released at once.
int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        throw std::runtime_error("cannot pick a free port");
    }
    ::close(fd);
    return ntohs(address.sin_port);
}

// The port of the throwaway server (tests/support/pg-server), 0 without one.
int test_server_port() {
    const char* conninfo = std::getenv("VIGIL_TEST_PG");
    std::smatch match;
    const std::string text = conninfo ? conninfo : "";
    return std::regex_search(text, match, std::regex(R"(\bport=(\d+))")) ? std::stoi(match[1]) : 0;
}

// A site with one report waiting, whose configuration points at `url`.
struct ReportWaiting {
    Site site{"sqlite"};
    explicit ReportWaiting(const std::string& url) {
        site.drop_report(kAgent, kStamp, Site::report(kAgent, "2026-11-23T02:31:00Z"));
        std::ofstream(site.config_file()) << "storage_root: " << site.root().string() << "\ndatabase:\n  url: \""
                                          << url << "\"\njobs: []\n";
    }
    bool report_in_place() const {
        return fs::exists(site.log_file(kAgent, kStamp)) && !fs::exists(site.archive_dir(kAgent));
    }
};

void check_refused(const RunResult& r, const std::string& redacted_url, const std::string& password) {
    INFO("stdout: " << r.out << "\nstderr: " << r.err);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains(redacted_url) && Catch::StartsWith("vigil: "));
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK_THAT(r.err + r.out, !Catch::Contains(password));
}

}  // namespace

TEST_CASE("a PostgreSQL server that is not running exits 3, names the URL without its password, moves nothing") {
    const std::string port = std::to_string(free_port());
    SECTION("URI form") {
        ReportWaiting w("postgresql://vigil:s3cret-pw@127.0.0.1:" + port + "/vigil");
        check_refused(w.site.scan(kNow), "postgresql://vigil:***@127.0.0.1:" + port + "/vigil", "s3cret-pw");
        CHECK(w.report_in_place());
    }
    SECTION("key=value form") {
        ReportWaiting w("postgresql://host=127.0.0.1 port=" + port + " dbname=vigil user=vigil password=s3cret-pw");
        RunResult r = w.site.scan(kNow);
        check_refused(r, "password=***", "s3cret-pw");
        CHECK_THAT(r.err, Catch::Contains("host=127.0.0.1") && Catch::Contains("port=" + port));
        CHECK(w.report_in_place());
    }
    SECTION("sslpassword, in the key=value form") {
        ReportWaiting w("postgresql://host=127.0.0.1 port=" + port + " dbname=vigil sslpassword='s3cret ssl'");
        check_refused(w.site.scan(kNow), "sslpassword=***", "s3cret ssl");
    }
    SECTION("sslpassword and password, in the URI's query") {
        ReportWaiting w("postgresql://vigil@127.0.0.1:" + port + "/vigil?sslpassword=s3cret-ssl&password=s3cret-pw");
        RunResult r = w.site.scan(kNow);
        check_refused(r, "postgresql://vigil@127.0.0.1:" + port + "/vigil?sslpassword=***&password=***", "s3cret-ssl");
        CHECK_THAT(r.err + r.out, !Catch::Contains("s3cret-pw"));
    }
}

TEST_CASE("a wrong PostgreSQL password exits 3, names the URL without the password, moves nothing") {
    // The role vigil_auth, password right-password, must use scram-sha-256
    // on the test server (tests/support/pg-server).
    const int server = test_server_port();
    if (server == 0) return;
    const std::string host = "@127.0.0.1:" + std::to_string(server);

    ReportWaiting wrong("postgresql://vigil_auth:wrong-password" + host + "/postgres");
    RunResult r = wrong.site.scan(kNow);
    check_refused(r, "postgresql://vigil_auth:***" + host + "/postgres", "wrong-password");
    CHECK_THAT(r.err, Catch::Contains("password authentication failed"));
    CHECK(wrong.report_in_place());

    // The same role with its password gets in: the refusal above was the password's.
    ReportWaiting right("postgresql://vigil_auth:right-password" + host + "/vigil_auth");
    RunResult ok = right.site.scan(kNow);
    INFO(ok.out << ok.err);
    CHECK(ok.exit_code == 0);
    CHECK_FALSE(right.report_in_place());
}
