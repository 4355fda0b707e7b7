#include "status_json_source.hpp"

// Prints std::optional values in failed assertions.
#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER
#include <vigil/timestamp.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

using vigil::Report;
using vigil::plugins::StatusJsonSource;
using Json = nlohmann::ordered_json;

namespace {

constexpr std::int64_t kSecond = 1000000;
// 2026-11-23T02:31:07Z and 2026-11-23T01:00:00Z
constexpr std::int64_t kEnd = 1795401067 * kSecond;
constexpr std::int64_t kStart = 1795395600 * kSecond;

const std::string kChecksum = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

Json valid_report() {
    return Json::parse(R"({
      "operation_start_time": "2026-11-23T01:00:00Z",
      "operation_end_time": "2026-11-23T02:31:07Z",
      "agent_id": "ACME_PARIS_CENTRE",
      "overall_status": "completed",
      "databases": {
        "sales": {
          "staged_file_name": "sales_20261123.sql.gz",
          "BACKUP": {"status": true, "start_time": "2026-11-23T01:00:00Z",
                     "end_time": "2026-11-23T01:30:00Z", "sha256_checksum": "00ff", "size": 1000},
          "COMPRESS": {"status": true, "start_time": "2026-11-23T01:30:00Z",
                       "end_time": "2026-11-23T02:00:00Z",
                       "sha256_checksum": "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
                       "size": 400},
          "TRANSFER": {"status": false, "start_time": "2026-11-23T02:00:00Z",
                       "end_time": "2026-11-23T02:31:07Z", "error_message": "connection reset"},
          "logs_summary": "transfer failed after 3 retries"
        },
        "hr": {
          "staged_file_name": "hr.sql.gz",
          "BACKUP": {"status": true},
          "COMPRESS": {"status": true},
          "TRANSFER": {"status": true, "error_message": null}
        }
      }
    })");
}

Report parse_text(const std::string& text) {
    StatusJsonSource source;
    return source.parse("20261123_023107_ACME_PARIS_CENTRE.json", text);
}

Report parse(const Json& doc) { return parse_text(doc.dump()); }

// The InvalidInput message for a document that must be refused.
std::string refusal_text(const std::string& text) {
    try {
        parse_text(text);
    } catch (const vigil::InvalidInput& e) {
        return e.what();
    }
    FAIL("expected vigil::InvalidInput");
    return {};
}

std::string refusal(const Json& doc) { return refusal_text(doc.dump()); }

std::int64_t end_time_of(const std::string& timestamp) {
    Json doc = valid_report();
    doc["operation_end_time"] = timestamp;
    return parse(doc).operation_end_time;
}

const vigil::Phase& sales_compress(const Report& report) { return report.databases.at(0).compress; }

}  // namespace

TEST_CASE("claims the standard report file names") {
    StatusJsonSource source;
    CHECK(source.report_agent("20261123_023107_ACME_PARIS_CENTRE.json") == "ACME_PARIS_CENTRE");
    CHECK(source.report_agent("20261123_023107_X.json"));
    CHECK_FALSE(source.report_agent("20261123_023107_.json"));
    CHECK_FALSE(source.report_agent("2026112_023107_ACME_PARIS_CENTRE.json"));
    CHECK_FALSE(source.report_agent("20261123-023107_ACME_PARIS_CENTRE.json"));
    CHECK_FALSE(source.report_agent("20261123_02310a_ACME_PARIS_CENTRE.json"));
    CHECK_FALSE(source.report_agent("20261123_023107_ACME_PARIS_CENTRE.JSON"));
    CHECK_FALSE(source.report_agent("20261123_023107_ACME_PARIS_CENTRE.json.tmp"));
    CHECK_FALSE(source.report_agent("STATUS.json"));
    CHECK_FALSE(source.report_agent(""));
}

