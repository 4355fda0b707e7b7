// Databases for tests that run against every storage backend available.
#ifndef VIGIL_TEST_SUPPORT_TEST_DB_HPP
#define VIGIL_TEST_SUPPORT_TEST_DB_HPP

#include <filesystem>
#include <string>
#include <vector>

namespace vigil::test {

// "sqlite", plus "postgresql" when the environment variable VIGIL_TEST_PG
// holds an admin conninfo (see tests/support/pg-server).
std::vector<std::string> storage_backends();

// The `database.url` of a new, empty database of `backend`:
//   sqlite:     sqlite3://db=<scratch_dir>/vigil.db
//   postgresql: a newly created, uniquely named database on the VIGIL_TEST_PG
//               server, as postgresql://host=... port=... dbname=<new> user=...
// Throws std::runtime_error when the backend is unknown or unreachable.
std::string fresh_database_url(const std::string& backend, const std::filesystem::path& scratch_dir);

// A new directory under /tmp, removed with its contents at destruction
// unless the environment variable VIGIL_KEEP_SCRATCH is set.
class ScratchDir {
public:
    ScratchDir();
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace vigil::test

#endif  // VIGIL_TEST_SUPPORT_TEST_DB_HPP
