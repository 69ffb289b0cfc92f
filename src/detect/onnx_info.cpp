// A minimal protobuf walker for the few ModelProto fields georune reads (onnx.proto3):
// ModelProto{graph = 7, metadata_props = 14 {key = 1, value = 2}},
// GraphProto{initializer = 5 {name = 8}, input = 11, output = 12},
// ValueInfoProto{name = 1, type = 2 {tensor_type = 1 {shape = 2 {dim = 1 {dim_value = 1, dim_param = 2}}}}}.
#include "georune/detect/onnx_info.h"

#include <optional>
#include <set>
#include <string_view>

#include "georune/common/files.h"

namespace georune::detect {
namespace {

struct Field {
  int number = 0;
  int wire = 0;
  uint64_t value = 0;      // varint / fixed
  std::string_view bytes;  // length-delimited
};

class Reader {
 public:
  explicit Reader(std::string_view data) : d_(data) {}
  bool done() const { return pos_ >= d_.size(); }
  bool ok() const { return ok_; }

  std::optional<Field> Next() {
    uint64_t key;
    if (!Varint(key)) return std::nullopt;
    Field f;
    f.number = static_cast<int>(key >> 3);
    f.wire = static_cast<int>(key & 7);
    switch (f.wire) {
      case 0:
        if (!Varint(f.value)) return std::nullopt;
        break;
      case 1:
      case 5: {
        const size_t n = f.wire == 1 ? 8 : 4;
        if (d_.size() - pos_ < n) return Fail();
        pos_ += n;
        break;
      }
      case 2: {
        uint64_t n;
        if (!Varint(n) || n > d_.size() - pos_) return Fail();
        f.bytes = d_.substr(pos_, n);
        pos_ += n;
        break;
      }
      default: return Fail();
    }
    return f;
  }

 private:
  std::nullopt_t Fail() {
    ok_ = false;
    return std::nullopt;
  }
  bool Varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= d_.size()) return Fail(), false;
      const uint8_t b = static_cast<uint8_t>(d_[pos_++]);
      v |= uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) return true;
    }
    return Fail(), false;
  }

  std::string_view d_;
  size_t pos_ = 0;
  bool ok_ = true;
};

// Calls fn(field) for every field of the message; false if it is malformed.
template <typename Fn>
bool ForEachField(std::string_view message, Fn fn) {
  Reader r(message);
  while (!r.done()) {
    auto f = r.Next();
    if (!f) return false;
    fn(*f);
  }
  return r.ok();
}

bool ReadValueInfo(std::string_view msg, std::string& name, std::vector<long long>& shape) {
  bool ok = ForEachField(msg, [&](const Field& f) {
    if (f.number == 1 && f.wire == 2) name = std::string(f.bytes);
    if (f.number != 2 || f.wire != 2) return;
    ForEachField(f.bytes, [&](const Field& tensor) {
      if (tensor.number != 1 || tensor.wire != 2) return;
      ForEachField(tensor.bytes, [&](const Field& sh) {
        if (sh.number != 2 || sh.wire != 2) return;
        ForEachField(sh.bytes, [&](const Field& dim) {
          if (dim.number != 1 || dim.wire != 2) return;
          long long v = -1;
          ForEachField(dim.bytes, [&](const Field& dv) {
            if (dv.number == 1 && dv.wire == 0) v = static_cast<long long>(dv.value);
          });
          shape.push_back(v);
        });
      });
    });
  });
  return ok;
}

}  // namespace

Result<OnnxInfo> ReadOnnxInfo(const std::string& path) {
  auto map = MappedFile::Open(path);
  if (!map.ok()) {
    if (map.status().code() == StatusCode::kNotFound) return Status::NotFound(path + ": no such ONNX model");
    return map.status();
  }
  auto bad = [&](const std::string& what) {
    return Status::InvalidInput(path + ": not a readable ONNX model (" + what +
                                ")\n  hint: export the detector to ONNX (e.g. ultralytics `yolo export format=onnx`)");
  };
  OnnxInfo info;
  std::string_view graph;
  bool ok = ForEachField(map->view(), [&](const Field& f) {
    if (f.number == 7 && f.wire == 2) graph = f.bytes;
    if (f.number == 14 && f.wire == 2) {
      std::string key, value;
      ForEachField(f.bytes, [&](const Field& kv) {
        if (kv.wire != 2) return;
        if (kv.number == 1) key = std::string(kv.bytes);
        if (kv.number == 2) value = std::string(kv.bytes);
      });
      info.metadata[key] = value;
    }
  });
  if (!ok || graph.empty()) return bad(ok ? "no graph" : "malformed protobuf");
  std::set<std::string, std::less<>> initializers;
  std::vector<std::string_view> inputs, outputs;
  ok = ForEachField(graph, [&](const Field& f) {
    if (f.wire != 2) return;
    if (f.number == 5)
      ForEachField(f.bytes, [&](const Field& t) {
        if (t.number == 8 && t.wire == 2) initializers.emplace(t.bytes);
      });
    if (f.number == 11) inputs.push_back(f.bytes);
    if (f.number == 12) outputs.push_back(f.bytes);
  });
  if (!ok) return bad("malformed graph");
  for (std::string_view in : inputs) {
    std::string name;
    std::vector<long long> shape;
    if (!ReadValueInfo(in, name, shape)) return bad("malformed graph input");
    if (initializers.count(name)) continue;  // IR < 4 lists weights as inputs
    info.input_name = name;
    info.input_shape = shape;
    break;
  }
  if (info.input_name.empty()) return bad("the graph has no input");
  if (outputs.empty()) return bad("the graph has no output");
  std::string out_name;
  if (!ReadValueInfo(outputs[0], out_name, info.output_shape)) return bad("malformed graph output");
  return info;
}

}  // namespace georune::detect
