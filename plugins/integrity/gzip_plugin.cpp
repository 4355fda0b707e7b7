#include "gzip_check.hpp"

VIGIL_PLUGIN("gzip", "1.0.0", "verifies that each staged file is a complete, valid gzip stream",
             vigil::plugins::GzipCheck)
