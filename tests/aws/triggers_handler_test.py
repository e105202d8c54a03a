"""Generated handlers of triggered functions, under Debian's /usr/bin/python3,
in memory (docs/triggers.md, "Handlers").

Emits examples/photos.py and tests/aws/data/triggers_clock.py with $STC_BIN,
unpacks each function's zip and feeds its handler events written by hand
after the shapes in the AWS documentation: an EventBridge "Scheduled Event",
EventBridge "Object Created" / "Object Deleted" events from S3, a classic S3
notification (Records, URL-encoded key), an SQS batch and an SNS
notification. Expected values are worked out from the example code.
Run as /usr/bin/python3 triggers_handler_test.py with STC_BIN and
STC_TEST_DATA set (ctest does it).
"""
import io
import os
import shutil
import sys
import tempfile
from contextlib import redirect_stderr

from handler_harness import ROOT, TESTS, Tally, cold_import, emit as emit_service

WORK = tempfile.mkdtemp(prefix="stc-triggers-test-")
T = Tally()
check = T.check


def emit(module, name, mode="prod"):
    return emit_service(WORK, module, name, mode)


def load(folders, fn):
    """Import one function's handler.py (a cold start)."""
    return cold_import(WORK, folders[fn])


# ---------------------------------------------------------------------------
# events, after the AWS documentation's examples

def s3_eventbridge(detail_type, bucket, key, size=None, etag=None, time="2024-05-01T10:00:00Z"):
    obj = {"key": key, "sequencer": "00617F08299329D189"}
    if detail_type == "Object Created":
        obj.update({"size": size, "etag": etag, "version-id": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e"})
    detail = {"version": "0", "bucket": {"name": bucket}, "object": obj,
              "request-id": "N4N7GDK58NMKJ12R", "requester": "123456789012",
              "source-ip-address": "1.2.3.4",
              "reason": "PutObject" if detail_type == "Object Created" else "DeleteObject"}
    if detail_type == "Object Deleted":
        detail["deletion-type"] = "Permanently Deleted"
    return {"version": "0", "id": "17793124-05d4-b198-2fde-7ededc63b103", "detail-type": detail_type,
            "source": "aws.s3", "account": "123456789012", "time": time, "region": "eu-west-1",
            "resources": ["arn:aws:s3:::" + bucket], "detail": detail}


def s3_notification(event_name, bucket, key, size, etag):
    return {"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "eu-west-1",
        "eventTime": "2024-05-01T11:00:00.000Z", "eventName": event_name,
        "userIdentity": {"principalId": "AWS:AIDAEXAMPLE"},
        "requestParameters": {"sourceIPAddress": "1.2.3.4"},
        "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810",
                             "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "photos-created",
               "bucket": {"name": bucket, "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                          "arn": "arn:aws:s3:::" + bucket},
               "object": {"key": key, "size": size, "eTag": etag, "sequencer": "0055AED6DCD90281E5"}}}]}


def scheduled_event(time, rule="arn:aws:events:eu-west-1:123456789012:rule/my-schedule"):
    return {"version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event",
            "source": "aws.events", "account": "123456789012", "time": time, "region": "eu-west-1",
            "resources": [rule], "detail": {}}


def sqs_record(message_id, body, receive_count="1"):
    return {"messageId": message_id, "receiptHandle": "MessageReceiptHandle-" + message_id, "body": body,
            "attributes": {"ApproximateReceiveCount": receive_count, "SentTimestamp": "1714557600000",
                           "SenderId": "AIDAIENQZJOLO23YVJ4VO",
                           "ApproximateFirstReceiveTimestamp": "1714557600010"},
            "messageAttributes": {}, "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
            "eventSource": "aws:sqs", "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:jobs",
            "awsRegion": "eu-west-1"}


