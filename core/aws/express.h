/* express.h - Express workflows: what an Express state machine cannot do,
 * refused at the Python line (docs/template.md, "Express workflows").
 *
 * A workflow is Express in a mode when its unit setting workflow_type is
 * `express` there (core/aws/modes.def). AWS runs an Express execution for at
 * most five minutes (STC_EXPRESS_MAX_SECONDS) and lets its Tasks use only the
 * Request Response pattern: no `.sync` (a nested workflow awaited with
 * startExecution.sync:2) and no `.waitForTaskToken`. So, for a workflow that
 * is Express in any mode of the configuration (every mode is checked, as the
 * file is, whatever mode is compiled):
 *
 *   STC560  a sleep the execution cannot survive: one `await sleep(n)` of
 *           n >= 300 s, or sleeps that add up to 300 s or more on every path
 *           to a successful end (at the sleep that crosses the line);
 *   STC561  `await self._other(...)`: a nested workflow waited for (.sync);
 *   STC562  a loop that runs forever whose rounds, before it continues as
 *           new, sleep 300 s or more in one execution.
 *
 * Sleeps of a value (`SecondsPath`) count as 0 s: the simulator and AWS stop
 * such an execution at five minutes with States.Timeout.
 *
 * Ownership: nothing is kept; diagnostics are appended to `d`.
 */
#ifndef STC_AWS_EXPRESS_H
#define STC_AWS_EXPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/diag.h"
#include "core/service.h"

#define STC_EXPRESS_MAX_SECONDS 300

/* Is unit `unit` an Express workflow in mode index `mode` of c? */
bool stc_express_in_mode(const stc_config *c, const char *unit, size_t mode);

/* Is unit `unit` an Express workflow in the mode c was loaded for? */
bool stc_express(const stc_config *c, const char *unit);

/* The workflows of svc that are Express in the mode c was loaded for, as a
 * NULL-terminated array (allocated; the names are borrowed from the module).
 * NULL c: none. */
const char **stc_express_units(const stc_service *svc, const stc_config *c);

/* Check every workflow of svc that is Express in some mode of c (codes
 * STC560-STC562 at the Python source). Returns false when it found errors. */
bool stc_express_check(const stc_service *svc, const stc_config *c, stc_diags *d);

#endif
