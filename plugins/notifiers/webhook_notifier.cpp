#include "webhook_notifier.hpp"

#include "notifier_curl.hpp"
#include "notifier_settings.hpp"
#include "webhook_payload.hpp"

#include <algorithm>
#include <cctype>

namespace vigil::plugins {
namespace {

using namespace notify;

// Enough of an error page to say what the receiver disliked; the message
// quotes at most kShownServerText bytes of it.
constexpr std::size_t kKeptResponse = 1024;
constexpr std::size_t kShownServerText = 200;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

bool is_token(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    });
}

std::vector<std::pair<std::string, std::string>> custom_headers(const Config& config) {
    std::vector<std::pair<std::string, std::string>> out;
    auto node = config.get_child_optional("headers");
    if (!node) return out;
    if (node->empty() && !node->data().empty()) refuse("headers", "must be a mapping of header name to value");
    for (const auto& [name, value] : *node) {
        if (name.empty() || !value.empty()) refuse("headers", "must be a mapping of header name to value");
        if (!is_token(name)) refuse("headers", "\"" + name + "\" is not an HTTP header name");
        // Framing is libcurl's job, and the signature is this plugin's.
        static const std::vector<std::string> kReserved{"content-length", "transfer-encoding", "host",
                                                        "x-vigil-signature"};
        if (std::find(kReserved.begin(), kReserved.end(), lower(name)) != kReserved.end()) {
            refuse("headers", name + " cannot be set here");
        }
        const std::string& text = value.data();
        if (std::any_of(text.begin(), text.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; })) {
            refuse("headers", "the value of " + name + " must be one line");
        }
        out.emplace_back(name, text);
    }
    return out;
}

std::size_t keep_response(char* data, std::size_t size, std::size_t count, void* user) {
    auto* kept = static_cast<std::string*>(user);
    std::size_t n = size * count;
    kept->append(data, std::min(n, kKeptResponse - std::min(kKeptResponse, kept->size())));
    return n;
}

bool has_header(const std::vector<std::pair<std::string, std::string>>& headers, const std::string& name) {
    return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return lower(h.first) == name; });
}

}  // namespace

void WebhookNotifier::configure(const Config& config) {
    refuse_unknown(config, {"url", "headers", "secret_env", "timeout_seconds", "tls_verify"});
    url_ = required_string(config, "url");
    UrlParts url = parse_url(url_, "url", UrlPath::kHidden);
    if (url.scheme != "http" && url.scheme != "https") refuse("url", "\"" + url.display + "\" is not an http:// or https:// URL");
    display_url_ = url.display;
    secrets_ = url.secrets;
    headers_ = custom_headers(config);
    // An Authorization or API-key header is a credential a server may echo.
    for (const auto& header : headers_) {
        if (header.second.size() >= kShortestScrubbed) secrets_.push_back(header.second);
    }
    secret_ = secret_from_env(config, "secret_env");
    if (secret_) secrets_.push_back(*secret_);
    timeout_seconds_ = timeout_setting(config);
    tls_verify_ = bool_setting(config, "tls_verify", true);
}

void WebhookNotifier::send(const std::vector<Event>& events) {
    if (events.empty()) return;
    const std::string body = webhook_body(events);

    CurlList headers;
    // A configured header of the same name replaces the default.
    if (!has_header(headers_, "content-type")) headers.append("Content-Type: application/json");
    if (!has_header(headers_, "user-agent")) headers.append("User-Agent: vigil/" VIGIL_VERSION);
    // Without this, libcurl waits up to a second for "100 Continue" before
    // sending a larger body, and many receivers never send one.
    headers.append("Expect:");
    if (secret_) headers.append("X-Vigil-Signature: " + webhook_signature(*secret_, body));
    // "Name;" is libcurl's spelling of a header with an empty value.
    for (const auto& [name, value] : headers_) headers.append(value.empty() ? name + ";" : name + ": " + value);

    CurlTransfer curl;
    curl.set(CURLOPT_URL, url_.c_str());
    curl.set(CURLOPT_PROTOCOLS_STR, "http,https");
    curl.set(CURLOPT_POSTFIELDS, body.c_str());
    curl.set(CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl.set(CURLOPT_HTTPHEADER, headers.get());
    curl.set(CURLOPT_TIMEOUT, timeout_seconds_);
    curl.set(CURLOPT_SSL_VERIFYPEER, tls_verify_ ? 1L : 0L);
    curl.set(CURLOPT_SSL_VERIFYHOST, tls_verify_ ? 2L : 0L);
    std::string response;
    curl.set(CURLOPT_WRITEFUNCTION, &keep_response);
    curl.set(CURLOPT_WRITEDATA, &response);

    CURLcode code = curl.perform();
    const std::string where = "webhook POST " + display_url_ + ": ";
    if (code != CURLE_OK) {
        std::string why = where + server_said(curl.error_text(code), secrets_, kShownServerText);
        if (curl_error_is_permanent(code)) throw Permanent(why);
        throw Unavailable(why);
    }
    long status = curl.response_code();
    if (status >= 200 && status < 300) return;
    std::string why = where + "HTTP " + std::to_string(status);
    if (status >= 300 && status < 400) why += " (redirects are not followed: set `url` to the final address)";
    std::string said = server_said(response, secrets_, kShownServerText);
    if (!said.empty()) why += ": " + said;
    if (status == 408 || status == 429 || (status >= 500 && status < 600)) throw Unavailable(why);
    if (status >= 300 && status < 500) throw Permanent(why);
    throw Unavailable(why);
}

}  // namespace vigil::plugins
