#include "status_json_v1_source.hpp"

#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

using vigil::Report;
using vigil::plugins::StatusJsonV1Source;
using Json = nlohmann::ordered_json;

namespace {

constexpr std::int64_t kSecond = 1000000;
// 2026-11-23T02:31:07Z
constexpr std::int64_t kEnd = INT64_C(1795401067) * kSecond;
// 2026-11-23T01:30:00Z, 02:00:00Z
constexpr std::int64_t kBackupEnd = INT64_C(1795397400) * kSecond;
constexpr std::int64_t kCompressEnd = INT64_C(1795399200) * kSecond;

Json valid_report() {
    return Json::parse(R"({
      "operation_timestamp": "2026-11-23T02:31:07Z",
      "agent_id": "ACME_PARIS_CENTRE",
      "overall_status": "completed",
      "databases": {
        "sales": {
          "staged_file_name": "sales_20261123.sql.gz",
          "backup_process": {"status": true, "timestamp": "2026-11-23T01:30:00Z"},
          "compress_process": {"status": true, "timestamp": "2026-11-23T02:00:00Z",
                               "sha256_checksum": "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
                               "size_bytes": 400},
          "transfer_process": {"status": false, "timestamp": "2026-11-23T02:31:07Z"}
        },
        "hr": {
          "backup_process": {"status": true},
          "compress_process": {"status": true},
          "transfer_process": {"status": true}
        }
      }
    })");
}

Report parse_text(const std::string& text) {
    StatusJsonV1Source source;
    return source.parse("20261123_023107_ACME_PARIS_CENTRE.json", text);
}

Report parse(const Json& doc) { return parse_text(doc.dump()); }

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

std::string declined(const Json& doc) {
    try {
        parse(doc);
    } catch (const vigil::Declined& e) {
        return e.what();
    }
    FAIL("expected vigil::Declined");
    return {};
}

Json& sales(Json& doc) { return doc["databases"]["sales"]; }

}  // namespace

TEST_CASE("v1: claims the standard report file names, as status_json does") {
    StatusJsonV1Source source;
    for (const char* name : {"20261123_023107_ACME_PARIS_CENTRE.json", "2025-06-20_08-37-35_ACME_PARIS_CENTRE.json",
                             "STATUS.json", "20261123_023107_.json"}) {
        INFO(name);
        CHECK(source.report_agent(name) == vigil::standard_report_agent(name));
    }
}

TEST_CASE("v1: a full report maps onto the normalised report") {
    Report report = parse(valid_report());
    CHECK(report.operation_end_time == kEnd);
    CHECK(report.operation_start_time == kBackupEnd);
    CHECK(report.agent_id == "ACME_PARIS_CENTRE");
    CHECK(report.overall_status == "completed");
    REQUIRE(report.databases.size() == 2);

    const vigil::DatabaseReport& s = report.databases[0];
    CHECK(s.database_name == "sales");
    CHECK(s.staged_file_name == "sales_20261123.sql.gz");
    CHECK(s.backup.status);
    CHECK(s.backup.start_time == vigil::kNoTime);
    CHECK(s.backup.end_time == kBackupEnd);
    CHECK(s.backup.sha256_checksum == std::nullopt);
    CHECK(s.backup.size == vigil::kNoSize);
    CHECK(s.compress.status);
    CHECK(s.compress.end_time == kCompressEnd);
    CHECK(s.compress.sha256_checksum == "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08");
    CHECK(s.compress.size == 400);
    CHECK_FALSE(s.transfer.status);
    CHECK(s.transfer.end_time == kEnd);
    CHECK(s.transfer.error_message == std::nullopt);
    CHECK(s.logs_summary == std::nullopt);

    const vigil::DatabaseReport& h = report.databases[1];
    CHECK(h.database_name == "hr");
    CHECK(h.staged_file_name == "hr.sql.gz");
    CHECK(h.compress.sha256_checksum == std::nullopt);
    CHECK(h.compress.size == vigil::kNoSize);
    CHECK(h.backup.end_time == vigil::kNoTime);
}

