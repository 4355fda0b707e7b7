// A plausible database dump for the fleet benchmark: PostgreSQL-style SQL
// (a header, CREATE TABLE, then one INSERT line per row), gzip-compressed
// with zlib at its default level, as backup agents stage them.
#ifndef VIGIL_BENCH_FLEET_SQL_DUMP_HPP
#define VIGIL_BENCH_FLEET_SQL_DUMP_HPP

#include <cstdint>
#include <string>

namespace vigil::bench {

struct SqlDump {
    std::string gz;               // the .sql.gz bytes
    std::uint64_t sql_bytes = 0;  // length of the SQL text inside
};

// Generates rows until the compressed stream holds at least `target_bytes`
// (the result exceeds it by at most one deflate block), then closes the
// stream. The same seed gives the same bytes. The text compresses about
// 5.4 : 1, like a real dump of order tables. Throws std::runtime_error when
// zlib fails.
SqlDump make_sql_dump(std::uint64_t target_bytes, std::uint64_t seed);

}  // namespace vigil::bench

#endif
