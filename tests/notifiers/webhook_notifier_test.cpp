// The webhook notifier against a real HTTP server on loopback (http_sink.py).
#include "expected_failure.hpp"
#include "fixtures.hpp"
#include "sinks.hpp"
#include "webhook_notifier.hpp"
#include "webhook_payload.hpp"

#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <chrono>
#include <cstdlib>
#include <cstdio>

using namespace vigil;
using namespace vigil::test;
using vigil::plugins::WebhookNotifier;
using nlohmann::json;

namespace {

WebhookNotifier configured(const std::string& json_text) {
    WebhookNotifier notifier;
    notifier.configure(config_from_json(json_text));
    return notifier;
}

std::string settings(const std::string& url, const std::string& extra = "") {
    return R"({"url": ")" + url + "\"" + extra + "}";
}

std::string hmac_hex(const std::string& key, const std::string& body) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    REQUIRE(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                 reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &length) != nullptr);
    std::string out;
    char pair[3];
    for (unsigned int i = 0; i < length; ++i) {
        std::snprintf(pair, sizeof pair, "%02x", mac[i]);
        out += pair;
    }
    return out;
}

}  // namespace

TEST_CASE("webhook posts the versioned JSON document, signed") {
    HttpSink sink;
    setenv("VIGIL_TEST_HOOK_SECRET", "hook-key-123", 1);
    Event again = make_event("hash_mismatch", "ACME_NICE_PORT", "hr", "ok", "hash_mismatch", "hash differs");
    again.possibly_duplicate = true;
    again.cycle_expected_at = kNoTime;
    configured(settings(sink.url(), R"(, "secret_env": "VIGIL_TEST_HOOK_SECRET",
                                       "headers": {"X-Team": "backup-ops", "Authorization": "Bearer abc"})"))
        .send({failed("ACME_PARIS_CENTRE", "sales"), again});

    auto requests = sink.requests();
    REQUIRE(requests.size() == 1);
    const HttpRequest& r = requests[0];
    INFO(r.body);
    CHECK(r.meta["method"] == "POST");
    CHECK(r.meta["path"] == "/hook");
    CHECK(r.header("Content-Type") == "application/json");
    CHECK(r.header("User-Agent").rfind("vigil/", 0) == 0);
    CHECK(r.header("X-Team") == "backup-ops");
    CHECK(r.header("Authorization") == "Bearer abc");
    CHECK(r.header("X-Vigil-Signature") == "sha256=" + hmac_hex("hook-key-123", r.body));

    json doc = json::parse(r.body);
    CHECK(doc["version"] == 1);
    CHECK(doc["status"] == "firing");
    CHECK(doc["scan_time"] == "2026-11-23T04:00:00Z");
    CHECK(doc["group_key"].get<std::string>().size() == 64);
    REQUIRE(doc["events"].size() == 2);
    const json& first = doc["events"][0];
    CHECK(first["fingerprint"] == "status_change:ACME_PARIS_CENTRE:sales:failed");
    CHECK(first["kind"] == "status_change");
    CHECK(first["agent_id"] == "ACME_PARIS_CENTRE");
    CHECK(first["database"] == "sales");
    CHECK(first["expected_time"] == "02:30");
    CHECK(first["old_status"] == "ok");
    CHECK(first["new_status"] == "failed");
    CHECK(first["cycle_expected_at"] == "2026-11-23T02:30:00Z");
    CHECK(first["message"] == "TRANSFER failed: disk full");
    CHECK(first["scan_time"] == "2026-11-23T04:00:00Z");
    CHECK(first["possibly_duplicate"] == false);
    const json& second = doc["events"][1];
    CHECK(second["kind"] == "hash_mismatch");
    CHECK(second["cycle_expected_at"].is_null());
    CHECK(second["possibly_duplicate"] == true);
}

TEST_CASE("webhook: unsigned without secret_env") {
    HttpSink sink;
    configured(settings(sink.url())).send({failed("ACME_PARIS_CENTRE", "sales")});
    auto requests = sink.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].header("X-Vigil-Signature").empty());
}

