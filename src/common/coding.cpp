#include "georune/common/coding.h"

#include <cstdio>

namespace georune::coding {

int VarintLength(uint64_t value) {
  int n = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++n;
  }
  return n;
}

void PutVarint64(std::string* dst, uint64_t value) {
  while (value >= 0x80) {
    dst->push_back(char(uint8_t(value) | 0x80));
    value >>= 7;
  }
  dst->push_back(char(uint8_t(value)));
}

bool GetVarint64(std::string_view* in, uint64_t* value) {
  uint64_t result = 0;
  for (size_t i = 0; i < in->size() && i < size_t(kMaxVarint64Bytes); ++i) {
    const uint64_t byte = uint8_t((*in)[i]);
    const int shift = int(7 * i);
    // The tenth byte carries bit 63 only.
    if (shift == 63 && byte > 1) return false;
    result |= (byte & 0x7f) << shift;
    if (byte < 0x80) {
      *value = result;
      in->remove_prefix(i + 1);
      return true;
    }
  }
  return false;
}

void Encoder::PutString(std::string_view s) {
  Put<uint32_t>(uint32_t(s.size()));
  buf_.append(s);
}

bool Decoder::GetVarint(uint64_t& value) {
  std::string_view rest = data_.substr(pos_);
  const size_t before = rest.size();
  if (!GetVarint64(&rest, &value)) return false;
  pos_ += before - rest.size();
  return true;
}

bool Decoder::GetBytes(void* out, size_t n) {
  if (remaining() < n) return false;
  std::memcpy(out, data_.data() + pos_, n);
  pos_ += n;
  return true;
}

bool Decoder::GetFloats(std::vector<float>& out, size_t n) {
  if (remaining() / sizeof(float) < n) return false;
  out.resize(n);
  for (size_t i = 0; i < n; ++i) out[i] = DecodeFixed<float>(data_.data() + pos_ + 4 * i);
  pos_ += 4 * n;
  return true;
}

bool Decoder::GetString(std::string& s) {
  uint32_t n;
  const size_t start = pos_;
  if (!Get(n) || remaining() < n) {
    pos_ = start;
    return false;
  }
  s.assign(data_.data() + pos_, n);
  pos_ += n;
  return true;
}

std::string Frame(const char (&magic)[kMagicBytes], uint32_t version, std::string_view body) {
  std::string buf(magic, kMagicBytes);
  buf.reserve(body.size() + kFrameOverhead);
  PutFixed<uint32_t>(&buf, version);
  PutFixed<uint64_t>(&buf, body.size());
  buf.append(body);
  PutFixed<uint64_t>(&buf, Checksum64(buf));
  return buf;
}

Unframed Unframe(std::string_view data, const char (&magic)[kMagicBytes], uint32_t min_version, uint32_t max_version) {
  Unframed u;
  if (data.size() < kFrameOverhead || !HasMagic(data, magic)) {
    u.error = FrameError::kBadMagic;
    return u;
  }
  u.version = DecodeFixed<uint32_t>(data.data() + kMagicBytes);
  const uint64_t length = DecodeFixed<uint64_t>(data.data() + kMagicBytes + 4);
  const uint64_t sum = DecodeFixed<uint64_t>(data.data() + data.size() - 8);
  if (u.version < min_version || u.version > max_version) {
    u.error = FrameError::kBadVersion;
  } else if (length != data.size() - kFrameOverhead) {
    u.error = FrameError::kBadLength;
  } else if (Checksum64(data.data(), data.size() - 8) != sum) {
    u.error = FrameError::kBadChecksum;
  } else {
    u.body = data.substr(kMagicBytes + 12, size_t(length));
  }
  return u;
}

std::string Describe(const Unframed& u) {
  switch (u.error) {
    case FrameError::kNone: return "intact";
    case FrameError::kBadMagic: return "bad magic";
    case FrameError::kBadVersion: return "unsupported format version " + std::to_string(u.version);
    case FrameError::kBadLength: return "length mismatch";
    case FrameError::kBadChecksum: return "checksum mismatch";
  }
  return "unknown";
}

std::string Hex16(uint64_t value) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
  return buf;
}

bool ParseHex16(std::string_view text, uint64_t* value) {
  if (text.size() != 16) return false;
  uint64_t v = 0;
  for (char c : text) {
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    v = v << 4 | uint64_t(d);
  }
  *value = v;
  return true;
}

}  // namespace georune::coding