TEST_CASE("a report with every field is read in full") {
    Report report = parse(valid_report());
    CHECK(report.operation_start_time == kStart);
    CHECK(report.operation_end_time == kEnd);
    CHECK(report.agent_id == "ACME_PARIS_CENTRE");
    CHECK(report.overall_status == "completed");
    REQUIRE(report.databases.size() == 2);

    const vigil::DatabaseReport& sales = report.databases[0];
    CHECK(sales.database_name == "sales");
    CHECK(sales.staged_file_name == "sales_20261123.sql.gz");
    CHECK(sales.backup.status);
    CHECK(sales.backup.start_time == kStart);
    CHECK(sales.backup.end_time == kStart + 1800 * kSecond);
    CHECK(sales.backup.sha256_checksum == "00ff");
    CHECK(sales.backup.size == 1000);
    CHECK(sales.compress.status);
    CHECK(sales.compress.start_time == kStart + 1800 * kSecond);
    CHECK(sales.compress.end_time == kStart + 3600 * kSecond);
    // Kept as written: the host compares checksums case-insensitively.
    CHECK(sales.compress.sha256_checksum == "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08");
    CHECK(sales.compress.size == 400);
    CHECK_FALSE(sales.transfer.status);
    CHECK(sales.transfer.end_time == kEnd);
    CHECK(sales.transfer.error_message == "connection reset");
    CHECK_FALSE(sales.transfer.sha256_checksum.has_value());
    CHECK(sales.transfer.size == vigil::kNoSize);
    CHECK(sales.logs_summary == "transfer failed after 3 retries");

    const vigil::DatabaseReport& hr = report.databases[1];
    CHECK(hr.database_name == "hr");
    CHECK(hr.backup.start_time == vigil::kNoTime);
    CHECK(hr.backup.end_time == vigil::kNoTime);
    CHECK_FALSE(hr.compress.sha256_checksum.has_value());
    CHECK(hr.compress.size == vigil::kNoSize);
    CHECK_FALSE(hr.transfer.error_message.has_value());
    CHECK_FALSE(hr.logs_summary.has_value());
}

TEST_CASE("overall_status failed_globally is accepted") {
    Json doc = valid_report();
    doc["overall_status"] = "failed_globally";
    CHECK(parse(doc).overall_status == "failed_globally");
}

TEST_CASE("a leading UTF-8 BOM is accepted") {
    Report report = parse_text("\xEF\xBB\xBF" + valid_report().dump());
    CHECK(report.agent_id == "ACME_PARIS_CENTRE");
    CHECK(report.databases.size() == 2);
}

TEST_CASE("timestamps in every accepted form") {
    SECTION("an offset is converted to UTC") {
        CHECK(end_time_of("2026-11-23T03:31:07+01:00") == kEnd);
        CHECK(end_time_of("2026-11-23T00:31:07-02:00") == kEnd);
    }
    SECTION("naive times are UTC") {
        CHECK(end_time_of("2026-11-23T02:31:07") == kEnd);
        CHECK(end_time_of("2026-11-23 02:31:07") == kEnd);
    }
    SECTION("fractional seconds are kept to the microsecond") {
        CHECK(end_time_of("2026-11-23T02:31:07.5Z") == kEnd + 500000);
        CHECK(end_time_of("2026-11-23T02:31:07.123456789Z") == kEnd + 123456);
        CHECK(end_time_of("2026-11-23 02:31:07.25") == kEnd + 250000);
    }
}

TEST_CASE("an unparseable required timestamp names the field and the value") {
    Json doc = valid_report();
    doc["operation_end_time"] = "2026-13-01T00:00:00Z";
    CHECK(refusal(doc) == R"(field "operation_end_time": "2026-13-01T00:00:00Z" is not an ISO-8601 timestamp)");
    doc["operation_end_time"] = "2026-02-30T00:00:00Z";
    CHECK(refusal(doc) == R"(field "operation_end_time": "2026-02-30T00:00:00Z" is not an ISO-8601 timestamp)");
    doc = valid_report();
    doc["operation_start_time"] = "yesterday";
    CHECK(refusal(doc) == R"(field "operation_start_time": "yesterday" is not an ISO-8601 timestamp)");
}

TEST_CASE("each missing required field is named") {
    auto missing = [](const std::string& path) {
        return "field \"" + path + "\": required field is missing";
    };
    for (const char* key : {"operation_start_time", "operation_end_time", "agent_id", "overall_status", "databases"}) {
        Json doc = valid_report();
        doc.erase(key);
        CHECK(refusal(doc) == missing(key));
    }
    for (const char* key : {"staged_file_name", "BACKUP", "COMPRESS", "TRANSFER"}) {
        Json doc = valid_report();
        doc["databases"]["sales"].erase(key);
        CHECK(refusal(doc) == missing(std::string("databases.sales.") + key));
    }
    for (const char* phase : {"BACKUP", "COMPRESS", "TRANSFER"}) {
        Json doc = valid_report();
        doc["databases"]["hr"][phase].erase("status");
        CHECK(refusal(doc) == missing(std::string("databases.hr.") + phase + ".status"));
    }
}

