#include "heartbeat.hpp"

#include <curl/curl.h>

#include <chrono>
#include <memory>
#include <thread>

namespace vigil::host {

namespace {

constexpr int kAttempts = 3;
constexpr long kTimeoutSeconds = 10;

struct UrlDeleter {
    void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

struct EasyDeleter {
    void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};

// One part of a parsed URL, "" when absent.
std::string part(CURLU* url, CURLUPart which) {
    char* text = nullptr;
    if (curl_url_get(url, which, &text, 0) != CURLUE_OK || text == nullptr) return "";
    std::string out = text;
    curl_free(text);
    return out;
}

UrlHandle parse(const std::string& text) {
    UrlHandle url(curl_url());
    if (!url || curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) return nullptr;
    return url;
}

size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

}  // namespace

std::string redact_heartbeat_url(const std::string& text) {
    UrlHandle url = parse(text);
    if (!url) return "(heartbeat_url)";
    std::string shown = part(url.get(), CURLUPART_SCHEME) + "://";
    if (!part(url.get(), CURLUPART_USER).empty() || !part(url.get(), CURLUPART_PASSWORD).empty()) shown += "***@";
    shown += part(url.get(), CURLUPART_HOST);
    const std::string port = part(url.get(), CURLUPART_PORT);
    if (!port.empty()) shown += ":" + port;
    const std::string path = part(url.get(), CURLUPART_PATH);
    shown += path.empty() || path == "/" ? path : "/***";
    const std::string query = part(url.get(), CURLUPART_QUERY);
    if (!query.empty()) {
        std::string redacted;
        std::size_t start = 0;
        while (start <= query.size()) {
            std::size_t end = query.find('&', start);
            if (end == std::string::npos) end = query.size();
            const std::string pair = query.substr(start, end - start);
            const std::size_t eq = pair.find('=');
            redacted += (redacted.empty() ? "" : "&") + (eq == std::string::npos ? pair : pair.substr(0, eq) + "=***");
            start = end + 1;
        }
        shown += "?" + redacted;
    }
    return shown;
}

std::string heartbeat_target(const std::string& text, bool scan_succeeded) {
    if (scan_succeeded) return text;
    UrlHandle url = parse(text);
    if (!url) return text;
    std::string path = part(url.get(), CURLUPART_PATH);
    if (!path.empty() && path.back() == '/') path.pop_back();
    path += "/fail";
    if (curl_url_set(url.get(), CURLUPART_PATH, path.c_str(), 0) != CURLUE_OK) return text;
    return part(url.get(), CURLUPART_URL);
}

Status send_heartbeat(const std::string& url, bool scan_succeeded) {
    const std::string target = heartbeat_target(url, scan_succeeded);
    const std::string shown = redact_heartbeat_url(target);
    std::string last_error;
    for (int attempt = 1; attempt <= kAttempts; ++attempt) {
        if (attempt > 1) std::this_thread::sleep_for(std::chrono::seconds(attempt - 1));
        std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
        if (!easy) return Status::error(Status::Code::kError, "heartbeat " + shown + ": libcurl cannot start");
        curl_easy_setopt(easy.get(), CURLOPT_URL, target.c_str());
        curl_easy_setopt(easy.get(), CURLOPT_HTTPGET, 1L);
        curl_easy_setopt(easy.get(), CURLOPT_TIMEOUT, kTimeoutSeconds);
        curl_easy_setopt(easy.get(), CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(easy.get(), CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(easy.get(), CURLOPT_USERAGENT, "vigil");
        curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, discard);
        const CURLcode code = curl_easy_perform(easy.get());
        long http = 0;
        curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &http);
        if (code == CURLE_OK && http >= 200 && http < 300) return Status::ok();
        // libcurl's text for a transfer error can quote the URL: only its own generic words are kept.
        last_error = code != CURLE_OK ? curl_easy_strerror(code) : "HTTP status " + std::to_string(http);
    }
    return Status::error(Status::Code::kUnavailable, "heartbeat " + shown + ": " + last_error + " (after " +
                                                         std::to_string(kAttempts) + " tries)");
}

}  // namespace vigil::host
