#include "sql_dump.hpp"

#include <zlib.h>

#include <array>
#include <cstdio>
#include <random>
#include <stdexcept>

namespace vigil::bench {

namespace {

constexpr std::array<const char*, 5> kStatuses = {"pending", "paid", "shipped", "delivered", "refunded"};
constexpr std::array<const char*, 24> kWords = {
    "north",  "south",  "depot",  "express", "gift",    "wrap",    "fragile", "leave",
    "at",     "door",   "call",   "before",  "weekend", "office",  "floor",   "back",
    "entrance", "customer", "asked", "invoice", "priority", "second", "address", "pickup"};

const char* const kHeader =
    "--\n-- PostgreSQL database dump\n--\n\n"
    "SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\n"
    "SET standard_conforming_strings = on;\n\n"
    "CREATE TABLE public.orders (\n    id bigint NOT NULL,\n    customer_id bigint NOT NULL,\n"
    "    product_code text NOT NULL,\n    quantity integer NOT NULL,\n    unit_price numeric(10,2) NOT NULL,\n"
    "    status text NOT NULL,\n    created_at timestamp without time zone NOT NULL,\n    note text\n);\n\n";

// Appends one INSERT line for order `id`: sequential keys and times, random
// customers, products, amounts and short notes, as order tables look.
void append_row(std::string& out, std::uint64_t id, std::mt19937_64& rng) {
    std::uniform_int_distribution<int> customer(1, 60000), product(1, 8000), quantity(1, 12), cents(99, 99999);
    std::uniform_int_distribution<int> status(0, static_cast<int>(kStatuses.size()) - 1);
    std::uniform_int_distribution<int> word(0, static_cast<int>(kWords.size()) - 1), note_words(0, 4);
    const std::uint64_t second = 1767225600 + id * 7;  // 2026-01-01, one order every few seconds
    const std::uint64_t day = second / 86400, in_day = second % 86400;
    // Days since 2026-01-01 mapped onto months of 28 days: plausible enough for a dump.
    const std::uint64_t since = day - 20454;
    char row[512];
    const int cents_value = cents(rng);
    int n = std::snprintf(row, sizeof row,
                          "INSERT INTO public.orders VALUES (%llu, %d, 'SKU-%06d', %d, %d.%02d, '%s', "
                          "'2026-%02llu-%02llu %02llu:%02llu:%02llu', ",
                          static_cast<unsigned long long>(id), customer(rng), product(rng), quantity(rng),
                          cents_value / 100, cents_value % 100, kStatuses[status(rng)],
                          static_cast<unsigned long long>(1 + since / 28 % 12),
                          static_cast<unsigned long long>(1 + since % 28),
                          static_cast<unsigned long long>(in_day / 3600),
                          static_cast<unsigned long long>(in_day / 60 % 60),
                          static_cast<unsigned long long>(in_day % 60));
    out.append(row, static_cast<std::size_t>(n));
    const int words = note_words(rng);
    if (words == 0) {
        out += "NULL);\n";
        return;
    }
    out += '\'';
    for (int i = 0; i < words; ++i) {
        if (i > 0) out += ' ';
        out += kWords[word(rng)];
    }
    out += "');\n";
}

}  // namespace

SqlDump make_sql_dump(std::uint64_t target_bytes, std::uint64_t seed) {
    z_stream z{};
    if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw std::runtime_error("zlib: deflateInit2 failed");
    }
    SqlDump dump;
    std::mt19937_64 rng(seed);
    std::string text = kHeader;
    std::uint64_t id = 1;
    auto deflate_text = [&](int flush) {
        z.next_in = reinterpret_cast<Bytef*>(text.data());
        z.avail_in = static_cast<uInt>(text.size());
        int rc = Z_OK;
        do {
            const std::size_t before = dump.gz.size();
            dump.gz.resize(before + 65536);
            z.next_out = reinterpret_cast<Bytef*>(dump.gz.data() + before);
            z.avail_out = 65536;
            rc = deflate(&z, flush);
            dump.gz.resize(before + 65536 - z.avail_out);
            if (rc == Z_STREAM_ERROR) throw std::runtime_error("zlib: deflate failed");
        } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
        dump.sql_bytes += text.size();
        text.clear();
    };
    while (dump.gz.size() < target_bytes) {
        while (text.size() < 256 * 1024) append_row(text, id++, rng);
        deflate_text(Z_NO_FLUSH);
    }
    text += "\n--\n-- PostgreSQL database dump complete\n--\n\n";
    deflate_text(Z_FINISH);
    deflateEnd(&z);
    return dump;
}

}  // namespace vigil::bench
