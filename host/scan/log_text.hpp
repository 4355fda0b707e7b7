// Text an agent wrote (file names, error messages, log summaries, agent ids,
// reasons quoting a report) made safe for one log line.
#ifndef VIGIL_HOST_LOG_TEXT_HPP
#define VIGIL_HOST_LOG_TEXT_HPP

#include <cstddef>
#include <string>
#include <string_view>

namespace vigil::host {

// How much of one agent-written field a log line shows.
constexpr std::size_t kLogFieldLimit = 200;
// Paths are shown whole (a file name is at most 255 bytes).
constexpr std::size_t kLogPathLimit = 4096;
// A database's error message, which may quote what a report contains.
constexpr std::size_t kLogErrorLimit = 1000;

// The text with every byte that could break or forge a log line escaped:
// newline, carriage return and tab as \n \r \t, other control bytes, DEL
// and bytes that are not valid UTF-8 as \xNN, and the Unicode controls a
// terminal or viewer may act on (C1 controls, line and paragraph
// separators, bidirectional overrides) as \uNNNN. Valid UTF-8 text stays
// readable. When the escaped text is longer than `limit` bytes it is cut
// there (never inside an escape or a character) and followed by
// "... (N bytes)", N being the size of the whole text.
std::string log_text(std::string_view text, std::size_t limit = kLogFieldLimit);

}  // namespace vigil::host

#endif
