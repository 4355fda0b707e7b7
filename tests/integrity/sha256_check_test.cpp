#include "sha256_check.hpp"

// Prints std::optional values in failed assertions.
#define CATCH_CONFIG_ENABLE_OPTIONAL_STRINGMAKER
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

using vigil::CheckResult;
using vigil::plugins::Sha256Check;

namespace {

CheckResult digest_in_chunks(Sha256Check& check, const std::string& data, std::size_t chunk) {
    auto file = check.begin("f.sql.gz");
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    for (std::size_t at = 0; at < data.size(); at += chunk) file->update(bytes + at, std::min(chunk, data.size() - at));
    return file->finish(static_cast<std::int64_t>(data.size()));
}

}  // namespace

TEST_CASE("sha256 of known vectors") {
    Sha256Check check;
    CheckResult empty = check.begin("empty")->finish(0);
    CHECK(empty.passed);
    CHECK(empty.message.empty());
    CHECK(empty.digest_name == "sha256");
    CHECK(empty.digest_hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    CHECK(digest_in_chunks(check, "abc", 3).digest_hex ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(digest_in_chunks(check, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 7).digest_hex ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST_CASE("sha256 is the same however the bytes are chunked") {
    std::string data;
    for (int i = 0; i < 100000; ++i) data += static_cast<char>((i * 7919) % 251);
    Sha256Check check;
    std::string whole = *digest_in_chunks(check, data, data.size()).digest_hex;
    CHECK(whole.size() == 64);
    for (std::size_t chunk : {1u, 63u, 64u, 65u, 4096u}) {
        CHECK(*digest_in_chunks(check, data, chunk).digest_hex == whole);
    }
}

TEST_CASE("sha256 files are independent across threads") {
    Sha256Check check;
    std::vector<std::string> digests(4);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < digests.size(); ++i) {
        threads.emplace_back([&, i] {
            std::string data(200000 + i, static_cast<char>('a' + i));
            digests[i] = *digest_in_chunks(check, data, 1000).digest_hex;
        });
    }
    for (auto& t : threads) t.join();
    for (std::size_t i = 0; i < digests.size(); ++i) {
        std::string data(200000 + i, static_cast<char>('a' + i));
        CHECK(digests[i] == *digest_in_chunks(check, data, data.size()).digest_hex);
    }
}
