// simdjson's On Demand API walking a V2 response as the events tier of
// kusto-frames does: every cell of every row of every frame's `Rows` is
// visited (strings unescaped, other scalars' JSON text taken, nested
// `dynamic` values walked to their last scalar), and the rows and cells are
// counted so that the Rust side can assert them. Every other property of
// every frame is walked the same way (keys and scalars touched), as the
// decoder reads every frame property.
//
// Built by benches/build.rs against the system's simdjson (Debian's
// libsimdjson-dev). The On Demand API is compiled into this file for the
// "builtin" kernel that the compiler flags allow (build.rs passes
// -march=native unless KF_SIMDJSON_PORTABLE is set); stage 1 (the
// structural index) runs in libsimdjson.
//
// Only the error-code API is used, and nothing here lets a C++ exception
// reach Rust (allocation failures are caught at the boundary).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string_view>

#include <simdjson.h>

using namespace simdjson;

extern "C" {

/// What one walk saw (mirrors `SjCount` in benches/src/simdjson.rs).
struct kf_sj_count {
    uint64_t rows;
    uint64_t cells;
    uint64_t nulls;
    uint64_t sum;
};

}  // extern "C"

namespace {

inline void mix(kf_sj_count &c, uint64_t x) {
    c.sum = ((c.sum << 5) | (c.sum >> 59)) ^ x;
}

// `Parse`: numbers are parsed (get_number: validated and converted) rather
// than their JSON token taken (which On Demand does not validate).
template <bool Parse> error_code walk_value(ondemand::value v, kf_sj_count &c, bool cell);

// An object: every key unescaped, every value walked.
template <bool Parse> error_code walk_object(ondemand::object o, kf_sj_count &c) {
    for (auto field : o) {
        std::string_view key;
        if (auto e = field.unescaped_key().get(key)) return e;
        mix(c, key.size());
        ondemand::value v;
        if (auto e = field.value().get(v)) return e;
        if (auto e = walk_value<Parse>(v, c, false)) return e;
    }
    return SUCCESS;
}

// Any value: a scalar's text touched (a string unescaped, a number's JSON
// token taken, a literal checked), an array or object walked to its end.
// `cell`: the value is a cell of a row (its nulls are counted, as the
// events tier counts null cells).
template <bool Parse> error_code walk_value(ondemand::value v, kf_sj_count &c, bool cell) {
    ondemand::json_type t;
    if (auto e = v.type().get(t)) return e;
    switch (t) {
    case ondemand::json_type::array: {
        ondemand::array a;
        if (auto e = v.get_array().get(a)) return e;
        for (auto item : a) {
            ondemand::value x;
            if (auto e = item.get(x)) return e;
            if (auto e = walk_value<Parse>(x, c, false)) return e;
        }
        return SUCCESS;
    }
    case ondemand::json_type::object: {
        ondemand::object o;
        if (auto e = v.get_object().get(o)) return e;
        return walk_object<Parse>(o, c);
    }
    case ondemand::json_type::string: {
        std::string_view s;
        if (auto e = v.get_string().get(s)) return e;
        mix(c, s.size());
        break;
    }
    case ondemand::json_type::number:
        if (Parse) {
            ondemand::number n;
            if (auto e = v.get_number().get(n)) return e;
            uint64_t x;
            switch (n.get_number_type()) {
            case ondemand::number_type::floating_point_number: {
                double d = n.get_double();
                std::memcpy(&x, &d, sizeof x);
                break;
            }
            case ondemand::number_type::signed_integer:
                x = uint64_t(n.get_int64());
                break;
            default:
                x = n.get_uint64();
                break;
            }
            mix(c, x);
        } else {
            mix(c, v.raw_json_token().size());
        }
        break;
    case ondemand::json_type::boolean: {
        bool b;
        if (auto e = v.get_bool().get(b)) return e;
        mix(c, b);
        break;
    }
    case ondemand::json_type::null: {
        bool n;
        if (auto e = v.is_null().get(n)) return e;
        if (!n) return INCORRECT_TYPE;
        c.nulls += cell;
        mix(c, 0);
        break;
    }
    }
    return SUCCESS;
}

// A frame's `Rows`: an array of rows, each an array of cells.
template <bool Parse> error_code walk_rows(ondemand::value v, kf_sj_count &c) {
    ondemand::array rows;
    if (auto e = v.get_array().get(rows)) return e;
    for (auto r : rows) {
        ondemand::array row;
        if (auto e = r.get_array().get(row)) return e;
        c.rows++;
        for (auto cell : row) {
            ondemand::value x;
            if (auto e = cell.get(x)) return e;
            c.cells++;
            if (auto e = walk_value<Parse>(x, c, true)) return e;
        }
    }
    return SUCCESS;
}

template <bool Parse>
error_code walk_document(ondemand::parser &p, const uint8_t *buf, size_t len, size_t capacity,
                         kf_sj_count &c) {
    ondemand::document doc;
    if (auto e = p.iterate(buf, len, capacity).get(doc)) return e;
    ondemand::array frames;
    if (auto e = doc.get_array().get(frames)) return e;
    for (auto f : frames) {
        ondemand::object frame;
        if (auto e = f.get_object().get(frame)) return e;
        for (auto field : frame) {
            std::string_view key;
            if (auto e = field.unescaped_key().get(key)) return e;
            ondemand::value v;
            if (auto e = field.value().get(v)) return e;
            if (key == "Rows") {
                if (auto e = walk_rows<Parse>(v, c)) return e;
            } else if (auto e = walk_value<Parse>(v, c, false)) {
                return e;
            }
        }
    }
    // Nothing may follow the array.
    if (doc.current_location().error() != OUT_OF_BOUNDS) return TRAILING_CONTENT;
    return SUCCESS;
}

}  // namespace

