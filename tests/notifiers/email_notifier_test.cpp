// The email notifier against a real SMTP server on loopback (smtp_sink.py).
#include "email_notifier.hpp"
#include "expected_failure.hpp"
#include "fixtures.hpp"
#include "sinks.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

using namespace vigil;
using namespace vigil::test;
using vigil::plugins::EmailNotifier;
using nlohmann::json;

namespace {

EmailNotifier configured(const std::string& json) {
    EmailNotifier notifier;
    notifier.configure(config_from_json(json));
    return notifier;
}

std::string settings(const std::string& url, const std::string& extra = "") {
    return R"({"url": ")" + url + R"(", "from": "Vigil <vigil@example.org>", "to": ["ops@example.org"])" + extra + "}";
}

}  // namespace

TEST_CASE("email is delivered with a counting subject and a readable table") {
    SmtpSink sink;
    EmailNotifier notifier = configured(R"({"url": ")" + sink.url() + R"(",
        "from": "Vigil <vigil@example.org>", "to": ["ops@example.org", "Night Duty <night@example.org>"],
        "vigil_config_dir": "/etc/vigil"})");
    Event again = make_event("status_change", "ACME_LYON_EST", "crm", "ok", "missing", "no report");
    again.possibly_duplicate = true;
    notifier.send({failed("ACME_PARIS_CENTRE", "sales"), again,
                   make_event("hash_mismatch", "ACME_NICE_PORT", "hr", "ok", "hash_mismatch", "hash differs"),
                   recovered("ACME_PARIS_NORD", "web")});

    auto messages = sink.messages();
    REQUIRE(messages.size() == 1);
    CHECK(messages[0]["mail_from"] == "vigil@example.org");
    CHECK(messages[0]["rcpt_tos"] == nlohmann::json({"ops@example.org", "night@example.org"}));
    ParsedEmail email = parse_email(messages[0]["data"].get<std::string>());
    INFO(messages[0]["data"].get<std::string>());
    CHECK(email.headers["subject"] == "[vigil] 3 problems, 1 recovered");
    CHECK(email.headers["from"] == "Vigil <vigil@example.org>");
    CHECK(email.headers["to"] == "ops@example.org, Night Duty <night@example.org>");
    CHECK(email.headers["content-type"] == "text/plain; charset=utf-8");
    CHECK(email.headers["mime-version"] == "1.0");
    CHECK(email.headers["message-id"].find("@example.org>") != std::string::npos);
    CHECK_FALSE(email.headers["date"].empty());
    for (const char* text : {"ok -> failed", "ACME_PARIS_CENTRE", "sales", "02:30", "2026-11-23 02:30",
                             "TRANSFER failed: disk full", "ok -> missing *", "hash mismatch", "failed -> ok",
                             "may have been sent before"}) {
        CHECK(email.body.find(text) != std::string::npos);
    }
}

TEST_CASE("email: a test event gets the test subject") {
    SmtpSink sink;
    configured(settings(sink.url(), R"(, "subject_prefix": "[prod]")"))
        .send({make_event("test", "", "", "", "", "sent by vigil notify --test")});
    auto messages = sink.messages();
    REQUIRE(messages.size() == 1);
    CHECK(parse_email(messages[0]["data"].get<std::string>()).headers["subject"] == "[prod] test message");
}

TEST_CASE("email: an empty batch sends nothing") {
    SmtpSink sink;
    configured(settings(sink.url())).send({});
    CHECK(sink.messages().empty());
}

TEST_CASE("email: a recipient refused with 550 is a permanent failure") {
    SmtpSink sink({"gone@example.org"});
    EmailNotifier notifier =
        configured(R"({"url": ")" + sink.url() + R"(", "from": "vigil@example.org", "to": ["gone@example.org"]})");
    std::string why = message_of<Permanent>([&] { notifier.send({failed("ACME_PARIS_CENTRE", "sales")}); });
    CHECK_THAT(why, Catch::Contains(sink.url()));
    CHECK_THAT(why, Catch::Contains("550 5.1.1 <gone@example.org>: mailbox unavailable"));
    CHECK(sink.messages().empty());
}

TEST_CASE("email: a refusal that is not UTF-8 is quoted as valid UTF-8, on one line, capped") {
    const std::string reply = "550 5.1.1 caf\xe9 \xff\xfe\x1b[31m" + std::string(2000, 'x');
    SmtpSink sink({"gone@example.org"}, "", reply);
    EmailNotifier notifier =
        configured(R"({"url": ")" + sink.url() + R"(", "from": "vigil@example.org", "to": ["gone@example.org"]})");
    std::string why = message_of<Permanent>([&] { notifier.send({failed("ACME_PARIS_CENTRE", "sales")}); });
    CHECK_THAT(why, Catch::Contains("550 5.1.1 caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD [31mxxx"));
    CHECK(why.size() < 600);
    CHECK_THAT(why, Catch::EndsWith("...\""));
    CHECK(why.find('\x1b') == std::string::npos);
    CHECK(json(why).dump() != "");  // nlohmann refuses to serialise text that is not UTF-8
}

TEST_CASE("email: a server that is down is worth retrying, and the password stays secret") {
    const std::string password = "s3cret-Pa55-7781";
    setenv("VIGIL_TEST_EMAIL_DOWN_PASSWORD", password.c_str(), 1);
    RefusingPort port;
    const std::string url = "smtp://127.0.0.1:" + std::to_string(port.port());
    EmailNotifier notifier = configured(
        settings(url, R"(, "username": "vigil", "password_env": "VIGIL_TEST_EMAIL_DOWN_PASSWORD")"));
    std::string why = message_of<Unavailable>([&] { notifier.send({failed("ACME_PARIS_CENTRE", "sales")}); });
    CHECK_THAT(why, Catch::Contains(url));
    CHECK_THAT(why, !Catch::Contains(password));
}

