#include "webhook_payload.hpp"

#include "notifier_events.hpp"

#include <vigil/timestamp.hpp>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace vigil::plugins::notify {
namespace {

// Keeps the documented field order, which helps whoever reads a payload.
using Json = nlohmann::ordered_json;

Json time_or_null(std::int64_t micros) { return micros == kNoTime ? Json(nullptr) : Json(format_iso(micros)); }

std::string hex(const unsigned char* bytes, unsigned int length) {
    std::string out;
    char pair[3];
    for (unsigned int i = 0; i < length; ++i) {
        std::snprintf(pair, sizeof pair, "%02x", bytes[i]);
        out += pair;
    }
    return out;
}

}  // namespace

std::string webhook_body(const std::vector<Event>& events) {
    Json list = Json::array();
    std::int64_t scan_time = kNoTime;
    bool all_recovered = !events.empty();
    for (const Event& e : events) {
        list.push_back(Json{{"fingerprint", e.fingerprint},
                            {"kind", e.kind},
                            {"agent_id", e.agent_id},
                            {"database", e.database_name},
                            {"expected_time", expected_time(e) ? Json(*expected_time(e)) : Json(nullptr)},
                            {"schedule", e.schedule.empty() ? Json(nullptr) : Json(e.schedule)},
                            {"timezone", e.timezone.empty() ? Json(nullptr) : Json(e.timezone)},
                            {"old_status", e.old_status},
                            {"new_status", e.new_status},
                            {"cycle_expected_at", time_or_null(e.cycle_expected_at)},
                            {"message", e.message},
                            {"scan_time", time_or_null(e.scan_time)},
                            {"possibly_duplicate", e.possibly_duplicate}});
        if (e.scan_time != kNoTime) scan_time = std::max(scan_time, e.scan_time);
        all_recovered = all_recovered && categorise(e) == EventCategory::recovered;
    }
    Json document{{"version", kWebhookPayloadVersion},
                  {"group_key", group_key(events)},
                  {"status", all_recovered ? "resolved" : "firing"},
                  {"scan_time", time_or_null(scan_time)},
                  {"events", std::move(list)}};
    return document.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string group_key(const std::vector<Event>& events) {
    std::vector<std::string> fingerprints;
    for (const Event& e : events) fingerprints.push_back(e.fingerprint);
    std::sort(fingerprints.begin(), fingerprints.end());
    std::string joined;
    for (std::size_t i = 0; i < fingerprints.size(); ++i) joined += (i > 0 ? "\n" : "") + fingerprints[i];
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(joined.data(), joined.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("webhook: SHA-256 failed in OpenSSL");
    }
    return hex(digest, length);
}

std::string webhook_signature(std::string_view key, std::string_view body) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(body.data()),
             body.size(), mac, &length) == nullptr) {
        throw std::runtime_error("webhook: HMAC-SHA256 failed in OpenSSL");
    }
    return "sha256=" + hex(mac, length);
}

}  // namespace vigil::plugins::notify
