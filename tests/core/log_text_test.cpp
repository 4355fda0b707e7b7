// Agent-written text in log lines: escaped so it cannot forge a line or act
// on a terminal, shortened so it cannot flood the log; and messages keep the
// host's words whole around it.
#include "log_text.hpp"
#include "message.hpp"

#include <catch2/catch.hpp>

using namespace vigil::host;

TEST_CASE("line breaks, ESC and other control bytes are shown as escapes") {
    CHECK(log_text("a\nb\rc\td") == "a\\nb\\rc\\td");
    CHECK(log_text("\x1b[31mred\x1b[0m") == "\\x1b[31mred\\x1b[0m");
    CHECK(log_text(std::string("nul\0byte", 8)) == "nul\\x00byte");
    CHECK(log_text("del\x7f") == "del\\x7f");
    CHECK(log_text("plain text, \"quoted\" and \\ kept") == "plain text, \"quoted\" and \\ kept");
}

TEST_CASE("valid UTF-8 stays readable, invalid bytes and display controls are escaped") {
    CHECK(log_text("sauvegarde échouée") == "sauvegarde échouée");
    CHECK(log_text("\xff\xfe ok") == "\\xff\\xfe ok");
    CHECK(log_text("\xc3") == "\\xc3");                   // a sequence cut short
    CHECK(log_text("\xc0\xaf") == "\\xc0\\xaf");          // an overlong '/'
    CHECK(log_text("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a surrogate
    CHECK(log_text("\xc2\x9b" "2J") == "\\u009b2J");      // C1 CSI
    CHECK(log_text("a\xe2\x80\xa8" "b") == "a\\u2028b");  // line separator
    CHECK(log_text("\xe2\x80\xae" "txt") == "\\u202etxt");  // right-to-left override
}

TEST_CASE("long text is cut at the limit and says how long it was") {
    const std::string text(800000, 'L');
    const std::string shown = log_text(text);
    CHECK(shown == std::string(kLogFieldLimit, 'L') + "... (800000 bytes)");
    CHECK(log_text(std::string(kLogFieldLimit, 'x')) == std::string(kLogFieldLimit, 'x'));
    // Never inside an escape or a character.
    CHECK(log_text("abcd\n", 5) == "abcd... (5 bytes)");
    CHECK(log_text("abcdé", 5) == "abcd... (6 bytes)");
}

TEST_CASE("a message shows the agent's pieces through the given function and keeps the host's words") {
    Message m("agent reports failed phase(s): TRANSFER");
    m.say("; transfer error: ").quote("line 1\nline 2").say("; logs: ").quote(std::string(300, 'L'));
    CHECK(m.text() == "agent reports failed phase(s): TRANSFER; transfer error: line 1\nline 2; logs: " +
                          std::string(300, 'L'));
    CHECK(m.render([](std::string_view t) { return log_text(t, 10); }) ==
          "agent reports failed phase(s): TRANSFER; transfer error: line 1\\nli... (13 bytes); logs: "
          "LLLLLLLLLL... (300 bytes)");
    Message outer("staged file ");
    outer.append(m).say(".");
    CHECK(outer.render([](std::string_view) { return std::string("<agent>"); }) ==
          "staged file agent reports failed phase(s): TRANSFER; transfer error: <agent>; logs: <agent>.");
}
