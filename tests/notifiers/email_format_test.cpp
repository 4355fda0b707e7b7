// What the email says and how it is framed, without a server.
#include "email_message.hpp"
#include "email_summary.hpp"
#include "fixtures.hpp"

#include <catch2/catch.hpp>
#include <openssl/evp.h>

#include <regex>

using namespace vigil;
using namespace vigil::test;
using namespace vigil::plugins::notify;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::size_t line_with(const std::vector<std::string>& lines, const std::string& needle) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].find(needle) != std::string::npos) return i;
    }
    FAIL("no line contains \"" << needle << "\"");
    return 0;
}

std::string decode_word(const std::string& word) {
    REQUIRE(word.rfind("=?UTF-8?B?", 0) == 0);
    REQUIRE(word.size() > 12);
    std::string b64 = word.substr(10, word.size() - 12);
    std::string out(b64.size(), '\0');
    int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
    REQUIRE(n >= 0);
    out.resize(static_cast<std::size_t>(n));
    while (!b64.empty() && b64.back() == '=') {  // EVP_DecodeBlock counts padding as zero bytes
        b64.pop_back();
        out.pop_back();
    }
    return out;
}

EmailParts parts_with(const std::string& subject, const std::string& body) {
    EmailParts parts;
    parts.from = parse_mailbox("Vigil <vigil@example.org>", "from");
    parts.to = {parse_mailbox("ops@example.org", "to"), parse_mailbox("\"Duty, Night\" <night@example.org>", "to")};
    parts.subject = subject;
    parts.body = body;
    parts.date = std::chrono::system_clock::time_point(std::chrono::seconds(1795406400));
    parts.message_id = "<1@example.org>";
    return parts;
}

}  // namespace

TEST_CASE("email subject counts problems, reminders, recoveries and tests") {
    Event missing = make_event("status_change", "ACME_LYON_EST", "crm", "ok", "missing", "no report");
    Event mismatch = make_event("hash_mismatch", "ACME_NICE_PORT", "hr", "ok", "hash_mismatch", "hash differs");
    Event reminder = make_event("reminder", "ACME_LYON_EST", "erp", "failed", "failed", "still broken");
    Event test = make_event("test", "", "", "", "", "vigil notify --test");
    Event to_unknown = make_event("status_change", "ACME_LYON_EST", "wiki", "ok", "unknown", "");

    std::vector<Event> batch{failed("ACME_PARIS_CENTRE", "sales"), missing, mismatch,
                             recovered("ACME_PARIS_NORD", "web")};
    CHECK(email_subject(batch, "[vigil]") == "[vigil] 3 problems, 1 recovered");
    batch.push_back(reminder);
    CHECK(email_subject(batch, "[vigil]") == "[vigil] 3 problems, 1 still failing, 1 recovered");
    CHECK(email_subject({failed("ACME_PARIS_CENTRE", "sales")}, "[vigil]") == "[vigil] 1 problem");
    CHECK(email_subject({failed("ACME_PARIS_CENTRE", "sales")}, "") == "1 problem");
    CHECK(email_subject({to_unknown}, "[prod]") == "[prod] 1 other change");
    CHECK(email_subject({test}, "[vigil]") == "[vigil] test message");
    CHECK(email_subject({test, failed("ACME_PARIS_CENTRE", "sales")}, "[vigil]") == "[vigil] 1 problem");
}

TEST_CASE("email body is a table with problems first") {
    Event noisy = failed("ACME_LYON_EST", "crm");
    noisy.message = "line one\nline two\r";
    noisy.cycle_expected_at = kNoTime;
    std::string body = email_body({recovered("ACME_PARIS_NORD", "web"), failed("ACME_PARIS_CENTRE", "sales"), noisy},
                                  "9.9.9");
    auto lines = lines_of(body);
    INFO(body);

    CHECK(lines.at(0) == "Vigil: 2 problems, 1 recovered.");
    std::size_t header = line_with(lines, "STATUS");
    std::size_t problem = line_with(lines, "ACME_PARIS_CENTRE");
    std::size_t recovery = line_with(lines, "failed -> ok");
    CHECK(header < problem);
    CHECK(problem < recovery);

    const std::string& row = lines[problem];
    CHECK(row.rfind("ok -> failed ", 0) == 0);
    for (const char* cell : {"sales", "02:30", "2026-11-23 02:30", "TRANSFER failed: disk full"}) {
        CHECK(row.find(cell) != std::string::npos);
    }
    // Columns line up under their titles.
    CHECK(row.find("ACME_PARIS_CENTRE") == lines[header].find("AGENT"));
    CHECK(row.find("sales") == lines[header].find("DATABASE"));
    CHECK(row.find("TRANSFER") == lines[header].find("MESSAGE"));

    std::size_t noisy_row = line_with(lines, "ACME_LYON_EST");
    CHECK(lines[noisy_row].find("line one line two") != std::string::npos);
    CHECK(lines[noisy_row].find("  -  ") != std::string::npos);  // no cycle

    CHECK(body.find("may have been sent before") == std::string::npos);
    CHECK(body.find("Scan of 2026-11-23T04:00:00Z. Sent by vigil 9.9.9.") != std::string::npos);
}

