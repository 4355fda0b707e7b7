// The field_agent_json source on the field format's every quirk, on the
// samples under plugins/field_agent_json/samples/, and on each malformed
// variant, refused with the field it is about.
#include "field_agent_source.hpp"
#include "status_json_source.hpp"

#include "expected_failure.hpp"

#include <vigil/timestamp.hpp>

#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

using vigil::Config;
using vigil::Report;
using vigil::plugins::field_report_agent;
using vigil::plugins::FieldAgentSource;
using vigil::test::message_of;
using Json = nlohmann::ordered_json;

namespace {

const std::string kSampleName = "2025-06-20_08-37-35_ELHADJ_BAFOUSSAM_TAMDJA.json";
const std::string kWindowsSampleName = "20250620_220512_ELHADJ_DOUALA_AKWA.json";

std::string sample_text(const std::string& name) {
    std::ifstream in(std::string(VIGIL_FIELD_AGENT_SAMPLES) + "/" + name, std::ios::binary);
    REQUIRE(in);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// An instant written with Z, read by the SDK's own parser: the expected
// value of a converted local time, computed without any time zone.
std::int64_t utc(const std::string& iso) {
    std::optional<std::int64_t> micros = vigil::parse_timestamp(iso);
    REQUIRE(micros);
    return *micros;
}

Config settings(const std::string& timezone) {
    Config config;
    if (!timezone.empty()) config.put("timezone", timezone);
    return config;
}

// A small report in the field format, with one database.
Json field_report() {
    return Json::parse(R"({
      "operation_start_time": "2025-06-20 08:00:02.118734",
      "operation_end_time": "2025-06-20 08:37:35.142592",
      "agent_id": "ELHADJ_BAFOUSSAM_TAMDJA",
      "databases": {
        "EL_HADJ_BAFOUSSAM_2025": {
          "staged_file_name": "/home/lam/Backup/EL_HADJ_BAFOUSSAM_2025.zst",
          "BACKUP": {"status": "True", "start_time": "2025-06-20 08:00:05.118734",
                     "end_time": "2025-06-20 08:00:46.118734", "sha256": "00ff", "size": "4386338"},
          "COMPRESS": {"status": "True", "start_time": "2025-06-20 08:00:46.118734",
                       "end_time": "2025-06-20 08:01:13.118734",
                       "sha256": "63cfc3c9f8265948c67b24eccbc10a7c280c88ce4eaedb5ec075d8be9c38bbe2",
                       "size": "877267"},
          "TRANSFER": {"status": "True", "start_time": "2025-06-20 08:01:13.118734",
                       "end_time": "2025-06-20 08:01:51.118734", "error_message": "null"}
        }
      }
    })");
}

Json& db(Json& doc) { return doc["databases"]["EL_HADJ_BAFOUSSAM_2025"]; }

Report parse_text(const std::string& text, const std::string& timezone = "") {
    FieldAgentSource source;
    source.configure(settings(timezone));
    return source.parse(kSampleName, text);
}

Report parse(const Json& doc, const std::string& timezone = "") { return parse_text(doc.dump(), timezone); }

std::string refusal_text(const std::string& text) {
    return message_of<vigil::InvalidInput>([&] { parse_text(text); });
}
std::string refusal(const Json& doc) { return refusal_text(doc.dump()); }
std::string declined(const Json& doc) {
    return message_of<vigil::Declined>([&] { parse(doc); });
}
std::string config_refusal(const Config& config) {
    return message_of<vigil::InvalidInput>([&] { FieldAgentSource().configure(config); });
}

}  // namespace

