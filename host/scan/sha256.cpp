#include "sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace vigil::host {

struct Sha256::Context {
    EVP_MD_CTX* md = nullptr;
    ~Context() { EVP_MD_CTX_free(md); }
};

Sha256::Sha256() : context_(std::make_unique<Context>()) {
    context_->md = EVP_MD_CTX_new();
    if (context_->md == nullptr || EVP_DigestInit_ex(context_->md, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("OpenSSL: cannot initialise SHA-256");
    }
}

Sha256::~Sha256() = default;

void Sha256::update(const void* bytes, std::size_t length) {
    if (EVP_DigestUpdate(context_->md, bytes, length) != 1) throw std::runtime_error("OpenSSL: SHA-256 update failed");
}

std::string Sha256::finish_hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_DigestFinal_ex(context_->md, digest, &length) != 1) {
        throw std::runtime_error("OpenSSL: SHA-256 final failed");
    }
    static const char* kHex = "0123456789abcdef";
    std::string hex;
    hex.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0xf];
    }
    return hex;
}

std::string Sha256::hex_of(std::string_view bytes) {
    Sha256 h;
    h.update(bytes.data(), bytes.size());
    return h.finish_hex();
}

}  // namespace vigil::host
