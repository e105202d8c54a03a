/* storeapi.h - the served service's stores over HTTP, under /_stc/stores
 * (docs/serve.md, "Stores"): what `aws dynamodb`, `aws s3` and `aws sqs`
 * would do against the deployed stack, so that a user can look at the
 * state and seed it (a read-only Mapping the service cannot write, say).
 *
 *   GET    /_stc/stores             {"stores": [{"name", "kind", "items"}]}
 *                                   (a queue: its visible messages)
 *   GET    /_stc/stores/NAME        {"name", "kind", "keys": [...]} (a queue:
 *                                   {"name", "kind", "messages"})
 *   GET    /_stc/stores/NAME/KEY    a table's value (its JSON), a bucket's
 *                                   object (its bytes); 404 when missing
 *   PUT    /_stc/stores/NAME/KEY    write it (a table: JSON, else 400);
 *                                   204. A bucket's object fires the
 *                                   object_created triggers, as an upload
 *   DELETE /_stc/stores/NAME/KEY    204 (object_removed for a bucket), 404
 *   POST   /_stc/stores/QUEUE       send the body as a message (queue
 *                                   triggers follow); 200 {"MessageId"}
 *
 * NAME is a store the service has: an annotated resource's attribute, or
 * the table or bucket behind a binding (serve/gen.h). KEY is the rest of
 * the path (it may hold '/'), an integer for a table keyed by int.
 *
 * Ownership: the answer goes into `rs` (allocated, the caller frees it). */
#ifndef STC_SERVE_STOREAPI_H
#define STC_SERVE_STOREAPI_H

#include "serve/apigw.h"
#include "serve/gen.h"
#include "serve/store.h"
#include "serve/trig.h"

/* `rest` is the path after "/_stc/stores" ("" or "/NAME[/KEY]"). */
void stc_storeapi_handle(stc_store *store, stc_trig *trig, const stc_gen *g, const stc_http_request *rq,
                         const char *rest, int64_t now_ms, stc_http_response *rs);

#endif
