// libcurl plumbing both notifiers share, and the making of error messages
// that are safe to log.
#ifndef VIGIL_PLUGINS_NOTIFIER_CURL_HPP
#define VIGIL_PLUGINS_NOTIFIER_CURL_HPP

#include <curl/curl.h>

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>

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

// An absolute URL as libcurl itself reads it, so what is checked at
// configure time is what will be used.
struct UrlParts {
    std::string scheme;    // lower case
    std::string password;  // "" when none
    std::string display;   // the URL without user name and password, for messages
    bool has_credentials = false;
};
// Throws InvalidInput "setting `<setting>`: ..." when the text is not an
// absolute URL of a scheme this libcurl supports.
UrlParts parse_url(const std::string& text, const std::string& setting);

// True for the failures a retry cannot fix: the configuration asks for
// something this libcurl cannot do. Network, TLS and server trouble may
// pass, so every other failure is worth retrying.
bool curl_error_is_permanent(CURLcode code);

// Text fit for one line of an error message: control characters become
// spaces; longer than max_bytes, it is cut at a character boundary and
// ends with "...".
std::string one_line(std::string_view text, std::size_t max_bytes);

// The text with every occurrence of each non-empty secret replaced by "***":
// a last guard for messages that quote what a server or libcurl said.
std::string scrub(std::string text, std::initializer_list<std::string_view> secrets);

}  // namespace vigil::plugins::notify

#endif  // VIGIL_PLUGINS_NOTIFIER_CURL_HPP
