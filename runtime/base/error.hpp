// Errors are values: Result<T> carries either a T or an Error, and context is
// added on the way up ("creating container: mounting /proc: EPERM").
#pragma once

#include <cerrno>
#include <string>
#include <utility>

#include "oci/expected.hpp"
#include "runtime/base/str.hpp"

namespace rt {

struct Error {
  int errnum = 0;   // errno of the root cause, 0 when not a system error
  std::string msg;  // "ctx: ctx: what"

  // The full message, with strerror of errnum appended when there is one.
  std::string to_string() const;

  template <class... A>
  Error&& context(A&&... parts) && {
    msg = cat(std::forward<A>(parts)...) + ": " + msg;
    return std::move(*this);
  }
};

template <class T = void>
using Result = oci::Expected<T, Error>;
using oci::Unexpected;

// Err(errno, "opening ", path) / Err(0, "bad thing")
template <class... A>
Unexpected<Error> Err(int errnum, A&&... parts) {
  return Unexpected<Error>(Error{errnum, cat(std::forward<A>(parts)...)});
}
// An error from the current errno.
template <class... A>
Unexpected<Error> ErrnoErr(A&&... parts) {
  const int e = errno;
  return Err(e, std::forward<A>(parts)...);
}
inline Unexpected<Error> ErrFrom(Error e) { return Unexpected<Error>(std::move(e)); }

// Adds context to a failed result and passes success through.
template <class T, class... A>
Result<T> with_context(Result<T>&& r, A&&... parts) {
  if (r) return std::move(r);
  return Unexpected<Error>(std::move(r).error().context(std::forward<A>(parts)...));
}

}  // namespace rt

#define RT_CONCAT_INNER(a, b) a##b
#define RT_CONCAT(a, b) RT_CONCAT_INNER(a, b)

// Returns the error of a failed Result from the enclosing function.
#define TRY(...)                                                         \
  do {                                                                   \
    auto&& rt_try_result_ = (__VA_ARGS__);                               \
    if (!rt_try_result_) return ::rt::ErrFrom(std::move(rt_try_result_).error()); \
  } while (0)

// TRY_ASSIGN(auto fd, open_thing()); declares or assigns from the value.
#define TRY_ASSIGN(lhs, ...) TRY_ASSIGN_IMPL(RT_CONCAT(rt_try_tmp_, __LINE__), lhs, __VA_ARGS__)
#define TRY_ASSIGN_IMPL(tmp, lhs, ...)                                  \
  auto tmp = (__VA_ARGS__);                                             \
  if (!tmp) return ::rt::ErrFrom(std::move(tmp).error());              \
  lhs = std::move(*tmp)

// TRY_CTX(expr, "context", ...): like TRY, adding context to the error.
#define TRY_CTX(expr, ...)                                                \
  do {                                                                    \
    auto&& rt_try_result_ = (expr);                                       \
    if (!rt_try_result_)                                                  \
      return ::rt::ErrFrom(std::move(rt_try_result_).error().context(__VA_ARGS__)); \
  } while (0)
