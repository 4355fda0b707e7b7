#include "test_db.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <stdexcept>
#include <system_error>

namespace vigil::test {
namespace {

const char* admin_conninfo() {
    const char* value = std::getenv("VIGIL_TEST_PG");
    return value != nullptr && *value != '\0' ? value : nullptr;
}

std::string quote_conninfo(const std::string& value) {
    if (!value.empty() && value.find_first_of(" \t\n'\\") == std::string::npos) return value;
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

// Unique across the test processes ctest runs in parallel, and across runs
// against one server.
std::string unique_database_name() {
    static std::atomic<unsigned> counter{0};
    std::random_device random;
    return "vigil_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
           std::to_string(random() % 1000000);
}

std::string fresh_postgres_url() {
    const char* admin = admin_conninfo();
    if (admin == nullptr) throw std::runtime_error("postgresql tests need VIGIL_TEST_PG (see tests/support/pg-server)");

    char* parse_error = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(PQconninfoParse(admin, &parse_error),
                                                                         &PQconninfoFree);
    if (!options) {
        std::string why = parse_error != nullptr ? parse_error : "out of memory";
        PQfreemem(parse_error);
        throw std::runtime_error("VIGIL_TEST_PG: " + why);
    }

    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(admin), &PQfinish);
    if (PQstatus(conn.get()) != CONNECTION_OK) {
        throw std::runtime_error(std::string("VIGIL_TEST_PG: cannot connect: ") + PQerrorMessage(conn.get()));
    }
    std::string name = unique_database_name();
    std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), ("CREATE DATABASE " + name).c_str()),
                                                         &PQclear);
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
        throw std::runtime_error("CREATE DATABASE " + name + ": " + PQerrorMessage(conn.get()));
    }

    std::string url = "postgresql://";
    for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
        if (o->val == nullptr || std::string(o->keyword) == "dbname") continue;
        url += std::string(o->keyword) + "=" + quote_conninfo(o->val) + " ";
    }
    return url + "dbname=" + name;
}

}  // namespace

std::vector<std::string> storage_backends() {
    std::vector<std::string> backends{"sqlite"};
    if (admin_conninfo() != nullptr) backends.push_back("postgresql");
    return backends;
}

std::string fresh_database_url(const std::string& backend, const std::filesystem::path& scratch_dir) {
    if (backend == "sqlite") return "sqlite3://db=" + (scratch_dir / "vigil.db").string();
    if (backend == "postgresql") return fresh_postgres_url();
    throw std::runtime_error("unknown storage backend '" + backend + "'");
}

ScratchDir::ScratchDir() {
    std::string pattern = "/tmp/vigil-test-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::system_error(errno, std::generic_category(), "mkdtemp " + pattern);
    }
    path_ = pattern;
}

ScratchDir::~ScratchDir() {
    if (std::getenv("VIGIL_KEEP_SCRATCH") != nullptr) {
        std::cerr << "keeping scratch directory " << path_.string() << "\n";
        return;
    }
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

}  // namespace vigil::test
