/* yaml_out.h - write a cJSON tree as a YAML document with libyaml's emitter.
 *
 * Keys keep the tree's order (cJSON keeps insertion order), so output is as
 * stable as the tree. Strings that YAML would read back as something else
 * ("true", "2010-09-09", "3.12", "") are single-quoted; strings with a line
 * break use the literal block style; everything else is plain when libyaml
 * allows it.
 *
 * With STC_YAML_CFN_TAGS, CloudFormation intrinsics written in their long
 * JSON form (an object with the single key "Ref" or "Fn::<Name>") come out
 * in the short form people write by hand: {"Ref": "X"} -> !Ref X,
 * {"Fn::GetAtt": ["A", "Arn"]} -> !GetAtt A.Arn, {"Fn::Sub": "..."} -> !Sub
 * "...", {"Fn::Join": [...]} -> !Join [...].
 *
 * Ownership: the tree is borrowed and not modified; the output is appended
 * to the caller's buffer. libyaml events are created and consumed inside.
 */
#ifndef STC_YAML_OUT_H
#define STC_YAML_OUT_H

#include <cjson/cJSON.h>

#include "core/util.h"

enum {
    STC_YAML_CFN_TAGS = 1u << 0, /* CloudFormation short-form intrinsics */
    STC_YAML_LIBYAML = 1u << 1,  /* always through libyaml (tests compare the two writers) */
};

/* Append the YAML text of `root` to `out`. Returns 0, or -1 with *err set to
 * an allocated message (libyaml's) and `out` left as it was. */
int stc_yaml_out_write(const cJSON *root, unsigned flags, stc_buf *out, char **err);

/* True when a plain YAML scalar with this text would not read back as the
 * same string (null, booleans in YAML 1.1 and 1.2, numbers, timestamps,
 * the empty string). */
bool stc_yaml_out_needs_quotes(const char *s);

/* True when stc_yaml_out_write() writes `root` itself rather than through
 * libyaml: a non-empty mapping whose scalars are all short single-line
 * printable ASCII (see yaml_out.c); the text is the same either way. */
bool stc_yaml_out_direct(const cJSON *root, unsigned flags);

#endif
