#include "notifier_curl.hpp"

#include <vigil/plugin.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <memory>
#include <mutex>
#include <new>
#include <optional>

namespace vigil::plugins::notify {
namespace {

// Once per process and never undone: curl_global_cleanup is not thread-safe,
// and the host, or another plugin, may still be using libcurl when this
// module is unloaded.
void init_curl_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        CURLcode code = curl_global_init(CURL_GLOBAL_DEFAULT);
        if (code != CURLE_OK) throw std::runtime_error(std::string("libcurl: ") + curl_easy_strerror(code));
    });
}

struct UrlFree {
    void operator()(CURLU* url) const { curl_url_cleanup(url); }
};

std::optional<std::string> url_part(CURLU* url, CURLUPart what) {
    char* part = nullptr;
    if (curl_url_get(url, what, &part, 0) != CURLUE_OK) return std::nullopt;
    std::string text(part);
    curl_free(part);
    return text;
}

std::string percent_decoded(const std::string& text) {
    int length = 0;
    char* decoded = curl_easy_unescape(nullptr, text.c_str(), static_cast<int>(text.size()), &length);
    if (decoded == nullptr) throw std::bad_alloc();
    std::string out(decoded, static_cast<std::size_t>(length));
    curl_free(decoded);
    return out;
}

// Adds the text, raw and percent-decoded, when it is long enough to matter.
void add_secret(std::vector<std::string>& secrets, const std::string& text, std::size_t shortest) {
    if (text.empty() || text.size() < shortest) return;
    secrets.push_back(text);
    std::string decoded = percent_decoded(text);
    if (decoded != text) secrets.push_back(std::move(decoded));
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t at = text.find(separator); at != std::string::npos; at = text.find(separator, start)) {
        parts.push_back(text.substr(start, at - start));
        start = at + 1;
    }
    parts.push_back(text.substr(start));
    return parts;
}

// Every query value (a whole item without '=') is shown as *** and, when
// long enough, joins the secrets; the names stay.
void hide_query(CURLU* url, std::vector<std::string>& secrets) {
    auto query = url_part(url, CURLUPART_QUERY);
    if (!query) return;
    std::string shown;
    for (const std::string& item : split(*query, '&')) {
        std::size_t eq = item.find('=');
        if (!shown.empty()) shown += '&';
        shown += eq == std::string::npos ? "***" : item.substr(0, eq) + "=***";
        add_secret(secrets, eq == std::string::npos ? item : item.substr(eq + 1), kShortestScrubbed);
    }
    curl_url_set(url, CURLUPART_QUERY, shown.c_str(), 0);
}

void hide_path(CURLU* url, std::vector<std::string>& secrets) {
    auto path = url_part(url, CURLUPART_PATH);
    if (!path || path->size() <= 1) return;
    add_secret(secrets, *path, 0);
    for (const std::string& segment : split(*path, '/')) add_secret(secrets, segment, kShortestScrubbed);
    curl_url_set(url, CURLUPART_PATH, "/***", 0);
}

// Valid UTF-8, with U+FFFD for each byte that is not: nlohmann::json's
// replacing serializer does the work, and parsing back undoes its escapes.
std::string valid_utf8(std::string_view text) {
    const nlohmann::json as_json = std::string(text);
    return nlohmann::json::parse(as_json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        .get<std::string>();
}

}  // namespace

UrlParts parse_url(const std::string& text, const std::string& setting, UrlPath path) {
    std::unique_ptr<CURLU, UrlFree> url(curl_url());
    if (!url) throw std::bad_alloc();
    CURLUcode code = curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0);
    if (code != CURLUE_OK) {
        throw InvalidInput("setting `" + setting + "`: not a URL libcurl accepts (" + curl_url_strerror(code) + ")");
    }
    UrlParts parts;
    parts.scheme = url_part(url.get(), CURLUPART_SCHEME).value_or("");
    parts.password = url_part(url.get(), CURLUPART_PASSWORD).value_or("");
    parts.has_credentials = url_part(url.get(), CURLUPART_USER) || !parts.password.empty();
    add_secret(parts.secrets, parts.password, 0);
    hide_query(url.get(), parts.secrets);
    if (path == UrlPath::kHidden) hide_path(url.get(), parts.secrets);
    curl_url_set(url.get(), CURLUPART_USER, nullptr, 0);
    curl_url_set(url.get(), CURLUPART_PASSWORD, nullptr, 0);
    curl_url_set(url.get(), CURLUPART_FRAGMENT, nullptr, 0);
    parts.display = url_part(url.get(), CURLUPART_URL).value_or(parts.scheme + "://");
    return parts;
}

CurlTransfer::CurlTransfer() {
    init_curl_once();
    handle_ = curl_easy_init();
    if (handle_ == nullptr) throw std::bad_alloc();
    set(CURLOPT_ERRORBUFFER, error_);
    // Signals would reach the host's threads: libcurl must not use them for timeouts.
    set(CURLOPT_NOSIGNAL, 1L);
}

CurlTransfer::~CurlTransfer() { curl_easy_cleanup(handle_); }

CURLcode CurlTransfer::perform() {
    error_[0] = '\0';
    return curl_easy_perform(handle_);
}

std::string CurlTransfer::error_text(CURLcode code) const {
    return error_[0] != '\0' ? std::string(error_) : std::string(curl_easy_strerror(code));
}

long CurlTransfer::response_code() const {
    long code = 0;
    curl_easy_getinfo(handle_, CURLINFO_RESPONSE_CODE, &code);
    return code;
}

CurlList::~CurlList() { curl_slist_free_all(list_); }

void CurlList::append(const std::string& item) {
    curl_slist* grown = curl_slist_append(list_, item.c_str());
    if (grown == nullptr) throw std::bad_alloc();
    list_ = grown;
}

bool curl_error_is_permanent(CURLcode code) {
    switch (code) {
        case CURLE_UNSUPPORTED_PROTOCOL:
        case CURLE_URL_MALFORMAT:
        case CURLE_NOT_BUILT_IN:
            return true;
        default:
            return false;
    }
}

std::string one_line(std::string_view text, std::size_t max_bytes) {
    std::string out = valid_utf8(text);
    for (char& c : out) {
        auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) c = ' ';
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (out.size() <= max_bytes) return out;
    std::size_t cut = max_bytes;
    // Step back over UTF-8 continuation bytes so no character is split.
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    return out.substr(0, cut) + "...";
}

std::string scrub(std::string text, const std::vector<std::string>& secrets) {
    // Longest first: a whole path goes before its segments, leaving no piece of it.
    std::vector<std::string> longest_first = secrets;
    std::stable_sort(longest_first.begin(), longest_first.end(),
                     [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    for (const std::string& secret : longest_first) {
        if (secret.empty()) continue;
        for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
            text.replace(at, secret.size(), "***");
        }
    }
    return text;
}

std::string server_said(std::string_view text, const std::vector<std::string>& secrets, std::size_t max_bytes) {
    return one_line(scrub(std::string(text), secrets), max_bytes);
}

}  // namespace vigil::plugins::notify
