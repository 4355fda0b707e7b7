// docs/notifications.md end to end: real scans queue events and deliver them to real
// SMTP and HTTP servers on loopback; nothing is lost or sent twice.
#include "harness.hpp"
#include "sinks.hpp"

#include <catch2/catch.hpp>

#include <sys/socket.h>

using namespace vigil::test;
namespace fs = std::filesystem;

namespace {

const std::string A = "ACME_PARIS_CENTRE";

std::string webhook(const std::string& url, const std::string& extra = "", int attempts = 1) {
    return "notifiers:\n  - plugin: webhook\n    name: hook\n    url: \"" + url + "\"\n    attempts: " +
           std::to_string(attempts) + "\n    retry_delay: 0s\n" + extra;
}

// A site with a sales job at 02:30, known since the day before.
struct Watched {
    Site site;
    Watched(const std::string& backend, const std::string& notifier_yaml) : site(backend) {
        site.configure({{A, "sales", "02:30"}}, notifier_yaml);
        REQUIRE(site.scan("2026-11-22T04:00:00Z").exit_code == 0);
    }
    void report(const std::string& day, bool ok) {
        const std::string stamp = day + "_023100";
        // The same content every day: a change of content would be an alert of its own.
        Staged s = site.stage(A, "sales_" + day + ".gz", gzip_bytes("sales"));
        auto body = Site::report(A, day.substr(0, 4) + "-" + day.substr(4, 2) + "-" + day.substr(6, 2) + "T02:31:00Z");
        body["databases"]["sales"] = Site::block("sales_" + day + ".gz", s, ok);
        site.drop_report(A, stamp, body);
    }
    RunResult scan(const std::string& now, const std::string& env = "") {
        RunResult r = site.scan(now, env);
        INFO(r.out << r.err);
        REQUIRE((r.exit_code == 0 || r.exit_code == 137));
        return r;
    }
};

nlohmann::json body_of(const HttpRequest& r) { return nlohmann::json::parse(r.body); }

// Every row of every table of the site's database, as text.
std::string every_table(const Site& site) {
    const std::string tables = site.is_postgresql()
                                   ? "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()"
                                   : "SELECT name FROM sqlite_master WHERE type = 'table'";
    std::string out;
    for (const Row& table : site.query(tables)) {
        for (const Row& row : site.query("SELECT * FROM " + table.at("name").value())) {
            for (const auto& [column, value] : row) out += column + "=" + value.value_or("NULL") + "\n";
        }
    }
    return out;
}

// Makes the database itself refuse to store some outcomes of deliveries
// (those matching `when`, a condition on NEW), as a full disk, a broken
// constraint or an encoding it cannot hold would.
void refuse_outcomes(const Site& site, const std::string& when) {
    if (site.is_postgresql()) {
        site.execute("CREATE FUNCTION refuse_outcome() RETURNS trigger LANGUAGE plpgsql AS "
                     "$$ BEGIN RAISE EXCEPTION 'outcome refused by the test'; END $$");
        site.execute("CREATE TRIGGER refuse_outcome BEFORE UPDATE ON notification_deliveries FOR EACH ROW WHEN (" +
                     when + ") EXECUTE FUNCTION refuse_outcome()");
    } else {
        site.execute("CREATE TRIGGER refuse_outcome BEFORE UPDATE ON notification_deliveries WHEN " + when +
                     " BEGIN SELECT RAISE(ABORT, 'outcome refused by the test'); END");
    }
}

// The one delivery of a test that queued one: its state, last_error and claim.
Row the_delivery(const Site& site) {
    auto rows = site.query("SELECT state, last_error, claimed_until_us FROM notification_deliveries");
    REQUIRE(rows.size() == 1);
    return rows[0];
}

void accept_outcomes(const Site& site) {
    site.execute(site.is_postgresql() ? "DROP TRIGGER refuse_outcome ON notification_deliveries"
                                      : "DROP TRIGGER refuse_outcome");
}

}  // namespace

