#include "notifier_curl.hpp"

#include <vigil/plugin.hpp>

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

}  // namespace

UrlParts parse_url(const std::string& text, const std::string& setting) {
    std::unique_ptr<CURLU, UrlFree> url(curl_url());
    if (!url) throw std::bad_alloc();
    CURLUcode code = curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0);
    if (code != CURLUE_OK) {
        throw InvalidInput("setting `" + setting + "`: \"" + text + "\" is not a URL libcurl accepts (" +
                           curl_url_strerror(code) + ")");
    }
    UrlParts parts;
    parts.scheme = url_part(url.get(), CURLUPART_SCHEME).value_or("");
    parts.password = url_part(url.get(), CURLUPART_PASSWORD).value_or("");
    parts.has_credentials = url_part(url.get(), CURLUPART_USER) || !parts.password.empty();
    curl_url_set(url.get(), CURLUPART_USER, nullptr, 0);
    curl_url_set(url.get(), CURLUPART_PASSWORD, nullptr, 0);
    parts.display = url_part(url.get(), CURLUPART_URL).value_or(text);
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
    std::string out;
    out.reserve(std::min(text.size(), max_bytes));
    for (char c : text) {
        auto byte = static_cast<unsigned char>(c);
        out += (byte < 0x20 || byte == 0x7f) ? ' ' : c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (out.size() <= max_bytes) return out;
    std::size_t cut = max_bytes;
    // Step back over UTF-8 continuation bytes so no character is split.
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    return out.substr(0, cut) + "...";
}

std::string scrub(std::string text, std::initializer_list<std::string_view> secrets) {
    for (std::string_view secret : secrets) {
        if (secret.empty()) continue;
        for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
            text.replace(at, secret.size(), "***");
        }
    }
    return text;
}

}  // namespace vigil::plugins::notify