TEST_CASE("field: recognizes both report name forms with a well-formed agent id") {
    FieldAgentSource source;
    CHECK(source.report_agent("2025-06-20_08-37-35_ELHADJ_BAFOUSSAM_TAMDJA.json"));
    CHECK(source.report_agent("20250620_083735_ELHADJ_BAFOUSSAM_TAMDJA.json"));
    CHECK(source.report_agent("20250620_083735_acme_Paris_centre-nord_2.json"));
    CHECK(field_report_agent("2025-06-20_08-37-35_ELHADJ_BAFOUSSAM_TAMDJA.json") == "ELHADJ_BAFOUSSAM_TAMDJA");
    CHECK(field_report_agent("20250620_083735_A_B_C_D.json") == "A_B_C_D");

    for (const char* name : {"STATUS.json", "2025-06-20_08-37-35_ELHADJ_BAFOUSSAM.json",  // two parts
                             "20250620_083735_ELHADJ__TAMDJA.json", "20250620_083735_ELHADJ_BAFOUSSAM_.json",
                             "20250620_083735_ELHADJ_BAFOUSSAM_TAMDJA!.json", "20250620_083735_ELHADJ_BAF.OUSSAM_X.json",
                             "20250620_083735_ELHADJ_BAFOUSSAM_TAMDJA.JSON", "20250620_083735_ELHADJ_BAFOUSSAM_TAMDJA.json.tmp",
                             "2025-6-20_08-37-35_ELHADJ_BAFOUSSAM_TAMDJA.json", "2025-06-20 08-37-35_ELHADJ_BAFOUSSAM_TAMDJA.json",
                             "2025062_083735_ELHADJ_BAFOUSSAM_TAMDJA.json", "20250620_083735_.json", ".json", ""}) {
        INFO(name);
        CHECK_FALSE(source.report_agent(name));
        CHECK_FALSE(field_report_agent(name));
    }
}

TEST_CASE("field: a real 20-database report is read whole, in local time") {
    const Report report = parse_text(sample_text(kSampleName), "Africa/Douala");
    CHECK(report.agent_id == "ELHADJ_BAFOUSSAM_TAMDJA");
    CHECK(report.overall_status == "completed");
    // Africa/Douala is UTC+1 all year; the microseconds are kept.
    CHECK(report.operation_start_time == utc("2025-06-20T07:00:02.118734Z"));
    CHECK(report.operation_end_time == utc("2025-06-20T07:37:35.142592Z"));
    REQUIRE(report.databases.size() == 20);
    CHECK(report.databases.front().database_name == "EL_HADJ_BAFOUSSAM_2025");
    CHECK(report.databases.back().database_name == "PARAMETRES_APPLICATION");
    for (const vigil::DatabaseReport& db : report.databases) {
        INFO(db.database_name);
        CHECK(db.staged_file_name == db.database_name + ".zst");
        for (const vigil::Phase* phase : {&db.backup, &db.compress, &db.transfer}) {
            CHECK(phase->status);
            CHECK(phase->start_time != vigil::kNoTime);
            CHECK(phase->end_time >= phase->start_time);
            CHECK(phase->end_time <= report.operation_end_time);
        }
        CHECK(db.backup.size > db.compress.size);
        CHECK(db.compress.sha256_checksum.value_or("").size() == 64);
        CHECK_FALSE(db.transfer.error_message);
        CHECK_FALSE(db.transfer.sha256_checksum);
        CHECK(db.transfer.size == vigil::kNoSize);
        CHECK_FALSE(db.logs_summary);
    }
    const vigil::DatabaseReport& first = report.databases.front();
    CHECK(first.backup.start_time == utc("2025-06-20T07:00:05.118734Z"));
    CHECK(first.backup.size == 1500000);
    CHECK(first.compress.size == 300000);
    CHECK(first.compress.sha256_checksum == "63cfc3c9f8265948c67b24eccbc10a7c280c88ce4eaedb5ec075d8be9c38bbe2");
}

TEST_CASE("field: Windows paths, a failed transfer and its message") {
    const Report report = parse_text(sample_text(kWindowsSampleName), "Africa/Douala");
    CHECK(report.overall_status == "failed_globally");
    CHECK(report.operation_end_time == utc("2025-06-20T21:05:12.771204Z"));
    REQUIRE(report.databases.size() == 2);
    CHECK(report.databases[0].staged_file_name == "GESCOM_AKWA_2025.zst");
    CHECK(report.databases[0].transfer.status);
    CHECK(report.databases[1].staged_file_name == "PAIE_AKWA_2025.zst");
    CHECK_FALSE(report.databases[1].transfer.status);
    CHECK(report.databases[1].transfer.error_message == "scp: connection timed out after 3 retries");
    CHECK(report.databases[1].compress.size == 1310720);
}

TEST_CASE("field: status_json keeps refusing the field format") {
    vigil::plugins::StatusJsonSource strict;
    CHECK(message_of<vigil::InvalidInput>([&] { strict.parse(kSampleName, sample_text(kSampleName)); }) ==
          R"(field "overall_status": required field is missing)");
}

