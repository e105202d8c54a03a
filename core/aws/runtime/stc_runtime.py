"""stc_runtime: the cloud side of a stc-tui service, shipped inside every function package.

A service module written for stc-tui annotates its resources in ``__init__``
(``MutableMapping[str, dict]`` for a table, ``MutableMapping[str, bytes]`` for a
bucket, ``Queue`` for a queue). In the cloud the generated handler replaces those
attributes with the classes below, backed by DynamoDB, S3 and SQS through boto3 as
the Lambda runtime provides it. Locally (no boto3, or ``STC_RUNTIME=memory``) the
same names work in memory, shared by name inside one process, so tests and local
runs behave like the cloud: values are stored as JSON, so reading gives a copy.

A module may also bind its resources the way the design's authors write theirs:
``self.x = MutableMapping.get_mapping(name)`` (read and write),
``Mapping.get_mapping(name)`` (read only), ``Channel.get_channel(config)`` (a
notification channel), with ``jdict`` configuration objects. The names come from
``__init__`` parameters; the template passes ``dynamodb://TABLE``,
``s3://BUCKET/`` or a configuration holding an SNS ``topic`` ARN, and any other
name is an in-memory store of that name (local runs). ``install_compat()`` makes
``jdict`` and the ``caios`` modules the authors import resolve to these classes
when those packages are not installed.

The generated handler calls ``build_service`` once per cold start and ``dispatch``
per event (API Gateway HTTP API v2, API Gateway WebSocket, or a direct invocation
with a JSON object of arguments). See docs/packaging.md in the stc-tui sources.
"""
import base64
import collections
import datetime
import decimal
import json
import os
import queue as _queue
import sys
import time
import traceback
import urllib.parse
import collections.abc as _abc

__all__ = [
    "Table", "Bucket", "Queue", "post_to_connection", "local_functions", "sent",
    "executions", "gone", "host", "reset", "mode", "InvalidArguments", "RemoteError",
    "build_service", "dispatch", "Mapping", "MutableMapping", "Channel", "jdict",
    "published", "install_compat", "start_route", "secrets",
]

# ---------------------------------------------------------------------------
# mode and clients


def mode():
    """'aws' in a Lambda function with boto3, 'memory' otherwise.

    STC_RUNTIME=memory or STC_RUNTIME=aws forces one of them."""
    forced = os.environ.get("STC_RUNTIME", "")
    if forced in ("memory", "aws"):
        return forced
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
        try:
            import boto3  # noqa: F401
            return "aws"
        except ImportError:
            return "memory"
    return "memory"


_clients = {}


def _client(service, endpoint_url=None):
    key = (service, endpoint_url)
    if key not in _clients:
        import boto3
        if endpoint_url:
            _clients[key] = boto3.client(service, endpoint_url=endpoint_url)
        else:
            _clients[key] = boto3.client(service)
    return _clients[key]


def _error_code(exc):
    response = getattr(exc, "response", None) or {}
    return response.get("Error", {}).get("Code", "")


# In-memory state, by resource name. reset() clears it (tests).
_tables = {}
_buckets = {}
_queues = {}
sent = []          # post_to_connection calls: {"url", "connection_id", "data"}
published = []     # Channel.send calls in memory: {"channel", "message", "subject"}
gone = set()       # connection ids that answer "gone" locally
executions = []    # state machine starts: {"state_machine", "input", "execution_arn"}
local_functions = {}  # name -> callable(**arguments), for calls between units locally
# A local host standing in for the cloud (stc-tui serve sets it): Lambda
# (invoke(name, payload_json) -> (payload, function_error)), Step Functions
# (start_execution(name, input_json) -> {"executionArn", "startDate"}) and
# the WebSocket management API (post_to_connection(url, connection_id, data),
# raising an error whose response says GoneException for a gone client) and
# SNS (publish(topic_arn, text, subject) -> message id, for Channel.send).
host = None


def reset():
    """Forget every in-memory table, bucket, queue, post and execution."""
    _tables.clear()
    _buckets.clear()
    _queues.clear()
    del sent[:]
    del published[:]
    gone.clear()
    del executions[:]
    local_functions.clear()


# ---------------------------------------------------------------------------
# JSON helpers


def _json_default(value):
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    raise TypeError("%s is not JSON serializable" % type(value).__name__)


def to_json(value):
    """JSON text of a value, the way every package answers (sets and tuples as
    lists, bytes as base64, Decimal as numbers, dates in ISO 8601)."""
    return json.dumps(value, default=_json_default, ensure_ascii=False, allow_nan=False)


# ---------------------------------------------------------------------------
# resources


class jdict(dict):
    """A JSON object whose keys read as attributes too: config.sender is
    config["sender"]. Nested objects are jdicts as well."""

    def __init__(self, *args, **kwargs):
        dict.__init__(self, *args, **kwargs)
        for k, v in self.items():
            dict.__setitem__(self, k, _jdictify(v))

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        self[name] = _jdictify(value)

    def __delattr__(self, name):
        try:
            del self[name]
        except KeyError:
            raise AttributeError(name) from None


def _jdictify(value):
    if isinstance(value, dict) and not isinstance(value, jdict):
        return jdict(value)
    if isinstance(value, list):
        return [_jdictify(v) for v in value]
    return value


class Mapping(_abc.Mapping):
    """A read-only key-value store. Mapping.get_mapping(name) binds one: the
    table or bucket the deployment names (read-only: writing raises
    TypeError, and the function's role has no write permission)."""

    @staticmethod
    def get_mapping(name):
        return _ReadOnly(_store_for(name))


class MutableMapping(Mapping, _abc.MutableMapping):
    """A key-value store that can be written: MutableMapping.get_mapping(name)."""

    @staticmethod
    def get_mapping(name):
        return _store_for(name)


