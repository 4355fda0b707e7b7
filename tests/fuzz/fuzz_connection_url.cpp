// Fuzz target: the `database.url` reader. Whatever the text, it is refused
// with InvalidInput or turned into a connect string libpq reads, and no
// secret libpq found shows in the redacted form.
#include "connection_url.hpp"
#include "fuzz_check.hpp"

#include <vigil/plugin.hpp>

#include <libpq-fe.h>

#include <cstddef>
#include <cstdint>
#include <string>

using vigil::fuzz::expect;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    vigil::plugins::ConnectionUrl url;
    try {
        url = vigil::plugins::parse_connection_url(text);
    } catch (const vigil::InvalidInput&) {
        return 0;
    }
    // The marker itself is no leak: a NUL, which no accepted URL holds, stands for it.
    std::string shown = url.redacted;
    for (std::size_t at = shown.find("***"); at != std::string::npos; at = shown.find("***", at)) {
        shown.replace(at, 3, 1, '\0');
    }
    for (const std::string& secret : url.secrets) {
        expect(!secret.empty() && shown.find(secret) == std::string::npos, "no secret in the redacted URL");
    }
    if (url.backend == vigil::plugins::Backend::postgresql) {
        char* error = nullptr;
        PQconninfoOption* options = PQconninfoParse(url.connect_string.c_str(), &error);
        expect(options != nullptr, "libpq reads the connect string");
        PQconninfoFree(options);
    }
    return 0;
}
