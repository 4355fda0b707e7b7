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

class GzipCheck : public vigil::IntegrityCheck {
public:
    std::unique_ptr<File> begin(std::string_view file_name) override;
};

}  // namespace vigil::plugins

#endif  // VIGIL_PLUGINS_GZIP_CHECK_HPP