TEST_CASE("field: naive times are read in the configured zone, others as written") {
    Json doc = field_report();
    auto end_time = [&](const std::string& text, const std::string& timezone) {
        doc["operation_end_time"] = text;
        return parse(doc, timezone).operation_end_time;
    };
    SECTION("no zone configured: naive times are UTC") {
        CHECK(end_time("2025-06-20 08:37:35.142592", "") == utc("2025-06-20T08:37:35.142592Z"));
        CHECK(end_time("2025-06-20 08:37:35.142592", "UTC") == utc("2025-06-20T08:37:35.142592Z"));
    }
    SECTION("Africa/Douala: one hour ahead of UTC, winter and summer alike") {
        CHECK(end_time("2025-01-15 12:00:00", "Africa/Douala") == utc("2025-01-15T11:00:00Z"));
        CHECK(end_time("2025-07-15 11:00:00", "Africa/Douala") == utc("2025-07-15T10:00:00Z"));
        CHECK(end_time("2025-06-20T08:37:35.142592", "Africa/Douala") == utc("2025-06-20T07:37:35.142592Z"));
        // Past midnight: the UTC date is the day before.
        CHECK(end_time("2025-06-21 00:15:00.5", "Africa/Douala") == utc("2025-06-20T23:15:00.5Z"));
    }
    SECTION("Europe/Paris across its changes of time") {
        CHECK(end_time("2025-03-30 01:59:59.999999", "Europe/Paris") == utc("2025-03-30T00:59:59.999999Z"));
        CHECK(end_time("2025-03-30 03:00:00", "Europe/Paris") == utc("2025-03-30T01:00:00Z"));
        // 02:30 does not exist that night: the offset before the jump (+01:00).
        CHECK(end_time("2025-03-30 02:30:00", "Europe/Paris") == utc("2025-03-30T01:30:00Z"));
        // 02:30 happens twice on 26 October: the first time (+02:00).
        CHECK(end_time("2025-10-26 02:30:00.25", "Europe/Paris") == utc("2025-10-26T00:30:00.25Z"));
        CHECK(end_time("2025-10-26 03:30:00", "Europe/Paris") == utc("2025-10-26T02:30:00Z"));
        CHECK(end_time("2025-07-01 12:00:00", "Europe/Paris") == utc("2025-07-01T10:00:00Z"));
    }
    SECTION("a zone or offset written in the text wins over the setting") {
        CHECK(end_time("2025-06-20T08:37:35Z", "Africa/Douala") == utc("2025-06-20T08:37:35Z"));
        CHECK(end_time("2025-06-20 08:37:35.142592+02:00", "Africa/Douala") == utc("2025-06-20T06:37:35.142592Z"));
        CHECK(end_time("2025-06-20T08:37:35-0330", "Europe/Paris") == utc("2025-06-20T12:07:35Z"));
    }
    SECTION("finer than a microsecond is cut, not rounded") {
        CHECK(end_time("2025-06-20 08:37:35.1425929", "Africa/Douala") == utc("2025-06-20T07:37:35.142592Z"));
    }
    SECTION("phase times are converted too") {
        const Report report = parse(field_report(), "Europe/Paris");
        CHECK(report.databases[0].transfer.end_time == utc("2025-06-20T06:01:51.118734Z"));
        CHECK(report.databases[0].backup.start_time == utc("2025-06-20T06:00:05.118734Z"));
    }
}

TEST_CASE("field: a time outside 1970..9999 once in UTC makes the report invalid") {
    Json doc = field_report();
    doc["operation_end_time"] = "1970-01-01 00:30:00";
    CHECK_NOTHROW(parse(doc));
    // The same wall-clock time is 1969 in UTC when read one hour ahead.
    CHECK(message_of<vigil::InvalidInput>([&] { parse(doc, "Africa/Douala"); }) ==
          R"(field "operation_end_time": "1970-01-01 00:30:00" is outside 1970-01-01T00:00:00Z..9999-12-31T23:59:59Z once in UTC)");
    doc["operation_end_time"] = "9999-12-31 23:59:59";
    CHECK(parse(doc).operation_end_time == utc("9999-12-31T23:59:59Z"));
    doc["operation_end_time"] = "9999-12-31T23:59:59-01:00";
    CHECK_THAT(refusal(doc), Catch::StartsWith(R"(field "operation_end_time": "9999-12-31T23:59:59-01:00" is outside)"));
    doc = field_report();
    db(doc)["COMPRESS"]["start_time"] = "1969-12-31 23:59:59.999999";
    CHECK_THAT(refusal(doc), Catch::StartsWith(R"(field "databases.EL_HADJ_BAFOUSSAM_2025.COMPRESS.start_time": "1969-12-31 23:59:59.999999" is outside)"));
}

