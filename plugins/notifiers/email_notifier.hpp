// The "email" notifier: one plain-text message per batch of events, sent
// through an SMTP server with libcurl.
#ifndef VIGIL_PLUGINS_EMAIL_NOTIFIER_HPP
#define VIGIL_PLUGINS_EMAIL_NOTIFIER_HPP

#include "email_message.hpp"

#include <vigil/plugin.hpp>

#include <string>
#include <vector>

namespace vigil::plugins {

// Settings and error classes: plugins/notifiers/README.md.
class EmailNotifier : public vigil::Notifier {
public:
    void configure(const Config& config) override;
    // Nothing is sent for an empty batch.
    void send(const std::vector<Event>& events) override;

private:
    std::string url_;
    std::string display_url_;           // without query values, for messages
    std::vector<std::string> secrets_;  // scrubbed from messages
    long use_ssl_ = 0;  // a CURLUSESSL_* value
    notify::Mailbox from_;
    std::vector<notify::Mailbox> to_;
    std::string username_;
    std::string password_;
    long timeout_seconds_ = 30;
    bool tls_verify_ = true;
    std::string subject_prefix_;
};

}  // namespace vigil::plugins

#endif  // VIGIL_PLUGINS_EMAIL_NOTIFIER_HPP
