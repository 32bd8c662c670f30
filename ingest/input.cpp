#include "ingest/input.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "graph/extraction_json.h"

namespace kg::ingest {

namespace fs = std::filesystem;

std::optional<size_t> FindInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return i;  // continuation byte, overlong lead (c0, c1) or > f4
    }
    if (i + len > n) return i;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return i;
    }
    i += len;
  }
  return std::nullopt;
}

namespace {

std::string Megabytes(uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

// "" when the text can be ingested, else why not.
std::string CheckText(std::string_view text) {
  if (IsBlank(text)) return "empty article (no text)";
  if (auto nul = text.find('\0'); nul != std::string_view::npos) {
    return "binary data (NUL byte at byte offset " + std::to_string(nul) + ")";
  }
  if (auto bad = FindInvalidUtf8(text)) {
    return "invalid UTF-8 at byte offset " + std::to_string(*bad);
  }
  return "";
}

// "1987-02-26T15:01:01" -> "1987-02-26"; anything else unchanged.
std::string NormalizeDate(std::string d) {
  auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
      if (i >= d.size() || d[i] < '0' || d[i] > '9') return false;
    }
    return true;
  };
  if (d.size() > 10 && digits(0, 4) && d[4] == '-' && digits(5, 2) && d[7] == '-' &&
      digits(8, 2) && (d[10] == 'T' || d[10] == ' ')) {
    d.resize(10);
  }
  return d;
}

void FillPlainText(const std::string& origin, const std::string& id, std::string text,
                   const InputOptions& opt, InputItem* item) {
  item->origin = origin;
  if (text.size() > opt.max_article_bytes) {
    item->error = origin + ": article too large (" + Megabytes(text.size()) + "; the limit is " +
                  Megabytes(opt.max_article_bytes) + ")";
    return;
  }
  if (text.rfind("\xef\xbb\xbf", 0) == 0) text.erase(0, 3);  // a UTF-8 byte order mark
  if (std::string why = CheckText(text); !why.empty()) {
    item->error = origin + ": " + why;
    return;
  }
  item->article.id = id;
  // Title: the first non-blank line, when short and followed by more text.
  size_t start = text.find_first_not_of(" \t\r\n");
  size_t eol = text.find('\n', start);
  if (eol != std::string::npos && eol - start <= opt.max_title_bytes && !IsBlank(text.substr(eol))) {
    std::string title = text.substr(start, eol - start);
    while (!title.empty() && (title.back() == '\r' || title.back() == ' ')) title.pop_back();
    item->article.title = title;
  }
  item->text = std::move(text);
}

// Reads one line without its '\n'. Keeps at most `max` bytes of it in *line
// and reports the full length, so an over-long line costs no memory. False at
// end of input with nothing read.
bool ReadLine(std::istream& in, uint64_t max, std::string* line, uint64_t* length) {
  line->clear();
  *length = 0;
  std::streambuf* sb = in.rdbuf();
  bool any = false;
  for (;;) {
    const int c = sb->sbumpc();
    if (c == std::char_traits<char>::eof()) return any;
    any = true;
    if (c == '\n') return true;
    ++*length;
    if (line->size() < max) line->push_back(static_cast<char>(c));
  }
}

void ParseJsonLine(const std::string& name, uint64_t line_no, const std::string& line,
                   const InputOptions& opt, InputItem* item) {
  item->origin = name + ":" + std::to_string(line_no);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    if (auto close = what.find("] "); close != std::string::npos) what.erase(0, close + 2);
    item->error = item->origin + ": malformed JSON: " + what;
    return;
  }
  if (!j.is_object()) {
    item->error = item->origin + ": expected a JSON object with a \"text\" field";
    return;
  }
  auto field = [&](const char* key, std::string* out) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return true;
    if (it->is_string()) {
      *out = it->get<std::string>();
      return true;
    }
    if (it->is_number()) {
      *out = it->dump();
      return true;
    }
    item->error = item->origin + ": field \"" + key + "\" must be a string";
    return false;
  };
  Article& a = item->article;
  std::string text;
  if (!field("id", &a.id) || !field("title", &a.title) || !field("date", &a.date) ||
      !field("source", &a.source) || !field("url", &a.url) || !field("text", &text)) {
    return;
  }
  if (j.find("text") == j.end()) {
    item->error = item->origin + ": no \"text\" field";
    return;
  }
  if (std::string why = CheckText(text); !why.empty()) {
    item->error = item->origin + ": " + why;
    return;
  }
  if (text.size() > opt.max_article_bytes) {
    item->error = item->origin + ": article too large (" + Megabytes(text.size()) + ")";
    return;
  }
  if (a.id.empty()) a.id = fs::path(name).filename().string() + ":" + std::to_string(line_no);
  a.date = NormalizeDate(a.date);
  item->text = std::move(text);
}

