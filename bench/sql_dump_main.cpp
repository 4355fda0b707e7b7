// Writes a generated SQL dump of at least BYTES bytes to standard output,
// for timing gzip tools on the data the gzip check is benchmarked on:
//   sql_dump 62000000 | gzip -6 > dump.sql.gz
#include "sql_dump.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
    char* end = nullptr;
    const unsigned long long size = argc == 2 || argc == 3 ? std::strtoull(argv[1], &end, 10) : 0;
    const unsigned long long seed = argc == 3 ? std::strtoull(argv[2], nullptr, 10) : 1;
    if (size == 0 || *end != '\0') {
        std::fprintf(stderr, "usage: sql_dump BYTES [SEED]  (BYTES a whole number above 0)\n");
        return 2;
    }
    const std::string text = vigil::test::sql_dump(size, seed);
    return std::fwrite(text.data(), 1, text.size(), stdout) == text.size() && std::fflush(stdout) == 0 ? 0 : 1;
}
