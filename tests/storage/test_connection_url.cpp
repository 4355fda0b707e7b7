#include "connection_url.hpp"

#include <vigil/plugin.hpp>

#include <catch2/catch.hpp>

using vigil::plugins::Backend;
using vigil::plugins::parse_connection_url;

TEST_CASE("sqlite URLs pass SOCI's parameters through and add a busy timeout") {
    auto u = parse_connection_url("sqlite3://db=/var/lib/vigil/vigil.db");
    CHECK(u.backend == Backend::sqlite3);
    CHECK(u.backend_name == "sqlite3");
    CHECK(u.connect_string == "db=/var/lib/vigil/vigil.db timeout=60");
    CHECK(u.redacted == "sqlite3://db=/var/lib/vigil/vigil.db");

    CHECK(parse_connection_url("sqlite3://db=/x.db timeout=5").connect_string == "db=/x.db timeout=5");
    CHECK(parse_connection_url("sqlite3:///srv/vigil.db").connect_string == "db=/srv/vigil.db timeout=60");
    CHECK(parse_connection_url("sqlite3:///srv/my data/v.db").connect_string == "db=\"/srv/my data/v.db\" timeout=60");
    CHECK(parse_connection_url("sqlite://db=a.db").backend == Backend::sqlite3);
}

TEST_CASE("malformed sqlite URLs are refused naming database.url") {
    for (const char* url : {"sqlite3://", "sqlite3://vigil.db", "sqlite3://timeout=5", "sqlite3://db=\"/x"}) {
        INFO(url);
        CHECK_THROWS_AS(parse_connection_url(url), vigil::InvalidInput);
        CHECK_THROWS_WITH(parse_connection_url(url), Catch::Matchers::Contains("database.url"));
    }
}

TEST_CASE("native PostgreSQL parameters are kept, the password redacted") {
    auto u = parse_connection_url("postgresql://host=db.example.org port=5433 dbname=vigil user=scan password=s3cret");
    CHECK(u.backend == Backend::postgresql);
    CHECK(u.backend_name == "postgresql");
    CHECK(u.connect_string ==
          "host=db.example.org port=5433 dbname=vigil user=scan password=s3cret connect_timeout=10");
    CHECK(u.redacted == "postgresql://host=db.example.org port=5433 dbname=vigil user=scan password=***");

    auto quoted = parse_connection_url("postgresql://dbname = vigil password='it\\'s a secret'");
    CHECK(quoted.redacted == "postgresql://dbname=vigil password=***");
    CHECK(quoted.connect_string.find("connect_timeout=10") != std::string::npos);

    CHECK(parse_connection_url("postgresql://dbname=v connect_timeout=3").connect_string ==
          "dbname=v connect_timeout=3");
}

TEST_CASE("PostgreSQL URIs are translated to libpq parameters") {
    auto u = parse_connection_url("postgresql://scan:p%40ss%20word@db.example.org:5433/vigil?sslmode=require");
    CHECK(u.connect_string ==
          "user=scan password='p@ss word' host=db.example.org port=5433 dbname=vigil sslmode=require "
          "connect_timeout=10");
    CHECK(u.redacted == "postgresql://scan:***@db.example.org:5433/vigil?sslmode=require");

    CHECK(parse_connection_url("postgres://localhost/vigil").connect_string ==
          "host=localhost dbname=vigil connect_timeout=10");
    CHECK(parse_connection_url("postgresql://u@[::1]:5432/d").connect_string ==
          "user=u host=::1 port=5432 dbname=d connect_timeout=10");
    CHECK(parse_connection_url("postgresql://a:1,b:2/d").connect_string ==
          "host=a,b port=1,2 dbname=d connect_timeout=10");
    CHECK(parse_connection_url("postgresql://%2Frun%2Fpg/d").connect_string ==
          "host=/run/pg dbname=d connect_timeout=10");

    auto in_query = parse_connection_url("postgresql://h/d?user=u&password=top%20secret");
    CHECK(in_query.connect_string == "host=h dbname=d user=u password='top secret' connect_timeout=10");
    CHECK(in_query.redacted == "postgresql://h/d?user=u&password=***");
}

TEST_CASE("bad URLs are refused without repeating a password") {
    for (const char* url : {"", "vigil.db", "mysql://u:hunter2@h/d", "postgresql://u:hunter2@h:port/d",
                            "postgresql://u:hunter2%zz@h/d", "postgresql://h/d?hunter2",
                            "postgresql://host=h password='hunter2"}) {
        INFO(url);
        try {
            parse_connection_url(url);
            FAIL("accepted");
        } catch (const vigil::InvalidInput& e) {
            std::string message = e.what();
            CHECK(message.find("database.url") != std::string::npos);
            CHECK(message.find("hunter2") == std::string::npos);
        }
    }
    CHECK_THROWS_WITH(parse_connection_url("mysql://h/d"), Catch::Matchers::Contains("'mysql'"));
}
