#include "log_text.hpp"

#include <cstdint>

namespace vigil::host {

namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string byte_escape(unsigned char c) {
    switch (c) {
        case '\n': return "\\n";
        case '\r': return "\\r";
        case '\t': return "\\t";
        default: return std::string("\\x") + kHex[c >> 4] + kHex[c & 0xf];
    }
}

// Length of the valid UTF-8 sequence at text[at] (its code point in *cp),
// or 0 when the bytes there are not one.
std::size_t utf8_sequence(std::string_view text, std::size_t at, std::uint32_t* cp) {
    const auto c = static_cast<unsigned char>(text[at]);
    std::size_t length = 0;
    std::uint32_t value = 0, min = 0;
    if (c >= 0xc2 && c <= 0xdf) {
        length = 2, value = c & 0x1f, min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        length = 3, value = c & 0x0f, min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        length = 4, value = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (at + length > text.size()) return 0;
    for (std::size_t i = 1; i < length; ++i) {
        const auto next = static_cast<unsigned char>(text[at + i]);
        if ((next & 0xc0) != 0x80) return 0;
        value = (value << 6) | (next & 0x3f);
    }
    if (value < min || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return 0;
    *cp = value;
    return length;
}

// Code points that are valid text but act on a terminal or a log viewer.
bool acts_on_display(std::uint32_t cp) {
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

std::string code_point_escape(std::uint32_t cp) {
    std::string out = "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xf];
    return out;
}

}  // namespace

std::string log_text(std::string_view text, std::size_t limit) {
    std::string out;
    out.reserve(text.size() < limit ? text.size() : limit);
    std::size_t at = 0;
    while (at < text.size()) {
        const auto c = static_cast<unsigned char>(text[at]);
        std::string_view piece;
        std::string escaped;
        std::size_t consumed = 1;
        if (c >= 0x20 && c < 0x7f) {
            piece = text.substr(at, 1);
        } else if (c < 0x80) {
            escaped = byte_escape(c);
        } else {
            std::uint32_t cp = 0;
            consumed = utf8_sequence(text, at, &cp);
            if (consumed == 0) {
                consumed = 1;
                escaped = byte_escape(c);
            } else if (acts_on_display(cp)) {
                escaped = code_point_escape(cp);
            } else {
                piece = text.substr(at, consumed);
            }
        }
        if (!escaped.empty()) piece = escaped;
        if (out.size() + piece.size() > limit) {
            return out + "... (" + std::to_string(text.size()) + " bytes)";
        }
        out.append(piece);
        at += consumed;
    }
    return out;
}

}  // namespace vigil::host
