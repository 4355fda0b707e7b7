// An Internet message (RFC 5322) as it goes to the SMTP server: addresses,
// headers that survive non-ASCII text, and a body within SMTP's limits.
#ifndef VIGIL_PLUGINS_EMAIL_MESSAGE_HPP
#define VIGIL_PLUGINS_EMAIL_MESSAGE_HPP

#include <chrono>
#include <string>
#include <vector>

namespace vigil::plugins::notify {

struct Mailbox {
    std::string display_name;  // "" when none
    std::string address;       // local@domain, ASCII
};

// Reads "ops@example.org" or "Ops Team <ops@example.org>" (the name may be
// in double quotes). Throws InvalidInput "setting `<setting>`: ..." when the
// text is not one such mailbox.
Mailbox parse_mailbox(const std::string& text, const std::string& setting);

struct EmailParts {
    Mailbox from;
    std::vector<Mailbox> to;
    std::string subject;
    std::string body;  // UTF-8, lines ending with "\n"
    std::chrono::system_clock::time_point date;
    std::string message_id;  // with its angle brackets
};

// The whole message with CRLF line ends: Date, From, To, Subject,
// Message-ID, MIME-Version, Content-Type text/plain; charset=utf-8, then the
// body. libcurl does the SMTP dot-stuffing, so none is done here.
std::string format_email(const EmailParts& parts);

// "<32 random hex digits@domain of from>".
std::string new_message_id(const Mailbox& from);

}  // namespace vigil::plugins::notify

#endif  // VIGIL_PLUGINS_EMAIL_MESSAGE_HPP
