// Text like a `pg_dump --inserts` of an orders table, for the tests and
// benchmarks of the gzip check: `gzip -6` compresses it about 5.4 times,
// as it does the agents' real dumps. The same seed gives the same text.
#ifndef VIGIL_TEST_SUPPORT_SQL_DUMP_HPP
#define VIGIL_TEST_SUPPORT_SQL_DUMP_HPP

#include <cstdint>
#include <cstdio>
#include <string>

namespace vigil::test {

// splitmix64: a small generator that gives the same numbers on every platform.
struct SplitMix64 {
    std::uint64_t state;
    std::uint64_t next() {
        state += 0x9E3779B97F4A7C15ULL;
        std::uint64_t z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
};

// At least `size` bytes of SQL: a comment header, then one INSERT per line.
inline std::string sql_dump(std::size_t size, std::uint64_t seed = 1) {
    SplitMix64 random{seed};
    auto below = [&random](std::uint64_t n) { return random.below(n); };
    auto pick = [&below](const auto& words) { return words[below(std::size(words))]; };
    static const char* const kFirst[] = {"anna", "paul", "marie", "jean", "luc", "sophie", "ali",
                                         "fatou", "kofi", "amina", "pierre", "claire", "yves", "nadia",
                                         "omar", "lea", "hugo", "ines", "samuel", "grace"};
    static const char* const kLast[] = {"martin", "bernard", "dubois", "thomas", "robert", "petit",
                                        "durand", "leroy", "moreau", "simon", "laurent", "michel",
                                        "garcia", "david", "bertrand", "roux", "vincent", "fournier",
                                        "morel", "girard", "andre", "mercier", "dupont", "lambert",
                                        "bonnet", "francois", "martinez", "legrand", "garnier", "faure"};
    static const char* const kDomains[] = {"example.com", "mail.cm", "post.fr", "corp.net", "shop.io"};
    static const char* const kItems[] = {"cable", "switch", "router", "disk", "screen", "keyboard", "mouse",
                                         "battery", "charger", "adapter", "printer", "toner", "paper", "bag",
                                         "lamp", "desk", "chair", "phone", "tablet", "camera"};
    static const char* const kColors[] = {"black", "white", "blue", "red", "grey", "green"};
    static const char* const kStatuses[] = {"new", "paid", "shipped", "delivered", "cancelled", "refunded"};
    static const char* const kWords[] = {"urgent", "gift", "fragile", "call", "before", "after", "delivery",
                                         "office", "home", "weekend", "morning", "evening", "door", "code",
                                         "please", "thanks", "leave", "with", "neighbour", "reception"};
    static const int kCents[] = {0, 50, 95, 99};

    std::string out = "--\n-- PostgreSQL database dump\n--\n\n";
    out.reserve(size + 512);
    std::uint64_t t = 1718000000;
    char line[512];
    for (std::uint64_t row = 1; out.size() < size; ++row) {
        t += below(90);
        std::string note;
        for (std::uint64_t words = below(4); words > 0; --words) {
            note += (note.empty() ? "" : " ") + std::string(pick(kWords));
        }
        // Arguments in the order the generator draws them, so the text is fixed for a seed.
        const std::uint64_t customer = below(2000) + 1;
        const char* first = pick(kFirst);
        const char* last = pick(kLast);
        const std::uint64_t mailbox = below(100);
        const char* domain = pick(kDomains);
        const char* item = pick(kItems);
        const char* color = pick(kColors);
        const std::uint64_t model = below(100);
        const std::uint64_t quantity = below(20) + 1;
        const std::uint64_t euros = below(500);
        const int cents = pick(kCents);
        const char* status = pick(kStatuses);
        std::snprintf(line, sizeof line,
                      "INSERT INTO public.orders VALUES (%llu, %llu, '%s.%s%llu@%s', '%s %s %llu', %llu, %llu.%02d, "
                      "'%s', '2024-%02llu-%02llu %02llu:%02llu:%02llu', '%s');\n",
                      static_cast<unsigned long long>(row), static_cast<unsigned long long>(customer), first, last,
                      static_cast<unsigned long long>(mailbox), domain, item, color,
                      static_cast<unsigned long long>(model), static_cast<unsigned long long>(quantity),
                      static_cast<unsigned long long>(euros), cents, status,
                      static_cast<unsigned long long>(1 + t / 2600000 % 12),
                      static_cast<unsigned long long>(1 + t / 86400 % 28),
                      static_cast<unsigned long long>(t / 3600 % 24), static_cast<unsigned long long>(t / 60 % 60),
                      static_cast<unsigned long long>(t % 60), note.c_str());
        out += line;
    }
    return out;
}

}  // namespace vigil::test

#endif  // VIGIL_TEST_SUPPORT_SQL_DUMP_HPP