TEST_CASE("a boolean written as a string is refused") {
    Json doc = valid_report();
    doc["databases"]["sales"]["COMPRESS"]["status"] = "true";
    CHECK(refusal(doc) == R"(field "databases.sales.COMPRESS.status": expected a boolean, found a string)");
    doc["databases"]["sales"]["COMPRESS"]["status"] = 1;
    CHECK(refusal(doc) == R"(field "databases.sales.COMPRESS.status": expected a boolean, found a number)");
    doc["databases"]["sales"]["COMPRESS"]["status"] = nullptr;
    CHECK(refusal(doc) == R"(field "databases.sales.COMPRESS.status": expected a boolean, found null)");
}

TEST_CASE("a number where a string is required is refused") {
    Json doc = valid_report();
    doc["agent_id"] = 42;
    CHECK(refusal(doc) == R"(field "agent_id": expected a string, found a number)");
    doc = valid_report();
    doc["databases"]["hr"]["staged_file_name"] = 7;
    CHECK(refusal(doc) == R"(field "databases.hr.staged_file_name": expected a string, found a number)");
    doc = valid_report();
    doc["operation_start_time"] = 1795395600;
    CHECK(refusal(doc) == R"(field "operation_start_time": expected a string, found a number)");
}

TEST_CASE("overall_status must be one of the two values") {
    Json doc = valid_report();
    doc["overall_status"] = "Completed";
    CHECK(refusal(doc) == R"(field "overall_status": expected "completed" or "failed_globally", found "Completed")");
}

TEST_CASE("containers of the wrong type are refused") {
    Json doc = valid_report();
    doc["databases"] = Json::array();
    CHECK(refusal(doc) == R"(field "databases": expected an object, found an array)");
    doc = valid_report();
    doc["databases"]["sales"] = "sales.sql.gz";
    CHECK(refusal(doc) == R"(field "databases.sales": expected an object, found a string)");
    doc = valid_report();
    doc["databases"]["sales"]["TRANSFER"] = true;
    CHECK(refusal(doc) == R"(field "databases.sales.TRANSFER": expected an object, found a boolean)");
}

TEST_CASE("bytes that are not a JSON object are refused") {
    std::string text = valid_report().dump();
    SECTION("truncated") {
        std::string message = refusal_text(text.substr(0, text.size() / 2));
        CHECK_THAT(message, Catch::Matchers::StartsWith("report is not valid JSON"));
        CHECK_THAT(refusal_text(text.substr(0, text.size() - 1)), Catch::Matchers::StartsWith("report is not valid JSON"));
    }
    SECTION("invalid UTF-8") {
        Json doc = valid_report();
        doc["databases"]["sales"]["logs_summary"] = "caf\xC3\xA9";
        std::string bytes = doc.dump();
        bytes.replace(bytes.find("\xC3\xA9"), 2, "\xE9");
        CHECK(refusal_text(bytes) == "report is not valid UTF-8");
    }
    SECTION("top-level array") {
        CHECK(refusal_text("[" + text + "]") == "report: expected a JSON object at the top level, found an array");
    }
    SECTION("empty") {
        CHECK(refusal_text("") == "report is empty: no JSON value");
        CHECK(refusal_text("\xEF\xBB\xBF  \n") == "report is empty: no JSON value");
    }
    SECTION("trailing content") {
        CHECK_THAT(refusal_text(text + " {}"), Catch::Matchers::StartsWith("report is not valid JSON"));
    }
}

TEST_CASE("an empty databases object is valid") {
    Json doc = valid_report();
    doc["databases"] = Json::object();
    Report report = parse(doc);
    CHECK(report.databases.empty());
    CHECK(report.operation_end_time == kEnd);
}

TEST_CASE("unknown keys are ignored") {
    Json doc = valid_report();
    doc["agent_version"] = "2.1";
    doc["host"] = {{"name", "srv1"}, {"ip", Json::array({1, 2})}};
    doc["databases"]["sales"]["retention_days"] = 30;
    doc["databases"]["sales"]["COMPRESS"]["level"] = 9;
    Report report = parse(doc);
    REQUIRE(report.databases.size() == 2);
    CHECK(sales_compress(report).size == 400);
}

