// The "sha256" integrity check: the SHA-256 digest of a staged file.
#ifndef VIGIL_PLUGINS_SHA256_CHECK_HPP
#define VIGIL_PLUGINS_SHA256_CHECK_HPP

#include <vigil/plugin.hpp>

#include <memory>
#include <string_view>

namespace vigil::plugins {

// Always passes; its product is the digest, which the host compares with the
// checksum the agent reported.
class Sha256Check : public vigil::IntegrityCheck {
public:
    std::unique_ptr<File> begin(std::string_view file_name) override;
};

}  // namespace vigil::plugins

#endif  // VIGIL_PLUGINS_SHA256_CHECK_HPP