def sns_event(message, subject):
    topic = "arn:aws:sns:eu-west-1:123456789012:photo-announcements"
    return {"Records": [{
        "EventVersion": "1.0", "EventSource": "aws:sns",
        "EventSubscriptionArn": topic + ":2bcfbf39-05c3-41de-beaa-fcfcc21c8f55",
        "Sns": {"Type": "Notification", "MessageId": "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
                "TopicArn": topic, "Subject": subject, "Message": message,
                "Timestamp": "2024-05-01T12:00:00.000Z", "SignatureVersion": "1",
                "Signature": "EXAMPLE", "SigningCertUrl": "https://sns.eu-west-1.amazonaws.com/cert.pem",
                "UnsubscribeUrl": "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe",
                "MessageAttributes": {}}}]}


# ---------------------------------------------------------------------------
# photos: object created / removed, queue batch, topic

out, manifest, photos = emit(os.path.join(ROOT, "examples", "photos.py"), "photos")
sys.path.insert(0, photos["_on_photo_created"])
import stc_runtime  # noqa: E402  (the copy every zip ships, byte for byte)

with open(os.path.join(photos["_on_photo_created"], "handler.py")) as f:
    text = f.read()
check("a triggered handler lists its sources", 'TRIGGERS = ["object_created"]' in text, True)
with open(os.path.join(photos["upload_photo"], "handler.py")) as f:
    check("an untriggered handler has no conversion", "TRIGGERS" in f.read(), False)

stc_runtime.reset()
h = load(photos, "_on_photo_created")
got = h.handler(s3_eventbridge("Object Created", "photos-bucket-1", "uploads/cat 1.jpg", 2048,
                               "d41d8cd98f00b204e9800998ecf8427e"), None)
check("object created (EventBridge): the function's result", got, None)
index = stc_runtime.Table("index")
check("object created: key and size reach the method", index["uploads/cat 1.jpg"],
      {"key": "uploads/cat 1.jpg", "size": 2048, "pinned": False})
jobs = stc_runtime.Queue("jobs")
check("object created: a job is queued", jobs.get_nowait(), {"key": "uploads/cat 1.jpg"})

# The classic S3 notification shape: the key is URL-encoded ('+' is a space).
got = h.handler(s3_notification("ObjectCreated:Put", "photos-bucket-1", "uploads/cat+2%21.jpg", 10,
                                "0123456789abcdef0123456789abcdef"), None)
check("object created (S3 notification): one result per record", got, [None])
check("S3 notification: the key is decoded", index["uploads/cat 2!.jpg"],
      {"key": "uploads/cat 2!.jpg", "size": 10, "pinned": False})
check("S3 notification: a job is queued", jobs.get_nowait(), {"key": "uploads/cat 2!.jpg"})

# A removal event reaching the created function is not its trigger.
try:
    h.handler(s3_notification("ObjectRemoved:Delete", "photos-bucket-1", "x.jpg", 0, ""), None)
    check("ObjectRemoved to a created-only function raises", False, True)
except stc_runtime.InvalidArguments as exc:
    check("ObjectRemoved to a created-only function", "no trigger for S3 ObjectRemoved:Delete" in str(exc), True)

h = load(photos, "_on_photo_removed")
stc_runtime.Bucket("thumbnails")["uploads/cat 1.jpg"] = b"thumb"
got = h.handler(s3_eventbridge("Object Deleted", "photos-bucket-1", "uploads/cat 1.jpg"), None)
check("object deleted (EventBridge): result", got, None)
check("object deleted: the index entry is gone", "uploads/cat 1.jpg" in index, False)
check("object deleted: the thumbnail is gone", "uploads/cat 1.jpg" in stc_runtime.Bucket("thumbnails"), False)
check("object deleted: other entries stay", "uploads/cat 2!.jpg" in index, True)