TEST_CASE("field: timestamps that do not parse are refused, optional ones included") {
    Json doc = field_report();
    doc["operation_start_time"] = "20/06/2025 08:00";
    CHECK(refusal(doc) ==
          R"(field "operation_start_time": "20/06/2025 08:00" is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff] in the agent's local time, or ISO-8601 with Z or an offset))");
    doc = field_report();
    doc["operation_end_time"] = "2025-02-30 08:00:00";
    CHECK_THAT(refusal(doc), Catch::StartsWith(R"(field "operation_end_time": "2025-02-30 08:00:00" is not a timestamp)"));
    doc = field_report();
    db(doc)["TRANSFER"]["end_time"] = "yesterday";
    CHECK_THAT(refusal(doc), Catch::StartsWith(R"(field "databases.EL_HADJ_BAFOUSSAM_2025.TRANSFER.end_time": "yesterday" is not a timestamp)"));
    doc = field_report();
    db(doc)["BACKUP"]["start_time"] = 1750405055;
    CHECK(refusal(doc) == R"(field "databases.EL_HADJ_BAFOUSSAM_2025.BACKUP.start_time": expected a string, found a number)");
    doc = field_report();
    doc["operation_end_time"] = nullptr;
    CHECK(refusal(doc) == R"(field "operation_end_time": expected a string, found null)");
    doc["operation_end_time"] = "null";
    CHECK_THAT(refusal(doc), Catch::StartsWith(R"(field "operation_end_time": "null" is not a timestamp)"));

    // Optional phase times may be absent, null or "null".
    doc = field_report();
    db(doc)["BACKUP"].erase("start_time");
    db(doc)["BACKUP"]["end_time"] = nullptr;
    db(doc)["COMPRESS"]["start_time"] = "null";
    const Report report = parse(doc);
    CHECK(report.databases[0].backup.start_time == vigil::kNoTime);
    CHECK(report.databases[0].backup.end_time == vigil::kNoTime);
    CHECK(report.databases[0].compress.start_time == vigil::kNoTime);
}

TEST_CASE("field: phase status is true/false or \"True\"/\"False\", nothing else") {
    Json doc = field_report();
    db(doc)["BACKUP"]["status"] = true;
    db(doc)["COMPRESS"]["status"] = "False";
    db(doc)["TRANSFER"]["status"] = false;
    const Report report = parse(doc);
    CHECK(report.databases[0].backup.status);
    CHECK_FALSE(report.databases[0].compress.status);
    CHECK_FALSE(report.databases[0].transfer.status);

    const std::string path = "databases.EL_HADJ_BAFOUSSAM_2025.COMPRESS.status";
    for (const Json& value : {Json("true"), Json("false"), Json("TRUE"), Json("1"), Json("yes"), Json(""), Json(" True")}) {
        doc = field_report();
        db(doc)["COMPRESS"]["status"] = value;
        CHECK(refusal(doc) == "field \"" + path + R"(": expected true, false, "True" or "False", found )" + value.dump());
    }
    for (const auto& [value, found] : {std::pair<Json, std::string>{Json(1), "a number"}, {Json(nullptr), "null"},
                                       {Json::object(), "an object"}, {Json("null"), R"("null")"}}) {
        doc = field_report();
        db(doc)["COMPRESS"]["status"] = value;
        CHECK(refusal(doc) == "field \"" + path + R"(": expected true, false, "True" or "False", found )" + found);
    }
    doc = field_report();
    db(doc)["TRANSFER"].erase("status");
    CHECK(refusal(doc) == R"(field "databases.EL_HADJ_BAFOUSSAM_2025.TRANSFER.status": required field is missing)");
}

