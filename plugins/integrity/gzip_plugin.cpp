#include "gzip_check.hpp"

VIGIL_PLUGIN("gzip", "1.1.0", "verifies that each gzip staged file (*.gz or gzip magic) is a complete, valid gzip stream",
             vigil::plugins::GzipCheck)
