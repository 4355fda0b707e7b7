// What the email says: a subject that counts what happened, and a plain-text
// body a person takes in at a glance.
#ifndef VIGIL_PLUGINS_EMAIL_SUMMARY_HPP
#define VIGIL_PLUGINS_EMAIL_SUMMARY_HPP

#include <vigil/types.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace vigil::plugins::notify {

// "<prefix> 3 problems, 1 still failing, 1 recovered", or "<prefix> test
// message" when the events are only tests.
std::string email_subject(const std::vector<Event>& events, const std::string& prefix);

// The counts, a table with one row per event (problems first), a note when
// some events may have been sent before, and the scan time. Lines end with
// "\n"; each cell is one line, a message cut to 400 bytes.
std::string email_body(const std::vector<Event>& events, std::string_view vigil_version);

}  // namespace vigil::plugins::notify

#endif  // VIGIL_PLUGINS_EMAIL_SUMMARY_HPP