// Inside directories only article files are read: .txt, .text, .jsonl, or no
// extension (a README.md or a script next to the articles is not news).
bool IsArticleFile(const fs::path& p) {
  const std::string ext = p.extension().string();
  return ext.empty() || ext == ".txt" || ext == ".text" || ext == ".jsonl";
}

class Inputs final : public InputSource {
 public:
  Inputs(const std::vector<std::string>& paths, std::istream& in, const InputOptions& opt)
      : pending_(paths.begin(), paths.end()), in_(in), opt_(opt) {
    for (const auto& p : paths) {
      std::error_code ec;
      if (p == "-") continue;
      if (fs::is_directory(p, ec)) {
        for (auto it = fs::recursive_directory_iterator(
                 p, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
          std::error_code fe;
          if (it->is_regular_file(fe)) total_ += it->file_size(fe);
        }
      } else if (fs::is_regular_file(p, ec)) {
        total_ += fs::file_size(p, ec);
      }
    }
  }

  uint64_t total_bytes() const override { return total_; }

  bool Next(InputItem* item) override {
    for (;;) {
      *item = InputItem();
      if (lines_ != nullptr) {
        if (NextLine(item)) return true;
        lines_ = nullptr;
        file_.reset();
        continue;
      }
      if (pending_.empty()) return false;
      const std::string p = pending_.front();
      pending_.pop_front();
      if (p == "-") {
        if (StartStdin(item)) return true;
        continue;
      }
      std::error_code ec;
      const fs::file_status st = fs::status(p, ec);
      if (st.type() == fs::file_type::not_found) {
        item->origin = p;
        item->error = p + ": no such file or directory";
        return true;
      }
      if (ec) {
        item->origin = p;
        item->error = p + ": cannot access: " + ec.message();
        return true;
      }
      if (fs::is_directory(st)) {
        if (ExpandDirectory(p, item)) return true;
        continue;
      }
      if (!fs::is_regular_file(st)) {
        item->origin = p;
        item->error = p + ": not a regular file";
        return true;
      }
      if (fs::path(p).extension() == ".jsonl") {
        file_ = std::make_unique<std::ifstream>(p, std::ios::binary);
        if (!*file_) {
          item->origin = p;
          item->error = p + ": cannot open: " + std::strerror(errno);
          file_.reset();
          return true;
        }
        lines_ = file_.get();
        lines_name_ = p;
        line_no_ = 0;
        continue;
      }
      ReadTextFile(p, item);
      return true;
    }
  }

 private:
  void ReadTextFile(const std::string& p, InputItem* item) {
    item->origin = p;
    std::error_code ec;
    const uint64_t size = fs::file_size(p, ec);
    if (!ec && size > opt_.max_article_bytes) {
      item->error = p + ": article too large (" + Megabytes(size) + "; the limit is " +
                    Megabytes(opt_.max_article_bytes) + ")";
      return;
    }
    std::ifstream f(p, std::ios::binary);
    if (!f) {
      item->error = p + ": cannot open: " + std::strerror(errno);
      return;
    }
    std::string text;
    text.resize(ec ? 0 : size);
    f.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (f.bad() || static_cast<uint64_t>(f.gcount()) != text.size()) {
      item->error = p + ": read error: " + std::strerror(errno);
      return;
    }
    FillPlainText(p, fs::path(p).filename().string(), std::move(text), opt_, item);
  }

  bool ExpandDirectory(const std::string& dir, InputItem* item) {
    std::vector<std::string> files;
    std::error_code ec;
    auto it = fs::recursive_directory_iterator(dir, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      std::error_code fe;
      if (it->is_regular_file(fe) && IsArticleFile(it->path())) files.push_back(it->path().string());
    }
    std::sort(files.begin(), files.end());
    pending_.insert(pending_.begin(), files.begin(), files.end());
    if (ec) {
      item->origin = dir;
      item->error = dir + ": cannot read directory: " + ec.message();
      return true;
    }
    return false;
  }

  bool StartStdin(InputItem* item) {
    std::streambuf* sb = in_.rdbuf();
    int c = sb->sgetc();
    uint64_t skipped_lines = 0;
    while (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      if (c == '\n') ++skipped_lines;
      c = sb->snextc();
    }
    if (c == '{') {
      lines_ = &in_;
      lines_name_ = "<stdin>";
      line_no_ = skipped_lines;
      return false;
    }
    std::string text(skipped_lines, '\n');
    char buf[1 << 16];
    uint64_t total = 0;
    for (;;) {
      const std::streamsize got = sb->sgetn(buf, sizeof buf);
      if (got <= 0) break;
      total += static_cast<uint64_t>(got);
      if (text.size() <= opt_.max_article_bytes) text.append(buf, static_cast<size_t>(got));
    }
    if (total > opt_.max_article_bytes) {
      item->origin = "<stdin>";
      item->error = "<stdin>: article too large (" + Megabytes(total) + "; the limit is " +
                    Megabytes(opt_.max_article_bytes) + ")";
      return true;
    }
    FillPlainText("<stdin>", "stdin", std::move(text), opt_, item);
    return true;
  }

  bool NextLine(InputItem* item) {
    std::string line;
    uint64_t length = 0;
    for (;;) {
      if (!ReadLine(*lines_, opt_.max_article_bytes + 1, &line, &length)) return false;
      ++line_no_;
      if (length > opt_.max_article_bytes) {
        item->origin = lines_name_ + ":" + std::to_string(line_no_);
        item->error = item->origin + ": line too long (" + Megabytes(length) + "; the limit is " +
                      Megabytes(opt_.max_article_bytes) + ")";
        return true;
      }
      if (IsBlank(line)) continue;
      ParseJsonLine(lines_name_, line_no_, line, opt_, item);
      return true;
    }
  }

  std::deque<std::string> pending_;
  std::istream& in_;
  InputOptions opt_;
  uint64_t total_ = 0;
  std::unique_ptr<std::ifstream> file_;
  std::istream* lines_ = nullptr;  // the JSON Lines stream being read
  std::string lines_name_;
  uint64_t line_no_ = 0;
};

// `kg extract --format jsonl` records: the extraction comes with the text.
class Extracted final : public InputSource {
 public:
  Extracted(const std::string& path, std::istream& stdin_stream, const InputOptions& opt)
      : path_(path == "-" ? "<stdin>" : path), opt_(opt) {
    if (path == "-") {
      in_ = &stdin_stream;
      return;
    }
    file_.open(path, std::ios::binary);
    in_ = &file_;
    std::error_code ec;
    total_ = fs::file_size(path, ec);
    if (ec) total_ = 0;
  }
  uint64_t total_bytes() const override { return total_; }
  bool Next(InputItem* item) override {
    *item = InputItem();
    if (!opened_) {
      opened_ = true;
      if (!*in_) {
        item->origin = path_;
        item->error = path_ + ": cannot open: " + std::strerror(errno);
        return true;
      }
    }
    if (!*in_) return false;
    std::string line;
    uint64_t length = 0;
    for (;;) {
      if (!ReadLine(*in_, opt_.max_article_bytes * 4 + 1, &line, &length)) return false;
      ++line_no_;
      item->origin = path_ + ":" + std::to_string(line_no_);
      if (length > opt_.max_article_bytes * 4) {
        item->error = item->origin + ": line too long (" + Megabytes(length) + ")";
        return true;
      }
      if (IsBlank(line)) continue;
      auto rec = FromJson(line);
      if (!rec.ok()) {
        item->error = item->origin + ": " + rec.status().message();
        return true;
      }
      if (std::string why = CheckText(rec->text); !why.empty()) {
        item->error = item->origin + ": " + why;
        return true;
      }
      item->article = std::move(rec->article);
      item->article.date = NormalizeDate(item->article.date);
      if (item->article.id.empty()) {
        item->article.id = fs::path(path_).filename().string() + ":" + std::to_string(line_no_);
      }
      item->text = std::move(rec->text);
      item->extraction = std::move(rec->extraction);
      return true;
    }
  }