TEST_CASE("v1: the start time is the earliest phase timestamp or the operation timestamp") {
    Json doc = valid_report();
    SECTION("no phase timestamps: start = end") {
        for (const char* p : {"backup_process", "compress_process", "transfer_process"}) sales(doc)[p].erase("timestamp");
        CHECK(parse(doc).operation_start_time == kEnd);
    }
    SECTION("a phase timestamp after the operation's does not move the start past the end") {
        doc["databases"].erase("hr");
        for (const char* p : {"backup_process", "compress_process", "transfer_process"}) {
            sales(doc)[p]["timestamp"] = "2026-11-23T03:00:00Z";
        }
        Report r = parse(doc);
        CHECK(r.operation_start_time == kEnd);
        CHECK(r.databases[0].transfer.end_time == kEnd + (28 * 60 + 53) * kSecond);
    }
    SECTION("phases of every database count") {
        doc["databases"]["hr"]["compress_process"]["timestamp"] = "2026-11-23T00:15:00+01:00";
        CHECK(parse(doc).operation_start_time == INT64_C(1795389300) * kSecond);  // 2026-11-22T23:15:00Z
    }
    SECTION("an empty report starts when it ends") {
        doc["databases"] = Json::object();
        CHECK(parse(doc).operation_start_time == kEnd);
    }
}

TEST_CASE("v1: a leading BOM is accepted") {
    Report report = parse_text("\xEF\xBB\xBF" + valid_report().dump());
    CHECK(report.agent_id == "ACME_PARIS_CENTRE");
}

TEST_CASE("v1: required fields are checked with the field's path") {
    Json doc = valid_report();
    SECTION("operation_timestamp missing") {
        doc.erase("operation_timestamp");
        CHECK(refusal(doc) == R"(field "operation_timestamp": required field is missing)");
    }
    SECTION("operation_timestamp unparseable") {
        doc["operation_timestamp"] = "2026-02-30T00:00:00Z";
        CHECK(refusal(doc) == R"(field "operation_timestamp": "2026-02-30T00:00:00Z" is not an ISO-8601 timestamp)");
    }
    SECTION("agent_id null") {
        doc["agent_id"] = nullptr;
        CHECK(refusal(doc) == R"(field "agent_id": expected a string, found null)");
    }
    SECTION("overall_status unknown") {
        doc["overall_status"] = "Completed";
        CHECK(refusal(doc) == R"(field "overall_status": expected "completed" or "failed_globally", found "Completed")");
    }
    SECTION("databases missing") {
        doc.erase("databases");
        CHECK(refusal(doc) == R"(field "databases": required field is missing)");
    }
    SECTION("a database that is not an object") {
        doc["databases"]["hr"] = "hr.sql.gz";
        CHECK(refusal(doc) == R"(field "databases.hr": expected an object, found a string)");
    }
    SECTION("a process block missing") {
        sales(doc).erase("transfer_process");
        CHECK(refusal(doc) == R"(field "databases.sales.transfer_process": required field is missing)");
    }
    SECTION("a status that is not a boolean") {
        sales(doc)["compress_process"]["status"] = 1;
        CHECK(refusal(doc) == R"(field "databases.sales.compress_process.status": expected a boolean, found a number)");
    }
    SECTION("staged_file_name present but null") {
        sales(doc)["staged_file_name"] = nullptr;
        CHECK(refusal(doc) == R"(field "databases.sales.staged_file_name": expected a string, found null)");
    }
    SECTION("a NUL in agent_id") {
        CHECK(refusal_text(R"({"operation_timestamp": "2026-11-23T02:31:07Z", "agent_id": "A\u0000B",
                              "overall_status": "completed", "databases": {}})") ==
              R"(field "agent_id": contains a NUL character)");
    }
    SECTION("a key written twice") {
        CHECK(refusal_text(R"({"operation_timestamp": "2026-11-23T02:31:07Z", "agent_id": "A",
                              "agent_id": "B", "overall_status": "completed", "databases": {}})") ==
              R"(field "agent_id": appears more than once)");
    }
    SECTION("a database written twice") {
        const std::string block = R"({"backup_process": {"status": true}, "compress_process": {"status": true},
                                      "transfer_process": {"status": true}})";
        CHECK(refusal_text(R"({"operation_timestamp": "2026-11-23T02:31:07Z", "agent_id": "A",
                              "overall_status": "completed", "databases": {"x": )" + block + ", \"x\": " + block + "}}") ==
              R"(field "databases.x": appears more than once)");
    }
    SECTION("a hostile database name is escaped and cut in the message") {
        doc["databases"] = Json::object();
        doc["databases"][std::string("a\"b\n") + std::string(100, 'x')] = 1;
        CHECK(refusal(doc) == "field \"databases.a\\\"b\\u000a" + std::string(60, 'x') +
                                  "...\": expected an object, found a number");
    }
}

