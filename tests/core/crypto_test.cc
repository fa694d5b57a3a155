#include "core/crypto.h"

#include <gtest/gtest.h>

#include <string>

namespace bucketflow {
namespace {

std::string Repeat(char c, size_t n) { return std::string(n, c); }

std::string FromHex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

TEST(CryptoTest, Sha256MatchesFipsVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(CryptoTest, HasherIsIncrementalAndReusable) {
  Sha256Hasher hasher;
  hasher.Update("a");
  hasher.Update("");
  hasher.Update("bc");
  EXPECT_EQ(HexEncode(AsBytes(hasher.Finish())), Sha256Hex("abc"));
  // After Finish() the hasher starts a fresh message.
  hasher.Update("abc");
  EXPECT_EQ(HexEncode(AsBytes(hasher.Finish())), Sha256Hex("abc"));
  EXPECT_EQ(HexEncode(AsBytes(hasher.Finish())), Sha256Hex(""));
}

TEST(CryptoTest, Sha256OfMillionAs) {
  EXPECT_EQ(Sha256Hex(Repeat('a', 1000000)),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// RFC 4231 test cases 1, 2, 3, 4, 6 and 7 (case 5 is a truncated MAC, not applicable).
TEST(CryptoTest, HmacSha256MatchesRfc4231) {
  struct Case {
    std::string key;
    std::string data;
    std::string_view want;
  };
  const Case cases[] = {
      {Repeat('\x0b', 20), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {Repeat('\xaa', 20), Repeat('\xdd', 50),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {FromHex("0102030405060708090a0b0c0d0e0f10111213141516171819"), Repeat('\xcd', 50),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {Repeat('\xaa', 131), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {Repeat('\xaa', 131),
       "This is a test using a larger than block-size key and a larger than block-size data. "
       "The key needs to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(HexEncode(AsBytes(HmacSha256(c.key, c.data))), c.want) << c.data;
  }
}

TEST(CryptoTest, HmacWithExactlyBlockSizeKey) {
  // A 64-byte key is used as-is, not hashed; 65 bytes is hashed. The two must differ.
  const std::string key64 = Repeat('k', 64);
  const std::string key65 = Repeat('k', 65);
  EXPECT_NE(HmacSha256(key64, "m"), HmacSha256(key65, "m"));
  EXPECT_EQ(HmacSha256(key65, "m"), HmacSha256(AsBytes(Sha256(key65)), "m"));
}

TEST(CryptoTest, HexEncodeAllByteValues) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode(std::string("\x00\x0f\xf0\xff", 4)), "000ff0ff");
}

}  // namespace
}  // namespace bucketflow
