// libcurl plumbing both notifiers share, and the making of error messages
// that are safe to log.
#ifndef VIGIL_PLUGINS_NOTIFIER_CURL_HPP
#define VIGIL_PLUGINS_NOTIFIER_CURL_HPP

#include <curl/curl.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::plugins::notify {

// One libcurl easy handle, used for one delivery.
class CurlTransfer {
public:
    CurlTransfer();
    ~CurlTransfer();
    CurlTransfer(const CurlTransfer&) = delete;
    CurlTransfer& operator=(const CurlTransfer&) = delete;

    template <typename T>
    void set(CURLoption option, T value) {
        CURLcode code = curl_easy_setopt(handle_, option, value);
        // Only a libcurl built without a needed feature refuses an option.
        if (code != CURLE_OK) throw std::runtime_error(std::string("libcurl: ") + curl_easy_strerror(code));
    }

    CURLcode perform();
    // curl's detailed message for the failed perform, else its generic one.
    std::string error_text(CURLcode code) const;
    // The last HTTP status or SMTP reply code; 0 when none arrived.
    long response_code() const;

private:
    CURL* handle_;
    char error_[CURL_ERROR_SIZE] = "";
};

// A curl_slist that frees itself.
class CurlList {
public:
    CurlList() = default;
    ~CurlList();
    CurlList(const CurlList&) = delete;
    CurlList& operator=(const CurlList&) = delete;
    void append(const std::string& item);
    curl_slist* get() const { return list_; }

private:
    curl_slist* list_ = nullptr;
};

// Path segments, query values and header values shorter than this are
// words ("hooks", "v1", "true") rather than credentials: scrubbing them
// from what a server says would garble it.
constexpr std::size_t kShortestScrubbed = 8;

// Whether a URL's path may appear in messages: a webhook's path often is
// its credential (/services/T000/B000/SECRET).
enum class UrlPath { kShown, kHidden };

// An absolute URL as libcurl itself reads it, so what is checked at
// configure time is what will be used.
struct UrlParts {
    std::string scheme;    // lower case
    std::string password;  // "" when none
    // For messages and the database: scheme, host and port, without user
    // name and password, every query value (or valueless item) `***`, and
    // with a hidden path `/***`; the fragment is left out.
    std::string display;
    // Text that must never appear in a message: the password, a hidden path,
    // and its segments and the query values of kShortestScrubbed bytes or
    // more, each raw and percent-decoded.
    std::vector<std::string> secrets;
    bool has_credentials = false;
};
// Throws InvalidInput "setting `<setting>`: ..." when the text is not an
// absolute URL of a scheme this libcurl supports; the message does not
// repeat the text, which may carry a secret.
UrlParts parse_url(const std::string& text, const std::string& setting, UrlPath path);

// True for the failures a retry cannot fix: the configuration asks for
// something this libcurl cannot do. Network, TLS and server trouble may
// pass, so every other failure is worth retrying.
bool curl_error_is_permanent(CURLcode code);

// Text fit for one line of an error message or a database column: bytes
// that are not UTF-8 become U+FFFD, control characters spaces; longer than
// max_bytes, it is cut at a character boundary and ends with "...".
std::string one_line(std::string_view text, std::size_t max_bytes);

// The text with every occurrence of each non-empty secret replaced by "***".
std::string scrub(std::string text, const std::vector<std::string>& secrets);

// What a server or libcurl said, fit for a message: scrubbed of the
// secrets first (so that a cut cannot leave part of one), then one_line.
std::string server_said(std::string_view text, const std::vector<std::string>& secrets, std::size_t max_bytes);

}  // namespace vigil::plugins::notify

#endif  // VIGIL_PLUGINS_NOTIFIER_CURL_HPP