extern "C" {

/// A new On Demand parser, or null when it cannot be allocated.
void *kf_sj_parser_new() noexcept {
    return new (std::nothrow) ondemand::parser();
}

/// Frees a parser from kf_sj_parser_new (null is ignored).
void kf_sj_parser_free(void *p) noexcept {
    delete static_cast<ondemand::parser *>(p);
}

/// Walks the V2 response `buf[..len]`, whose buffer holds `capacity` bytes
/// (at least len + SIMDJSON_PADDING, as simdjson requires), into `out`.
/// Numbers are parsed when `parse_numbers` is non-zero, else their JSON
/// token is taken. Returns 0 or a simdjson error code (kf_sj_error_message
/// names it).
int kf_sj_walk(void *p, const uint8_t *buf, size_t len, size_t capacity, int parse_numbers,
               kf_sj_count *out) noexcept {
    *out = kf_sj_count{0, 0, 0, 0};
    if (capacity < len + SIMDJSON_PADDING) return INSUFFICIENT_PADDING;
    try {
        auto &parser = *static_cast<ondemand::parser *>(p);
        return parse_numbers ? walk_document<true>(parser, buf, len, capacity, *out)
                             : walk_document<false>(parser, buf, len, capacity, *out);
    } catch (...) {
        return MEMALLOC;
    }
}

/// simdjson's message for an error code.
const char *kf_sj_error_message(int code) noexcept {
    return error_message(static_cast<error_code>(code));
}

/// The padding simdjson requires after the input.
size_t kf_sj_padding() noexcept { return SIMDJSON_PADDING; }

#define KF_STR(x) #x
#define KF_XSTR(x) KF_STR(x)

/// The kernel the On Demand code of this file was compiled for (the
/// "builtin" implementation of this translation unit's flags; the library's
/// own builtin_implementation() would name the library's).
const char *kf_sj_builtin() noexcept { return KF_XSTR(SIMDJSON_BUILTIN_IMPLEMENTATION); }

/// The simdjson version of the header.
const char *kf_sj_version() noexcept { return KF_XSTR(SIMDJSON_VERSION); }

}  // extern "C"
