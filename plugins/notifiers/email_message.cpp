#include "email_message.hpp"

#include <vigil/plugin.hpp>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace vigil::plugins::notify {
namespace {

// RFC 5321 §4.5.3.1.6: a line is at most 998 octets before its CRLF.
constexpr std::size_t kMaxLine = 998;
// 45 bytes become 60 base64 characters: with "=?UTF-8?B?" and "?=", an
// encoded word stays within RFC 2047's 75.
constexpr std::size_t kEncodedChunk = 45;

bool is_ascii(const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string trim(const std::string& text) {
    auto begin = text.find_first_not_of(" \t");
    if (begin == std::string::npos) return "";
    return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

bool valid_address(const std::string& address) {
    auto at = address.find('@');
    if (at == 0 || at == std::string::npos || at + 1 == address.size()) return false;
    if (address.find('@', at + 1) != std::string::npos) return false;
    return std::all_of(address.begin(), address.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte > 0x20 && byte < 0x7f && std::string_view("<>()[],;:\\\"").find(c) == std::string_view::npos;
    });
}

std::string base64(const std::string& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                 reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(length));
    return out;
}

// RFC 2047 encoded words, folded onto continuation lines; chunks end on
// UTF-8 character boundaries so each word decodes on its own.
std::string encoded_words(const std::string& text) {
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = std::min(start + kEncodedChunk, text.size());
        while (end < text.size() && end > start && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
        if (!out.empty()) out += "\r\n ";
        out += "=?UTF-8?B?" + base64(text.substr(start, end - start)) + "?=";
        start = end;
    }
    return out;
}

std::string header_text(const std::string& text) { return is_ascii(text) ? text : encoded_words(text); }

// A display name as an RFC 5322 phrase: plain words as they are, anything
// with specials quoted, non-ASCII encoded.
std::string phrase(const std::string& name) {
    if (!is_ascii(name)) return encoded_words(name);
    bool plain = std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::string_view(" !#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
    });
    if (plain) return name;
    std::string quoted = "\"";
    for (char c : name) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "\"";
}

std::string mailbox_text(const Mailbox& m) {
    return m.display_name.empty() ? m.address : phrase(m.display_name) + " <" + m.address + ">";
}

// RFC 5322 §3.3, in English whatever the process locale.
std::string rfc5322_date(std::chrono::system_clock::time_point when) {
    static const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[64];
    std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[utc.tm_wday], utc.tm_mday,
                  kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
    return text;
}

// CRLF line ends, no stray CR, and lines cut to SMTP's limit at character
// boundaries: servers may reject or mangle anything else.
std::string wire_body(const std::string& body) {
    std::string out;
    std::size_t start = 0;
    while (start <= body.size()) {
        std::size_t end = body.find('\n', start);
        if (end == std::string::npos) end = body.size();
        std::string line = body.substr(start, end - start);
        line.erase(std::remove(line.begin(), line.end(), '\r'), line.end());
        while (line.size() > kMaxLine) {
            std::size_t cut = kMaxLine;
            while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
            out += line.substr(0, cut) + "\r\n";
            line.erase(0, cut);
        }
        if (end < body.size() || !line.empty()) out += line + "\r\n";
        start = end + 1;
    }
    return out;
}

}  // namespace

Mailbox parse_mailbox(const std::string& text, const std::string& setting) {
    const std::string t = trim(text);
    if (std::any_of(t.begin(), t.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
        throw InvalidInput("setting `" + setting + "`: contains a control character");
    }
    Mailbox m;
    if (!t.empty() && t.back() == '>' && t.rfind('<') != std::string::npos) {
        std::size_t open = t.rfind('<');
        m.address = t.substr(open + 1, t.size() - open - 2);
        m.display_name = trim(t.substr(0, open));
        if (m.display_name.size() >= 2 && m.display_name.front() == '"' && m.display_name.back() == '"') {
            m.display_name = m.display_name.substr(1, m.display_name.size() - 2);
        }
    } else {
        m.address = t;
    }
    if (!valid_address(m.address)) {
        throw InvalidInput("setting `" + setting + "`: \"" + text +
                           "\" is not an email address (local@domain, ASCII, or Name <local@domain>)");
    }
    return m;
}

std::string format_email(const EmailParts& parts) {
    std::string to;
    for (const Mailbox& m : parts.to) to += (to.empty() ? "" : ",\r\n ") + mailbox_text(m);
    std::string body = wire_body(parts.body);
    return "Date: " + rfc5322_date(parts.date) + "\r\n" +
           "From: " + mailbox_text(parts.from) + "\r\n" +
           "To: " + to + "\r\n" +
           "Subject: " + header_text(parts.subject) + "\r\n" +
           "Message-ID: " + parts.message_id + "\r\n" +
           // RFC 3834: keeps vacation responders from answering a robot.
           "Auto-Submitted: auto-generated\r\n"
           "MIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n"
           "Content-Transfer-Encoding: " + (is_ascii(body) ? "7bit" : "8bit") + "\r\n"
           "\r\n" + body;
}

std::string new_message_id(const Mailbox& from) {
    unsigned char random[16];
    if (RAND_bytes(random, sizeof random) != 1) throw std::runtime_error("email: no random bytes for a Message-ID");
    std::string id = "<";
    char hex[3];
    for (unsigned char byte : random) {
        std::snprintf(hex, sizeof hex, "%02x", byte);
        id += hex;
    }
    return id + "@" + from.address.substr(from.address.find('@') + 1) + ">";
}

}  // namespace vigil::plugins::notify