TEST_CASE("v1: unusable optional fields count as absent") {
    Json doc = valid_report();
    auto& compress = sales(doc)["compress_process"];
    SECTION("wrong types") {
        compress["sha256_checksum"] = 42;
        compress["size_bytes"] = "400";
        compress["timestamp"] = nullptr;
        Report r = parse(doc);
        CHECK(r.databases[0].compress.sha256_checksum == std::nullopt);
        CHECK(r.databases[0].compress.size == vigil::kNoSize);
        CHECK(r.databases[0].compress.end_time == vigil::kNoTime);
    }
    SECTION("sizes that are not byte counts") {
        for (const char* text : {"-1", "400.0", "4e2", "9223372036854775808"}) {
            std::string body = doc.dump();
            body.replace(body.find("\"size_bytes\":400"), 16, std::string("\"size_bytes\":") + text);
            INFO(text);
            CHECK(parse_text(body).databases[0].compress.size == vigil::kNoSize);
        }
    }
    SECTION("a checksum and size written on the other phases are ignored") {
        sales(doc)["backup_process"]["sha256_checksum"] = "00ff";
        sales(doc)["backup_process"]["size_bytes"] = 1000;
        Report r = parse(doc);
        CHECK(r.databases[0].backup.sha256_checksum == std::nullopt);
        CHECK(r.databases[0].backup.size == vigil::kNoSize);
    }
    SECTION("an empty staged_file_name is kept for the host to judge") {
        sales(doc)["staged_file_name"] = "";
        CHECK(parse(doc).databases[0].staged_file_name.empty());
    }
}

TEST_CASE("v1: a phase timestamp that is present must parse: the report is invalid otherwise") {
    Json doc = valid_report();
    auto& compress = sales(doc)["compress_process"];
    compress["timestamp"] = "soon";
    CHECK(refusal(doc) == R"(field "databases.sales.compress_process.timestamp": "soon" is not an ISO-8601 timestamp)");
    compress["timestamp"] = 12;
    CHECK(refusal(doc) ==
          R"(field "databases.sales.compress_process.timestamp": expected a timestamp string, found a number)");
}

TEST_CASE("v1: a timestamp outside 1970..9999 (in UTC) makes the report invalid, in every timestamp field") {
    const std::string range = "is outside 1970-01-01T00:00:00Z..9999-12-31T23:59:59Z once converted to UTC";
    for (const char* text : {"0000-01-01T00:00:00Z", "9999-12-31T23:30:00-01:00", "1969-12-31T23:59:59Z"}) {
        for (const char* process : {"", "backup_process", "compress_process", "transfer_process"}) {
            Json doc = valid_report();
            std::string path = "operation_timestamp";
            if (*process) {
                sales(doc)[process]["timestamp"] = text;
                path = std::string("databases.sales.") + process + ".timestamp";
            } else {
                doc["operation_timestamp"] = text;
            }
            INFO(path << " = " << text);
            CHECK(refusal(doc) == "field \"" + path + "\": \"" + text + "\" " + range);
        }
    }
}

TEST_CASE("v1: bytes that are not a JSON object are invalid") {
    CHECK(refusal_text("") == "report is empty: no JSON value");
    CHECK(refusal_text("\xEF\xBB\xBF  ") == "report is empty: no JSON value");
    CHECK(refusal_text("{\"agent_id\": \"\xFF\"}") == "report is not valid UTF-8");
    CHECK_THAT(refusal_text(valid_report().dump().substr(0, 60)),
               Catch::StartsWith("report is not valid JSON (truncated or malformed): "));
    CHECK(refusal_text("[1, 2]") == "report: expected a JSON object at the top level, found an array");
    CHECK(refusal_text("{}") == R"(field "operation_timestamp": required field is missing)");
}

TEST_CASE("v1: the current layout and unrelated objects are declined") {
    Json current = Json::parse(R"({"operation_start_time": "2026-11-23T01:00:00Z",
                                   "operation_end_time": "2026-11-23T02:31:07Z",
                                   "agent_id": "A", "overall_status": "completed", "databases": {}})");
    CHECK_THAT(declined(current), Catch::StartsWith("not a status_json_v1 report: it has operation_start_time"));

    SECTION("even with an operation_timestamp beside it") {
        current.erase("operation_start_time");
        current["operation_timestamp"] = "2026-11-23T02:31:07Z";
        CHECK_THAT(declined(current), Catch::Contains("operation_end_time"));
    }
    SECTION("an object sharing nothing with the layout") {
        CHECK_THAT(declined(Json{{"hello", "world"}}), Catch::StartsWith("not a status_json_v1 report: none of"));
    }
}
