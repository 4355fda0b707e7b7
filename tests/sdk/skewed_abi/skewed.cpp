// A complete, working report source whose descriptor claims the SDK's ABI
// plus SKEW_MAJOR.SKEW_MINOR: everything but the version is right, so the
// host's refusal can only come from the version check.
#include <vigil/plugin.hpp>

namespace {

class Skewed : public vigil::ReportSource {
public:
    bool recognizes(std::string_view) override { return true; }
    vigil::Report parse(std::string_view, std::string_view) override { throw vigil::Declined("never reads"); }
};

}  // namespace

extern "C" VIGIL_PLUGIN_EXPORT const vigil_plugin_descriptor* vigil_plugin_entry(void) noexcept {
    static const vigil_plugin_descriptor descriptor = [] {
        vigil_plugin_descriptor d =
            vigil::detail::make_descriptor<Skewed>(SKEWED_NAME, "1.0.0", "claims a plugin ABI the host lacks");
        d.abi_major += SKEW_MAJOR;
        d.abi_minor += SKEW_MINOR;
        return d;
    }();
    return &descriptor;
}
