// stem_sc_errors.h: the error kinds of the SystemC testbench and their exit codes.
//
//   0  success
//   2  bad usage or bad input (an unreadable or invalid stimulus, wrong parameters)
//   3  the run failed (a timeout at the step barrier, a hardware fault the testbench detects,
//      an output file that cannot be written)
#ifndef STEM_SC_ERRORS_H
#define STEM_SC_ERRORS_H

#include <stdexcept>
#include <string>

namespace stemsc {

/// Bad usage or input (exit 2).
struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The run failed (exit 3).
struct RunError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// printf-style formatting into a std::string.
std::string strprintf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace stemsc

#endif  // STEM_SC_ERRORS_H