TEST_CASE("field: sizes are whole numbers or strings of decimal digits within int64") {
    auto size_of = [](const Json& value) {
        Json doc = field_report();
        db(doc)["COMPRESS"]["size"] = value;
        return parse(doc).databases[0].compress.size;
    };
    CHECK(size_of("4386338") == 4386338);
    CHECK(size_of(4386338) == 4386338);
    CHECK(size_of("0") == 0);
    CHECK(size_of("007") == 7);
    CHECK(size_of("9223372036854775807") == INT64_C(9223372036854775807));
    CHECK(size_of(nullptr) == vigil::kNoSize);
    CHECK(size_of("null") == vigil::kNoSize);
    Json doc = field_report();
    db(doc)["COMPRESS"].erase("size");
    CHECK(parse(doc).databases[0].compress.size == vigil::kNoSize);

    const std::string field = R"(field "databases.EL_HADJ_BAFOUSSAM_2025.COMPRESS.size": )";
    auto refused = [&](const Json& value) {
        Json bad = field_report();
        db(bad)["COMPRESS"]["size"] = value;
        return refusal(bad);
    };
    for (const char* text : {"", "-5", "+5", " 5", "5 ", "4.5", "1e3", "0x10", "12 345", "4386338B"}) {
        CHECK(refused(text) == field + '"' + text + R"(" is not a size: expected decimal digits only)");
    }
    CHECK(refused("9223372036854775808") ==
          field + R"("9223372036854775808" is out of range for a size (at most 9223372036854775807))");
    CHECK(refused("99999999999999999999999999") ==
          field + R"("99999999999999999999999999" is out of range for a size (at most 9223372036854775807))");
    CHECK(refused(Json(UINT64_C(9223372036854775808))) ==
          field + "9223372036854775808 is out of range for a size (at most 9223372036854775807)");
    CHECK(refused(-1) == field + "-1 is not a size: negative");
    CHECK(refused(4.5) == field + "expected a whole number of bytes or a string of decimal digits, found a number");
    CHECK(refused(true) == field + "expected a whole number of bytes or a string of decimal digits, found a boolean");
    CHECK(refused(std::string("12\0" "3", 4)) == field + "contains a NUL character");
}

TEST_CASE("field: \"null\" and null mean absent for optional strings") {
    Json doc = field_report();
    db(doc)["TRANSFER"]["error_message"] = nullptr;
    db(doc)["BACKUP"]["sha256"] = "null";
    db(doc)["logs_summary"] = "null";
    Report report = parse(doc);
    CHECK_FALSE(report.databases[0].transfer.error_message);
    CHECK_FALSE(report.databases[0].backup.sha256_checksum);
    CHECK_FALSE(report.databases[0].logs_summary);

    doc = field_report();
    db(doc)["TRANSFER"]["status"] = "False";
    db(doc)["TRANSFER"]["error_message"] = "disk full on the server";
    db(doc)["logs_summary"] = "3 retries";
    report = parse(doc);
    CHECK(report.databases[0].transfer.error_message == "disk full on the server");
    CHECK(report.databases[0].logs_summary == "3 retries");
    CHECK(report.overall_status == "failed_globally");

    doc = field_report();
    db(doc)["TRANSFER"]["error_message"] = 42;
    CHECK(refusal(doc) == R"(field "databases.EL_HADJ_BAFOUSSAM_2025.TRANSFER.error_message": expected a string, found a number)");
    doc = field_report();
    db(doc)["TRANSFER"]["error_message"] = std::string("cut\0here", 8);
    CHECK(refusal(doc) == R"(field "databases.EL_HADJ_BAFOUSSAM_2025.TRANSFER.error_message": contains a NUL character)");
    doc = field_report();
    db(doc)["logs_summary"] = Json::array();
    CHECK(refusal(doc) == R"(field "databases.EL_HADJ_BAFOUSSAM_2025.logs_summary": expected a string, found an array)");
}

TEST_CASE("field: the checksum is read from sha256 or sha256_checksum, not both") {
    Json doc = field_report();
    db(doc)["COMPRESS"].erase("sha256");
    db(doc)["COMPRESS"]["sha256_checksum"] = "abcd";
    CHECK(parse(doc).databases[0].compress.sha256_checksum == "abcd");
    db(doc)["COMPRESS"]["sha256"] = "abcd";
    CHECK(refusal(doc) ==
          R"(field "databases.EL_HADJ_BAFOUSSAM_2025.COMPRESS.sha256_checksum": given together with sha256: write only one of them)");
    db(doc)["COMPRESS"]["sha256_checksum"] = nullptr;
    CHECK(parse(doc).databases[0].compress.sha256_checksum == "abcd");
    doc = field_report();
    db(doc)["COMPRESS"]["sha256"] = 12;
    CHECK(refusal(doc) == R"(field "databases.EL_HADJ_BAFOUSSAM_2025.COMPRESS.sha256": expected a string, found a number)");
    doc = field_report();
    db(doc)["COMPRESS"].erase("sha256");
    CHECK_FALSE(parse(doc).databases[0].compress.sha256_checksum);
}

