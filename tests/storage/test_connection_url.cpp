#include "connection_url.hpp"

#include <vigil/plugin.hpp>

#include <catch2/catch.hpp>
#include <libpq-fe.h>

#include <map>
#include <memory>
#include <string>

using vigil::plugins::Backend;
using vigil::plugins::parse_connection_url;

namespace {

using Parameters = std::map<std::string, std::string>;

// What libpq itself reads from a conninfo string: the connect string must
// say exactly what the URL said, whatever its values contain.
Parameters libpq_reads(const std::string& conninfo) {
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, void (*)(PQconninfoOption*)> options(PQconninfoParse(conninfo.c_str(), &error),
                                                                         PQconninfoFree);
    if (!options) {
        std::string why = error ? error : "out of memory";
        PQfreemem(error);
        FAIL("libpq cannot read \"" << conninfo << "\": " << why);
    }
    Parameters out;
    for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
        if (o->val != nullptr) out[o->keyword] = o->val;
    }
    return out;
}

std::string refusal(const std::string& url) {
    try {
        parse_connection_url(url);
    } catch (const vigil::InvalidInput& e) {
        return e.what();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("sqlite URLs pass SOCI's parameters through and add a busy timeout") {
    auto u = parse_connection_url("sqlite3://db=/var/lib/vigil/vigil.db");
    CHECK(u.backend == Backend::sqlite3);
    CHECK(u.backend_name == "sqlite3");
    CHECK(u.connect_string == "db=/var/lib/vigil/vigil.db timeout=60");
    CHECK(u.redacted == "sqlite3://db=/var/lib/vigil/vigil.db");

    CHECK(parse_connection_url("sqlite3://db=/x.db timeout=5").connect_string == "db=/x.db timeout=5");
    CHECK(parse_connection_url("sqlite3://db=\"/my data/x.db\" timeout=\"0\"").connect_string ==
          "db=\"/my data/x.db\" timeout=0");
    CHECK(parse_connection_url("sqlite3:///srv/vigil.db").connect_string == "db=/srv/vigil.db timeout=60");
    CHECK(parse_connection_url("sqlite3:///srv/my data/v.db").connect_string == "db=\"/srv/my data/v.db\" timeout=60");
    CHECK(parse_connection_url("sqlite://db=a.db").backend == Backend::sqlite3);
}

TEST_CASE("a relative SQLite file is relative to the configuration's directory") {
    const std::filesystem::path dir = "/etc/vigil";
    CHECK(parse_connection_url("sqlite3://db=vigil.db", dir).connect_string == "db=/etc/vigil/vigil.db timeout=60");
    CHECK(parse_connection_url("sqlite3://db=../data/v.db timeout=5", dir).connect_string ==
          "db=/etc/data/v.db timeout=5");
    CHECK(parse_connection_url("sqlite3://dbname=\"my data/v.db\"", dir).connect_string ==
          "dbname=\"/etc/vigil/my data/v.db\" timeout=60");
    CHECK(parse_connection_url("sqlite3://db=vigil.db", dir).redacted == "sqlite3://db=/etc/vigil/vigil.db");
    // Absolute files, SQLite's own memory database, and no directory given: as written.
    CHECK(parse_connection_url("sqlite3://db=/srv/v.db", dir).connect_string == "db=/srv/v.db timeout=60");
    CHECK(parse_connection_url("sqlite3:///srv/v.db", dir).connect_string == "db=/srv/v.db timeout=60");
    CHECK(parse_connection_url("sqlite3://db=:memory:", dir).connect_string == "db=:memory: timeout=60");
    CHECK(parse_connection_url("sqlite3://db=vigil.db").connect_string == "db=vigil.db timeout=60");
}

TEST_CASE("malformed sqlite URLs are refused naming database.url") {
    for (const char* url : {"sqlite3://", "sqlite3://vigil.db", "sqlite3://timeout=5", "sqlite3://db=\"/x"}) {
        INFO(url);
        CHECK_THROWS_AS(parse_connection_url(url), vigil::InvalidInput);
        CHECK_THROWS_WITH(parse_connection_url(url), Catch::Matchers::Contains("database.url"));
    }
}

TEST_CASE("sqlite busy timeout out of its range is refused") {
    for (const char* timeout : {"-1", "3601", "99999999999999999999", "abc", "5s", ""}) {
        INFO(timeout);
        CHECK_THAT(refusal(std::string("sqlite3://db=/x.db timeout=") + timeout),
                   Catch::Contains("database.url") && Catch::Contains("from 0 to 3600"));
    }
    CHECK(parse_connection_url("sqlite3://db=/x.db timeout=3600").connect_string == "db=/x.db timeout=3600");
}

TEST_CASE("PostgreSQL keyword form: libpq reads what the URL says, the password redacted") {
    auto u = parse_connection_url("postgresql://host=db.example.org port=5433 dbname=vigil user=scan password=s3cret");
    CHECK(u.backend == Backend::postgresql);
    CHECK(u.backend_name == "postgresql");
    CHECK(libpq_reads(u.connect_string) == Parameters{{"host", "db.example.org"},
                                                      {"port", "5433"},
                                                      {"dbname", "vigil"},
                                                      {"user", "scan"},
                                                      {"password", "s3cret"},
                                                      {"connect_timeout", "10"}});
    CHECK(u.redacted == "postgresql://user=scan password=*** dbname=vigil host=db.example.org port=5433");

    auto quoted = parse_connection_url("postgresql://dbname = vigil password='it\\'s a secret'");
    CHECK(quoted.redacted == "postgresql://password=*** dbname=vigil");
    CHECK(libpq_reads(quoted.connect_string).at("password") == "it's a secret");

    CHECK(libpq_reads(parse_connection_url("postgresql://dbname=v connect_timeout=3").connect_string) ==
          Parameters{{"dbname", "v"}, {"connect_timeout", "3"}});
    CHECK(libpq_reads(parse_connection_url("postgresql://").connect_string) == Parameters{{"connect_timeout", "10"}});
}

TEST_CASE("PostgreSQL URI form: libpq reads every part, the password redacted in place") {
    auto u = parse_connection_url("postgresql://scan:p%40ss%20word@db.example.org:5433/vigil?sslmode=require");
    CHECK(libpq_reads(u.connect_string) == Parameters{{"user", "scan"},
                                                      {"password", "p@ss word"},
                                                      {"host", "db.example.org"},
                                                      {"port", "5433"},
                                                      {"dbname", "vigil"},
                                                      {"sslmode", "require"},
                                                      {"connect_timeout", "10"}});
    CHECK(u.redacted == "postgresql://scan:***@db.example.org:5433/vigil?sslmode=require");

    CHECK(libpq_reads(parse_connection_url("postgres://localhost/vigil").connect_string) ==
          Parameters{{"host", "localhost"}, {"dbname", "vigil"}, {"connect_timeout", "10"}});
    CHECK(libpq_reads(parse_connection_url("PostgreSQL://u@[::1]:5432/d").connect_string) ==
          Parameters{{"user", "u"}, {"host", "::1"}, {"port", "5432"}, {"dbname", "d"}, {"connect_timeout", "10"}});
    CHECK(libpq_reads(parse_connection_url("postgresql://a:1,b:2/d").connect_string) ==
          Parameters{{"host", "a,b"}, {"port", "1,2"}, {"dbname", "d"}, {"connect_timeout", "10"}});
    CHECK(libpq_reads(parse_connection_url("postgresql://%2Frun%2Fpg/d").connect_string).at("host") == "/run/pg");

    auto in_query = parse_connection_url("postgresql://h/d?user=u&password=top%20secret");
    CHECK(libpq_reads(in_query.connect_string).at("password") == "top secret");
    CHECK(in_query.redacted == "postgresql://h/d?user=u&password=***");
}

TEST_CASE("every libpq parameter works, in either form") {
    auto uri = parse_connection_url(
        "postgresql://h/d?application_name=vigil%20scan&keepalives_idle=30&target_session_attrs=read-write"
        "&options=-c%20statement_timeout%3D5000&sslrootcert=/etc/ssl/root%20ca.pem");
    Parameters read = libpq_reads(uri.connect_string);
    CHECK(read.at("application_name") == "vigil scan");
    CHECK(read.at("keepalives_idle") == "30");
    CHECK(read.at("target_session_attrs") == "read-write");
    CHECK(read.at("options") == "-c statement_timeout=5000");
    CHECK(read.at("sslrootcert") == "/etc/ssl/root ca.pem");

    auto keywords = parse_connection_url("postgresql://service=vigil gssencmode=disable application_name='a\\\\b'");
    read = libpq_reads(keywords.connect_string);
    CHECK(read.at("service") == "vigil");
    CHECK(read.at("gssencmode") == "disable");
    CHECK(read.at("application_name") == "a\\b");
}

TEST_CASE("values with quotes, backslashes, spaces and equals signs reach libpq unchanged") {
    for (const std::string password : {"it's", "back\\slash", "two words", "a=b", "'", "\\'", " lead", "tab\there"}) {
        INFO(password);
        std::string quoted = "'";
        for (char c : password) quoted += (c == '\'' || c == '\\') ? std::string("\\") + c : std::string(1, c);
        auto u = parse_connection_url("postgresql://host=h password=" + quoted + "' dbname=d");
        CHECK(libpq_reads(u.connect_string).at("password") == password);
        CHECK(u.redacted == "postgresql://password=*** dbname=d host=h");
    }
}

TEST_CASE("every secret libpq knows is redacted: password, sslpassword, URI user information") {
    const std::vector<std::string> urls{
        "postgresql://host=h sslpassword=hunter2 dbname=d",
        "postgresql://host=h password=hunter2 sslpassword='hunter2 too' dbname=d",
        "postgresql://u:hunter2@h/d",
        "postgresql://u:hunter2@h:port/d",
        "postgresql://u@h/d?sslpassword=hunter2&sslkey=/k.pem",
        "postgresql://u@h/d?password=hunter2",
        "postgresql://u@h/d?pass%77ord=hunter2",
    };
    for (const std::string& url : urls) {
        INFO(url);
        auto u = parse_connection_url(url);
        CHECK_THAT(u.redacted, !Catch::Contains("hunter2") && Catch::Contains("***"));
        CHECK_THAT(u.connect_string, Catch::Contains("hunter2"));
        CHECK(u.scrub("server said: hunter2 is wrong") == "server said: *** is wrong");
    }
    CHECK(parse_connection_url("postgresql://u@h/d?sslpassword=hunter2&sslkey=/k.pem").redacted ==
          "postgresql://u@h/d?sslpassword=***&sslkey=/k.pem");
}

TEST_CASE("a password the redaction marker would spell again hides the whole text") {
    // Found by the fuzz target: "*xyz" replaced in "**xyzxyz" leaves "****xyz", the password again.
    auto u = parse_connection_url("postgresql://h**xyzxyz/d?password=*xyz");
    CHECK(u.redacted == "***");
    CHECK(u.scrub("host **xyzxyz") == "***");
    CHECK(u.scrub("wrong: *xyz") == "wrong: ***");
}

TEST_CASE("an unencoded '@' or '/' in a URI's password is refused before it can show") {
    for (const char* url : {"postgresql://u:pa/ss@h/d", "postgresql://u:p@hunter2@h/d", "postgresql://u:p@h/d@x"}) {
        INFO(url);
        std::string why = refusal(url);
        CHECK_THAT(why, Catch::Contains("database.url") && Catch::Contains("%40"));
        CHECK_THAT(why, !Catch::Contains("hunter2") && !Catch::Contains("ss@"));
    }
    CHECK(libpq_reads(parse_connection_url("postgresql://u:p%40ss%2Fw@h/d?application_name=a@b").connect_string)
              .at("password") == "p@ss/w");
}

TEST_CASE("bad URLs are refused without repeating a password") {
    for (const char* url : {"", "vigil.db", "mysql://u:hunter2@h/d",
                            "postgresql://u:hunter2%zz@h/d", "postgresql://h/d?hunter2",
                            "postgresql://host=h password='hunter2", "postgresql://host=h hunter2",
                            "postgresql://h/d?bogus=hunter2", "postgresql://host=h hunter2=x"}) {
        INFO(url);
        std::string why = refusal(url);
        CHECK_THAT(why, Catch::Contains("database.url") && !Catch::Contains("hunter2"));
    }
    CHECK_THAT(refusal("mysql://h/d"), Catch::Contains("'mysql'"));
    const char with_nul[] = "postgresql://u@h/d\0?password=hunter2";
    CHECK_THAT(refusal(std::string(with_nul, sizeof with_nul - 1)), Catch::Contains("NUL byte"));
    CHECK_THAT(refusal("postgresql://host=h hunter2"), Catch::Contains("libpq cannot read it"));
}
