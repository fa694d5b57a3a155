// Google Benchmark of SigV4 signing for a typical S3 GET with a session token (header auth)
// and its presigned-URL twin, with and without the per-(secret, date) signing-key cache.
// Target: >= 200,000 signatures/s on one core with the cache. Run:
//   build/release/bench/bucketflow-sigv4-bench --benchmark_format=json
#include <benchmark/benchmark.h>

#include <string>

#include "s3/signer.h"
#include "s3/sigv4.h"

namespace bucketflow::bench {
namespace {

constexpr int64_t kNow = 1700000000;

const s3::Credentials& StsCredentials() {
  static const s3::Credentials kCreds{
      .access_key_id = "ASIAEXAMPLEEXAMPLE12",
      .secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      .session_token = std::string(700, 'T')};  // STS tokens are typically 600-1000 chars.
  return kCreds;
}

void SignGet(benchmark::State& state, bool cache, bool presign) {
  s3::SignerConfig config = s3::S3SignerConfig("eu-west-3");
  config.cache_signing_keys = cache;
  const s3::Signer signer(std::move(config));
  const s3::QueryParams query{{"versionId", "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"}};
  const s3::HeaderList headers{{"Host", "mlflow-artifacts.s3.eu-west-3.amazonaws.com"},
                               {"Range", "bytes=0-1048575"},
                               {"User-Agent", "bucketflow/0.1"}};
  const s3::RequestToSign request{.method = "GET",
                                  .path = "/1/0a1b2c3d4e5f/artifacts/model/model.pkl",
                                  .query = query,
                                  .headers = headers,
                                  .payload_hash = s3::kUnsignedPayload};
  for (auto _ : state) {
    if (presign) {
      auto params = signer.Presign(request, StsCredentials(), kNow, 3600);
      benchmark::DoNotOptimize(params);
    } else {
      auto added = signer.SignHeaders(request, StsCredentials(), kNow);
      benchmark::DoNotOptimize(added);
    }
  }
  state.counters["signatures/s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_SignS3GetCachedKey(benchmark::State& state) { SignGet(state, true, false); }
void BM_SignS3GetUncachedKey(benchmark::State& state) { SignGet(state, false, false); }
void BM_PresignS3GetCachedKey(benchmark::State& state) { SignGet(state, true, true); }
void BM_PresignS3GetUncachedKey(benchmark::State& state) { SignGet(state, false, true); }

void BM_DeriveSigningKey(benchmark::State& state) {
  for (auto _ : state) {
    auto key = s3::DeriveSigningKey({.secret_access_key = StsCredentials().secret_access_key,
                                     .date = "20231114",
                                     .region = "eu-west-3",
                                     .service = "s3"});
    benchmark::DoNotOptimize(key);
  }
}

BENCHMARK(BM_SignS3GetCachedKey);
BENCHMARK(BM_SignS3GetUncachedKey);
BENCHMARK(BM_PresignS3GetCachedKey);
BENCHMARK(BM_PresignS3GetUncachedKey);
BENCHMARK(BM_DeriveSigningKey);

}  // namespace
}  // namespace bucketflow::bench

BENCHMARK_MAIN();