TEST_CASE("optional fields that are null, absent or unusable count as absent") {
    Json doc = valid_report();
    Json& compress = doc["databases"]["sales"]["COMPRESS"];
    Json& transfer = doc["databases"]["sales"]["TRANSFER"];

    SECTION("null") {
        compress["sha256_checksum"] = nullptr;
        compress["size"] = nullptr;
        compress["start_time"] = nullptr;
        transfer["error_message"] = nullptr;
        doc["databases"]["sales"]["logs_summary"] = nullptr;
    }
    SECTION("absent") {
        compress.erase("sha256_checksum");
        compress.erase("size");
        compress.erase("start_time");
        transfer.erase("error_message");
        doc["databases"]["sales"].erase("logs_summary");
    }
    SECTION("wrong type") {
        compress["sha256_checksum"] = 12345;
        compress["size"] = "400";
        compress.erase("start_time");
        transfer["error_message"] = Json::object();
        doc["databases"]["sales"]["logs_summary"] = Json::array({"a", "b"});
    }
    SECTION("unusable sizes") {
        compress.erase("sha256_checksum");
        transfer.erase("error_message");
        doc["databases"]["sales"].erase("logs_summary");
        compress.erase("start_time");
        SECTION("negative") { compress["size"] = -1; }
        SECTION("fractional") { compress["size"] = 400.5; }
        SECTION("integral but written as a fraction") { compress["size"] = 400.0; }
        SECTION("beyond int64") { compress["size"] = 18446744073709551615ULL; }
    }
    Report report = parse(doc);
    const vigil::DatabaseReport& sales = report.databases.at(0);
    CHECK_FALSE(sales.compress.sha256_checksum.has_value());
    CHECK(sales.compress.size == vigil::kNoSize);
    CHECK(sales.compress.start_time == vigil::kNoTime);
    CHECK(sales.compress.end_time == kStart + 3600 * kSecond);
    CHECK_FALSE(sales.transfer.error_message.has_value());
    CHECK_FALSE(sales.logs_summary.has_value());
}

TEST_CASE("an optional timestamp that is present must parse: the report is invalid otherwise") {
    Json doc = valid_report();
    Json& compress = doc["databases"]["sales"]["COMPRESS"];
    compress["start_time"] = "2026-11-23T25:00:00Z";
    CHECK(refusal(doc) ==
          R"(field "databases.sales.COMPRESS.start_time": "2026-11-23T25:00:00Z" is not an ISO-8601 timestamp)");
    compress["start_time"] = 1795395600;
    CHECK(refusal(doc) == R"(field "databases.sales.COMPRESS.start_time": expected a timestamp string, found a number)");
}

TEST_CASE("a timestamp outside 1970..9999 (in UTC) makes the report invalid, in every timestamp field") {
    const std::string range = "is outside 1970-01-01T00:00:00Z..9999-12-31T23:59:59Z once converted to UTC";
    for (const char* text : {"0000-01-01T00:00:00Z", "9999-12-31T23:30:00-01:00", "1969-12-31T23:59:59Z",
                             "1970-01-01T00:30:00+01:00"}) {
        for (const std::vector<std::string>& field :
             std::vector<std::vector<std::string>>{{"operation_start_time"},
                                                   {"operation_end_time"},
                                                   {"databases", "sales", "BACKUP", "start_time"},
                                                   {"databases", "sales", "BACKUP", "end_time"},
                                                   {"databases", "sales", "COMPRESS", "start_time"},
                                                   {"databases", "sales", "COMPRESS", "end_time"},
                                                   {"databases", "sales", "TRANSFER", "start_time"},
                                                   {"databases", "sales", "TRANSFER", "end_time"}}) {
            Json doc = valid_report();
            Json* node = &doc;
            std::string path;
            for (const std::string& key : field) {
                node = &(*node)[key];
                path += (path.empty() ? "" : ".") + key;
            }
            *node = text;
            INFO(path << " = " << text);
            CHECK(refusal(doc) == "field \"" + path + "\": \"" + text + "\" " + range);
        }
    }
}

