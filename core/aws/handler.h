/* handler.h - the generated Lambda handler of one cloud function (handler.py).
 *
 * The handler is data plus two calls into the shipped runtime (stc_runtime):
 * FUNCTION (the method, its kind, HTTP method and success status, and each
 * parameter's name, annotation text, whether it is required and where it comes
 * from), INIT_PARAMS (the __init__ parameters, read from STC_PARAM_* variables),
 * RESOURCES (the resource attributes the function touches, bound from
 * STC_TABLE_* / STC_BUCKET_* / STC_QUEUE_* variables, as core/resources.h names them) and CALLS (other units the function reaches, bound
 * to proxies from STC_FUNCTION_* / STC_STATE_MACHINE_* variables). On the first
 * event it builds the service object with stc_runtime.build_service(); every
 * event then goes through stc_runtime.dispatch(), which tells API Gateway HTTP
 * API v2 events, WebSocket events and direct invocations apart.
 *
 * The Lambda handler setting is STC_HANDLER_ENTRY; the sliced module is
 * imported as `service` (service.py beside handler.py).
 *
 * Environment variable names (the template sets them): prefix + the name in
 * upper case, other characters kept: sender -> STC_PARAM_SENDER,
 * _send_email -> STC_FUNCTION__SEND_EMAIL.
 */
#ifndef STC_AWS_HANDLER_H
#define STC_AWS_HANDLER_H

#include <stdbool.h>
#include "core/aws/slice.h"
#include "core/service.h"

#define STC_HANDLER_ENTRY "handler.handler"
#define STC_HANDLER_FILE "handler.py"
#define STC_HANDLER_MODULE_FILE "service.py"

#define STC_ENV_PARAM "STC_PARAM_"
#define STC_ENV_FUNCTION "STC_FUNCTION_"
#define STC_ENV_STATE_MACHINE "STC_STATE_MACHINE_"

/* prefix + upper-cased name, allocated: stc_handler_env_name(STC_ENV_PARAM, "sender"). */
char *stc_handler_env_name(const char *prefix, const char *name);

/* handler.py for unit `u` (a Lambda unit of svc) and its slice; allocated,
 * owned by the caller. Route data comes from the naming convention: REST
 * parameters found in the event's pathParameters are path parameters, the
 * others come from the query string (GET, DELETE) or the JSON body. */
char *stc_handler_generate(const stc_service *svc, const stc_unit_info *u, const stc_slice *slice);

/* handler.py of the starter of async REST unit `u` (a workflow with a route):
 * the route's parameters as for a synchronous route (caller included), the
 * STC_STATE_MACHINE_* variable of its machine and the module's exception
 * classes; it calls stc_runtime.start_route(). It ships with the runtime only
 * (no service.py): the starter never runs the module's code. Allocated. */
char *stc_handler_generate_starter(const stc_service *svc, const stc_unit_info *u);

/* Does the route of async REST unit u need its starter to bind the request
 * (path or query parameters, or a `caller`), rather than pass the body as
 * the execution's input? The template and `serve` ask the same question. */
bool stc_handler_starter_binds(const stc_service *svc, const stc_unit_info *u);

#endif
