// The shared file-format layer (common/coding.h): encodings against their definitions, every
// way a frame can be damaged, and the archive/KB/vector formats built on it (their own tests).
#include "georune/common/coding.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

namespace georune::coding {
namespace {

TEST(Coding, FixedIsLittleEndianByteForByte) {
  std::string s;
  PutFixed<uint32_t>(&s, 0x04030201u);
  PutFixed<uint64_t>(&s, 0x0807060504030201ull);
  PutFixed<uint16_t>(&s, 0xBEEF);
  ASSERT_EQ(s.size(), 14u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(uint8_t(s[size_t(i)]), i + 1);
  for (int i = 0; i < 8; ++i) EXPECT_EQ(uint8_t(s[size_t(4 + i)]), i + 1);
  EXPECT_EQ(uint8_t(s[12]), 0xEF);
  EXPECT_EQ(uint8_t(s[13]), 0xBE);
  EXPECT_EQ(DecodeFixed<uint32_t>(s.data()), 0x04030201u);
  EXPECT_EQ(DecodeFixed<uint64_t>(s.data() + 4), 0x0807060504030201ull);
  // Floats travel as their IEEE bits: 1.0f is 0x3F800000, -2.5 is 0xC004000000000000.
  std::string f;
  PutFixed<float>(&f, 1.0f);
  PutFixed<double>(&f, -2.5);
  EXPECT_EQ(DecodeFixed<uint32_t>(f.data()), 0x3F800000u);
  EXPECT_EQ(DecodeFixed<uint64_t>(f.data() + 4), 0xC004000000000000ull);
  EXPECT_EQ(DecodeFixed<double>(f.data() + 4), -2.5);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::string n;
  PutFixed<double>(&n, nan);
  EXPECT_TRUE(std::isnan(DecodeFixed<double>(n.data())));
  std::string neg;
  PutFixed<int32_t>(&neg, -2);
  EXPECT_EQ(DecodeFixed<uint32_t>(neg.data()), 0xFFFFFFFEu);
  EXPECT_EQ(DecodeFixed<int32_t>(neg.data()), -2);
}

// LEB128 by its definition: 7 bits a byte, low group first, high bit = more.
std::string ReferenceVarint(uint64_t v) {
  std::string out;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(char(b));
  } while (v);
  return out;
}

TEST(Coding, VarintsMatchTheDefinitionAndRoundTrip) {
  std::vector<uint64_t> values = {
      0, 1, 127, 128, 255, 300, 16383, 16384, (1ull << 32) - 1, 1ull << 32, (1ull << 63) - 1, 1ull << 63, ~0ull};
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000; ++i) values.push_back(rng() >> (rng() % 64));
  for (uint64_t v : values) {
    std::string s;
    PutVarint64(&s, v);
    ASSERT_EQ(s, ReferenceVarint(v)) << v;
    EXPECT_EQ(VarintLength(v), int(s.size()));
    s += "tail";
    std::string_view in = s;
    uint64_t back = 0;
    ASSERT_TRUE(GetVarint64(&in, &back));
    EXPECT_EQ(back, v);
    EXPECT_EQ(in, "tail");
  }
  EXPECT_EQ(VarintLength(~0ull), kMaxVarint64Bytes);
}

TEST(Coding, DamagedVarintsAreRefusedAndLeaveTheInput) {
  std::string s;
  PutVarint64(&s, 1ull << 40);
  for (size_t cut = 0; cut < s.size(); ++cut) {
    std::string_view in(s.data(), cut);
    uint64_t v = 99;
    EXPECT_FALSE(GetVarint64(&in, &v)) << cut;
    EXPECT_EQ(in.size(), cut);
    EXPECT_EQ(v, 99u);
  }
  const std::string eleven(10, char(0x80));  // never ends within 10 bytes
  std::string_view in = eleven;
  uint64_t v;
  EXPECT_FALSE(GetVarint64(&in, &v));
  std::string overflow(9, char(0xff));
  overflow.push_back(char(0x02));  // bit 64
  in = overflow;
  EXPECT_FALSE(GetVarint64(&in, &v));
}

TEST(Coding, EncoderAndDecoderAgreeAndDecoderStaysInBounds) {
  Encoder w;
  w.Put<uint8_t>(7);
  w.Put<int32_t>(-5);
  w.PutString("grune");
  w.PutVarint(300);
  w.Put<double>(0.25);
  w.Put<uint64_t>(0);
  w.PatchAt<uint64_t>(w.size() - 8, 42);
  const std::string bytes = w.buf();
  Decoder r(bytes);
  uint8_t a;
  int32_t b;
  std::string c;
  uint64_t d, f;
  double e;
  ASSERT_TRUE(r.Get(a) && r.Get(b) && r.GetString(c) && r.GetVarint(d) && r.Get(e) && r.Get(f));
  EXPECT_EQ(a, 7);
  EXPECT_EQ(b, -5);
  EXPECT_EQ(c, "grune");
  EXPECT_EQ(d, 300u);
  EXPECT_EQ(e, 0.25);
  EXPECT_EQ(f, 42u);
  EXPECT_TRUE(r.done());
  EXPECT_FALSE(r.Get(a));
  // A string whose length runs past the end is refused without moving.
  Encoder bad;
  bad.Put<uint32_t>(100);
  bad.PutBytes("abc", 3);
  Decoder rb(bad.buf());
  std::string s;
  EXPECT_FALSE(rb.GetString(s));
  EXPECT_EQ(rb.position(), 0u);
  std::vector<float> fl;
  EXPECT_FALSE(rb.GetFloats(fl, 2));
}

TEST(Coding, FramesDetectEveryDamage) {
  constexpr char kMagic[8] = {'T', 'E', 'S', 'T', 'F', 'R', 'M', '1'};
  const std::string framed = Frame(kMagic, 3, "body bytes");
  ASSERT_EQ(framed.size(), kFrameOverhead + 10);
  Unframed ok = Unframe(framed, kMagic, 1, 3);
  ASSERT_EQ(ok.error, FrameError::kNone);
  EXPECT_EQ(ok.body, "body bytes");
  EXPECT_EQ(ok.version, 3u);
  EXPECT_EQ(Unframe(framed, kMagic, 4, 5).error, FrameError::kBadVersion);
  EXPECT_EQ(Describe(Unframe(framed, kMagic, 4, 5)), "unsupported format version 3");
  constexpr char kOther[8] = {'T', 'E', 'S', 'T', 'F', 'R', 'M', '2'};
  EXPECT_EQ(Unframe(framed, kOther, 3, 3).error, FrameError::kBadMagic);
  EXPECT_EQ(Unframe(framed.substr(0, framed.size() - 1), kMagic, 3, 3).error, FrameError::kBadLength);
  EXPECT_EQ(Unframe(framed.substr(0, 10), kMagic, 3, 3).error, FrameError::kBadMagic);
  // Every single flipped bit of the body or the checksum is caught.
  for (size_t i = kMagicBytes + 12; i < framed.size(); ++i) {
    std::string bad = framed;
    bad[i] ^= 0x10;
    EXPECT_EQ(Unframe(bad, kMagic, 3, 3).error, FrameError::kBadChecksum) << i;
  }
}

struct Sealed {
  char magic[8];
  uint32_t version;
  uint32_t pad;
  uint64_t value;
  uint64_t header_checksum;
};

TEST(Coding, SealedHeadersCatchChangedBytes) {
  Sealed h{};
  std::memcpy(h.magic, "SEALEDHD", 8);
  h.version = 2;
  h.value = 77;
  SealHeader(h);
  EXPECT_TRUE(HeaderIntact(h));
  EXPECT_EQ(h.header_checksum, Checksum64(&h, offsetof(Sealed, header_checksum)));
  h.value = 78;
  EXPECT_FALSE(HeaderIntact(h));
  EXPECT_TRUE(HasMagic(std::string_view(reinterpret_cast<const char*>(&h), sizeof h),
                       {'S', 'E', 'A', 'L', 'E', 'D', 'H', 'D'}));
  EXPECT_FALSE(HasMagic("SEALED", {'S', 'E', 'A', 'L', 'E', 'D', 'H', 'D'}));
}

TEST(Coding, Hex16RoundTripsAndRefusesOtherText) {
  EXPECT_EQ(Hex16(0x00ab00cd0000ef01ull), "00ab00cd0000ef01");
  uint64_t v = 0;
  ASSERT_TRUE(ParseHex16("00ab00cd0000ef01", &v));
  EXPECT_EQ(v, 0x00ab00cd0000ef01ull);
  for (const char* bad : {"", "00ab00cd0000ef0", "00AB00CD0000EF01", "00ab00cd0000ef01 ", "00ab00cd0000eg01"}) {
    EXPECT_FALSE(ParseHex16(bad, &v)) << bad;
  }
}

}  // namespace
}  // namespace georune::coding
