// The "gzip" integrity check: the staged file is one or more complete,
// valid gzip members (CRC-32 and length trailers verified) and nothing else.
// Applies to files that start with the gzip magic number or are named *.gz
// (see format_gate.hpp).
#ifndef VIGIL_PLUGINS_GZIP_CHECK_HPP
#define VIGIL_PLUGINS_GZIP_CHECK_HPP

#include <vigil/plugin.hpp>

#include <memory>
#include <string_view>

namespace vigil::plugins {

// The library that inflates each member's deflate data and checks its
// trailer; zlib reads every member's header either way.
enum class GzipInflater {
    isal,  // ISA-L's isal_inflate: several times faster
    zlib,  // zlib's inflate: refuses exactly what gunzip refuses
};

// The setting's spelling of an inflater ("isal", "zlib").
std::string_view inflater_name(GzipInflater inflater);

class GzipCheck : public vigil::IntegrityCheck {
public:
    explicit GzipCheck(GzipInflater inflater = GzipInflater::isal) : inflater_(inflater) {}

    // Reads the setting `inflater` (`isal`, the default, or `zlib`); throws
    // InvalidInput naming it for another value, or for an unknown setting.
    void configure(const Config& config) override;
    std::unique_ptr<File> begin(std::string_view file_name) override;

private:
    GzipInflater inflater_;
};

}  // namespace vigil::plugins

#endif  // VIGIL_PLUGINS_GZIP_CHECK_HPP
