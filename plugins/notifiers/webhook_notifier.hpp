// The "webhook" notifier: each batch of events is POSTed as one versioned
// JSON document, optionally signed with HMAC-SHA256.
#ifndef VIGIL_PLUGINS_WEBHOOK_NOTIFIER_HPP
#define VIGIL_PLUGINS_WEBHOOK_NOTIFIER_HPP

#include <vigil/plugin.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vigil::plugins {

// Settings, payload and error classes: plugins/notifiers/README.md.
class WebhookNotifier : public vigil::Notifier {
public:
    void configure(const Config& config) override;
    // Nothing is sent for an empty batch.
    void send(const std::vector<Event>& events) override;

private:
    std::string url_;
    std::string display_url_;           // scheme, host and port only, for messages
    std::vector<std::string> secrets_;  // scrubbed from messages
    std::vector<std::pair<std::string, std::string>> headers_;
    std::optional<std::string> secret_;
    long timeout_seconds_ = 30;
    bool tls_verify_ = true;
};

}  // namespace vigil::plugins

#endif  // VIGIL_PLUGINS_WEBHOOK_NOTIFIER_HPP