# SQS: three messages, the second names a missing photo (KeyError), the
# third is not an object (the parameter is `message: dict`): both are
# reported in batchItemFailures, the first one is done.
photo_store = stc_runtime.Bucket("photos")
photo_store["a.jpg"] = bytes(range(256)) * 8  # 2048 bytes
h = load(photos, "_make_thumbnail")
batch = {"Records": [sqs_record("059f36b4-87a3-44ab-83d2-661975830a7d", '{"key": "a.jpg"}'),
                     sqs_record("2e1424d4-f796-459a-8184-9c92662be6da", '{"key": "missing.jpg"}', "2"),
                     sqs_record("6f2e5cf1-1c4a-4c9e-9a1a-3a4f3b3c2d1e", '"not an object"')]}
err = io.StringIO()
with redirect_stderr(err):
    got = h.handler(batch, None)
check("SQS batch: the failed messages, in order", got,
      {"batchItemFailures": [{"itemIdentifier": "2e1424d4-f796-459a-8184-9c92662be6da"},
                             {"itemIdentifier": "6f2e5cf1-1c4a-4c9e-9a1a-3a4f3b3c2d1e"}]})
check("SQS batch: the good message made its thumbnail (thumbnail_bytes = 1024)",
      stc_runtime.Bucket("thumbnails")["a.jpg"], (bytes(range(256)) * 8)[:1024])
check("SQS batch: each failure is logged with its message id",
      [("2e1424d4" in err.getvalue()), ("KeyError" in err.getvalue()), ("InvalidArguments" in err.getvalue())],
      [True, True, True])
with redirect_stderr(io.StringIO()):
    got = h.handler({"Records": [sqs_record("m-1", '{"key": "a.jpg"}')]}, None)
check("SQS batch without failures", got, {"batchItemFailures": []})
# A direct invocation still works (tests, other units).
check("direct invocation of a triggered function", h.handler({"message": {"key": "a.jpg"}}, None), "a.jpg")

# SNS: the message is JSON, the subject null.
h = load(photos, "_on_announcement")
got = h.handler(sns_event('{"pin": "uploads/cat 2!.jpg"}', None), None)
check("SNS: one result per record", got, [None])
check("SNS: the message reached the method", index["uploads/cat 2!.jpg"]["pinned"], True)
try:
    h.handler(sns_event('{"pin": "nobody.jpg"}', "pin"), None)
    check("SNS: a failing call raises (SNS retries)", False, True)
except KeyError:
    check("SNS: a failing call raises (SNS retries)", True, True)

# ---------------------------------------------------------------------------
# clock: schedules

_, _, clock = emit(os.path.join(TESTS, "aws", "data", "triggers_clock.py"), "clock")
stc_runtime.reset()
h = load(clock, "_tick")
check("scheduled event: time reaches the method", h.handler(scheduled_event("2024-05-01T03:00:00Z"), None),
      "2024-05-01T03:00:00Z")
check("scheduled event: the tick is stored", stc_runtime.Table("ticks")["2024-05-01T03:00:00Z"],
      {"at": "2024-05-01T03:00:00Z"})
# What the rule's input transformer sends: {"time": <time>}, a direct call.
check("input transformer shape", h.handler({"time": "2024-05-01T03:05:00Z"}, None), "2024-05-01T03:05:00Z")
h = load(clock, "_sweep")
check("scheduled event to a function without parameters", h.handler(scheduled_event("2024-05-01T04:00:00Z"), None), 2)
h = load(clock, "_report")
check("schedule input {days: 7} plus the time",
      h.handler({"days": 7, "time": "2024-05-06T08:00:00Z"}, None),
      {"days": 7, "time": "2024-05-06T08:00:00Z", "ticks": 2})
# The rule sends the input; a bare scheduled event lacks the required `days`.
try:
    h.handler(scheduled_event("2024-05-06T08:00:00Z"), None)
    check("bare scheduled event to _report raises", False, True)
except stc_runtime.InvalidArguments as exc:
    check("bare scheduled event to _report", "missing argument 'days'" in str(exc), True)

shutil.rmtree(WORK, ignore_errors=True)
T.finish()
