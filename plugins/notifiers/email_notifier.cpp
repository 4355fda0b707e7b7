#include "email_notifier.hpp"

#include "email_summary.hpp"
#include "notifier_curl.hpp"
#include "notifier_settings.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace vigil::plugins {
namespace {

using namespace notify;

// Enough of a refusal to say why, short enough for one log line.
constexpr std::size_t kShownServerText = 300;

std::vector<Mailbox> recipients(const Config& config) {
    std::vector<Mailbox> out;
    if (auto node = config.get_child_optional("to")) {
        if (node->empty() && !node->data().empty()) out.push_back(parse_mailbox(node->data(), "to"));
        for (const auto& [key, item] : *node) {
            if (!key.empty() || !item.empty()) refuse("to", "must be one address or a list of addresses");
            out.push_back(parse_mailbox(item.data(), "to"));
        }
    }
    if (out.empty()) refuse("to", "at least one recipient is required");
    return out;
}

std::string read_password_file(const Config& config, const std::string& name) {
    std::filesystem::path path(name);
    if (path.is_relative()) {
        if (auto dir = optional_string(config, "vigil_config_dir")) path = std::filesystem::path(*dir) / path;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) refuse("password_file", "cannot read " + path.string() + ": " + std::strerror(errno));
    std::string password((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Editors end the file with a line break that is not part of the password.
    if (!password.empty() && password.back() == '\n') password.pop_back();
    if (!password.empty() && password.back() == '\r') password.pop_back();
    if (password.empty()) refuse("password_file", path.string() + " is empty");
    return password;
}

std::string read_password(const Config& config) {
    auto from_env = secret_from_env(config, "password_env");
    auto file = optional_string(config, "password_file");
    if (from_env && file) refuse("password_file", "give `password_env` or `password_file`, not both");
    if (from_env) return *from_env;
    return file ? read_password_file(config, *file) : "";
}

// Without a password, opportunistic STARTTLS is the default; with one, TLS
// is required unless the setting says otherwise, so that a server that
// stops offering STARTTLS (or someone in the middle removing the offer)
// does not get the password in clear.
long use_ssl_mode(const Config& config, bool implicit_tls, bool has_password) {
    auto mode = optional_string(config, "starttls");
    if (!mode) return (implicit_tls || has_password) ? CURLUSESSL_ALL : CURLUSESSL_TRY;
    if (*mode == "required") return CURLUSESSL_ALL;
    if (*mode == "opportunistic") return implicit_tls ? CURLUSESSL_ALL : CURLUSESSL_TRY;
    if (*mode == "off") {
        if (implicit_tls) refuse("starttls", "`off` contradicts an smtps:// url, which is TLS from the first byte");
        return CURLUSESSL_NONE;
    }
    refuse("starttls", "\"" + *mode + "\" is not required, opportunistic or off");
}

struct Upload {
    const std::string& data;
    std::size_t offset = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    std::size_t n = std::min(size * count, upload->data.size() - upload->offset);
    std::memcpy(buffer, upload->data.data() + upload->offset, n);
    upload->offset += n;
    return n;
}

// libcurl reports "RCPT failed: 550" without the server's words; the debug
// stream carries them. Only what the server says is kept, never what is
// sent (which includes the AUTH exchange), and only refusals: libcurl says
// QUIT after a failure, and the "221 Bye" must not hide the reason.
int record_refusal(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
    if (type != CURLINFO_HEADER_IN) return 0;
    std::string text(data, size);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    auto start = text.rfind('\n');
    if (start != std::string::npos) text.erase(0, start + 1);
    if (!text.empty() && (text[0] == '4' || text[0] == '5')) *static_cast<std::string*>(user) = text;
    return 0;
}

}  // namespace

void EmailNotifier::configure(const Config& config) {
    refuse_unknown(config, {"url", "from", "to", "username", "password_env", "password_file", "starttls",
                            "timeout_seconds", "tls_verify", "subject_prefix"});
    url_ = required_string(config, "url");
    UrlParts url = parse_url(url_, "url", UrlPath::kShown);
    if (url.scheme != "smtp" && url.scheme != "smtps") refuse("url", "\"" + url.display + "\" is not an smtp:// or smtps:// URL");
    if (url.has_credentials) {
        refuse("url", "must not carry a user name or password: use `username` with `password_env` or `password_file`");
    }
    from_ = parse_mailbox(required_string(config, "from"), "from");
    to_ = recipients(config);
    username_ = optional_string(config, "username").value_or("");
    display_url_ = url.display;
    secrets_ = url.secrets;
    password_ = read_password(config);
    if (!password_.empty()) secrets_.push_back(password_);
    if (!password_.empty() && username_.empty()) refuse("username", "required when a password is given");
    if (password_.empty() && !username_.empty()) refuse("username", "needs `password_env` or `password_file`");
    use_ssl_ = use_ssl_mode(config, url.scheme == "smtps", !password_.empty());
    timeout_seconds_ = timeout_setting(config);
    tls_verify_ = bool_setting(config, "tls_verify", true);
    subject_prefix_ = optional_string(config, "subject_prefix").value_or("[vigil]");
    if (one_line(subject_prefix_, subject_prefix_.size()) != subject_prefix_) {
        refuse("subject_prefix", "must be one line without control characters");
    }
}

void EmailNotifier::send(const std::vector<Event>& events) {
    if (events.empty()) return;
    EmailParts parts;
    parts.from = from_;
    parts.to = to_;
    parts.subject = email_subject(events, subject_prefix_);
    parts.body = email_body(events, VIGIL_VERSION);
    parts.date = std::chrono::system_clock::now();
    parts.message_id = new_message_id(from_);
    const std::string message = format_email(parts);

    CurlTransfer curl;
    curl.set(CURLOPT_URL, url_.c_str());
    curl.set(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl.set(CURLOPT_USE_SSL, use_ssl_);
    curl.set(CURLOPT_SSL_VERIFYPEER, tls_verify_ ? 1L : 0L);
    curl.set(CURLOPT_SSL_VERIFYHOST, tls_verify_ ? 2L : 0L);
    curl.set(CURLOPT_TIMEOUT, timeout_seconds_);
    if (!username_.empty()) {
        curl.set(CURLOPT_USERNAME, username_.c_str());
        curl.set(CURLOPT_PASSWORD, password_.c_str());
    }
    const std::string envelope_from = "<" + from_.address + ">";
    curl.set(CURLOPT_MAIL_FROM, envelope_from.c_str());
    CurlList envelope_to;
    for (const Mailbox& m : to_) envelope_to.append("<" + m.address + ">");
    curl.set(CURLOPT_MAIL_RCPT, envelope_to.get());
    Upload upload{message};
    curl.set(CURLOPT_UPLOAD, 1L);
    curl.set(CURLOPT_READFUNCTION, &read_upload);
    curl.set(CURLOPT_READDATA, &upload);
    curl.set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    std::string refusal;
    curl.set(CURLOPT_DEBUGFUNCTION, &record_refusal);
    curl.set(CURLOPT_DEBUGDATA, &refusal);
    curl.set(CURLOPT_VERBOSE, 1L);

    CURLcode code = curl.perform();
    if (code == CURLE_OK) return;
    // libcurl keeps the code of the last reply before QUIT: the one that failed.
    long reply = curl.response_code();
    std::string why = "email via " + display_url_ + ": " + server_said(curl.error_text(code), secrets_, kShownServerText);
    if (reply != 0 && refusal.rfind(std::to_string(reply), 0) == 0) {
        why += "; the server said \"" + server_said(refusal, secrets_, kShownServerText) + "\"";
    }
    if ((reply >= 500 && reply < 600) || curl_error_is_permanent(code)) throw Permanent(why);
    throw Unavailable(why);
}

}  // namespace vigil::plugins
