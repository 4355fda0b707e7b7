// The JSON document the webhook posts, and its signature. The layout is
// version 1 of the payload described in plugins/notifiers/README.md: fields
// may be added, never renamed, retyped or removed, without a new version.
#ifndef VIGIL_PLUGINS_WEBHOOK_PAYLOAD_HPP
#define VIGIL_PLUGINS_WEBHOOK_PAYLOAD_HPP

#include <vigil/types.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace vigil::plugins::notify {

constexpr int kWebhookPayloadVersion = 1;

// Compact JSON; text that is not valid UTF-8 carries U+FFFD in its place.
std::string webhook_body(const std::vector<Event>& events);

// Lower-case hex SHA-256 of the events' fingerprints, sorted and joined with
// "\n": the same batch gets the same key whatever its order and however
// often it is retried.
std::string group_key(const std::vector<Event>& events);

// "sha256=" and the lower-case hex HMAC-SHA256 of the body under the key.
std::string webhook_signature(std::string_view key, std::string_view body);

}  // namespace vigil::plugins::notify

#endif  // VIGIL_PLUGINS_WEBHOOK_PAYLOAD_HPP
