#include "report_text.hpp"

#include <vigil/plugin.hpp>

#include <algorithm>
#include <cctype>

namespace vigil::plugins {

namespace {
bool digits(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)) != 0; });
}
}  // namespace

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

bool is_report_name(std::string_view name) {
    constexpr std::string_view kSuffix = ".json";
    constexpr std::size_t kStampLength = 16;  // "YYYYMMDD_HHMMSS_"
    if (name.size() < kStampLength + 1 + kSuffix.size()) return false;
    return digits(name.substr(0, 8)) && name[8] == '_' && digits(name.substr(9, 6)) && name[15] == '_' &&
           name.substr(name.size() - kSuffix.size()) == kSuffix;
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
