// The file-format layer shared by the three stores (archive segments and manifest, the vector
// store, the knowledge base files), after LevelDB's util/coding.h:
//  - fixed-width little-endian integers and IEEE floats (EncodeFixed/DecodeFixed, PutFixed);
//  - varints: LEB128, 7 bits a byte, low group first (PutVarint64/GetVarint64), at most
//    10 bytes for 64 bits;
//  - Encoder/Decoder: a byte buffer written and a bounded byte view read field by field (a
//    Decoder never reads past its end: every Get returns false instead);
//  - magic and version: 8-byte magics (HasMagic); fixed headers sealed by a trailing checksum
//    of their preceding bytes (SealHeader/HeaderIntact);
//  - checksummed frames: magic(8) u32 version, u64 body length, body, u64 XXH3-64 of
//    everything before it (Frame/Unframe);
//  - checksums as text (Hex16/ParseHex16, 16 lowercase hex digits);
//  - atomic replace and checksums themselves: WriteFileAtomic and Checksum64 (files.h,
//    included here): temp file, fsync, rename, fsync of the folder.
// Every function is pure and thread safe; nothing here names a file (callers add the path and
// what the file is to their messages).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "georune/common/files.h"

namespace georune::coding {

// ---- fixed width, little-endian ----

template <typename T>
concept FixedValue = std::is_integral_v<T> || std::is_floating_point_v<T>;

// The unsigned integer of T's width (floats travel as their IEEE bits).
template <FixedValue T>
using Bits = std::conditional_t<
    sizeof(T) == 1, uint8_t,
    std::conditional_t<sizeof(T) == 2, uint16_t, std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>>>;

template <FixedValue T>
inline void EncodeFixed(char* dst, T value) {
  auto bits = std::bit_cast<Bits<T>>(value);
  for (size_t i = 0; i < sizeof(T); ++i) dst[i] = char(uint8_t(bits >> (8 * i)));
}

template <FixedValue T>
inline T DecodeFixed(const char* src) {
  Bits<T> bits = 0;
  for (size_t i = 0; i < sizeof(T); ++i) bits |= Bits<T>(Bits<T>(uint8_t(src[i])) << (8 * i));
  return std::bit_cast<T>(bits);
}

template <FixedValue T>
inline void PutFixed(std::string* dst, T value) {
  char buf[sizeof(T)];
  EncodeFixed(buf, value);
  dst->append(buf, sizeof(T));
}

// ---- varints ----

inline constexpr int kMaxVarint64Bytes = 10;
int VarintLength(uint64_t value);
void PutVarint64(std::string* dst, uint64_t value);
// Reads a varint from the front of `*in` and advances it; false (and `*in` unchanged) when it is
// truncated, longer than 10 bytes or overflows 64 bits.
bool GetVarint64(std::string_view* in, uint64_t* value);

// ---- field by field ----

class Encoder {
 public:
  template <FixedValue T>
  void Put(T value) {
    PutFixed(&buf_, value);
  }
  void PutVarint(uint64_t value) { PutVarint64(&buf_, value); }
  void PutBytes(const void* data, size_t n) { buf_.append(static_cast<const char*>(data), n); }
  // u32 length, then the bytes.
  void PutString(std::string_view s);
  // Overwrites a fixed field written earlier at byte `at` (e.g. a length known only later).
  template <FixedValue T>
  void PatchAt(size_t at, T value) {
    EncodeFixed(buf_.data() + at, value);
  }

  size_t size() const { return buf_.size(); }
  std::string& buf() { return buf_; }

 private:
  std::string buf_;
};

class Decoder {
 public:
  explicit Decoder(std::string_view data) : data_(data) {}
  template <FixedValue T>
  bool Get(T& value) {
    if (remaining() < sizeof(T)) return false;
    value = DecodeFixed<T>(data_.data() + pos_);
    pos_ += sizeof(T);
    return true;
  }
  bool GetVarint(uint64_t& value);
  bool GetBytes(void* out, size_t n);
  // `n` little-endian floats into `out` (resized).
  bool GetFloats(std::vector<float>& out, size_t n);
  // A u32 length, then the bytes.
  bool GetString(std::string& s);

  size_t position() const { return pos_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool done() const { return pos_ == data_.size(); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// ---- magic, version, sealed headers ----

inline constexpr size_t kMagicBytes = 8;
inline bool HasMagic(std::string_view data, const char (&magic)[kMagicBytes]) {
  return data.size() >= kMagicBytes && std::memcmp(data.data(), magic, kMagicBytes) == 0;
}

// A fixed header struct `H` (standard layout, little-endian host) whose last field is
// `uint64_t header_checksum`, the XXH3-64 of every byte before it.
template <typename H>
uint64_t HeaderChecksum(const H& h) {
  static_assert(std::is_standard_layout_v<H> && std::endian::native == std::endian::little);
  return Checksum64(&h, offsetof(H, header_checksum));
}
template <typename H>
void SealHeader(H& h) {
  h.header_checksum = HeaderChecksum(h);
}
template <typename H>
bool HeaderIntact(const H& h) {
  return HeaderChecksum(h) == h.header_checksum;
}

// ---- checksummed frames ----

inline constexpr size_t kFrameOverhead = kMagicBytes + 4 + 8 + 8;
std::string Frame(const char (&magic)[kMagicBytes], uint32_t version, std::string_view body);

enum class FrameError { kNone, kBadMagic, kBadVersion, kBadLength, kBadChecksum };
struct Unframed {
  FrameError error = FrameError::kNone;
  uint32_t version = 0;   // the stored version (set from kBadVersion on)
  std::string_view body;  // valid when error == kNone; a view into `data`
};
// Checks magic, version (one of [min_version, max_version]), length and checksum, in that order.
Unframed Unframe(std::string_view data, const char (&magic)[kMagicBytes], uint32_t min_version, uint32_t max_version);
// "bad magic", "unsupported format version N", "length mismatch", "checksum mismatch".
std::string Describe(const Unframed& u);

// ---- 64-bit values (checksums, build ids) as text ----

std::string Hex16(uint64_t value);
// Exactly 16 lowercase hex digits; false otherwise.
bool ParseHex16(std::string_view text, uint64_t* value);

}  // namespace georune::coding