TEST_CASE("webhook: resolved only when every event is a recovery") {
    CHECK(json::parse(plugins::notify::webhook_body(
              {recovered("ACME_PARIS_CENTRE", "sales"), recovered("ACME_LYON_EST", "crm")}))["status"] == "resolved");
    CHECK(json::parse(plugins::notify::webhook_body(
              {recovered("ACME_PARIS_CENTRE", "sales"), failed("ACME_LYON_EST", "crm")}))["status"] == "firing");
    // A changed backup is a problem, whatever the job's status was before.
    CHECK(json::parse(plugins::notify::webhook_body(
              {make_event("hash_mismatch", "ACME_NICE_PORT", "hr", "failed", "hash_mismatch", "")}))["status"] ==
          "firing");

    HttpSink sink;
    configured(settings(sink.url())).send({recovered("ACME_PARIS_CENTRE", "sales")});
    REQUIRE(sink.requests().size() == 1);
    CHECK(json::parse(sink.requests()[0].body)["status"] == "resolved");
}

TEST_CASE("webhook: the group key depends on the events, not their order") {
    Event a = failed("ACME_PARIS_CENTRE", "sales");
    Event b = failed("ACME_LYON_EST", "crm");
    using plugins::notify::group_key;
    CHECK(group_key({a, b}) == group_key({b, a}));
    CHECK(group_key({a, b}) != group_key({a}));
}

TEST_CASE("webhook: 500 is retried, then 200 delivers the same document") {
    HttpSink sink({"500", "200"});
    WebhookNotifier notifier = configured(settings(sink.url()));
    const std::vector<Event> batch{failed("ACME_PARIS_CENTRE", "sales")};
    std::string why = message_of<Unavailable>([&] { notifier.send(batch); });
    CHECK_THAT(why, Catch::Contains(sink.origin() + "/***"));
    CHECK_THAT(why, Catch::Contains("HTTP 500"));
    notifier.send(batch);
    auto requests = sink.requests();
    REQUIRE(requests.size() == 2);
    CHECK(json::parse(requests[0].body)["group_key"] == json::parse(requests[1].body)["group_key"]);
}

TEST_CASE("webhook: 400 is permanent, 429 and 408 are worth retrying") {
    HttpSink sink({"400", "429", "408", "404"});
    WebhookNotifier notifier = configured(settings(sink.url()));
    const std::vector<Event> batch{failed("ACME_PARIS_CENTRE", "sales")};
    std::string why = message_of<Permanent>([&] { notifier.send(batch); });
    CHECK_THAT(why, Catch::Contains(sink.origin() + "/***"));
    CHECK_THAT(why, Catch::Contains("HTTP 400"));
    CHECK_THAT(message_of<Unavailable>([&] { notifier.send(batch); }), Catch::Contains("HTTP 429"));
    CHECK_THAT(message_of<Unavailable>([&] { notifier.send(batch); }), Catch::Contains("HTTP 408"));
    CHECK_THAT(message_of<Permanent>([&] { notifier.send(batch); }), Catch::Contains("HTTP 404"));
}

TEST_CASE("webhook: nothing listening is worth retrying and the URL password is not shown") {
    RefusingPort port;
    const std::string host = "127.0.0.1:" + std::to_string(port.port());
    WebhookNotifier notifier = configured(settings("http://hook:url-pass-55@" + host + "/hook"));
    std::string why = message_of<Unavailable>([&] { notifier.send({failed("ACME_PARIS_CENTRE", "sales")}); });
    CHECK_THAT(why, Catch::Contains("http://" + host + "/***"));
    CHECK_THAT(why, !Catch::Contains("url-pass-55") && !Catch::Contains("hook:"));
}

TEST_CASE("webhook url secrets never reach a message, even when the server echoes them") {
    const std::string token = "tok3n-Qx9v-77";
    HttpSink sink({"404 echo", "500 echo"});
    WebhookNotifier notifier =
        configured(settings(sink.origin() + "/services/T000/B000/SECRET5ecret?token=" + token + "&v=1#frag",
                            R"(, "headers": {"Authorization": "Bearer auth-header-value"}, "timeout_seconds": "5")"));
    const std::vector<Event> batch{failed("ACME_PARIS_CENTRE", "sales")};
    std::string permanent = message_of<Permanent>([&] { notifier.send(batch); });
    std::string unavailable = message_of<Unavailable>([&] { notifier.send(batch); });
    for (const std::string& why : {permanent, unavailable}) {
        INFO(why);
        CHECK_THAT(why, Catch::StartsWith("webhook POST " + sink.origin() + "/***?token=***&v=***: HTTP"));
        CHECK_THAT(why, Catch::Contains("The requested URL ***?token=***&v=1 was not found"));
        for (const char* secret : {"SECRET5ecret", "T000", "services", "tok3n", "frag"}) CHECK_THAT(why, !Catch::Contains(secret));
    }
    // The request itself went to the full URL.
    REQUIRE(sink.requests().size() == 2);
    CHECK(sink.requests()[0].meta["path"] == "/services/T000/B000/SECRET5ecret?token=" + token + "&v=1");
}

