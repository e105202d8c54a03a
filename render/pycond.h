/* pycond.h - a JSONata condition written the way Python would say it, for
 * Choice edge labels: "{% $total > 100 and $not($customer.blocked) %}"
 * reads "total > 100 and not customer.blocked".
 *
 * What changes: the {% %} delimiters go; "$states.input." goes (the state's
 * input fields read as names); a variable "$x" is "x"; "=" is "=="; "&" is
 * "+"; true/false/null are True/False/None; the built-in functions that have
 * a Python spelling take it ($not(a): not a; $count(a), $length(a): len(a);
 * $string: str; $number: float; $boolean: bool; $contains(s, t): t in s;
 * $lowercase(s): s.lower(); $uppercase(s): s.upper(); $trim(s): s.strip();
 * $exists(a): a is not None), any other function loses its "$" ($round,
 * $sum, $max keep their name). String literals, paths (a.b), comparisons,
 * and/or/in, arithmetic and brackets are kept; white space is folded to
 * one space. Text that does not scan as an expression (an unterminated
 * string) is returned with only the delimiters and white space handled.
 *
 * Ownership: the returned string is allocated; the caller frees it.
 */
#ifndef STC_RENDER_PYCOND_H
#define STC_RENDER_PYCOND_H

char *stc_pycond_from_jsonata(const char *expr);

/* The same, or NULL when the condition has no reading in Python's words: it
 * does not scan (an unterminated string or comment), or it uses JSONata
 * that Python has no spelling for -- a binding (:=), a chain (~>), the
 * conditional (? :), a lambda (function, \u03bb), a transform (| |), a
 * range (..), descendants (**), the context ($, $$), context and positional
 * bindings (@, #), an order-by (^). The graph's Choice labels then keep the
 * Condition's own text (render/labels.h). */
char *stc_pycond_try(const char *expr);

#endif
