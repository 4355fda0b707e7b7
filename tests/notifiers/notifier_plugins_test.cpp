// The built email and webhook modules driven through the C ABI only, as the
// host drives them.
#include "fixtures.hpp"
#include "sinks.hpp"

#include <vigil/plugin.h>

#include <catch2/catch.hpp>
#include <dlfcn.h>

#include <string>

using namespace vigil;
using namespace vigil::test;

namespace {

struct Module {
    void* handle;
    explicit Module(const char* path) : handle(dlopen(path, RTLD_NOW | RTLD_LOCAL)) {}
    ~Module() {
        if (handle) dlclose(handle);
    }
    const vigil_plugin_descriptor* descriptor() const {
        auto entry = reinterpret_cast<vigil_plugin_entry_fn>(dlsym(handle, VIGIL_PLUGIN_ENTRY_SYMBOL));
        return entry ? entry() : nullptr;
    }
};

struct Instance {
    const vigil_notifier_api* api;
    vigil_instance* self;
    explicit Instance(const vigil_notifier_api* a) : api(a), self(a->lifecycle->create()) {}
    ~Instance() {
        if (self) api->lifecycle->destroy(self);
    }
    vigil_result configure(const std::string& json) { return api->lifecycle->configure(self, json.c_str()); }
    vigil_result send(const std::vector<Event>& events) {
        EventViews views(events);
        return api->send(self, views.data(), views.size());
    }
    std::string error() const { return api->lifecycle->last_error(self); }
};

const vigil_notifier_api* notifier_of(const Module& module, const char* name) {
    INFO(dlerror());
    REQUIRE(module.handle != nullptr);
    const vigil_plugin_descriptor* d = module.descriptor();
    REQUIRE(d != nullptr);
    CHECK(std::string(d->name) == name);
    CHECK(d->abi_major == VIGIL_ABI_MAJOR);
    CHECK(d->report_source == nullptr);
    REQUIRE(d->notifier != nullptr);
    return d->notifier;
}

}  // namespace

TEST_CASE("webhook module through the C ABI") {
    Module module(VIGIL_WEBHOOK_PLUGIN);
    Instance hook(notifier_of(module, "webhook"));
    HttpSink sink({"200", "400"});
    // As the host renders a YAML item: every scalar a string, the host's own
    // keys (name, delivery rules) taken out and vigil_config_dir added.
    REQUIRE(hook.configure(R"({"url": ")" + sink.url() + R"(", "headers": {"X-Team": "ops"},
                               "timeout_seconds": "5", "vigil_config_dir": "/etc/vigil"})") == VIGIL_OK);
    Event e = failed("ACME_PARIS_CENTRE", "sales");
    e.possibly_duplicate = true;
    CHECK(hook.send({e}) == VIGIL_OK);
    auto requests = sink.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].header("X-Team") == "ops");
    auto event = nlohmann::json::parse(requests[0].body)["events"][0];
    CHECK(event["agent_id"] == "ACME_PARIS_CENTRE");
    CHECK(event["possibly_duplicate"] == true);

    CHECK(hook.send({e}) == VIGIL_PERMANENT);
    CHECK_THAT(hook.error(), Catch::Contains("HTTP 400"));

    Instance bad(module.descriptor()->notifier);
    CHECK(bad.configure(R"({"headers": {}})") == VIGIL_INVALID_INPUT);
    CHECK_THAT(bad.error(), Catch::StartsWith("setting `url`"));
}

TEST_CASE("email module through the C ABI") {
    Module module(VIGIL_EMAIL_PLUGIN);
    Instance mail(notifier_of(module, "email"));
    SmtpSink sink;
    // Typed, as the host sends a plain YAML boolean and number.
    REQUIRE(mail.configure(R"({"url": ")" + sink.url() + R"(", "from": "vigil@example.org",
                               "to": ["ops@example.org"], "tls_verify": false, "timeout_seconds": 5})") == VIGIL_OK);
    CHECK(mail.send({failed("ACME_PARIS_CENTRE", "sales")}) == VIGIL_OK);
    auto messages = sink.messages();
    REQUIRE(messages.size() == 1);
    CHECK(parse_email(messages[0]["data"].get<std::string>()).headers["subject"] == "[vigil] 1 problem");

    RefusingPort port;
    Instance down(module.descriptor()->notifier);
    const std::string url = "smtp://127.0.0.1:" + std::to_string(port.port());
    REQUIRE(down.configure(R"({"url": ")" + url + R"(", "from": "vigil@example.org", "to": "ops@example.org"})") ==
            VIGIL_OK);
    CHECK(down.send({failed("ACME_PARIS_CENTRE", "sales")}) == VIGIL_UNAVAILABLE);
    CHECK_THAT(down.error(), Catch::Contains(url));
}