class _ReadOnly(Mapping):
    def __init__(self, store):
        self._store = store

    def __repr__(self):
        return "Mapping(%r)" % getattr(self._store, "name", self._store)

    def __getitem__(self, key):
        return self._store[key]

    def __contains__(self, key):
        return key in self._store

    def __iter__(self):
        return iter(self._store)

    def __len__(self):
        return len(self._store)

    def _read_only(self):
        return TypeError("%r is read-only (bound with Mapping.get_mapping; MutableMapping.get_mapping can write)"
                         % self)

    def __setitem__(self, key, value):
        raise self._read_only()

    def __delitem__(self, key):
        raise self._read_only()


def _store_for(name):
    """The store a binding names: dynamodb://TABLE a table, s3://BUCKET/PREFIX a
    bucket of JSON values (under the prefix); any other name an in-memory
    table of that name (local runs, tests). JSON objects read back as jdicts."""
    if not isinstance(name, str) or not name:
        raise TypeError("get_mapping wants the store's name (a string), not %r" % (name,))
    if name.startswith("dynamodb://"):
        return Table(name[len("dynamodb://"):], jdicts=True)
    if name.startswith("s3://"):
        bucket, _, prefix = name[len("s3://"):].partition("/")
        return JsonBucket(bucket, prefix)
    return Table(name, jdicts=True)


def _check_key(key, key_type="str"):
    ok = isinstance(key, str) if key_type == "str" else \
        isinstance(key, int) and not isinstance(key, bool)
    if not ok:
        raise TypeError("keys must be %s, not %s" % (key_type, type(key).__name__))
    return key


