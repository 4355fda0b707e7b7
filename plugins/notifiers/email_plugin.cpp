#include "email_notifier.hpp"

VIGIL_PLUGIN("email", "1.0.0", "sends notifications as plain-text email through an SMTP server",
             vigil::plugins::EmailNotifier)
