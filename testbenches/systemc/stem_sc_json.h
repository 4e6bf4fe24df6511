// stem_sc_json.h: a small exact JSON reader for the export files (mesh.json) and a writer
// helper for the summary. Integers stay exact (int64); other numbers are kept as doubles.
// Errors name the file, the line and the column.
#ifndef STEM_SC_JSON_H
#define STEM_SC_JSON_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace stemsc {

/// A parsed JSON value.
struct Json {
    enum class Kind { Null, Bool, Integer, Number, String, Array, Object };
    Kind kind = Kind::Null;
    bool boolean = false;
    int64_t integer = 0;
    double number = 0;
    std::string string;
    std::vector<Json> array;
    std::vector<std::pair<std::string, Json>> object;

    /// The member `key` of an object, or nullptr.
    const Json* find(const std::string& key) const;
    /// The kind as a noun ("an integer", "a string").
    const char* kind_name() const;
};

/// Parses `text` (the contents of `file`, for messages). Throws InputError.
Json parse_json(const std::string& text, const std::string& file);

/// Reads and parses a file. Throws InputError.
Json read_json_file(const std::string& file);

/// `s` as a JSON string literal.
std::string json_quoted(const std::string& s);

}  // namespace stemsc

#endif  // STEM_SC_JSON_H