TEST_CASE("a failure and its recovery each reach the webhook once, a new job's first ok does not") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    HttpSink sink;
    Watched w(backend, webhook(sink.url()));
    w.report("20261123", true);
    w.scan("2026-11-23T04:00:00Z");  // unknown -> ok: not news
    CHECK(sink.requests().empty());

    w.report("20261124", false);
    w.scan("2026-11-24T04:00:00Z");
    auto requests = sink.requests();
    REQUIRE(requests.size() == 1);
    auto doc = body_of(requests[0]);
    INFO(requests[0].body);
    CHECK(doc["version"] == 1);
    CHECK(doc["status"] == "firing");
    REQUIRE(doc["events"].size() == 1);
    CHECK(doc["events"][0]["old_status"] == "ok");
    CHECK(doc["events"][0]["new_status"] == "failed");
    CHECK(doc["events"][0]["agent_id"] == A);
    CHECK(doc["events"][0]["possibly_duplicate"] == false);

    w.report("20261125", true);
    w.scan("2026-11-25T04:00:00Z");
    requests = sink.requests();
    REQUIRE(requests.size() == 2);
    doc = body_of(requests[1]);
    CHECK(doc["status"] == "resolved");
    CHECK(doc["events"][0]["new_status"] == "ok");

    w.scan("2026-11-25T05:00:00Z");
    CHECK(sink.requests().size() == 2);
}

TEST_CASE("events of one scan go out as one grouped message per notifier") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    HttpSink sink;
    Site site(backend);
    site.configure({{A, "sales", "02:30"}, {A, "hr", "03:00"}, {A, "crm", "01:00"}}, webhook(sink.url()));
    REQUIRE(site.scan("2026-11-22T00:00:00Z").exit_code == 0);
    REQUIRE(site.scan("2026-11-22T12:00:00Z").exit_code == 0);
    auto requests = sink.requests();
    REQUIRE(requests.size() == 1);
    CHECK(body_of(requests[0])["events"].size() == 3);
}

TEST_CASE("a 500 is retried within the scan, a server down for a scan gets everything later, once") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    SECTION("500 then 200 in one scan") {
        HttpSink sink({"500", "200"});
        Watched w(backend, webhook(sink.url(), "", 2));
        w.report("20261123", false);
        RunResult r = w.scan("2026-11-23T04:00:00Z");
        CHECK(sink.requests().size() == 2);
        CHECK_THAT(r.out, Catch::Contains("hook: 1 sent"));
        CHECK(w.site.count("SELECT COUNT(*) FROM notification_deliveries WHERE state = 'sent'") == 1);
    }
    SECTION("down, then back") {
        std::string url;
        int port = 0;
        {
            RefusingPort refusing;
            port = refusing.port();
        }
        url = "http://127.0.0.1:" + std::to_string(port) + "/hook";
        Watched w(backend, webhook(url));
        w.report("20261123", false);
        RunResult down = w.scan("2026-11-23T04:00:00Z");
        CHECK_THAT(down.out, Catch::Contains("hook: 0 sent, 1 to retry"));
        CHECK(w.site.count("SELECT COUNT(*) FROM notification_deliveries WHERE state = 'pending'") == 1);

        ScratchDir received;
        SinkProcess server("http_sink.py",
                           {"--dir", received.path().string(), "--port", std::to_string(port)});
        w.scan("2026-11-23T04:00:30Z");  // before the next attempt is due
        CHECK(list_names(received.path()).empty());
        w.scan("2026-11-23T04:10:00Z");
        w.scan("2026-11-23T04:20:00Z");
        auto files = list_names(received.path());
        REQUIRE(std::count_if(files.begin(), files.end(), [](const std::string& f) {
                    return f.size() > 5 && f.substr(f.size() - 5) == ".body";
                }) == 1);
        auto doc = nlohmann::json::parse(read_file(received.path() / "1.body"));
        CHECK(doc["events"][0]["new_status"] == "failed");
        CHECK(w.site.count("SELECT COUNT(*) FROM notification_deliveries WHERE state = 'sent'") == 1);
    }
}

TEST_CASE("a 400 is a permanent failure: recorded, not retried") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    HttpSink sink({"400"});
    Watched w(backend, webhook(sink.url()));
    w.report("20261123", false);
    RunResult r = w.scan("2026-11-23T04:00:00Z");
    CHECK_THAT(r.out, Catch::Contains("1 failed"));
    w.scan("2026-11-23T05:00:00Z");
    CHECK(sink.requests().size() == 1);
    auto rows = w.site.query("SELECT state, last_error FROM notification_deliveries");
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].at("state") == std::string("failed"));
    CHECK_THAT(rows[0].at("last_error").value_or(""), Catch::Contains("400"));
}

