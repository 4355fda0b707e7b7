// Fuzz target: the configuration loader (YAML, every setting and its
// checks) on any file an operator could write. Every failure must be a
// configuration error naming the file, never an exception or a crash.
#include "config.hpp"
#include "fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string yaml(reinterpret_cast<const char*>(data), size);
    vigil::host::Config config;
    const vigil::host::Status st = vigil::host::parse_config(yaml, "/etc/vigil/vigil.yaml", &config);
    vigil::fuzz::expect(st.is_ok() || st.code() == vigil::host::Status::Code::kConfig, "a configuration error");
    vigil::fuzz::expect(st.is_ok() || st.message().rfind("/etc/vigil/vigil.yaml", 0) == 0, "the error names the file");
    return 0;
}
