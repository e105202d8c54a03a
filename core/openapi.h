/* openapi.h - the OpenAPI 3.1 document of a service's HTTP API, built from
 * the same route table as everything else (core/routes.h; docs/routes.md,
 * "OpenAPI").
 *
 * One operation per HTTP route: operationId = the method name, path and
 * query parameters with their JSON schemas, a JSON request body for body
 * parameters, and the response: 200 with the return annotation's schema for
 * a sync unit, 202 with the StartExecution answer {"executionArn": string,
 * "startDate": number} for an async unit (it starts a state machine; the
 * template integrates the route with StartExecution directly).
 */
#ifndef STC_OPENAPI_H
#define STC_OPENAPI_H

struct stc_service;

/* The document as a cJSON object (void* keeps cJSON out of this header),
 * owned by the caller. `svc` must have been compiled (svc->routes set);
 * with no routes the document has empty "paths". `sync` (NULL-terminated,
 * may be NULL) names the async units whose routes answer synchronously (an
 * Express workflow on AWS: core/aws/express.h): 200 with the return value,
 * and the error documents 400, 404, 500 and 504. Never NULL. */
void *stc_openapi_build(const struct stc_service *svc, const char *const *sync);

#endif