 private:
  std::string path_;
  InputOptions opt_;
  std::ifstream file_;
  std::istream* in_ = nullptr;
  bool opened_ = false;
  uint64_t line_no_ = 0;
  uint64_t total_ = 0;
};

class Chained final : public InputSource {
 public:
  explicit Chained(std::vector<std::unique_ptr<InputSource>> s) : sources_(std::move(s)) {
    for (const auto& src : sources_) total_ += src->total_bytes();
  }
  uint64_t total_bytes() const override { return total_; }
  bool Next(InputItem* item) override {
    for (; current_ < sources_.size(); ++current_) {
      if (sources_[current_]->Next(item)) return true;
    }
    return false;
  }

 private:
  std::vector<std::unique_ptr<InputSource>> sources_;
  size_t current_ = 0;
  uint64_t total_ = 0;
};

}  // namespace

std::unique_ptr<InputSource> OpenExtracted(const std::string& path, std::istream& in,
                                           const InputOptions& options) {
  return std::make_unique<Extracted>(path, in, options);
}

std::unique_ptr<InputSource> Chain(std::vector<std::unique_ptr<InputSource>> sources) {
  return std::make_unique<Chained>(std::move(sources));
}

std::unique_ptr<InputSource> OpenInputs(const std::vector<std::string>& paths, std::istream& in,
                                        const InputOptions& options) {
  return std::make_unique<Inputs>(paths, in, options);
}

}  // namespace kg::ingest
