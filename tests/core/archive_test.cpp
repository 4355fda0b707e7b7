// Archiving never overwrites, never follows links, and tolerates a report
// another scanner already moved.
#include "archive.hpp"
#include "test_db.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace vigil::host;
namespace fs = std::filesystem;

namespace {
// A scratch directory, removed with everything in it.
struct TempDir {
    vigil::test::ScratchDir scratch;
    const fs::path& path = scratch.path();
};
void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}
// Archives as the scan does: through a handle of the log folder, then one
// of its _archive.
ArchiveOutcome archive_report(const fs::path& log, const std::string& name, std::string* archived_as, Status* st) {
    Dir dir;
    REQUIRE(Dir::open_root(log, &dir).is_ok());
    Dir archive;
    *st = open_archive_dir(dir, &archive);
    if (!st->is_ok()) return ArchiveOutcome::kFailed;
    return vigil::host::archive_report(dir, archive, name, archived_as, st);
}
}  // namespace

TEST_CASE("archive picks the next free name and never overwrites") {
    TempDir dir;
    const std::string name = "20261123_023107_ACME_PARIS_CENTRE.json";
    fs::create_directories(dir.path / "_archive");
    write(dir.path / "_archive" / name, "first");
    write(dir.path / "_archive" / "20261123_023107_ACME_PARIS_CENTRE.1.json", "second");
    write(dir.path / name, "third");

    std::string archived_as;
    Status st;
    CHECK(archive_report(dir.path, name, &archived_as, &st) == ArchiveOutcome::kMoved);
    CHECK(archived_as == "20261123_023107_ACME_PARIS_CENTRE.2.json");
    CHECK(read(dir.path / "_archive" / name) == "first");
    CHECK(read(dir.path / "_archive" / "20261123_023107_ACME_PARIS_CENTRE.1.json") == "second");
    CHECK(read(dir.path / "_archive" / archived_as) == "third");
    CHECK_FALSE(fs::exists(dir.path / name));
}

TEST_CASE("archive creates _archive/ and reports a report that is already gone") {
    TempDir dir;
    write(dir.path / "r.json", "x");
    std::string archived_as;
    Status st;
    CHECK(archive_report(dir.path, "r.json", &archived_as, &st) == ArchiveOutcome::kMoved);
    CHECK(fs::is_regular_file(dir.path / "_archive" / "r.json"));
    CHECK(archive_report(dir.path, "r.json", &archived_as, &st) == ArchiveOutcome::kAlreadyGone);
}

TEST_CASE("an _archive that is a symbolic link is refused and the report stays") {
    TempDir dir;
    TempDir elsewhere;
    fs::create_directory_symlink(elsewhere.path, dir.path / "_archive");
    write(dir.path / "r.json", "x");
    std::string archived_as;
    Status st;
    CHECK(archive_report(dir.path, "r.json", &archived_as, &st) == ArchiveOutcome::kFailed);
    CHECK_THAT(st.message(), Catch::Contains("symbolic link"));
    CHECK(fs::exists(dir.path / "r.json"));
    CHECK(fs::is_empty(elsewhere.path));
}
