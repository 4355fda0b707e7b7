// File access through directory handles: one component at a time, never
// through a symbolic link, never blocking on a FIFO, reads stopped at a
// limit whatever the file grew to.
#include "files.hpp"
#include "test_db.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <fstream>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

using namespace vigil::host;
namespace fs = std::filesystem;

namespace {
using TempDir = vigil::test::ScratchDir;

Dir open(const fs::path& path) {
    Dir dir;
    REQUIRE(Dir::open_root(path, &dir).is_ok());
    return dir;
}

std::string read_all(const OpenFile& file, std::int64_t limit, std::int64_t* read) {
    std::string bytes;
    REQUIRE(stream_file(file, "f", limit,
                        [&](const unsigned char* data, std::size_t n) { bytes.append(reinterpret_cast<const char*>(data), n); },
                        read)
                .is_ok());
    return bytes;
}
}  // namespace

TEST_CASE("a directory is opened one component at a time and never through a symbolic link") {
    TempDir t;
    TempDir elsewhere;
    fs::create_directories(t.path() / "agent" / "log");
    fs::create_directory_symlink(elsewhere.path(), t.path() / "agent" / "database");
    std::ofstream(t.path() / "agent" / "file") << "x";
    const Dir root = open(t.path());

    Dir agent, log, out;
    FileKind found = FileKind::kError;
    REQUIRE(root.open_dir("agent", &agent, &found).is_ok());
    CHECK(found == FileKind::kDirectory);
    CHECK(agent.open_dir("log", &log).is_ok());

    Status st = agent.open_dir("database", &out, &found);
    CHECK(found == FileKind::kSymlink);
    CHECK(st.code() == Status::Code::kIo);
    CHECK_THAT(st.message(), Catch::Contains("database") && Catch::Contains("symbolic link"));
    CHECK_FALSE(out.is_open());

    CHECK(agent.open_dir("file", &out, &found).code() == Status::Code::kIo);
    CHECK(found == FileKind::kRegular);
    CHECK(agent.open_dir("absent", &out, &found).code() == Status::Code::kNotFound);
    CHECK(found == FileKind::kMissing);
    for (const char* name : {"..", ".", "agent/log", ""}) {
        INFO(name);
        CHECK_FALSE(root.open_dir(name, &out).is_ok());
        CHECK_FALSE(out.is_open());
    }
}

TEST_CASE("kind_of judges a name without following it") {
    TempDir t;
    fs::create_directory(t.path() / "d");
    std::ofstream(t.path() / "f") << "x";
    fs::create_symlink(t.path() / "f", t.path() / "l");
    REQUIRE(::mkfifo((t.path() / "p").c_str(), 0644) == 0);
    const Dir root = open(t.path());
    CHECK(root.kind_of("d") == FileKind::kDirectory);
    CHECK(root.kind_of("f") == FileKind::kRegular);
    CHECK(root.kind_of("l") == FileKind::kSymlink);
    CHECK(root.kind_of("p") == FileKind::kOther);
    CHECK(root.kind_of("none") == FileKind::kMissing);
    CHECK(root.kind_of("../f") == FileKind::kError);
}

TEST_CASE("only a regular file is opened for reading: symbolic links and FIFOs are refused without blocking") {
    TempDir t;
    std::ofstream(t.path() / "f") << "content";
    fs::create_symlink(t.path() / "f", t.path() / "l");
    REQUIRE(::mkfifo((t.path() / "p").c_str(), 0644) == 0);
    fs::create_directory(t.path() / "d");
    const Dir root = open(t.path());

    OpenFile file;
    REQUIRE(open_regular_file(root, "f", &file).is_ok());
    CHECK(file.st.st_size == 7);
    std::int64_t read = 0;
    CHECK(read_all(file, -1, &read) == "content");

    Status st = open_regular_file(root, "l", &file);
    CHECK_THAT(st.message(), Catch::Contains("symbolic link"));
    st = open_regular_file(root, "p", &file);  // would block forever without O_NONBLOCK
    CHECK_THAT(st.message(), Catch::Contains("FIFO"));
    st = open_regular_file(root, "d", &file);
    CHECK_THAT(st.message(), Catch::Contains("directory"));
    CHECK(open_regular_file(root, "gone", &file).code() == Status::Code::kNotFound);
}

TEST_CASE("a read stops at its limit whatever the file grew to after it was opened") {
    TempDir t;
    std::ofstream(t.path() / "f") << "small";
    const Dir root = open(t.path());
    OpenFile file;
    REQUIRE(open_regular_file(root, "f", &file).is_ok());
    REQUIRE(::truncate((t.path() / "f").c_str(), 400LL * 1024 * 1024) == 0);  // sparse
    std::int64_t read = 0;
    const std::string bytes = read_all(file, 1024 * 1024 + 1, &read);
    CHECK(read == 1024 * 1024 + 1);
    CHECK(bytes.size() == 1024 * 1024 + 1);
    CHECK(bytes.substr(0, 5) == "small");
}

TEST_CASE("a directory is listed through its handle, even after it was renamed") {
    TempDir t;
    fs::create_directories(t.path() / "log");
    for (const char* name : {"a", "b", "c"}) std::ofstream(t.path() / "log" / name) << name;
    const Dir root = open(t.path());
    Dir log;
    REQUIRE(root.open_dir("log", &log).is_ok());
    fs::rename(t.path() / "log", t.path() / "moved");
    fs::create_directory_symlink(t.path(), t.path() / "log");
    for (int pass = 0; pass < 2; ++pass) {  // a second listing starts from the beginning again
        std::set<std::string> names;
        REQUIRE(log.list([&](std::string_view name) { names.emplace(name); }).is_ok());
        CHECK(names == std::set<std::string>{"a", "b", "c"});
    }
}

TEST_CASE("make_dir creates a directory inside the handle and accepts one that exists") {
    TempDir t;
    const Dir root = open(t.path());
    CHECK(root.make_dir("_archive").is_ok());
    CHECK(root.make_dir("_archive").is_ok());
    CHECK(fs::is_directory(t.path() / "_archive"));
    CHECK_FALSE(root.make_dir("../x").is_ok());
}
