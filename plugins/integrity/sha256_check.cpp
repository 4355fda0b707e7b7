#include "sha256_check.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <stdexcept>
#include <string>

namespace vigil::plugins {
namespace {

[[noreturn]] void openssl_failure(const char* what) {
    char detail[256] = "no OpenSSL error queued";
    if (unsigned long code = ERR_get_error()) ERR_error_string_n(code, detail, sizeof detail);
    throw std::runtime_error(std::string("sha256: ") + what + ": " + detail);
}

struct ContextFree {
    void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};

// One digest context per file: files are hashed concurrently on different
// threads, and the contexts share nothing.
class Sha256File : public IntegrityCheck::File {
public:
    Sha256File() : context_(EVP_MD_CTX_new()) {
        if (!context_) openssl_failure("EVP_MD_CTX_new failed");
        if (EVP_DigestInit_ex(context_.get(), EVP_sha256(), nullptr) != 1) {
            openssl_failure("EVP_DigestInit_ex failed");
        }
    }

    void update(const unsigned char* bytes, std::size_t length) override {
        if (length == 0) return;
        if (EVP_DigestUpdate(context_.get(), bytes, length) != 1) openssl_failure("EVP_DigestUpdate failed");
    }

    CheckResult finish(std::int64_t) override {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int length = 0;
        if (EVP_DigestFinal_ex(context_.get(), digest, &length) != 1) {
            openssl_failure("EVP_DigestFinal_ex failed");
        }
        static const char hex[] = "0123456789abcdef";
        std::string text;
        text.reserve(2 * length);
        for (unsigned int i = 0; i < length; ++i) {
            text += hex[digest[i] >> 4];
            text += hex[digest[i] & 0xF];
        }
        CheckResult result;
        result.passed = true;
        result.digest_name = "sha256";
        result.digest_hex = std::move(text);
        return result;
    }

private:
    std::unique_ptr<EVP_MD_CTX, ContextFree> context_;
};

}  // namespace

std::unique_ptr<IntegrityCheck::File> Sha256Check::begin(std::string_view) {
    return std::make_unique<Sha256File>();
}

}  // namespace vigil::plugins
