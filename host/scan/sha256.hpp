// Streaming SHA-256 (OpenSSL EVP), for report fingerprints.
#ifndef VIGIL_HOST_SHA256_HPP
#define VIGIL_HOST_SHA256_HPP

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace vigil::host {

class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;

    void update(const void* bytes, std::size_t length);
    // Lower-case hex digest; the object is spent afterwards.
    std::string finish_hex();

    static std::string hex_of(std::string_view bytes);

private:
    struct Context;
    std::unique_ptr<Context> context_;
};

}  // namespace vigil::host

#endif
