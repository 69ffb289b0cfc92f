#include "georune/common/json_array.h"

#include <string>
#include <vector>

#include "georune/common/json_error.h"
#include "georune/common/lines.h"

namespace georune {
namespace {

bool IsJsonBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The scanner: one state per place in "[ element , element ]", fed one byte at a time.
class ArrayScanner {
 public:
  ArrayScanner(const std::string& path, const JsonArrayOptions& options,
               const std::function<Status(const JsonArrayElement&)>& fn)
      : path_(path), options_(options), fn_(fn) {}

  // Feeds a block of the file.
  Status Feed(std::string_view data) {
    size_t run = 0;  // start of the element bytes of this block not yet copied
    for (size_t i = 0; i < data.size(); ++i) {
      const char c = data[i];
      ++column_;
      if (state_ != State::kInElement) {
        GEORUNE_RETURN_IF_ERROR(Between(c));
        run = i;  // an element that starts here begins with this byte
      } else if (!InElement(c)) {
        element_.append(data.data() + run, i - run);
        GEORUNE_RETURN_IF_ERROR(EndElement(c));
      }
      if (c == '\n') NewLine();
    }
    if (state_ == State::kInElement) {
      element_.append(data.data() + run, data.size() - run);
      if (element_.size() > options_.max_element_bytes) return TooLarge();
    }
    return Status::Ok();
  }

  // At the end of the file.
  Status Finish() {
    switch (state_) {
      case State::kAfterArray: return Status::Ok();
      case State::kBeforeArray: return Error(1, 0, "expected " + options_.expected + ", found nothing");
      case State::kInElement:
        if (depth_ == 0 && !in_string_) break;  // a whole value, then no ',' or ']'
        return Error(element_line_, element_column_,
                     options_.element_name + " " + std::to_string(index_ + 1) +
                         ": not valid JSON: the text ends inside it (a bracket or quote is not closed)");
      default: break;
    }
    return Error(column_ == 0 && line_ > 1 ? line_ - 1 : line_, 0,
                 "not valid JSON: the text ends before the array is closed (no ']')");
  }

 private:
  enum class State { kBeforeArray, kBeforeFirst, kAfterComma, kInElement, kAfterArray };

  void NewLine() {
    ++line_;
    column_ = 0;
  }

  Status Error(int line, int column, std::string message) const {
    Diagnostic d = FileDiagnostic(path_, line, std::move(message), options_.hint);
    d.column = column;
    return d.ToStatus();
  }

  Status TooLarge() const {
    Diagnostic d = FileDiagnostic(path_, element_line_,
                                  options_.element_name + " " + std::to_string(index_ + 1) +
                                      " is larger than the limit of " + SizeLimitText(options_.max_element_bytes),
                                  "one " + options_.element_name + " may be at most that large; is it the right file?");
    return d.ToStatus();
  }

  // A byte outside every element: blanks, the brackets, the commas, or an element's first byte.
  Status Between(char c) {
    if (line_ == 1 && column_ <= 3 && state_ == State::kBeforeArray && SkipByteOrderMark(c)) return Status::Ok();
    if (IsJsonBlank(c)) return Status::Ok();
    switch (state_) {
      case State::kBeforeArray:
        if (c != '[') return Error(line_, column_, "expected " + options_.expected);
        state_ = State::kBeforeFirst;
        return Status::Ok();
      case State::kBeforeFirst:
        if (c == ']') {
          state_ = State::kAfterArray;
          return Status::Ok();
        }
        break;
      case State::kAfterComma:
        if (c == ']') return Error(line_, column_, "not valid JSON: a value is missing after ','");
        break;
      case State::kAfterArray: return Error(line_, column_, "not valid JSON: text after the end of the array");
      case State::kInElement: break;
    }
    state_ = State::kInElement;  // c begins an element
    element_.clear();
    element_line_ = line_;
    element_column_ = column_;
    depth_ = 0;
    in_string_ = escape_ = false;
    (void)InElement(c);
    return Status::Ok();
  }

  // The byte order mark EF BB BF, byte by byte at the very start.
  bool SkipByteOrderMark(char c) {
    static constexpr char kBom[] = "\xEF\xBB\xBF";
    if (bom_seen_ < 3 && bom_seen_ == column_ - 1 && c == kBom[bom_seen_]) {
      ++bom_seen_;
      return true;
    }
    return false;
  }

  // True while c belongs to the element: all but the ',' or the unmatched ']' or '}' after it.
  bool InElement(char c) {
    if (in_string_) {
      if (escape_) escape_ = false;
      else if (c == '\\') escape_ = true;
      else if (c == '"') in_string_ = false;
      return true;
    }
    if (c == '"') in_string_ = true;
    else if (c == '{' || c == '[') ++depth_;
    else if (c == '}' || c == ']') return depth_-- > 0;
    else if (c == ',') return depth_ > 0;
    return true;
  }

  // The element ended at `c` (',' or an unmatched ']' or '}').
  Status EndElement(char c) {
    if (element_.size() > options_.max_element_bytes) return TooLarge();
    size_t end = element_.size();
    while (end > 0 && IsJsonBlank(element_[end - 1])) --end;
    JsonArrayElement e;
    e.index = index_;
    e.line = element_line_;
    e.column = element_column_;
    e.text = std::string_view(element_.data(), end);
    GEORUNE_RETURN_IF_ERROR(fn_(e));
    ++index_;
    if (c == ',') state_ = State::kAfterComma;
    else if (c == ']') state_ = State::kAfterArray;
    else
      return Error(line_, column_,
                   "not valid JSON: '}' without its '{' after " + options_.element_name + " " + std::to_string(index_));
    return Status::Ok();
  }

  const std::string& path_;
  const JsonArrayOptions& options_;
  const std::function<Status(const JsonArrayElement&)>& fn_;
  State state_ = State::kBeforeArray;
  int line_ = 1, column_ = 0;  // of the byte being read
  int bom_seen_ = 0;
  std::string element_;
  int element_line_ = 0, element_column_ = 0;
  size_t index_ = 0;
  int depth_ = 0;
  bool in_string_ = false, escape_ = false;
};

}  // namespace

Status ForEachJsonArrayElement(int fd, const std::string& path, const JsonArrayOptions& options,
                               const std::function<Status(const JsonArrayElement&)>& fn, size_t block) {
  ArrayScanner scanner(path, options, fn);
  std::vector<char> buffer(block);
  for (;;) {
    GEORUNE_ASSIGN_OR_RETURN(size_t n, ReadSome(fd, path, buffer.data(), buffer.size()));
    if (n == 0) break;
    GEORUNE_RETURN_IF_ERROR(scanner.Feed(std::string_view(buffer.data(), n)));
  }
  return scanner.Finish();
}

Diagnostic ElementJsonDiagnostic(std::string_view path, const JsonArrayElement& element, std::string_view what,
                                 std::string hint) {
  Diagnostic d = JsonDiagnostic(path, 0, what, std::move(hint), element.text);
  if (d.line == 0) {
    d.line = element.line;
    d.column = 0;
    return d;
  }
  if (d.line == 1 && d.column > 0) d.column += element.column - 1;
  d.line += element.line - 1;
  return d;
}

}  // namespace georune