TEST_CASE("repeat_interval reminds while a job stays in a problem state") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    HttpSink sink;
    Watched w(backend, webhook(sink.url(), "    repeat_interval: 1h\n"));
    w.scan("2026-11-23T04:00:00Z");  // missing: status change
    w.scan("2026-11-23T04:30:00Z");  // too soon
    w.scan("2026-11-23T05:01:00Z");  // an hour after the first: reminder
    auto requests = sink.requests();
    REQUIRE(requests.size() == 2);
    CHECK(body_of(requests[0])["events"][0]["kind"] == "status_change");
    CHECK(body_of(requests[1])["events"][0]["kind"] == "reminder");
    CHECK(body_of(requests[1])["events"][0]["new_status"] == "missing");
}

TEST_CASE("send_resolved: false keeps recoveries quiet, filters pick statuses") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    HttpSink sink;
    Watched w(backend, webhook(sink.url(), "    send_resolved: false\n    statuses: [failed]\n"));
    w.scan("2026-11-23T04:00:00Z");  // missing: filtered out
    w.report("20261124", false);
    w.scan("2026-11-24T04:00:00Z");  // failed: sent
    w.report("20261125", true);
    w.scan("2026-11-25T04:00:00Z");  // recovery: not sent
    auto requests = sink.requests();
    REQUIRE(requests.size() == 1);
    CHECK(body_of(requests[0])["events"][0]["new_status"] == "failed");
}

TEST_CASE("a crash between delivery and recording it resends once, flagged as a possible duplicate") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    HttpSink sink;
    Watched w(backend, webhook(sink.url(), "    delivery_lease: 0s\n"));
    w.report("20261123", false);
    RunResult killed = w.site.scan("2026-11-23T04:00:00Z", "VIGIL_FAULT_KILL_AT=notify.sent");
    CHECK(killed.exit_code == 137);
    REQUIRE(sink.requests().size() == 1);
    w.scan("2026-11-23T04:05:00Z");
    w.scan("2026-11-23T04:10:00Z");
    auto requests = sink.requests();
    REQUIRE(requests.size() == 2);
    CHECK(body_of(requests[0])["events"][0]["possibly_duplicate"] == false);
    CHECK(body_of(requests[1])["events"][0]["possibly_duplicate"] == true);
    CHECK(body_of(requests[0])["events"][0]["fingerprint"] == body_of(requests[1])["events"][0]["fingerprint"]);
}

TEST_CASE("email: a real SMTP server receives one message whose subject counts the problems") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    SmtpSink smtp;
    Watched w(backend, "notifiers:\n  - plugin: email\n    name: mail\n    url: " + smtp.url() +
                           "\n    from: vigil@example.org\n    to: [ops@example.org]\n    starttls: \"off\"\n"
                           "    attempts: 1\n");
    w.report("20261123", false);
    w.scan("2026-11-23T04:00:00Z");
    auto messages = smtp.messages();
    REQUIRE(messages.size() == 1);
    const std::string data = messages[0]["data"];
    CHECK_THAT(data, Catch::Contains("Subject: [vigil] 1 problem") && Catch::Contains(A) &&
                         Catch::Contains("sales") && Catch::Contains("failed"));
}

TEST_CASE("vigil notify test sends through each notifier and says how it went") {
    HttpSink sink;
    Site site("sqlite");
    site.configure({}, webhook(sink.url()));
    RunResult r = site.vigil("notify test --config " + site.config_file().string());
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("hook: delivered"));
    REQUIRE(sink.requests().size() == 1);
    CHECK(body_of(sink.requests()[0])["events"][0]["kind"] == "test");

    int port = 0;
    {
        RefusingPort refusing;
        port = refusing.port();
    }
    site.configure({}, webhook("http://127.0.0.1:" + std::to_string(port) + "/x"));
    r = site.vigil("notify test --config " + site.config_file().string());
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.out, Catch::Contains("hook:") && Catch::Contains("127.0.0.1"));
}

