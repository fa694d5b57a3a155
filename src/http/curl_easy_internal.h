#pragma once

// RAII owners of libcurl's C handles, used only by curl_transport.cc (STYLE §4: each C handle
// is wrapped exactly once).

#include <curl/curl.h>

#include <memory>
#include <string>

namespace bucketflow::http {

// Owns one easy handle. Its connection cache lives as long as it does, which is what makes
// keep-alive work: the transport keeps handles in a pool instead of creating one per request.
class CurlEasy {
 public:
  // Returns nullptr when libcurl cannot allocate a handle.
  static std::unique_ptr<CurlEasy> Create() {
    CURL* handle = curl_easy_init();
    if (handle == nullptr) {
      return nullptr;
    }
    return std::make_unique<CurlEasy>(handle);
  }
  // Takes ownership of `handle`.
  explicit CurlEasy(CURL* handle) : handle_(handle) {}
  ~CurlEasy() { curl_easy_cleanup(handle_); }
  CurlEasy(const CurlEasy&) = delete;
  CurlEasy& operator=(const CurlEasy&) = delete;

  CURL* get() const { return handle_; }
  // Clears every option but keeps live connections and the DNS cache.
  void Reset() { curl_easy_reset(handle_); }

 private:
  CURL* handle_;
};

// Owns a curl_slist of "Name: value" header lines.
class CurlHeaderList {
 public:
  CurlHeaderList() = default;
  ~CurlHeaderList() { curl_slist_free_all(list_); }
  CurlHeaderList(const CurlHeaderList&) = delete;
  CurlHeaderList& operator=(const CurlHeaderList&) = delete;

  // False when libcurl could not allocate (the list is unchanged then).
  bool Append(const std::string& line) {
    curl_slist* grown = curl_slist_append(list_, line.c_str());
    if (grown == nullptr) {
      return false;
    }
    list_ = grown;
    return true;
  }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

}  // namespace bucketflow::http
