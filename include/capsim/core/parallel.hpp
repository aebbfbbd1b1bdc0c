// Index-parallel loops for independent runs (check's scenarios, a sweep shard's runs, a forecast's
// paths): `fn(i)` for every i in [0, n) on `jobs` threads (the calling thread is one of them),
// indexes handed out in order. Each call must write only its own slot, so the result is a serial
// loop's whatever `jobs` is.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace capsim {

template <typename Fn>
void parallel_for(std::size_t n, std::size_t jobs, Fn&& fn) {
  const std::size_t workers = std::min(std::max<std::size_t>(jobs, 1), std::max<std::size_t>(n, 1));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::thread> pool;
  for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

}  // namespace capsim