TEST_CASE("webhook: a response body that is not UTF-8 is quoted as valid UTF-8, on one line, capped") {
    // "caf\xe9", an invalid byte pair, an ESC sequence, a newline, then far more than a message holds.
    std::string body_hex = "636166e920fffe1b5b33316d0a";
    for (int i = 0; i < 2000; ++i) body_hex += "41";
    HttpSink sink({"404 hex:" + body_hex});
    WebhookNotifier notifier = configured(settings(sink.url()));
    std::string why = message_of<Permanent>([&] { notifier.send({failed("ACME_PARIS_CENTRE", "sales")}); });
    CHECK_THAT(why, Catch::Contains("HTTP 404: caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD [31m AAAA"));
    CHECK_THAT(why, Catch::EndsWith("..."));
    CHECK(why.size() < 400);
    CHECK(why.find_first_of("\x1b\n") == std::string::npos);
    CHECK(json(why).dump() != "");  // nlohmann refuses to serialise text that is not UTF-8
}

TEST_CASE("webhook: a receiver that does not answer times out and is worth retrying") {
    HttpSink sink({"hang"});
    WebhookNotifier notifier = configured(settings(sink.url(), R"(, "timeout_seconds": "1")"));
    auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_AS(notifier.send({failed("ACME_PARIS_CENTRE", "sales")}), Unavailable);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("webhook: an empty batch sends nothing") {
    HttpSink sink;
    configured(settings(sink.url())).send({});
    CHECK(sink.requests().empty());
}

TEST_CASE("webhook settings are checked at configure time") {
    unsetenv("VIGIL_TEST_HOOK_UNSET");
    setenv("VIGIL_TEST_HOOK_EMPTY", "", 1);
    const std::string url = "https://hooks.example.org/vigil";
    struct Case {
        std::string json;
        std::string message;
    };
    const std::vector<Case> cases{
        {settings(url, R"(, "secret_env": "VIGIL_TEST_HOOK_UNSET")"),
         "setting `secret_env`: environment variable VIGIL_TEST_HOOK_UNSET is not set or is empty"},
        {settings(url, R"(, "secret_env": "VIGIL_TEST_HOOK_EMPTY")"),
         "setting `secret_env`: environment variable VIGIL_TEST_HOOK_EMPTY is not set or is empty"},
        {"{}", "setting `url`: required"},
        {settings("ftp://files.example.org/x"), "setting `url`: \"ftp://files.example.org/***\" is not an http://"},
        {settings("ftp://u:pw@files.example.org/x?k=v&tokenonly#f"),
         "setting `url`: \"ftp://files.example.org/***?k=***&***\" is not an http://"},
        {settings("not a url"), "setting `url`: not a URL libcurl accepts"},
        {settings(url, R"(, "headers": "X-A: 1")"), "setting `headers`: must be a mapping"},
        {settings(url, R"(, "headers": ["X-A"])"), "setting `headers`: must be a mapping"},
        {settings(url, R"(, "headers": {"Bad Name": "1"})"), "setting `headers`: \"Bad Name\" is not"},
        {settings(url, R"(, "headers": {"Content-Length": "1"})"), "setting `headers`: Content-Length cannot"},
        {settings(url, R"(, "headers": {"X-Vigil-Signature": "x"})"), "setting `headers`: X-Vigil-Signature cannot"},
        {settings(url, R"(, "headers": {"X-A": "1\r\nX-B: 2"})"), "setting `headers`: the value of X-A"},
        {settings(url, R"(, "timeout_seconds": "soon")"), "setting `timeout_seconds`:"},
    };
    for (const Case& c : cases) {
        INFO(c.json);
        WebhookNotifier notifier;
        CHECK_THROWS_WITH(notifier.configure(config_from_json(c.json)), Catch::StartsWith(c.message));
    }
}

TEST_CASE("webhook: a misspelt setting is refused, naming it") {
    WebhookNotifier notifier;
    vigil::Config config;
    config.put("url", "http://127.0.0.1:9/hook");
    config.put("secret_evn", "VIGIL_HOOK_SECRET");
    try {
        notifier.configure(config);
        FAIL("a misspelt setting was accepted");
    } catch (const vigil::InvalidInput& e) {
        CHECK_THAT(e.what(), Catch::Contains("setting `secret_evn`: unknown setting"));
    }
}
