#include "webhook_notifier.hpp"

VIGIL_PLUGIN("webhook", "1.0.0", "POSTs notifications as signed, versioned JSON to an HTTP(S) endpoint",
             vigil::plugins::WebhookNotifier)
