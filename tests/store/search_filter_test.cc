#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/search/filter.h"
#include "store/search/filter_lexer.h"
#include "store/search/order_by.h"
#include "store/search/page_token.h"

namespace bucketflow::store {
namespace {

// One clause, rendered compactly: "<entity>:<key> <op> <value>".
std::string Describe(const FilterClause& c) {
  static constexpr const char* kEntities[] = {"metric", "param", "tag", "attr", "dataset"};
  std::string out = std::string(kEntities[static_cast<int>(c.entity)]) + ":" + c.key + " " +
                    std::string(ComparatorName(c.comparator));
  if (c.comparator == Comparator::kIsNull || c.comparator == Comparator::kIsNotNull) {
    return out;
  }
  if (!c.list.empty()) {
    for (const std::string& item : c.list) {
      out += " [" + item + "]";
    }
    return out;
  }
  const bool numeric =
      c.entity == Entity::kMetric || (c.entity == Entity::kAttribute && IsNumericAttribute(c.key));
  if (numeric) {
    return out + " " +
           (c.number.integer ? std::to_string(*c.number.integer) + "i"
                             : std::to_string(c.number.value));
  }
  return out + " '" + c.text + "'";
}

std::string DescribeAll(const std::vector<FilterClause>& clauses) {
  std::string out;
  for (const FilterClause& c : clauses) {
    out += (out.empty() ? "" : " & ") + Describe(c);
  }
  return out;
}

struct ValidCase {
  std::string filter;
  std::string want;
};

TEST(SearchFilterTest, ParsesValidRunFilters) {
  const ValidCase cases[] = {
      {"", ""},
      {"   ", ""},
      {"metrics.acc > 0.5", "metric:acc > 0.500000"},
      {"metric.acc >= -1", "metric:acc >= -1i"},
      {"metrics.loss<1e-3", "metric:loss < 0.001000"},
      {"params.lr = '0.01'", "param:lr = '0.01'"},
      {"param.lr != \"0.1\"", "param:lr != '0.1'"},
      {"parameters.lr LIKE '0.%'", "param:lr LIKE '0.%'"},
      {"tags.stage ilike 'PRO%'", "tag:stage ILIKE 'PRO%'"},
      {"tag.`my key` = 'x'", "tag:my key = 'x'"},
      {"tags.\"my key\" = 'x'", "tag:my key = 'x'"},
      {"metrics.`a.b c` > 1", "metric:a.b c > 1i"},
      {"tags.a.b = 'x'", "tag:a.b = 'x'"},
      {"attributes.status = 'FINISHED'", "attr:status = 'FINISHED'"},
      {"status != 'RUNNING'", "attr:status != 'RUNNING'"},
      {"attribute.run_name LIKE 'golden-s%'", "attr:run_name LIKE 'golden-s%'"},
      {"run.start_time >= 1700000020000", "attr:start_time >= 1700000020000i"},
      {"created < 5", "attr:start_time < 5i"},
      {"`Run Name` = 'x'", "attr:run_name = 'x'"},
      {"attributes.run_id IN ('a1', 'b2')", "attr:run_id IN [a1] [b2]"},
      {"run_id NOT IN ('a1')", "attr:run_id NOT IN [a1]"},
      {"end_time IS NULL", "attr:end_time IS NULL"},
      {"metrics.acc IS NOT NULL", "metric:acc IS NOT NULL"},
      {"tags.x is null", "tag:x IS NULL"},
      {"datasets.name = 'train'", "dataset:name = 'train'"},
      {"dataset.digest IN ('d1', 'd2')", "dataset:digest IN [d1] [d2]"},
      {"metrics.acc > 0.5 and params.lr = '0.01' AND tags.t = 'x'",
       "metric:acc > 0.500000 & param:lr = '0.01' & tag:t = 'x'"},
      {"params.x = 'it''s'", "param:x = 'it's'"},
      {"metrics.acc > 0.5 AND", "metric:acc > 0.500000"},  // MLflow tolerates a dangling AND
      {"params.x = '1'' OR 1=1 --'", "param:x = '1' OR 1=1 --'"},
      {"params.x = 'a;b) -- DROP TABLE runs'", "param:x = 'a;b) -- DROP TABLE runs'"},
  };
  for (const ValidCase& c : cases) {
    Result<std::vector<FilterClause>> got = ParseRunFilter(c.filter);
    ASSERT_TRUE(got.ok()) << c.filter << ": " << got.status().message();
    EXPECT_EQ(DescribeAll(*got), c.want) << c.filter;
  }
}

struct InvalidCase {
  std::string filter;
  std::string message;
};

TEST(SearchFilterTest, RejectsInvalidRunFiltersWithMlflowMessages) {
  const InvalidCase cases[] = {
      {"metrics.loss < 'abc'", "Expected numeric value type for metric. Found 'abc'"},
      {"params.lr = 0.01",
       "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 0.01"},
      {"foo.bar = 'x'",
       "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', "
       "'dataset']"},
      {"tags.stage = 'dev' OR tags.stage = 'prod'", "Invalid clause(s) in filter string: 'OR'"},
      {"tags.stage = 'dev", "Invalid clause(s) in filter string: 'tags.stage', '=', ''', 'dev'"},
      {"name = golden-main",
       "Invalid attribute key 'name' specified. Valid keys are '{'Created', "
       "'Run Name', 'Run name', 'artifact_uri', 'created', 'end_time', "
       "'lifecycle_stage', 'run name', 'run_id', 'run_name', 'start_time', "
       "'status', 'user_id'}'"},
      {"status = golden-main",
       "Expected a quoted string value for attributes. Got value golden-main"},
      {"status = FINISHED",
       "Parameter value is either not quoted or unidentified quote types used for string value "
       "FINISHED. Use either single or double quotes."},
      {"start_time > 'x'",
       "Expected numeric value type for numeric attribute: start_time. Found 'x'"},
      {"status IN ('a')",
       "Only the 'run_id' attribute supports comparison with a list of quoted string values."},
      {"params.lr IN ('a')",
       "Expected a quoted string value for parameter (e.g. 'my-value'). Got value ('a')"},
      {"run_id IN ()",
       "While parsing a list in the query, expected a non-empty list of string values, but got "
       "empty list"},
      {"run_id IN ('a', 1)",
       "While parsing a list in the query, expected string value, punctuation, or whitespace, but "
       "got different type in list: ('a', 1)"},
      {"metrics.acc LIKE 1",
       "Invalid comparator 'LIKE' not one of '{'!=', '<', '<=', '=', '>', "
       "'>='}'"},
      {"params.lr > 'a'", "Invalid comparator '>' not one of '{'!=', '=', 'ILIKE', 'LIKE'}'"},
      {"status < 'a'",
       "Invalid comparator '<' not one of '{'!=', '=', 'ILIKE', 'IN', 'LIKE', 'NOT IN'}'"},
      {"start_time LIKE 5",
       "Invalid comparator 'LIKE' not one of '{'!=', '<', '<=', '=', '>', "
       "'>='}'"},
      {"metrics.acc == 1", "Invalid comparator '==' in filter"},
      {"datasets.size = 'x'",
       "Invalid dataset key 'size' specified. Valid keys are '{'context', 'digest', 'name'}'"},
      {"1 = 1", "Invalid comparison clause. Expected 'Identifier' found '1'"},
      {"metrics.acc >", "Invalid clause(s) in filter string: 'metrics.acc', '>'"},
      {"(metrics.acc > 1)", "Invalid clause(s) in filter string: '('"},
      {"run_id = ('a', 'b')", "Invalid comparator '=' for a list of values"},
      {"metrics.acc > 1e999", "Numeric value out of range"},
      {"status IS NULL", "Invalid comparator 'IS NULL' not one of"},
  };
  for (const InvalidCase& c : cases) {
    Result<std::vector<FilterClause>> got = ParseRunFilter(c.filter);
    ASSERT_FALSE(got.ok()) << c.filter;
    EXPECT_EQ(got.status().code(), Code::kInvalidArgument) << c.filter;
    EXPECT_EQ(got.status().message().substr(0, c.message.size()), c.message) << c.filter;
  }
}

TEST(SearchFilterTest, ParsesExperimentFilters) {
  const ValidCase cases[] = {
      {"name = 'golden-main'", "attr:name = 'golden-main'"},
      {"name LIKE 'golden-s%'", "attr:name LIKE 'golden-s%'"},
      {"attribute.name ILIKE 'G%'", "attr:name ILIKE 'G%'"},
      {"tags.team = 'core'", "tag:team = 'core'"},
      {"tag.`a b` != 'x'", "tag:a b != 'x'"},
      {"creation_time > 5 and last_update_time <= 7.5",
       "attr:creation_time > 5i & attr:last_update_time <= 7.500000"},
      {"tags.team IS NULL", "tag:team IS NULL"},
  };
  for (const ValidCase& c : cases) {
    Result<std::vector<FilterClause>> got = ParseExperimentFilter(c.filter);
    ASSERT_TRUE(got.ok()) << c.filter << ": " << got.status().message();
    EXPECT_EQ(DescribeAll(*got), c.want) << c.filter;
  }
}

TEST(SearchFilterTest, RejectsInvalidExperimentFiltersWithMlflowMessages) {
  const InvalidCase cases[] = {
      {"name = golden-main",
       "Expected a quoted string value for attributes. Got value golden-main"},
      {"bogus = 'x'",
       "Invalid attribute key 'bogus' specified. Valid keys are '{'creation_time', "
       "'last_update_time', 'name'}'"},
      {"name = 'a' OR name = 'b'", "Invalid clause(s) in filter string: OR"},
      {"name = 'golden-main", "Invalid clause(s) in filter string: name, =, ', golden-main"},
      {"tags.team > 'a'", "Invalid comparator for tag: >"},
      {"metrics.a > 1",
       "Invalid entity type 'metrics'. Valid entity types are ('attribute', "
       "'tag', 'tags')"},
      {"name > 'a'",
       "Invalid comparator '>' not one of '{'!=', '=', 'ILIKE', 'IN', 'LIKE', 'NOT IN'}'"},
      {"creation_time LIKE 1", "Invalid comparator 'LIKE' not one of"},
      {"creation_time = 'x'",
       "Expected numeric value type for numeric attribute: creation_time. Found 'x'"},
  };
  for (const InvalidCase& c : cases) {
    Result<std::vector<FilterClause>> got = ParseExperimentFilter(c.filter);
    ASSERT_FALSE(got.ok()) << c.filter;
    EXPECT_EQ(got.status().message().substr(0, c.message.size()), c.message) << c.filter;
  }
}

TEST(SearchFilterTest, TokenizerKeepsQuotedSectionsTogether) {
  const std::vector<FilterToken> tokens = TokenizeFilter("tags.`a b` = \"x y\" and m<=-2.5e3");
  ASSERT_EQ(tokens.size(), 7u);
  EXPECT_EQ(tokens[0].text, "tags.`a b`");
  EXPECT_EQ(tokens[2].kind, TokenKind::kQuoted);
  EXPECT_EQ(tokens[2].value, "x y");
  EXPECT_EQ(tokens[3].kind, TokenKind::kKeyword);
  EXPECT_EQ(tokens[5].text, "<=");
  EXPECT_EQ(tokens[6].kind, TokenKind::kNumber);
  EXPECT_EQ(Unquote("'a''b'"), "a'b");
  EXPECT_EQ(Unquote("`x`"), "x");
  EXPECT_EQ(Unquote("x"), "x");
}

std::string DescribeOrder(const std::vector<OrderKey>& keys) {
  std::string out;
  for (const OrderKey& k : keys) {
    out += (out.empty() ? "" : ", ") + std::to_string(static_cast<int>(k.entity)) + ":" + k.key +
           (k.ascending ? " asc" : " desc");
  }
  return out;
}

TEST(SearchOrderByTest, ParsesRunOrderBy) {
  const std::vector<std::string> order = {"metrics.acc DESC", "params.lr", "tags.`my key` asc",
                                          "attributes.start_time ASC", "created desc"};
  Result<std::vector<OrderKey>> got =
      ParseRunOrderBy(std::vector<std::string>(order.begin(), order.begin() + 4));
  ASSERT_TRUE(got.ok()) << got.status().message();
  EXPECT_EQ(DescribeOrder(*got), "0:acc desc, 1:lr asc, 2:my key asc, 3:start_time asc");
  got = ParseRunOrderBy(std::vector<std::string>{"created desc", "run_name"});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(DescribeOrder(*got), "3:start_time desc, 3:run_name asc");
}

TEST(SearchOrderByTest, RejectsBadRunOrderBy) {
  const InvalidCase cases[] = {
      {"metrics.loss UP", "Invalid ordering key in order_by clause 'metrics.loss UP'."},
      {"bogus.col ASC",
       "Invalid entity type 'bogus'. Valid values are ['metric', 'parameter', "
       "'tag', 'attribute', 'dataset']"},
      {"", "Invalid order_by clause ''. Could not be parsed."},
      {"metrics.a b DESC", "Invalid order_by clause 'metrics.a b DESC'. Could not be parsed."},
      {"metrics.a = 1", "Invalid order_by clause 'metrics.a = 1'. Could not be parsed."},
      {"datasets.name", "Invalid order_by entity: dataset"},
      {"`run name`", "Invalid attribute key 'run name' specified."},
  };
  for (const InvalidCase& c : cases) {
    Result<std::vector<OrderKey>> got = ParseRunOrderBy(std::vector<std::string>{c.filter});
    ASSERT_FALSE(got.ok()) << c.filter;
    EXPECT_EQ(got.status().message().substr(0, c.message.size()), c.message) << c.filter;
  }
  Result<std::vector<OrderKey>> dup =
      ParseRunOrderBy(std::vector<std::string>{"metrics.loss", "metrics.loss DESC"});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().message(),
            "`order_by` contains duplicate fields: ['metrics.loss', 'metrics.loss DESC']");
}

TEST(SearchOrderByTest, ExperimentOrderBy) {
  Result<std::vector<OrderKey>> got =
      ParseExperimentOrderBy(std::vector<std::string>{"name DESC", "experiment_id ASC"});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(DescribeOrder(*got), "3:name desc, 3:experiment_id asc");
  const InvalidCase cases[] = {
      {"bogus ASC",
       "Invalid attribute key 'bogus' specified. Valid keys are '{'creation_time', "
       "'experiment_id', 'last_update_time', 'name'}'"},
      {"name SIDEWAYS", "Invalid ordering key in order_by clause 'name SIDEWAYS'."},
      {"tags.x", "Invalid order_by entity: tag"},
  };
  for (const InvalidCase& c : cases) {
    got = ParseExperimentOrderBy(std::vector<std::string>{c.filter});
    ASSERT_FALSE(got.ok()) << c.filter;
    EXPECT_EQ(got.status().message(), c.message) << c.filter;
  }
}

TEST(SearchPageTokenTest, RoundTripsAndMatchesMlflowEncoding) {
  EXPECT_EQ(EncodePageToken(3), "eyJvZmZzZXQiOiAzfQ==");  // MLflow's token for offset 3
  EXPECT_EQ(EncodePageToken(6), "eyJvZmZzZXQiOiA2fQ==");
  for (int64_t offset : {int64_t{0}, int64_t{1}, int64_t{99}, int64_t{123456789}}) {
    Result<int64_t> got = DecodePageToken(EncodePageToken(offset));
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, offset);
  }
  Result<int64_t> empty = DecodePageToken("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, 0);
}

TEST(SearchPageTokenTest, RejectsForeignTokens) {
  const InvalidCase cases[] = {
      {"garbage", "Invalid page token, could not base64-decode"},
      {"eyJvZmZzZXQiOiAzfQ=", "Invalid page token, could not base64-decode"},
      {"ab=c", "Invalid page token, could not base64-decode"},
      {"aGVsbG8=", "Invalid page token, decoded value=b'hello'"},              // "hello"
      {"eyJvZmZzZXQiOiAtMX0=", "Invalid page token, decoded value="},          // {"offset": -1}
      {"eyJvZmZzZXQiOiAxMDAwMDAwMDAwMDAwMDAwMDAwMDB9", "Invalid page token"},  // huge offset
  };
  for (const InvalidCase& c : cases) {
    Result<int64_t> got = DecodePageToken(c.filter);
    ASSERT_FALSE(got.ok()) << c.filter;
    EXPECT_EQ(got.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(got.status().message().substr(0, c.message.size()), c.message) << c.filter;
  }
}

}  // namespace
}  // namespace bucketflow::store
