// gzip and zstd configured together: each checks the files of its own
// format (magic number or extension) and lets the others pass unread.
#include "gzip_check.hpp"
#include "zstd_check.hpp"

#include "check_support.hpp"
#include "compressed.hpp"

#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER
#include <catch2/catch.hpp>

#include <string>

using vigil::CheckResult;
using vigil::plugins::GzipCheck;
using vigil::plugins::ZstdCheck;
using vigil::test::check_whole;
using vigil::test::gzip;
using vigil::test::sample;
using vigil::test::zstd_frame;

namespace {

const std::string kNotGzip = "not a gzip file (not checked)";
const std::string kNotZstd = "not a zstd file (not checked)";

CheckResult gzip_check(const std::string& name, const std::string& data) {
    GzipCheck check;
    return check_whole(check, name, data);
}

CheckResult zstd_check(const std::string& name, const std::string& data) {
    ZstdCheck check;
    check.configure({});
    return check_whole(check, name, data);
}

void passes_unchecked(const CheckResult& result, const std::string& note) {
    CHECK(result.passed);
    CHECK(result.message == note);
}

}  // namespace

TEST_CASE("gate: a zstd file goes through gzip unread, and a gzip file through zstd") {
    const std::string zst = zstd_frame(sample(20000));
    const std::string gz = gzip(sample(20000));
    passes_unchecked(gzip_check("EL_HADJ_BAFOUSSAM_2025.zst", zst), kNotGzip);
    passes_unchecked(gzip_check("backup.bin", zst), kNotGzip);
    passes_unchecked(zstd_check("sales.sql.gz", gz), kNotZstd);
    passes_unchecked(zstd_check("backup.bin", gz), kNotZstd);
    // And each still checks its own.
    CHECK(gzip_check("sales.sql.gz", gz).passed);
    CHECK(zstd_check("EL_HADJ_BAFOUSSAM_2025.zst", zst).passed);
}

TEST_CASE("gate: a file named for the format is checked whatever its first bytes") {
    CHECK(gzip_check("sales.sql.gz", "plain SQL dump\n").message ==
          "not a valid gzip stream: incorrect header check at byte 0");
    CHECK(gzip_check("SALES.SQL.GZ", "plain SQL dump\n").message ==
          "not a valid gzip stream: incorrect header check at byte 0");
    // A zstd stream misnamed .gz is not a gzip stream either.
    CHECK_FALSE(gzip_check("sales.sql.gz", zstd_frame("x")).passed);
    CHECK(zstd_check("x.zst", "plain SQL dump\n").message ==
          "not a valid zstd stream: Unknown frame descriptor at byte 0");
    CHECK(zstd_check("X.ZsT", "plain SQL dump\n").message ==
          "not a valid zstd stream: Unknown frame descriptor at byte 0");
    CHECK(gzip_check("empty.gz", "").message == "not a valid gzip stream: the file is empty");
    CHECK(zstd_check("empty.zst", "").message == "not a valid zstd stream: the file is empty");
}

TEST_CASE("gate: a file that starts with the magic number is checked whatever its name") {
    const std::string gz = gzip(sample(50000));
    CHECK(gzip_check("backup.dump", gz).passed);
    CHECK(gzip_check("backup.dump", gz.substr(0, gz.size() / 2)).message ==
          "truncated gzip stream (ended at byte " + std::to_string(gz.size() / 2) + ")");
    const std::string zst = zstd_frame(sample(50000));
    CHECK(zstd_check("backup.dump", zst).passed);
    CHECK(zstd_check("backup.dump", zst + "junk").message ==
          "trailing garbage after the last zstd frame at byte " + std::to_string(zst.size()));
}

TEST_CASE("gate: gzip files get the same verdict under any name") {
    const std::string gz = gzip(sample(30000));
    std::string corrupt = gz;
    corrupt[corrupt.size() - 6] = static_cast<char>(corrupt[corrupt.size() - 6] ^ 0x5A);
    for (const std::string& data : {gz, gz + gzip("second"), gz.substr(0, 100), gz + "garbage", corrupt,
                                    gz.substr(0, 2), gz.substr(0, 1)}) {
        const CheckResult named = gzip_check("sales.sql.gz", data);
        if (data.size() < 2) {
            // One byte cannot show the two-byte magic number.
            passes_unchecked(gzip_check("sales.dump", data), kNotGzip);
            continue;
        }
        const CheckResult unnamed = gzip_check("sales.dump", data);
        CHECK(unnamed.passed == named.passed);
        CHECK(unnamed.message == named.message);
    }
}

TEST_CASE("gate: files of neither format pass both checks unread") {
    for (const std::string& data : {std::string("CREATE TABLE t (id int);\n"), std::string(""), std::string("\x1f"),
                                    std::string("\x28\xB5\x2F"), std::string("\x1f\x8c rest")}) {
        passes_unchecked(gzip_check("sales.sql", data), kNotGzip);
        passes_unchecked(zstd_check("sales.sql", data), kNotZstd);
    }
}