TEST_CASE("field: the staged file is the last component of the agent's path, passed on as it is") {
    auto staged = [](const std::string& path) {
        Json doc = field_report();
        db(doc)["staged_file_name"] = path;
        return parse(doc).databases[0].staged_file_name;
    };
    CHECK(staged("/home/lam/Backup/EL_HADJ_BAFOUSSAM_2025.zst") == "EL_HADJ_BAFOUSSAM_2025.zst");
    CHECK(staged("C:\\Backup\\x.zst") == "x.zst");
    CHECK(staged("C:\\Backup/mixed\\sub/y.zst") == "y.zst");
    CHECK(staged("plain.zst") == "plain.zst");
    CHECK(staged("relative/dir/z.zst") == "z.zst");
    // What is left is the host's to judge as a plain file name (these fail there).
    CHECK(staged("/home/lam/Backup/") == "");
    CHECK(staged("C:\\Backup\\") == "");
    CHECK(staged("") == "");
    CHECK(staged("/home/lam/..") == "..");
    CHECK(staged("/home/lam/.") == ".");
    CHECK(staged("..") == "..");

    Json doc = field_report();
    db(doc)["staged_file_name"] = std::string("/home/lam/Backup/x.zst\0/../../etc/passwd", 40);
    CHECK(refusal(doc) == R"(field "databases.EL_HADJ_BAFOUSSAM_2025.staged_file_name": contains a NUL character)");
    db(doc)["staged_file_name"] = nullptr;
    CHECK(refusal(doc) == R"(field "databases.EL_HADJ_BAFOUSSAM_2025.staged_file_name": expected a string, found null)");
    db(doc).erase("staged_file_name");
    CHECK(refusal(doc) == R"(field "databases.EL_HADJ_BAFOUSSAM_2025.staged_file_name": required field is missing)");
}

TEST_CASE("field: overall_status is derived from every phase of every database") {
    Json doc = field_report();
    doc["databases"]["SECOND"] = db(doc);
    CHECK(parse(doc).overall_status == "completed");
    for (const char* phase : {"BACKUP", "COMPRESS", "TRANSFER"}) {
        Json failed = doc;
        failed["databases"]["SECOND"][phase]["status"] = "False";
        INFO(phase);
        CHECK(parse(failed).overall_status == "failed_globally");
    }
    doc["databases"] = Json::object();
    const Report empty = parse(doc);
    CHECK(empty.overall_status == "completed");
    CHECK(empty.databases.empty());
}

TEST_CASE("field: a report carrying overall_status is declined for the STATUS.json sources") {
    Json doc = field_report();
    doc["overall_status"] = "completed";
    CHECK(declined(doc) ==
          "not a field_agent_json report: it has overall_status (a STATUS.json layout, read by status_json or "
          "status_json_v1)");
    doc["overall_status"] = "whatever";
    CHECK_THAT(declined(doc), Catch::StartsWith("not a field_agent_json report: it has overall_status"));
    CHECK(declined(Json{{"hello", "world"}}) ==
          "not a field_agent_json report: none of operation_start_time, operation_end_time, agent_id, databases is "
          "present");
    CHECK(refusal(Json::object()) == R"(field "operation_start_time": required field is missing)");
}

TEST_CASE("field: each missing or mistyped required field is named") {
    for (const char* key : {"operation_start_time", "operation_end_time", "agent_id", "databases"}) {
        Json doc = field_report();
        doc.erase(key);
        CHECK(refusal(doc) == std::string("field \"") + key + "\": required field is missing");
    }
    for (const char* phase : {"BACKUP", "COMPRESS", "TRANSFER"}) {
        Json doc = field_report();
        db(doc).erase(phase);
        CHECK(refusal(doc) == std::string("field \"databases.EL_HADJ_BAFOUSSAM_2025.") + phase + "\": required field is missing");
        db(doc)[phase] = "True";
        CHECK(refusal(doc) == std::string("field \"databases.EL_HADJ_BAFOUSSAM_2025.") + phase +
                                  "\": expected an object, found a string");
    }
    Json doc = field_report();
    doc["agent_id"] = 7;
    CHECK(refusal(doc) == R"(field "agent_id": expected a string, found a number)");
    doc = field_report();
    doc["agent_id"] = std::string("ELHADJ_BAFOUSSAM_TAMDJA\0X", 25);
    CHECK(refusal(doc) == R"(field "agent_id": contains a NUL character)");
    doc = field_report();
    doc["databases"] = Json::array();
    CHECK(refusal(doc) == R"(field "databases": expected an object, found an array)");
    doc = field_report();
    doc["databases"]["OTHER"] = "/home/lam/Backup/OTHER.zst";
    CHECK(refusal(doc) == R"(field "databases.OTHER": expected an object, found a string)");
}

