#include "report_text.hpp"

#include <vigil/plugin.hpp>

#include <algorithm>

namespace vigil::plugins {

std::string log_safe(std::string_view text, std::size_t limit) {
    std::string_view shown = text;
    if (shown.size() > limit) {
        std::size_t cut = limit;
        while (cut > 0 && (static_cast<unsigned char>(shown[cut]) & 0xC0) == 0x80) --cut;
        shown = shown.substr(0, cut);
    }
    static const char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(shown.size());
    for (char ch : shown) {
        const auto byte = static_cast<unsigned char>(ch);
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += ch;
        } else if (byte < 0x20 || byte == 0x7F) {
            out += "\\u00";
            out += kHex[byte >> 4];
            out += kHex[byte & 0xF];
        } else {
            out += ch;
        }
    }
    if (shown.size() < text.size()) out += "...";
    return out;
}

const char* json_type_name(simdjson::dom::element_type type) {
    using simdjson::dom::element_type;
    switch (type) {
        case element_type::OBJECT: return "an object";
        case element_type::ARRAY: return "an array";
        case element_type::STRING: return "a string";
        case element_type::INT64:
        case element_type::UINT64:
        case element_type::DOUBLE: return "a number";
        case element_type::BOOL: return "a boolean";
        case element_type::NULL_VALUE: return "null";
    }
    return "an unknown value";
}

bool starts_with_shape(std::string_view text, std::string_view shape) {
    if (text.size() < shape.size()) return false;
    for (std::size_t i = 0; i < shape.size(); ++i) {
        const bool fits = shape[i] == '9' ? text[i] >= '0' && text[i] <= '9' : text[i] == shape[i];
        if (!fits) return false;
    }
    return true;
}

bool is_agent_id(std::string_view text) {
    std::size_t parts = 0;
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = std::min(text.find('_', start), text.size());
        const std::string_view part = text.substr(start, end - start);
        const bool part_ok = !part.empty() && std::all_of(part.begin(), part.end(), [](char ch) {
            return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
        });
        if (!part_ok) return false;
        ++parts;
        if (end == text.size()) return parts >= 3;
        start = end + 1;
    }
}

simdjson::dom::object parse_report_object(simdjson::dom::parser& parser, std::string_view bytes) {
    constexpr std::string_view kBom = "\xEF\xBB\xBF";
    if (bytes.substr(0, kBom.size()) == kBom) bytes.remove_prefix(kBom.size());
    // The parser keeps the document; the padded copy is only its input.
    const simdjson::padded_string padded(bytes);
    simdjson::dom::element root;
    if (simdjson::error_code error = parser.parse(padded).get(root)) {
        if (error == simdjson::EMPTY) throw InvalidInput("report is empty: no JSON value");
        if (error == simdjson::UTF8_ERROR) throw InvalidInput("report is not valid UTF-8");
        throw InvalidInput(std::string("report is not valid JSON (truncated or malformed): ") +
                           simdjson::error_message(error));
    }
    if (root.type() != simdjson::dom::element_type::OBJECT) {
        throw InvalidInput(std::string("report: expected a JSON object at the top level, found ") +
                           json_type_name(root.type()));
    }
    return root.get_object().value_unsafe();
}

}  // namespace vigil::plugins