TEST_CASE("email: credentials from password_file reach the server") {
    SmtpSink sink({}, "vigil:file-pass-42");
    ScratchDir config_dir;
    std::ofstream(config_dir.path() / "smtp.pass") << "file-pass-42\n";
    const std::string dir = config_dir.path().string();
    configured(settings(sink.url(), R"(, "username": "vigil", "password_file": "smtp.pass", "starttls": "off",
                                       "vigil_config_dir": ")" + dir + "\""))
        .send({failed("ACME_PARIS_CENTRE", "sales")});
    auto messages = sink.messages();
    REQUIRE(messages.size() == 1);
    CHECK(messages[0]["auth_login"] == "vigil");
}

TEST_CASE("email: a refused login is permanent and does not show the password") {
    SmtpSink sink({}, "vigil:right-password");
    setenv("VIGIL_TEST_EMAIL_WRONG_PASSWORD", "wrong-password-99", 1);
    EmailNotifier notifier = configured(settings(
        sink.url(), R"(, "username": "vigil", "password_env": "VIGIL_TEST_EMAIL_WRONG_PASSWORD", "starttls": "off")"));
    std::string why = message_of<Permanent>([&] { notifier.send({failed("ACME_PARIS_CENTRE", "sales")}); });
    CHECK_THAT(why, Catch::Contains("535"));
    CHECK_THAT(why, !Catch::Contains("wrong-password-99"));
    CHECK(sink.messages().empty());
}

TEST_CASE("email: with a password, a server without STARTTLS gets nothing by default") {
    SmtpSink sink({}, "vigil:pw");
    setenv("VIGIL_TEST_EMAIL_TLS_PASSWORD", "pw", 1);
    EmailNotifier notifier =
        configured(settings(sink.url(), R"(, "username": "vigil", "password_env": "VIGIL_TEST_EMAIL_TLS_PASSWORD")"));
    std::string why = message_of<Unavailable>([&] { notifier.send({failed("ACME_PARIS_CENTRE", "sales")}); });
    CHECK_THAT(why, Catch::Contains("STARTTLS"));
    CHECK(sink.messages().empty());
}

TEST_CASE("email: starttls required refuses a server without it") {
    SmtpSink sink;
    EmailNotifier notifier = configured(settings(sink.url(), R"(, "starttls": "required")"));
    CHECK_THROWS_AS(notifier.send({failed("ACME_PARIS_CENTRE", "sales")}), Unavailable);
    CHECK(sink.messages().empty());
}

TEST_CASE("email settings are checked at configure time") {
    unsetenv("VIGIL_TEST_EMAIL_UNSET");
    const std::string url = "smtp://127.0.0.1:25";
    struct Case {
        std::string json;
        std::string message;
    };
    const std::vector<Case> cases{
        {R"({"url": ")" + url + R"(", "from": "vigil@example.org"})", "setting `to`: at least one recipient"},
        {R"({"url": ")" + url + R"(", "from": "vigil@example.org", "to": []})", "setting `to`: at least one recipient"},
        {R"({"url": ")" + url + R"(", "from": "vigil@example.org", "to": "nobody"})", "setting `to`: \"nobody\""},
        {R"({"from": "vigil@example.org", "to": "ops@example.org"})", "setting `url`: required"},
        {settings("http://mail.example.org"), "setting `url`: \"http://mail.example.org/\" is not an smtp://"},
        {settings("http://mail.example.org/?key=hunter2hunter2"),
         "setting `url`: \"http://mail.example.org/?key=***\" is not an smtp://"},
        {settings("smtp//u:hunter2@mail"), "setting `url`: not a URL libcurl accepts"},
        {settings("smtp://u:pw@mail.example.org"), "setting `url`: must not carry a user name or password"},
        {R"({"url": ")" + url + R"(", "to": "ops@example.org"})", "setting `from`: required"},
        {settings(url, R"(, "starttls": "maybe")"), "setting `starttls`: \"maybe\" is not"},
        {settings("smtps://mail.example.org", R"(, "starttls": "off")"), "setting `starttls`: `off` contradicts"},
        {settings(url, R"(, "timeout_seconds": "0")"), "setting `timeout_seconds`:"},
        {settings(url, R"(, "tls_verify": "perhaps")"), "setting `tls_verify`:"},
        {settings(url, R"(, "username": "u", "password_env": "VIGIL_TEST_EMAIL_UNSET")"),
         "setting `password_env`: environment variable VIGIL_TEST_EMAIL_UNSET is not set"},
        {settings(url, R"(, "username": "u", "password_file": "/nonexistent/smtp.pass")"),
         "setting `password_file`: cannot read /nonexistent/smtp.pass"},
        {settings(url, R"(, "username": "u")"), "setting `username`: needs `password_env` or `password_file`"},
        {settings(url, R"(, "subject_prefix": "a\nb")"), "setting `subject_prefix`:"},
    };
    for (const Case& c : cases) {
        INFO(c.json);
        EmailNotifier notifier;
        CHECK_THROWS_WITH(notifier.configure(config_from_json(c.json)), Catch::StartsWith(c.message));
    }
}