class Table(MutableMapping):
    """A DynamoDB table as a MutableMapping[str, value].

    Items are {"key": S or N, "value": S (JSON text)}: the table's partition
    key is the attribute "key", a string (key_type "str") or a number
    ("int"). Any JSON value can be stored; reading returns a fresh copy, so
    change it and assign it back to save it."""

    def __init__(self, name, key_type="str", jdicts=False):
        self.name = name
        self.key_type = key_type
        self._aws = mode() == "aws"
        self._loads = (lambda text: json.loads(text, object_hook=jdict)) if jdicts else json.loads
        if not self._aws:
            self._data = _tables.setdefault(name, {})

    def _key(self, key):
        _check_key(key, self.key_type)
        return {"key": {"S": key} if self.key_type == "str" else {"N": str(key)}}

    def _unkey(self, attr):
        return attr["S"] if "S" in attr else int(attr["N"])

    def __repr__(self):
        return "Table(%r)" % self.name

    def __getitem__(self, key):
        k = self._key(key)
        if not self._aws:
            if key not in self._data:
                raise KeyError(key)
            return self._loads(self._data[key])
        got = _client("dynamodb").get_item(TableName=self.name, Key=k, ConsistentRead=True)
        if "Item" not in got:
            raise KeyError(key)
        return self._loads(got["Item"]["value"]["S"])

    def __setitem__(self, key, value):
        k = self._key(key)
        text = to_json(value)
        if not self._aws:
            self._data[key] = text
            return
        k["value"] = {"S": text}
        _client("dynamodb").put_item(TableName=self.name, Item=k)

    def __delitem__(self, key):
        k = self._key(key)
        if not self._aws:
            if key not in self._data:
                raise KeyError(key)
            del self._data[key]
            return
        old = _client("dynamodb").delete_item(TableName=self.name, Key=k, ReturnValues="ALL_OLD")
        if "Attributes" not in old:
            raise KeyError(key)

    def __contains__(self, key):
        try:
            _check_key(key, self.key_type)
        except TypeError:
            return False
        try:
            self[key]
        except KeyError:
            return False
        return True

    def __iter__(self):
        if not self._aws:
            return iter(sorted(self._data))
        return self._scan_keys()

    def _scan_keys(self):
        args = {"TableName": self.name, "ProjectionExpression": "#k",
                "ExpressionAttributeNames": {"#k": "key"}, "ConsistentRead": True}
        keys = []
        while True:
            page = _client("dynamodb").scan(**args)
            keys.extend(self._unkey(item["key"]) for item in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                break
            args["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return iter(sorted(keys))

    def __len__(self):
        if not self._aws:
            return len(self._data)
        args = {"TableName": self.name, "Select": "COUNT", "ConsistentRead": True}
        count = 0
        while True:
            page = _client("dynamodb").scan(**args)
            count += page.get("Count", 0)
            if "LastEvaluatedKey" not in page:
                return count
            args["ExclusiveStartKey"] = page["LastEvaluatedKey"]


class Bucket(MutableMapping):
    """An S3 bucket as a MutableMapping[str, bytes]: object key -> body."""

    def __init__(self, name):
        self.name = name
        self._aws = mode() == "aws"
        if not self._aws:
            self._data = _buckets.setdefault(name, {})

    def __repr__(self):
        return "Bucket(%r)" % self.name

    def __getitem__(self, key):
        _check_key(key)
        if not self._aws:
            if key not in self._data:
                raise KeyError(key)
            return self._data[key]
        s3 = _client("s3")
        try:
            return s3.get_object(Bucket=self.name, Key=key)["Body"].read()
        except Exception as exc:
            if _error_code(exc) in ("NoSuchKey", "404"):
                raise KeyError(key) from None
            raise

    def __setitem__(self, key, value):
        _check_key(key)
        if isinstance(value, str):
            raise TypeError("bucket values must be bytes, not str (encode it first)")
        if not isinstance(value, (bytes, bytearray, memoryview)):
            raise TypeError("bucket values must be bytes, not %s" % type(value).__name__)
        if not self._aws:
            self._data[key] = bytes(value)
            return
        _client("s3").put_object(Bucket=self.name, Key=key, Body=bytes(value))

    def __delitem__(self, key):
        if key not in self:
            raise KeyError(key)
        if not self._aws:
            del self._data[key]
            return
        _client("s3").delete_object(Bucket=self.name, Key=key)

    def __contains__(self, key):
        if not isinstance(key, str):
            return False
        if not self._aws:
            return key in self._data
        try:
            _client("s3").head_object(Bucket=self.name, Key=key)
        except Exception as exc:
            if _error_code(exc) in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True

    def _keys(self):
        args = {"Bucket": self.name}
        keys = []
        while True:
            page = _client("s3").list_objects_v2(**args)
            keys.extend(obj["Key"] for obj in page.get("Contents", []))
            if not page.get("IsTruncated"):
                return keys
            args["ContinuationToken"] = page["NextContinuationToken"]

    def __iter__(self):
        if not self._aws:
            return iter(sorted(self._data))
        return iter(sorted(self._keys()))

    def __len__(self):
        if not self._aws:
            return len(self._data)
        return len(self._keys())


class JsonBucket(Bucket):
    """An S3 bucket as a MutableMapping[str, JSON value] (a binding backed by a
    bucket): each value is an object holding its JSON text, under `prefix`;
    objects read back as jdicts."""

    def __init__(self, name, prefix=""):
        Bucket.__init__(self, name)
        self.prefix = prefix

    def __repr__(self):
        return "JsonBucket(%r, %r)" % (self.name, self.prefix)

    def __getitem__(self, key):
        _check_key(key)
        return json.loads(Bucket.__getitem__(self, self.prefix + key).decode("utf-8"), object_hook=jdict)

    def __setitem__(self, key, value):
        _check_key(key)
        Bucket.__setitem__(self, self.prefix + key, to_json(value).encode("utf-8"))

    def __delitem__(self, key):
        _check_key(key)
        Bucket.__delitem__(self, self.prefix + key)

    def __contains__(self, key):
        return isinstance(key, str) and Bucket.__contains__(self, self.prefix + key)

    def __iter__(self):
        n = len(self.prefix)
        return iter([k[n:] for k in Bucket.__iter__(self) if k.startswith(self.prefix)])

    def __len__(self):
        return sum(1 for _ in self)


class Queue:
    """An SQS queue with the queue.Queue interface (put, get, get_nowait, qsize,
    empty). Items are JSON values. `name` is the queue URL in the cloud."""

    def __init__(self, name):
        self.name = name
        self._aws = mode() == "aws"
        if not self._aws:
            self._data = _queues.setdefault(name, collections.deque())

    def __repr__(self):
        return "Queue(%r)" % self.name

    def put(self, item, block=True, timeout=None):
        text = to_json(item)
        if not self._aws:
            self._data.append(text)
            return
        _client("sqs").send_message(QueueUrl=self.name, MessageBody=text)

    def put_nowait(self, item):
        self.put(item, block=False)

    def get(self, block=True, timeout=None):
        """The oldest item; raises queue.Empty when there is none (waiting up
        to `timeout` seconds, at most 20, in the cloud when block is true)."""
        if not self._aws:
            if not self._data:
                raise _queue.Empty()
            return json.loads(self._data.popleft())
        wait = 0
        if block:
            wait = 20 if timeout is None else max(0, min(20, int(timeout)))
        sqs = _client("sqs")
        got = sqs.receive_message(QueueUrl=self.name, MaxNumberOfMessages=1, WaitTimeSeconds=wait)
        messages = got.get("Messages", [])
        if not messages:
            raise _queue.Empty()
        sqs.delete_message(QueueUrl=self.name, ReceiptHandle=messages[0]["ReceiptHandle"])
        return json.loads(messages[0]["Body"])

    def get_nowait(self):
        return self.get(block=False)

    def qsize(self):
        if not self._aws:
            return len(self._data)
        attrs = _client("sqs").get_queue_attributes(
            QueueUrl=self.name, AttributeNames=["ApproximateNumberOfMessages"])
        return int(attrs["Attributes"]["ApproximateNumberOfMessages"])

    def empty(self):
        return self.qsize() == 0

    def __len__(self):
        return self.qsize()


class Channel:
    """A notification channel: an SNS topic in the cloud. Channel.get_channel(config)
    binds one from its configuration (a jdict whose "topic" is the topic's ARN,
    which the template sets); without a topic it is an in-memory channel, and
    what it sends is kept in stc_runtime.published (under stc-tui serve, a
    channel with a topic publishes to the local host)."""

    def __init__(self, topic=None, name=None):
        self.topic, self.name = topic, name or topic or "channel"
        self._aws = mode() == "aws" and bool(topic)

    def __repr__(self):
        return "Channel(%r)" % self.name

    @staticmethod
    def get_channel(config):
        if isinstance(config, str):
            try:
                config = json.loads(config)
            except ValueError:
                return Channel(config if config.startswith("arn:") else None, config)
        if not isinstance(config, dict):
            raise TypeError("get_channel wants the channel's configuration (a JSON object), not %r" % (config,))
        topic = config.get("topic")
        return Channel(topic, config.get("name") or topic)

    def send(self, message, subject=None):
        """Publish a message (str as it is, anything else as JSON); returns
        the message id."""
        text = message if isinstance(message, str) else to_json(message)
        if not self._aws and host is not None and self.topic:
            return host.publish(self.topic, text, str(subject)[:100] if subject else None)
        if not self._aws:
            published.append({"channel": self.name, "message": json.loads(to_json(message)), "subject": subject})
            return "memory-%d" % len(published)
        args = {"TopicArn": self.topic, "Message": text}
        if subject:
            args["Subject"] = str(subject)[:100]
        return _client("sns").publish(**args)["MessageId"]


def install_compat():
    """Make `jdict` and the caios interfaces importable (`from jdict import
    jdict`, `from caios.abc.mapping import Mapping`, `from
    caios.abc.mutable_mapping import Mapping, MutableMapping`, `from
    caios.protocol.channel import Channel`) as these classes, unless packages
    of those names are installed. Safe to call more than once."""
    import importlib.util
    import types

    def installed(name):
        if name in sys.modules:
            return True
        try:
            return importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            return False

    def provide(name, package=False, **names):
        if installed(name):
            return
        module = types.ModuleType(name)
        module.__file__ = "<stc_runtime compat: %s>" % name
        if package:
            module.__path__ = []
        module.__dict__.update(names)
        sys.modules[name] = module
        parent, _, child = name.rpartition(".")
        if parent in sys.modules:
            setattr(sys.modules[parent], child, module)

    provide("jdict", jdict=jdict)
    provide("caios", package=True)
    provide("caios.abc", package=True)
    provide("caios.abc.mapping", Mapping=Mapping)
    provide("caios.abc.mutable_mapping", Mapping=Mapping, MutableMapping=MutableMapping)
    provide("caios.protocol", package=True)
    provide("caios.protocol.channel", Channel=Channel)


RESOURCE_KINDS = {"table": Table, "bucket": Bucket, "queue": Queue}

# ---------------------------------------------------------------------------
# WebSocket replies


def post_to_connection(url, connection_id, data):
    """Send `data` to a WebSocket client. `url` is the connection's callback
    URL (https://{domain}/{stage}, as the handler passes it). Bytes go as they
    are, str as UTF-8, anything else as JSON. Returns False when the client has
    gone away, True otherwise."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        payload = bytes(data)
    elif isinstance(data, str):
        payload = data.encode("utf-8")
    else:
        payload = to_json(data).encode("utf-8")
    aws = mode() == "aws"
    if not aws and host is None:
        if connection_id in gone:
            return False
        sent.append({"url": url, "connection_id": connection_id, "data": data})
        return True
    try:
        if aws:
            _client("apigatewaymanagementapi", endpoint_url=url).post_to_connection(
                ConnectionId=connection_id, Data=payload)
        else:
            host.post_to_connection(url, connection_id, payload)
    except Exception as exc:
        if _error_code(exc) == "GoneException":
            return False
        raise
    return True


# ---------------------------------------------------------------------------
# types: the annotation text of a parameter, parsed once


class InvalidArguments(Exception):
    """The arguments of a direct invocation are missing or of the wrong type."""


class _BadValue(Exception):
    pass


_SCALARS = {"str": "str", "int": "int", "float": "float", "bool": "bool", "None": "none",
            "NoneType": "none", "bytes": "str"}
_LISTS = {"list", "List", "Sequence", "Iterable", "tuple", "Tuple", "set", "Set",
          "frozenset", "FrozenSet", "MutableSequence", "Collection"}
_DICTS = {"dict", "Dict", "Mapping", "MutableMapping"}
_JDICTS = {"jdict"}


def parse_type(text):
    """('any',) ('str',) ('int',) ('float',) ('bool',) ('none',)
    ('list', T) ('dict', T) ('union', [T...]) from an annotation's text."""
    if not text:
        return ("any",)
    tokens = []
    i = 0
    while i < len(text):
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "[],|":
            tokens.append(c)
            i += 1
        elif c in "'\"":
            j = text.find(c, i + 1)
            j = len(text) if j < 0 else j
            tokens.append(text[i + 1:j])
            i = j + 1
        else:
            j = i
            while j < len(text) and not text[j].isspace() and text[j] not in "[],|'\"":
                j += 1
            tokens.append(text[i:j])
            i = j
    pos = [0]

    def peek():
        return tokens[pos[0]] if pos[0] < len(tokens) else None

    def take():
        tok = peek()
        pos[0] += 1
        return tok

    def one():
        name = take() or ""
        args = []
        if peek() == "[":
            take()
            while peek() not in ("]", None):
                args.append(union())
                if peek() == ",":
                    take()
            take()
        base = name.split(".")[-1]
        if base in _SCALARS:
            return (_SCALARS[base],)
        if base == "Optional" and args:
            return ("union", [args[0], ("none",)])
        if base == "Union" and args:
            return ("union", args)
        if base in _LISTS:
            return ("list", args[0] if args else ("any",))
        if base in _DICTS:
            return ("dict", args[1] if len(args) > 1 else ("any",))
        if base in _JDICTS:
            return ("jdict",)
        return ("any",)

    def union():
        first = one()
        alts = [first]
        while peek() == "|":
            take()
            alts.append(one())
        return first if len(alts) == 1 else ("union", alts)

    try:
        return union()
    except Exception:
        return ("any",)


_TYPE_WORDS = {"str": "a string", "int": "an integer", "float": "a number", "bool": "a boolean",
               "none": "null", "list": "an array", "dict": "an object", "jdict": "an object", "any": "a value"}


def describe_type(t):
    if t[0] == "union":
        return " or ".join(describe_type(a) for a in t[1])
    if t[0] == "list" and t[1][0] != "any":
        return "an array of " + _plural(t[1])
    return _TYPE_WORDS[t[0]]


def _plural(t):
    words = {"str": "strings", "int": "integers", "float": "numbers", "bool": "booleans",
             "none": "nulls", "list": "arrays", "dict": "objects", "jdict": "objects", "any": "values"}
    if t[0] == "union":
        return " or ".join(_plural(a) for a in t[1])
    return words[t[0]]


def _json_kind(value):
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _sub(where, suffix):
    """"body field 'items'" + "[1]" -> "body field 'items[1]'"."""
    return where[:-1] + suffix + "'" if where.endswith("'") else where + suffix


def check_json(value, t, where):
    """The value of a JSON argument checked against type t (ints accepted for
    float); raises _BadValue naming `where`."""
    kind = t[0]
    if kind == "any":
        return value
    if kind == "union":
        for alt in t[1]:
            try:
                return check_json(value, alt, where)
            except _BadValue:
                pass
        raise _BadValue("%s must be %s, not %s" % (where, describe_type(t), _json_kind(value)))
    ok = {
        "str": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "none": value is None,
        "list": isinstance(value, list),
        "dict": isinstance(value, dict),
        "jdict": isinstance(value, dict),
    }[kind]
    if not ok:
        raise _BadValue("%s must be %s, not %s" % (where, describe_type(t), _json_kind(value)))
    if kind == "float":
        return float(value)
    if kind == "list":
        return [check_json(v, t[1], _sub(where, "[%d]" % i)) for i, v in enumerate(value)]
    if kind == "dict":
        return {k: check_json(v, t[1], _sub(where, "[%s]" % json.dumps(k))) for k, v in value.items()}
    if kind == "jdict":
        return jdict(value)
    return value


def _text_scalar(text, t, where):
    kind = t[0]
    if kind in ("str", "any"):
        return text
    if kind == "int":
        s = text.strip()
        digits = s[1:] if s[:1] in "+-" else s
        if digits.isdigit() and digits.isascii():
            return int(s)
        raise _BadValue("%s must be an integer, not %s" % (where, json.dumps(text)))
    if kind == "float":
        try:
            f = float(text)
        except ValueError:
            f = None
        if f is None or f != f or f in (float("inf"), float("-inf")):
            raise _BadValue("%s must be a number, not %s" % (where, json.dumps(text)))
        return f
    if kind == "bool":
        low = text.strip().lower()
        if low in ("true", "1", "yes"):
            return True
        if low in ("false", "0", "no"):
            return False
        raise _BadValue("%s must be true or false, not %s" % (where, json.dumps(text)))
    if kind == "none":
        if text in ("", "null"):
            return None
        raise _BadValue("%s must be empty (null), not %s" % (where, json.dumps(text)))
    if kind in ("dict", "jdict"):
        try:
            value = json.loads(text)
        except ValueError:
            raise _BadValue("%s must be a JSON object, not %s" % (where, json.dumps(text))) from None
        return check_json(value, t, where)
    raise _BadValue("%s cannot be given as text" % where)


def convert_text(values, t, where):
    """Convert the string value(s) of a path or query parameter: `values` is a
    list of strings (a repeated query parameter gives several)."""
    if t[0] == "union":
        alts = t[1]
        if any(a[0] == "none" for a in alts) and values == [""] and \
                not any(a[0] in ("str", "any") for a in alts):
            return None
        for alt in alts:
            if alt[0] == "none":
                continue
            try:
                return convert_text(values, alt, where)
            except _BadValue:
                pass
        raise _BadValue("%s must be %s, not %s" % (where, describe_type(t), json.dumps(",".join(values))))
    if t[0] == "list":
        items = []
        for v in values:
            items.extend(v.split(",") if v != "" else [])
        return [convert_text([v], t[1], _sub(where, "[%d]" % i)) for i, v in enumerate(items)]
    if len(values) != 1:
        raise _BadValue("%s is given %d times; give it once" % (where, len(values)))
    return _text_scalar(values[0], t, where)


# ---------------------------------------------------------------------------
# calls between units


class RemoteError(Exception):
    """An error another function raised, when its class is not known here."""

    def __init__(self, error_type, message):
        Exception.__init__(self, message)
        self.error_type = error_type


def _remote_exception(namespace, error_type, message):
    cls = namespace.get(error_type) if namespace else None
    if cls is None:
        import builtins
        cls = getattr(builtins, error_type, None)
    if isinstance(cls, type) and issubclass(cls, Exception):
        try:
            return cls(message)
        except Exception:
            pass
    return type(str(error_type), (RemoteError,), {})(error_type, message)


def _arguments(name, params, args, kwargs):
    if len(args) > len(params):
        raise TypeError("%s() takes %d arguments but %d were given" % (name, len(params), len(args)))
    out = dict(zip(params, args))
    for k, v in kwargs.items():
        if k in out:
            raise TypeError("%s() got multiple values for argument '%s'" % (name, k))
        out[k] = v
    return out


class FunctionProxy:
    """self._fn(...) inside a function: invokes the Lambda of `_fn`
    synchronously with a JSON object of arguments keyed by parameter name.
    Locally it calls local_functions[name](**arguments)."""

    def __init__(self, name, env, params, namespace=None):
        self.name, self.env, self.params, self.namespace = name, env, list(params), namespace

    def __call__(self, *args, **kwargs):
        arguments = _arguments(self.name, self.params, args, kwargs)
        if mode() != "aws" and host is not None:
            payload, failed = host.invoke(self.name, to_json(arguments))
            return self._answer(payload, failed)
        if mode() != "aws":
            fn = local_functions.get(self.name)
            if fn is None:
                raise RuntimeError("no local implementation of %s: set stc_runtime.local_functions[%r]"
                                   % (self.name, self.name))
            return json.loads(to_json(fn(**json.loads(to_json(arguments)))))
        function_name = os.environ.get(self.env)
        if not function_name:
            raise RuntimeError("environment variable %s (the function %s) is not set" % (self.env, self.name))
        got = _client("lambda").invoke(FunctionName=function_name, InvocationType="RequestResponse",
                                       Payload=to_json(arguments).encode("utf-8"))
        payload = json.loads(got["Payload"].read() or b"null")
        return self._answer(payload, bool(got.get("FunctionError")))

    def _answer(self, payload, failed):
        """The invoked function's payload, or its error raised as the class
        of that name in this module when there is one (Lambda's FunctionError)."""
        if failed:
            payload = payload if isinstance(payload, dict) else {}
            raise _remote_exception(self.namespace, payload.get("errorType", "RemoteError"),
                                    payload.get("errorMessage", ""))
        return payload


class StateMachineProxy:
    """self.workflow(...) inside a function: starts the state machine of the
    async method with its arguments as input; returns the execution ARN."""

    def __init__(self, name, env, params, namespace=None):
        self.name, self.env, self.params = name, env, list(params)

    def __call__(self, *args, **kwargs):
        arguments = _arguments(self.name, self.params, args, kwargs)
        if mode() != "aws" and host is not None:
            return host.start_execution(self.name, to_json(arguments))["executionArn"]
        if mode() != "aws":
            arn = "arn:stc:memory:execution:%s:%d" % (self.name, len(executions) + 1)
            executions.append({"state_machine": self.name, "input": json.loads(to_json(arguments)),
                               "execution_arn": arn})
            return arn
        machine = os.environ.get(self.env)
        if not machine:
            raise RuntimeError("environment variable %s (the state machine %s) is not set" % (self.env, self.name))
        got = _client("stepfunctions").start_execution(stateMachineArn=machine, input=to_json(arguments))
        return got["executionArn"]


# ---------------------------------------------------------------------------
# the service object, built once per cold start


class _Unconfigured:
    """A resource the template gave this function no access to: any use fails
    with a clear message (only when the code path runs, not at cold start)."""

    def __init__(self, attr, env):
        self._what = ("resource '%s' is not configured for this function: environment variable %s is not set"
                      % (attr, env))

    def _fail(self, *args, **kwargs):
        raise RuntimeError(self._what)

    __getitem__ = __setitem__ = __delitem__ = __contains__ = __iter__ = __len__ = _fail

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise RuntimeError(self._what)


# Secrets (docs/hardening.md, "Secrets"): a parameter the configuration keeps
# in Secrets Manager (STC_SECRET_<P>: the secret's name or ARN) or in SSM
# Parameter Store (STC_SSM_<P>) is read when the service is built, with the
# role's ReadSecrets permission; in memory, from `secrets`.
secrets = {}


def _secret_param(p):
    """The text of parameter p from its secret, or None when it has none."""
    rest = p["env"][len("STC_PARAM_"):] if p["env"].startswith("STC_PARAM_") else p["env"]
    for source, env in (("secretsmanager", "STC_SECRET_" + rest), ("ssm", "STC_SSM_" + rest)):
        ref = os.environ.get(env)
        if not ref:
            continue
        if mode() != "aws":
            if ref not in secrets:
                raise RuntimeError("service parameter '%s' is kept in %s as %r: set stc_runtime.secrets[%r] "
                                   "to run it here" % (p["name"], source, ref, ref))
            return secrets[ref]
        if source == "ssm":
            return _client("ssm").get_parameter(Name=ref, WithDecryption=True)["Parameter"]["Value"]
        got = _client("secretsmanager").get_secret_value(SecretId=ref)
        if "SecretString" not in got:
            raise RuntimeError("service parameter '%s': secret %r holds binary data, not text" % (p["name"], ref))
        return got["SecretString"]
    return None


def build_service(cls, init_params, resources, calls, namespace=None):
    """Construct the service: __init__ arguments from the environment
    (STC_PARAM_*, converted by their type hints; absent ones take their
    defaults), then resource attributes bound to tables, buckets and queues
    (STC_TABLE_*, STC_BUCKET_*, STC_QUEUE_*), then attributes of other units bound to proxies."""
    kwargs = {}
    for p in init_params:
        text = os.environ.get(p["env"])
        if text is None:
            text = _secret_param(p)
        if text is None:
            if p["required"]:
                raise RuntimeError("service parameter '%s' is not set: environment variable %s"
                                   % (p["name"], p["env"]))
            continue
        try:
            kwargs[p["name"]] = convert_text([text], parse_type(p.get("type")),
                                             "service parameter '%s'" % p["name"])
        except _BadValue as exc:
            raise RuntimeError("%s (environment variable %s)" % (exc, p["env"])) from None
    service = cls(**kwargs)
    aws = mode() == "aws"
    for r in resources:
        name = os.environ.get(r["env"])
        if not name:
            if aws:
                setattr(service, r["attr"], _Unconfigured(r["attr"], r["env"]))
                continue
            name = r["attr"]
        if r["kind"] == "table":
            setattr(service, r["attr"], Table(name, r.get("key_type") or "str"))
        else:
            setattr(service, r["attr"], RESOURCE_KINDS[r["kind"]](name))
    for c in calls:
        proxy = FunctionProxy if c["unit"] == "lambda" else StateMachineProxy
        setattr(service, c["attr"], proxy(c["attr"], c["env"], c["params"], namespace))
    return service


# ---------------------------------------------------------------------------
# events


def _http_answer(status, value=None, error=None, message=None):
    headers = {"content-type": "application/json"}
    if error is not None:
        return {"statusCode": status, "headers": headers,
                "body": to_json({"error": error, "message": message})}
    return {"statusCode": status, "headers": headers, "body": to_json(value)}


def _event_kind(event):
    if isinstance(event, dict) and isinstance(event.get("requestContext"), dict):
        ctx = event["requestContext"]
        if "connectionId" in ctx:
            return "websocket"
        if event.get("version") == "2.0" or "routeKey" in event or "http" in ctx:
            return "http"
    return "direct"


def _body_object(event, where="the body"):
    body = event.get("body")
    if body is None or body == "":
        return {}
    if event.get("isBase64Encoded"):
        try:
            body = base64.b64decode(body, validate=True).decode("utf-8")
        except ValueError:
            raise _BadValue("%s is not valid base64-encoded UTF-8" % where) from None
    try:
        value = json.loads(body)
    except ValueError as exc:
        raise _BadValue("%s is not valid JSON: %s" % (where, exc)) from None
    if not isinstance(value, dict):
        raise _BadValue("%s must be a JSON object, not %s" % (where, _json_kind(value)))
    return value


def _query_lists(event):
    raw = event.get("rawQueryString")
    if raw is not None:
        return urllib.parse.parse_qs(raw, keep_blank_values=True)
    qs = event.get("queryStringParameters") or {}
    return {k: v.split(",") for k, v in qs.items()}


def _bind_json(params, values, where_fmt, allow_extra=False):
    """kwargs from a JSON object, every parameter checked; unknown keys and
    missing required parameters are errors."""
    names = {p["name"] for p in params}
    if not allow_extra:
        for k in values:
            if k not in names:
                raise _BadValue("unknown %s" % (where_fmt % k))
    kwargs = {}
    for p in params:
        if p["name"] in values:
            kwargs[p["name"]] = check_json(values[p["name"]], parse_type(p.get("type")),
                                           where_fmt % p["name"])
        elif p["required"]:
            raise _BadValue("missing %s" % (where_fmt % p["name"]))
        elif p.get("default_none"):
            kwargs[p["name"]] = None
    if allow_extra:
        for k, v in values.items():
            if k not in names:
                kwargs[k] = v
    return kwargs


def _principal(identity):
    """The IAM principal of a SigV4-signed request, from API Gateway's
    requestContext.authorizer.iam (HTTP API) or requestContext.identity
    (a WebSocket connection signed at $connect)."""
    arn = identity.get("userArn")
    if not arn:
        return None
    return {"arn": arn, "account": identity.get("accountId"), "user_id": identity.get("userId") or identity.get("user"),
            "access_key": identity.get("accessKey")}


# What API Gateway adds to a Lambda authorizer's context in requestContext.authorizer.
_AUTHORIZER_OWN = ("principalId", "integrationLatency")


def _caller(event):
    """Who made the request, as API Gateway authenticated it: the JWT's claims
    (auth: jwt), the IAM principal {"arn", "account", "user_id",
    "access_key"} (auth: iam), or None (auth: none). Never read from the
    request itself. A WebSocket connection is authorized once, at $connect,
    and API Gateway gives every event of the connection what it found: the
    generated JWT authorizer's context (the token's claims, as text) or the
    signer's identity."""
    ctx = event.get("requestContext") or {}
    auth = ctx.get("authorizer") or {}
    jwt = auth.get("jwt")
    if isinstance(jwt, dict):
        return jdict(jwt.get("claims") or {})
    iam = auth.get("iam")
    if isinstance(iam, dict):
        who = _principal(iam)
        return jdict(who) if who else None
    websocket = bool(ctx.get("connectionId"))
    if websocket and "principalId" in auth:
        return jdict({k: v for k, v in auth.items() if k not in _AUTHORIZER_OWN})
    identity = ctx.get("identity")
    if websocket and isinstance(identity, dict):
        who = _principal(identity)
        return jdict(who) if who else None
    return None


_CALLER_REFUSED = ("'%s' is the authenticated identity of the request (the route's auth); "
                   "the request cannot set it")


def _bind_http(fn, event):
    method = (event.get("requestContext", {}).get("http", {}).get("method")
              or (event.get("routeKey") or "GET").split(" ")[0]).upper()
    path = event.get("pathParameters") or {}
    query = _query_lists(event)
    body_params = []
    kwargs = {}
    for p in fn["params"]:
        if p.get("in") == "caller":
            if p["name"] in query:
                raise _BadValue(_CALLER_REFUSED % p["name"])
            kwargs[p["name"]] = _caller(event)
            continue
        where = p.get("in")
        if where is None:
            if p["name"] in path:
                where = "path"
            elif method in ("GET", "DELETE", "HEAD"):
                where = "query"
            else:
                where = "body"
        t = parse_type(p.get("type"))
        if where == "path":
            if p["name"] not in path:
                raise _BadValue("missing path parameter '%s'" % p["name"])
            kwargs[p["name"]] = convert_text([path[p["name"]]], t, "path parameter '%s'" % p["name"])
        elif where == "query":
            if p["name"] in query:
                kwargs[p["name"]] = convert_text(query[p["name"]], t, "query parameter '%s'" % p["name"])
            elif p["required"]:
                raise _BadValue("missing query parameter '%s'" % p["name"])
            elif p.get("default_none"):
                kwargs[p["name"]] = None
        else:
            body_params.append(p)
    if body_params or (event.get("body") not in (None, "")):
        values = _body_object(event)
        for p in fn["params"]:
            if p.get("in") == "caller" and p["name"] in values:
                raise _BadValue(_CALLER_REFUSED % p["name"])
        kwargs.update(_bind_json(body_params, values, "body field '%s'"))
    return kwargs


def _bind_websocket(fn, event):
    ctx = event["requestContext"]
    url = "https://%s/%s" % (ctx.get("domainName", ""), ctx.get("stage", ""))
    params = fn["params"]
    kwargs = {}
    if len(params) >= 1:
        kwargs[params[0]["name"]] = url
    if len(params) >= 2:
        kwargs[params[1]["name"]] = ctx.get("connectionId")
    rest = []
    for p in params[2:]:
        if p.get("in") == "caller":
            # The identity API Gateway authenticated at $connect, in
            # every event of the connection.
            kwargs[p["name"]] = _caller(event)
        else:
            rest.append(p)
    callers = {p["name"] for p in params[2:] if p.get("in") == "caller"}
    if ctx.get("eventType") == "CONNECT" or ctx.get("routeKey") == "$connect":
        qs = event.get("queryStringParameters") or {}
        for name in callers:
            if name in qs:
                raise _BadValue(_CALLER_REFUSED % name)
        for p in rest:
            if p["name"] in qs:
                kwargs[p["name"]] = convert_text([qs[p["name"]]], parse_type(p.get("type")),
                                                 "query parameter '%s'" % p["name"])
            elif p["required"]:
                raise _BadValue("missing query parameter '%s'" % p["name"])
            elif p.get("default_none"):
                kwargs[p["name"]] = None
        return kwargs
    if not rest and event.get("body") in (None, ""):
        return kwargs
    values = _body_object(event, "the message")
    values = {k: v for k, v in values.items() if k != "action"}
    for name in callers:
        if name in values:
            raise _BadValue(_CALLER_REFUSED % name)
    if not rest:
        return kwargs
    kwargs.update(_bind_json(rest, values, "message field '%s'"))
    return kwargs


def _log_exception(fn):
    sys.stderr.write("stc_runtime: %s raised:\n%s" % (fn["name"], traceback.format_exc()))


def _http_failure(fn, exc, service_module):
    if isinstance(exc, KeyError):
        key = exc.args[0] if exc.args else ""
        return _http_answer(404, error="NotFound", message="no item %s" % to_json(key)
                            if isinstance(key, (str, int)) else "not found")
    if type(exc).__module__ == service_module:
        return _http_answer(400, error=type(exc).__name__, message=str(exc))
    _log_exception(fn)
    return _http_answer(500, error="InternalServerError",
                        message="%s raised %s; see the function's log" % (fn["name"], type(exc).__name__))


def dispatch(service, fn, event, context=None):
    """Turn one event into a call of the method `fn["name"]` and its result
    into the answer the event's source expects."""
    kind = _event_kind(event)
    method = getattr(service, fn["name"])
    service_module = type(service).__module__
    if kind == "http" and fn["kind"] == "rest":
        try:
            kwargs = _bind_http(fn, event)
        except _BadValue as exc:
            return _http_answer(400, error="BadRequest", message=str(exc))
        try:
            result = method(**kwargs)
        except Exception as exc:
            return _http_failure(fn, exc, service_module)
        try:
            return _http_answer(fn.get("status", 200), result)
        except (TypeError, ValueError) as exc:
            return _http_answer(500, error="InternalServerError",
                                message="the result of %s is not JSON: %s" % (fn["name"], exc))
    if kind == "websocket" and fn["kind"] == "websocket":
        try:
            kwargs = _bind_websocket(fn, event)
        except _BadValue as exc:
            return {"statusCode": 400, "body": to_json({"error": "BadRequest", "message": str(exc)})}
        try:
            result = method(**kwargs)
        except Exception as exc:
            if type(exc).__module__ != service_module:
                _log_exception(fn)
            return {"statusCode": 500 if type(exc).__module__ != service_module else 400,
                    "body": to_json({"error": type(exc).__name__, "message": str(exc)})}
        if result is None:
            return {"statusCode": 200}
        return {"statusCode": 200, "body": to_json(result)}
    if kind != "direct":
        raise InvalidArguments("%s is a %s unit and cannot answer a %s event" % (fn["name"], fn["kind"], kind))
    if not isinstance(event, dict):
        raise InvalidArguments("%s expects a JSON object of arguments, not %s" % (fn["name"], _json_kind(event)))
    try:
        kwargs = _bind_json(fn["params"], event, "argument '%s'", allow_extra=fn.get("kwargs", False))
    except _BadValue as exc:
        raise InvalidArguments("%s: %s" % (fn["name"], exc)) from None
    result = method(**kwargs)
    return json.loads(to_json(result))


# ---------------------------------------------------------------------------
# the starter of an async route: binds the request as a synchronous route
# does (path, query, body, caller) and starts the workflow with those
# arguments as its input. STC_START says how: "standard" answers 202 with the
# execution, "express" waits for it and answers as the REST API of the
# template's Express routes does (docs/template.md).


def _epoch(value):
    if isinstance(value, datetime.datetime):
        return value.timestamp()
    return value


def _express_answer(fn, got):
    status = got.get("status")
    if status == "SUCCEEDED":
        try:
            output = json.loads(got.get("output") or "null")
        except ValueError:
            output = got.get("output")
        return _http_answer(200, output)
    if status == "TIMED_OUT":
        return _http_answer(504, error="Timeout",
                            message="%s ran past the 5-minute limit of an Express execution" % fn["name"])
    error, cause = got.get("error") or "", got.get("cause") or ""
    if error in fn.get("errors", ()):
        return _http_answer(400, error=error, message=cause)
    if error == "KeyError":
        return _http_answer(404, error="NotFound", message=cause)
    sys.stderr.write("stc_runtime: %s failed: %s: %s\n" % (fn["name"], error, cause))
    return _http_answer(500, error="InternalServerError",
                        message="%s failed; see the state machine's log" % fn["name"])


def start_route(fn, event, context=None):
    """Answer an HTTP API event for the async route `fn` by starting its
    state machine (the environment variable fn["state_machine"] holds its
    ARN) with the bound arguments as input."""
    if _event_kind(event) != "http":
        raise InvalidArguments("%s starts its workflow from HTTP API events only" % fn["name"])
    try:
        kwargs = _bind_http(fn, event)
    except _BadValue as exc:
        return _http_answer(400, error="BadRequest", message=str(exc))
    text = to_json(kwargs)
    express = os.environ.get("STC_START", "standard") == "express"
    if mode() != "aws" and host is not None:
        # stc-tui serve: its executions; it waits for an Express one itself
        got = host.start_execution(fn["name"], text)
        return _http_answer(202, {"executionArn": got["executionArn"], "startDate": got["startDate"]})
    if mode() != "aws":
        arn = "arn:stc:memory:execution:%s:%d" % (fn["name"], len(executions) + 1)
        executions.append({"state_machine": fn["name"], "input": json.loads(text), "execution_arn": arn})
        return _http_answer(202, {"executionArn": arn, "startDate": time.time()})
    machine = os.environ.get(fn["state_machine"])
    if not machine:
        raise RuntimeError("environment variable %s (the state machine of %s) is not set"
                           % (fn["state_machine"], fn["name"]))
    client = _client("stepfunctions")
    if express:
        return _express_answer(fn, client.start_sync_execution(stateMachineArn=machine, input=text))
    got = client.start_execution(stateMachineArn=machine, input=text)
    return _http_answer(fn.get("status", 202), {"executionArn": got["executionArn"],
                                                 "startDate": _epoch(got.get("startDate"))})
