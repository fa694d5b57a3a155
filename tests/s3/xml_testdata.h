#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace bucketflow::s3 {

// Reads tests/s3/testdata/xml/NAME. Files were recorded from radosgw 16.2.15 (scripts/rgw-up.sh)
// or, for aws_*, copied from the examples in AWS's API reference.
inline std::string ReadXmlTestdata(const std::string& name) {
  std::ifstream in(std::string(BF_S3_TEST_SOURCE_DIR) + "/testdata/xml/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing testdata " << name;
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace bucketflow::s3