TEST_CASE("field: ambiguous and broken documents are refused") {
    const std::string text = field_report().dump();
    SECTION("a key written twice") {
        std::string twice = text;
        twice.insert(1, R"("agent_id": "OTHER_AGENT_X", )");
        CHECK(refusal_text(twice) == R"(field "agent_id": appears more than once)");
        Json doc = field_report();
        const std::string key = R"("databases":{)";
        std::string db_twice = doc.dump();
        db_twice.insert(db_twice.find(key) + key.size(), R"("EL_HADJ_BAFOUSSAM_2025":)" + db(doc).dump() + ",");
        CHECK(refusal_text(db_twice) == R"(field "databases.EL_HADJ_BAFOUSSAM_2025": appears more than once)");
    }
    SECTION("a NUL in a database name") {
        Json doc = field_report();
        doc["databases"][std::string("A\0B", 3)] = db(doc);
        CHECK(refusal(doc) == R"(field "databases.A\u0000B": database name contains a NUL character)");
    }
    SECTION("not JSON, not an object, not UTF-8, empty") {
        CHECK_THAT(refusal_text(text.substr(0, text.size() / 2)), Catch::StartsWith("report is not valid JSON"));
        CHECK(refusal_text("[" + text + "]") == "report: expected a JSON object at the top level, found an array");
        std::string latin1 = text;
        latin1.replace(latin1.find("lam"), 3, "l\xE9m");
        CHECK(refusal_text(latin1) == "report is not valid UTF-8");
        CHECK(refusal_text("") == "report is empty: no JSON value");
    }
    SECTION("nesting deeper than any report needs") {
        Json doc = field_report();
        std::string deep = std::string(100, '[') + std::string(100, ']');
        std::string nested = doc.dump();
        nested.insert(1, "\"extra\": " + deep + ", ");
        CHECK_THAT(refusal_text(nested), Catch::StartsWith("report is not valid JSON"));
        // Within the limit, unknown keys are ignored however nested.
        nested = doc.dump();
        nested.insert(1, "\"extra\": " + std::string(40, '[') + std::string(40, ']') + ", ");
        CHECK_NOTHROW(parse_text(nested));
    }
}

TEST_CASE("field: a BOM and unknown keys are accepted") {
    Json doc = field_report();
    doc["hostname"] = "srv-bafoussam";
    doc["agent_version"] = 3;
    db(doc)["engine"] = "postgresql";
    db(doc)["BACKUP"]["command"] = {"pg_dump", "-Fc"};
    const Report report = parse_text("\xEF\xBB\xBF" + doc.dump(2));
    CHECK(report.agent_id == "ELHADJ_BAFOUSSAM_TAMDJA");
    CHECK(report.databases.size() == 1);
}

TEST_CASE("field: settings are checked at configure time") {
    CHECK_NOTHROW(FieldAgentSource().configure(settings("Africa/Douala")));
    CHECK(config_refusal(settings("Africa/Bafoussam")) ==
          "setting `timezone`: \"Africa/Bafoussam\" is not a time zone of the system's tz database (an IANA name "
          "such as Africa/Douala or UTC)");
    CHECK_THAT(config_refusal(settings("+01:00")), Catch::StartsWith("setting `timezone`: \"+01:00\" is not a time zone"));
    Config misspelt;
    misspelt.put("time_zone", "Africa/Douala");
    CHECK(config_refusal(misspelt) == "setting `time_zone`: unknown setting (known: `timezone`)");
    Config listed;
    listed.put("timezone.a", "Africa/Douala");
    CHECK(config_refusal(listed) == "setting `timezone`: must be a single value, not a list or mapping");
    // What the host adds to every item is not an unknown setting.
    Config host_keys = settings("UTC");
    host_keys.put("name", "field");
    host_keys.put("vigil_config_dir", "/etc/vigil");
    CHECK_NOTHROW(FieldAgentSource().configure(host_keys));
}
