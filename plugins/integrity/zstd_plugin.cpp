#include "zstd_check.hpp"

VIGIL_PLUGIN("zstd", "1.0.0", "verifies that each zstd staged file (*.zst or zstd magic) is a complete, valid zstd stream",
             vigil::plugins::ZstdCheck)
