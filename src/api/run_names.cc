#include "api/run_names.h"

#include <array>
#include <cstdint>
#include <string_view>

#include "core/random.h"

namespace bucketflow::api {
namespace {

constexpr std::array<std::string_view, 40> kAdjectives = {
    "abundant", "agreeable", "amazing",   "angry",     "ambitious",   "bold",        "brave",
    "bright",   "calm",      "capable",   "caring",    "clean",       "clever",      "colorful",
    "crawling", "dapper",    "debonair",  "delicate",  "enchanting",  "fearless",    "funny",
    "gentle",   "gifted",    "glamorous", "handsome",  "honorable",   "industrious", "judicious",
    "kindly",   "legendary", "loud",      "luxuriant", "magnificent", "marvelous",   "nimble",
    "polite",   "resilient", "rogue",     "silent",    "stylish"};

constexpr std::array<std::string_view, 40> kAnimals = {
    "ant",  "ape",  "asp",  "bass",  "bat",  "bear", "bee",   "bird",  "boar", "bug",
    "calf", "carp", "cat",  "chimp", "cod",  "colt", "crab",  "crane", "cub",  "deer",
    "doe",  "dove", "duck", "eel",   "elk",  "fawn", "finch", "fish",  "flea", "fly",
    "foal", "fowl", "fox",  "frog",  "goat", "gull", "hare",  "hawk",  "hen",  "horse"};

uint32_t RandomUint32() {
  std::string hex = RandomHex(4);
  return static_cast<uint32_t>(std::stoul(hex, nullptr, 16));
}

}  // namespace

std::string GenerateRunName() {
  std::string name(kAdjectives[RandomUint32() % kAdjectives.size()]);
  name += '-';
  name += kAnimals[RandomUint32() % kAnimals.size()];
  name += '-';
  name += std::to_string(RandomUint32() % 1000);
  return name;
}

}  // namespace bucketflow::api
