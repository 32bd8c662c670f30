#include "ingest/pipeline.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace kg::ingest {

namespace {

struct Slot {
  InputItem item;
  uint64_t tokens = 0;
};

}  // namespace

Result<IngestSummary> Run(store::Store& store, const extract::Extractor* extractor,
                          InputSource& input, const IngestOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const int jobs = options.jobs > 0
                       ? options.jobs
                       : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const size_t capacity = static_cast<size_t>(std::max(2, jobs * std::max(1, options.queue_per_job)));

  std::mutex mu;
  std::condition_variable work_cv, done_cv, space_cv;
  std::deque<std::pair<uint64_t, InputItem>> work;   // read, waiting for a worker
  std::map<uint64_t, Slot> done;                     // extracted, waiting for the writer
  size_t in_flight = 0;                              // read but not yet committed
  uint64_t total = 0;                                // items read so far
  bool input_end = false;
  bool stop = false;

  // Reader: pulls inputs, blocks while `capacity` items are in flight.
  std::thread reader([&] {
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu);
        space_cv.wait(lock, [&] { return in_flight < capacity || stop; });
        if (stop) break;
      }
      InputItem item;
      const bool more = input.Next(&item);
      std::lock_guard<std::mutex> lock(mu);
      if (!more) {
        input_end = true;
        work_cv.notify_all();
        done_cv.notify_all();
        break;
      }
      const uint64_t idx = total++;
      ++in_flight;
      if (!item.error.empty() || item.extraction.has_value() || extractor == nullptr) {
        if (item.error.empty() && !item.extraction.has_value()) {
          item.error = item.origin + ": no extractor and no extraction for this article";
        }
        done[idx] = Slot{std::move(item), 0};
        done_cv.notify_all();
      } else {
        work.emplace_back(idx, std::move(item));
        work_cv.notify_one();
      }
    }
  });

  // Workers: extraction is a pure function of the text.
  std::vector<std::thread> workers;
  for (int w = 0; w < jobs; ++w) {
    workers.emplace_back([&] {
      for (;;) {
        std::pair<uint64_t, InputItem> job;
        {
          std::unique_lock<std::mutex> lock(mu);
          work_cv.wait(lock, [&] { return !work.empty() || input_end || stop; });
          if (stop || work.empty()) return;
          job = std::move(work.front());
          work.pop_front();
        }
        Slot slot;
        slot.item = std::move(job.second);
        try {
          slot.item.extraction = extractor->Extract(slot.item.text);
          slot.tokens = slot.item.extraction->tokens;
        } catch (const std::exception& e) {
          slot.item.error = slot.item.origin + ": extraction failed: " + e.what();
        }
        std::lock_guard<std::mutex> lock(mu);
        done[job.first] = std::move(slot);
        done_cv.notify_all();
      }
    });
  }

  auto shutdown = [&] {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    space_cv.notify_all();
    work_cv.notify_all();
    reader.join();
    for (auto& t : workers) t.join();
  };

  // Writer: this thread, strictly in input order.
  IngestSummary sum;
  Status fatal;
  for (uint64_t next = 0;; ++next) {
    Slot slot;
    {
      std::unique_lock<std::mutex> lock(mu);
      done_cv.wait(lock, [&] { return done.count(next) != 0 || (input_end && next >= total); });
      auto it = done.find(next);
      if (it == done.end()) break;
      slot = std::move(it->second);
      done.erase(it);
    }
    ItemReport rep;
    rep.index = next;
    rep.origin = slot.item.origin;
    rep.article_id = slot.item.article.id;
    rep.bytes = slot.item.text.size();
    rep.tokens = slot.tokens;
    if (!slot.item.error.empty()) {
      rep.error = slot.item.error;
    } else {
      const Extraction& x = *slot.item.extraction;
      rep.facts = x.facts.size();
      auto r = store.Commit(slot.item.article, slot.item.text, x);
      if (!r.ok()) {
        if (r.status().code() == Status::Code::kInvalidArgument) {
          rep.error = slot.item.origin + ": " + r.status().message();
        } else {
          fatal = r.status();
        }
      } else {
        rep.result = r.value();
        rep.duplicate = r->duplicate;
      }
    }
    if (!fatal.ok()) break;
    if (!rep.error.empty()) {
      ++sum.errors;
    } else if (rep.duplicate) {
      ++sum.duplicates;
    } else {
      ++sum.articles;
      sum.new_entities += rep.result.new_entities;
      sum.new_facts += rep.result.new_facts;
      sum.reinforced_facts += rep.result.reinforced_facts;
      sum.bytes += rep.bytes;
      sum.tokens += rep.tokens;
      sum.extracted_facts += rep.facts;
    }
    sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (options.on_item) options.on_item(rep, sum);
    {
      std::lock_guard<std::mutex> lock(mu);
      --in_flight;
    }
    space_cv.notify_one();
  }
  shutdown();
  if (!fatal.ok()) return fatal;
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return sum;
}

}  // namespace kg::ingest