TEST_CASE("webhook url secrets never reach the log or the database") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    // Each reply quotes the request's path and query back, as some servers' error pages do.
    HttpSink sink({"500 echo", "404 echo", "404 echo"});
    const std::string token = "t0ken-8c1f-55aa";
    const std::string url = sink.origin() + "/services/T000/B000/SECRET?token=" + token;
    Watched w(backend, webhook(url));
    w.report("20261123", false);
    RunResult kept = w.scan("2026-11-23T04:00:00Z");
    RunResult refused = w.scan("2026-11-23T05:00:00Z");
    RunResult test = w.site.vigil("notify test --config " + w.site.config_file().string());
    CHECK(test.exit_code == 3);

    // The server did get the whole URL, three times.
    auto requests = sink.requests();
    REQUIRE(requests.size() == 3);
    for (const auto& r : requests) CHECK(r.meta["path"] == "/services/T000/B000/SECRET?token=" + token);

    const std::string database = every_table(w.site);
    CHECK_THAT(database, Catch::Contains("HTTP 404") && Catch::Contains(sink.origin() + "/***?token=***"));
    for (const RunResult* r : {&kept, &refused, &test}) {
        CHECK_THAT(r->err + r->out, Catch::Contains(sink.origin() + "/***?token=***"));
    }
    const std::string everything = kept.out + kept.err + refused.out + refused.err + test.out + test.err + database;
    for (const std::string& secret : {std::string("SECRET"), std::string("T000"), token}) {
        INFO(everything);
        CHECK_THAT(everything, !Catch::Contains(secret));
    }
}

TEST_CASE("a 404 whose body is not UTF-8 ends failed with a readable error, on both backends") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    // "Nicht gefunden: caf\xe9 \xff\xfe" in ISO-8859-1 with two bytes no encoding has.
    HttpSink sink({"404 hex:4e6963687420676566756e64656e3a20636166e920fffe"});
    Watched w(backend, webhook(sink.url()));
    w.report("20261123", false);
    RunResult r = w.scan("2026-11-23T04:00:00Z");
    CHECK_THAT(r.out, Catch::Contains("1 failed"));
    CHECK_THAT(r.err, !Catch::Contains("cannot record"));
    w.scan("2026-11-23T05:00:00Z");
    CHECK(sink.requests().size() == 1);
    const Row delivery = the_delivery(w.site);
    CHECK(delivery.at("state") == std::string("failed"));
    CHECK_THAT(delivery.at("last_error").value_or(""),
               Catch::Contains("HTTP 404: Nicht gefunden: caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD"));
    CHECK_FALSE(delivery.at("claimed_until_us").has_value());
}

TEST_CASE("an outcome the database refuses with the notifier's words is recorded without them") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    HttpSink sink({"404"});
    Watched w(backend, webhook(sink.url()));
    refuse_outcomes(w.site, "NEW.last_error LIKE '%HTTP 404%'");
    w.report("20261123", false);
    RunResult r = w.scan("2026-11-23T04:00:00Z");
    CHECK_THAT(r.err, Catch::Contains("cannot record that 1 event(s) are failed") &&
                          Catch::Contains("outcome refused by the test"));
    const Row delivery = the_delivery(w.site);
    CHECK(delivery.at("state") == std::string("failed"));
    CHECK(delivery.at("last_error") == std::string("the notifier's message could not be stored"));
    CHECK_FALSE(delivery.at("claimed_until_us").has_value());
    w.scan("2026-11-23T05:00:00Z");
    CHECK(sink.requests().size() == 1);
}

TEST_CASE("a delivery whose outcome cannot be recorded is released, not left claimed") {
    const std::string backend = GENERATE(from_range(storage_backends()));
    HttpSink sink({"404", "404"});
    Watched w(backend, webhook(sink.url()));
    refuse_outcomes(w.site, "NEW.state = 'failed'");
    w.report("20261123", false);
    RunResult r = w.scan("2026-11-23T04:00:00Z");
    CHECK_THAT(r.err, Catch::Contains("cannot record the outcome at all") &&
                          Catch::Contains("1 event(s) released for a later scan"));
    const Row released = the_delivery(w.site);
    CHECK(released.at("state") == std::string("pending"));
    CHECK_FALSE(released.at("claimed_until_us").has_value());

    // Released, so the next scan past the retry time sends it again at once,
    // not after the ten-minute lease; this time the outcome is recorded.
    accept_outcomes(w.site);
    w.scan("2026-11-23T04:00:30Z");
    CHECK(sink.requests().size() == 1);
    w.scan("2026-11-23T04:05:00Z");
    CHECK(sink.requests().size() == 2);
    const Row recorded = the_delivery(w.site);
    CHECK(recorded.at("state") == std::string("failed"));
    CHECK_FALSE(recorded.at("claimed_until_us").has_value());
}
