#include "sha256_check.hpp"

VIGIL_PLUGIN("sha256", "1.0.0", "computes the SHA-256 digest of each staged file",
             vigil::plugins::Sha256Check)