TEST_CASE("email body marks events that may have been sent before") {
    Event again = failed("ACME_PARIS_CENTRE", "sales");
    again.possibly_duplicate = true;
    std::string body = email_body({again, failed("ACME_LYON_EST", "crm")}, "1");
    auto lines = lines_of(body);
    INFO(body);
    CHECK(lines[line_with(lines, "ACME_PARIS_CENTRE")].rfind("ok -> failed *", 0) == 0);
    CHECK(lines[line_with(lines, "ACME_LYON_EST")].find('*') == std::string::npos);
    CHECK(lines[line_with(lines, "may have been sent before")].rfind("* ", 0) == 0);
}

TEST_CASE("mailboxes are read from settings") {
    Mailbox bare = parse_mailbox(" ops@example.org ", "to");
    CHECK(bare.address == "ops@example.org");
    CHECK(bare.display_name.empty());
    Mailbox named = parse_mailbox("Ops Team <ops@example.org>", "to");
    CHECK(named.address == "ops@example.org");
    CHECK(named.display_name == "Ops Team");
    CHECK(parse_mailbox("\"Ops, Team\" <ops@example.org>", "to").display_name == "Ops, Team");

    for (const char* bad : {"", "ops", "ops@", "@example.org", "a@b@example.org", "ops @example.org",
                            "Ops <>", "ops@example.org\r\nBcc: all@example.org"}) {
        INFO(bad);
        CHECK_THROWS_WITH(parse_mailbox(bad, "to"), Catch::StartsWith("setting `to`:"));
    }
}

TEST_CASE("email framing: headers, encodings, line ends and lengths") {
    std::string long_line(2500, 'x');
    std::string message = format_email(parts_with("[vïgil] 1 problem", "Vigil: 1 problem.\n" + long_line + "\n"));
    ParsedEmail email = parse_email(message);
    INFO(message.substr(0, 600));

    CHECK(email.headers["date"] == "Mon, 23 Nov 2026 04:00:00 +0000");
    CHECK(email.headers["from"] == "Vigil <vigil@example.org>");
    CHECK(email.headers["to"] == "ops@example.org, \"Duty, Night\" <night@example.org>");
    CHECK(email.headers["message-id"] == "<1@example.org>");
    CHECK(email.headers["mime-version"] == "1.0");
    CHECK(email.headers["content-type"] == "text/plain; charset=utf-8");
    CHECK(email.headers["content-transfer-encoding"] == "7bit");
    CHECK(decode_word(email.headers["subject"]) == "[vïgil] 1 problem");

    std::regex bare_lf("[^\r]\n");
    CHECK_FALSE(std::regex_search(message, bare_lf));
    std::size_t start = 0;
    for (std::size_t end; (end = message.find("\r\n", start)) != std::string::npos; start = end + 2) {
        CHECK(end - start <= 998);
    }
    CHECK(email.body.find(long_line.substr(0, 998) + "\r\n") != std::string::npos);

    CHECK(parse_email(format_email(parts_with("s", "Zoé\n"))).headers["content-transfer-encoding"] == "8bit");
}

TEST_CASE("Message-IDs are unique and use the sender's domain") {
    Mailbox from = parse_mailbox("vigil@example.org", "from");
    std::string a = new_message_id(from);
    CHECK(std::regex_match(a, std::regex("<[0-9a-f]{32}@example\\.org>")));
    CHECK(a != new_message_id(from));
}
