#include <catch2/catch.hpp>

#include "exports/bag_format.h"
#include "exports/table_encoding.h"

using namespace dpa::exports;

TEST_CASE("manifest paths percent-encode only CR, LF and %", "[exports][bagit]") {
  CHECK(encode_manifest_path("data/a b/é.txt") == "data/a b/é.txt");
  CHECK(encode_manifest_path("data/100%\r\nx") == "data/100%25%0D%0Ax");
  CHECK(decode_manifest_path("data/100%25%0D%0Ax") == std::optional<std::string>("data/100%\r\nx"));
  CHECK(decode_manifest_path("data/%0a") == std::optional<std::string>("data/\n"));
  CHECK_FALSE(decode_manifest_path("data/%2"));
  CHECK_FALSE(decode_manifest_path("data/%zz"));
  CHECK_FALSE(decode_manifest_path("data/x%"));
}

TEST_CASE("bag paths must be relative and stay inside the bag", "[exports][bagit]") {
  CHECK(is_safe_bag_path("data/a b/Қазақ.txt"));
  CHECK_FALSE(is_safe_bag_path("/etc/passwd"));
  CHECK_FALSE(is_safe_bag_path("data/../../etc/passwd"));
  CHECK_FALSE(is_safe_bag_path("data/./x"));
  CHECK_FALSE(is_safe_bag_path("data//x"));
  CHECK_FALSE(is_safe_bag_path("data\\..\\x"));
  CHECK_FALSE(is_safe_bag_path(std::string("data/\xff.txt")));
  CHECK_FALSE(is_safe_bag_path(""));
}

TEST_CASE("manifest lines are parsed with any whitespace after the checksum", "[exports][bagit]") {
  std::string sum(64, 'a');
  auto m = parse_manifest(sum + "  data/a b.txt\n" + sum + "\tdata/c%25.txt\r\nzz data/x\n" + sum + "\n", 64);
  REQUIRE(m.entries.size() == 2);
  CHECK(m.entries[0].path == "data/a b.txt");
  CHECK(m.entries[1].path == "data/c%.txt");
  REQUIRE(m.problems.size() == 2);
  CHECK(m.problems[0].find("line 3") == 0);
  CHECK(m.problems[1].find("line 4") == 0);
}

TEST_CASE("bag-info labels, continuation lines and Payload-Oxum", "[exports][bagit]") {
  BagInfo info{{"Source-Organization", "Acme LLP"}, {"External-Description", "two\nlines"}};
  std::string text = format_bag_info(info);
  CHECK(text == "Source-Organization: Acme LLP\nExternal-Description: two\n  lines\n");
  auto back = parse_bag_info(text);
  REQUIRE(back);
  CHECK(bag_info_value(*back, "source-organization") == std::optional<std::string>("Acme LLP"));
  CHECK(bag_info_value(*back, "External-Description") == std::optional<std::string>("two\nlines"));
  CHECK_FALSE(parse_bag_info("no colon here\n"));
  CHECK(format_oxum(1234, 5) == "1234.5");
  CHECK(parse_oxum("1234.5") == std::optional<std::pair<std::uint64_t, std::uint64_t>>({1234, 5}));
  CHECK_FALSE(parse_oxum("1234"));
  CHECK_FALSE(parse_oxum("12x.5"));
  CHECK(human_size(999) == "999 bytes");
  CHECK(human_size(1'500'000) == "1.5 MB");
}

TEST_CASE("rows are written as typed JSON Lines and RFC 4180 CSV", "[exports][tables]") {
  RowEncoder enc({"id", "name", "score", "note", "raw"});
  std::vector<dpa::CellValue> row{std::int64_t{7}, std::string("Ақбота, \"Ақа\""), 2.5, std::monostate{},
                                  std::vector<unsigned char>{0, 1, 2}};
  CHECK(enc.csv_header() == "id,name,score,note,raw\r\n");
  CHECK(enc.json_line(row) == "{\"id\":7,\"name\":\"Ақбота, \\\"Ақа\\\"\",\"score\":2.5,\"note\":null,\"raw\":\"AAEC\"}\n");
  CHECK(enc.csv_line(row) == "7,\"Ақбота, \"\"Ақа\"\"\",2.5,,AAEC\r\n");
  std::vector<dpa::CellValue> multiline{std::int64_t{8}, std::string("a\nb"), std::monostate{}, std::string(""),
                                        std::monostate{}};
  CHECK(enc.csv_line(multiline) == "8,\"a\nb\",,,\r\n");
  std::vector<dpa::CellValue> bad{std::int64_t{9}, std::string("x\xff"), 1.0, std::monostate{}, std::monostate{}};
  CHECK(enc.json_line(bad) == "{\"id\":9,\"name\":\"x\xEF\xBF\xBD\",\"score\":1,\"note\":null,\"raw\":null}\n");
  CHECK(enc.replaced() == 1);
}
