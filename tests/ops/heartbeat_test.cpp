// The heartbeat's URL handling: what logs may show, and the failure URL.
#include "heartbeat.hpp"

#include <catch2/catch.hpp>

using namespace vigil::host;

TEST_CASE("logs never show the heartbeat's user, password, path or query values") {
    CHECK(redact_heartbeat_url("https://hc-ping.com/5f1b8a3e-0c1d-4f0a-9d7e-2b7c1a9e3f11") == "https://hc-ping.com/***");
    CHECK(redact_heartbeat_url("https://user:s3cret@example.org:8443/ping/abc?key=s3cret&flag") ==
          "https://***@example.org:8443/***?key=***&flag");
    CHECK(redact_heartbeat_url("http://example.org/") == "http://example.org/");
    CHECK(redact_heartbeat_url("not a url") == "(heartbeat_url)");
}

TEST_CASE("a failed scan pings <url>/fail, keeping the query") {
    CHECK(heartbeat_target("https://hc-ping.com/abc", true) == "https://hc-ping.com/abc");
    CHECK(heartbeat_target("https://hc-ping.com/abc", false) == "https://hc-ping.com/abc/fail");
    CHECK(heartbeat_target("https://hc-ping.com/abc/", false) == "https://hc-ping.com/abc/fail");
    CHECK(heartbeat_target("https://example.org/ping?token=t", false) == "https://example.org/ping/fail?token=t");
}
