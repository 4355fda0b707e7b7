// The heartbeat: after each scan, a GET of `heartbeat_url` (the scan ran
// to its end) or of `<heartbeat_url>/fail` (it could not), as dead-man's
// switches such as Healthchecks expect. Its failure is a warning, never a
// failure of the scan.
#ifndef VIGIL_HOST_OPS_HEARTBEAT_HPP
#define VIGIL_HOST_OPS_HEARTBEAT_HPP

#include "status.hpp"

#include <string>

namespace vigil::host {

// The URL as logs may show it: the user name, password, path and query
// values replaced by *** (a ping URL's path or query is often its secret).
std::string redact_heartbeat_url(const std::string& url);

// The URL to fetch: `url`, or for a failure its path with "/fail" appended.
std::string heartbeat_target(const std::string& url, bool scan_succeeded);

// Fetches the target, a few tries with pauses, each bounded by a timeout.
// kUnavailable (the message shows the redacted URL) when no try got a 2xx
// answer.
Status send_heartbeat(const std::string& url, bool scan_succeeded);

}  // namespace vigil::host

#endif
