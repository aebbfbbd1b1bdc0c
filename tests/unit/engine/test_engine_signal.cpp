// Signal<T>: connection-order delivery, disconnect, and connect/disconnect during emit.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "capsim/engine/signal.hpp"

using capsim::engine::ConnectionId;
using capsim::engine::Signal;

TEST_CASE("signal calls slots in connection order", "[engine]") {
  Signal<int> sig;
  std::vector<std::string> log;
  CHECK(sig.empty());
  const ConnectionId a = sig.connect([&](const int& v) { log.push_back("a" + std::to_string(v)); });
  const ConnectionId b = sig.connect([&](const int& v) { log.push_back("b" + std::to_string(v)); });
  sig.connect([&](const int& v) { log.push_back("c" + std::to_string(v)); });
  CHECK(a != b);
  CHECK(sig.size() == 3);
  sig.emit(1);
  sig.emit(2);
  CHECK(log == std::vector<std::string>{"a1", "b1", "c1", "a2", "b2", "c2"});

  log.clear();
  CHECK(sig.disconnect(b));
  CHECK_FALSE(sig.disconnect(b));
  CHECK_FALSE(sig.disconnect(12345));
  CHECK(sig.size() == 2);
  sig.emit(3);
  CHECK(log == std::vector<std::string>{"a3", "c3"});
}

TEST_CASE("signal tolerates connect and disconnect while emitting", "[engine]") {
  Signal<std::string> sig;
  std::vector<std::string> log;
  ConnectionId self = 0;
  ConnectionId victim = 0;
  self = sig.connect([&](const std::string& v) {
    log.push_back("self " + v);
    sig.disconnect(self);  // a one-shot slot
    sig.disconnect(victim);
    sig.connect([&](const std::string& w) { log.push_back("late " + w); });
  });
  victim = sig.connect([&](const std::string& v) { log.push_back("victim " + v); });
  sig.connect([&](const std::string& v) { log.push_back("last " + v); });

  sig.emit("x");
  CHECK(log == std::vector<std::string>{"self x", "last x"});
  log.clear();
  sig.emit("y");
  CHECK(log == std::vector<std::string>{"last y", "late y"});
  CHECK(sig.size() == 2);
}