TEST_CASE("the first and last instants of the range are accepted") {
    CHECK(end_time_of("1970-01-01T00:00:00Z") == 0);
    CHECK(end_time_of("1970-01-01T01:00:00+01:00") == 0);
    CHECK(end_time_of("9999-12-31T23:59:59Z") == vigil::kLatestReportTime);
    CHECK(end_time_of("9999-12-31T22:59:59-01:00") == vigil::kLatestReportTime);
}

TEST_CASE("a size of zero and the largest int64 are kept") {
    Json doc = valid_report();
    doc["databases"]["sales"]["COMPRESS"]["size"] = 0;
    CHECK(sales_compress(parse(doc)).size == 0);
    doc["databases"]["sales"]["COMPRESS"]["size"] = INT64_MAX;
    CHECK(sales_compress(parse(doc)).size == INT64_MAX);
}

TEST_CASE("another report layout is declined") {
    StatusJsonSource source;
    SECTION("an older layout with operation_timestamp") {
        Json doc = valid_report();
        doc.erase("operation_start_time");
        doc.erase("operation_end_time");
        doc["operation_timestamp"] = "2026-11-23T02:31:07Z";
        CHECK_THROWS_AS(source.parse("x.json", doc.dump()), vigil::Declined);
    }
    SECTION("an object sharing no field with this layout") {
        CHECK_THROWS_AS(source.parse("x.json", R"({"operation_timestamp": "2026-11-23T02:31:07Z", "jobs": []})"),
                        vigil::Declined);
        CHECK_THROWS_AS(source.parse("x.json", R"({"version": 3})"), vigil::Declined);
    }
    SECTION("but not an empty object, nor one that only lacks some fields") {
        CHECK(refusal_text("{}") == R"(field "operation_start_time": required field is missing)");
        Json doc = valid_report();
        doc.erase("operation_end_time");
        doc["operation_timestamp"] = "2026-11-23T02:31:07Z";
        CHECK(refusal(doc) == R"(field "operation_end_time": required field is missing)");
    }
}

TEST_CASE("a key written twice is refused as ambiguous") {
    std::string text = valid_report().dump();
    std::string twice = text;
    twice.insert(1, R"("agent_id":"OTHER_AGENT_X",)");
    CHECK(refusal_text(twice) == R"(field "agent_id": appears more than once)");

    std::string status = text;
    status.replace(status.find(R"("status":true)"), 13, R"("status":true,"status":false)");
    CHECK(refusal_text(status) == R"(field "databases.sales.BACKUP.status": appears more than once)");

    std::string database = text;
    std::string hr = R"("hr":)";
    database.replace(database.find(hr), hr.size(), R"("sales":)");
    CHECK(refusal_text(database) == R"(field "databases.sales": appears more than once)");
}

TEST_CASE("a NUL inside a string the host relies on is refused") {
    std::string text = valid_report().dump();
    std::string name = text;
    name.replace(name.find("hr.sql.gz"), 9, R"(hr\u0000.sql.gz)");
    CHECK(refusal_text(name) == R"(field "databases.hr.staged_file_name": contains a NUL character)");

    std::string summary = text;
    summary.replace(summary.find("transfer failed"), 15, R"(transfer\u0000failed)");
    CHECK_FALSE(parse_text(summary).databases.at(0).logs_summary.has_value());
}

TEST_CASE("agent text in messages is escaped and shortened") {
    Json doc = valid_report();
    doc["databases"]["we\"ird\nname"] = 1;
    CHECK(refusal(doc) == R"(field "databases.we\"ird\u000aname": expected an object, found a number)");

    doc = valid_report();
    doc["operation_end_time"] = std::string(100, '9');
    CHECK(refusal(doc) ==
          "field \"operation_end_time\": \"" + std::string(64, '9') + "...\" is not an ISO-8601 timestamp");
}

TEST_CASE("one source parses many reports in turn") {
    StatusJsonSource source;
    Json doc = valid_report();
    for (int i = 0; i < 3; ++i) {
        doc["agent_id"] = "AGENT_" + std::to_string(i) + "_X";
        CHECK(source.parse("x.json", doc.dump()).agent_id == "AGENT_" + std::to_string(i) + "_X");
        CHECK_THROWS_AS(source.parse("x.json", "[]"), vigil::InvalidInput);
    }
}
